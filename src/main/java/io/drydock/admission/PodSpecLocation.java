package io.drydock.admission;

import com.fasterxml.jackson.core.JsonPointer;

/**
 * Where a kind keeps its pod spec: {@code podSpec} is a JSON Pointer into the object. Kinds are matched by group
 * and kind, not version, so that {@code batch/v1} and a future {@code batch/v2} CronJob are not silently passed.
 *
 * @param group the API group; empty for the core group
 */
public record PodSpecLocation(String group, String kind, String podSpec) {
    public PodSpecLocation {
        if (kind == null || kind.isBlank()) {
            throw new IllegalArgumentException("a kind is required");
        }
        group = group == null ? "" : group;
        if (podSpec == null || !podSpec.startsWith("/")) {
            throw new IllegalArgumentException("'" + podSpec + "' is not a JSON pointer (it starts with /, e.g. /spec/template/spec)");
        }
        JsonPointer.compile(podSpec);
    }

    public boolean matches(AdmissionRequest.GroupVersionKind gvk) {
        return group.equals(gvk.group()) && kind.equals(gvk.kind());
    }
}
