package io.drydock.admission;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The parts of an {@code admission.k8s.io/v1} AdmissionRequest the gate uses. Only the image references inside
 * {@code object} are ever trusted for a decision; the rest identifies the request for the response and the log.
 *
 * @param subResource empty when the request is for the resource itself
 * @param namespace empty for cluster-scoped objects
 * @param name empty when the API server has still to generate it
 * @param object the object as admitted, or null (DELETE and CONNECT carry none)
 * @param username who asked, for the log only
 */
public record AdmissionRequest(String uid, GroupVersionKind kind, GroupVersionResource resource, String subResource,
        String namespace, String name, String operation, JsonNode object, String username) {

    /** {@code group} is empty for the core API group (Pods, ReplicationControllers). */
    public record GroupVersionKind(String group, String version, String kind) {
        @Override
        public String toString() {
            return (group.isEmpty() ? "" : group + "/") + version + ", Kind=" + kind;
        }
    }

    public record GroupVersionResource(String group, String version, String resource) {
    }

    public boolean isSubResource(String sub) {
        return subResource.equals(sub);
    }
}
