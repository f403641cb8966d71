package io.drydock.admission;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.image.registry.Credential;
import java.util.Map;

/**
 * What the admission gate reads from the cluster rather than from the request: a namespace's labels (exemptions
 * are decided on them, never on the object's own labels or annotations) and the registry credentials a pod may
 * pull with (its {@code imagePullSecrets} and its service account's). Outside a cluster there are none.
 */
public interface ClusterLookups {
    /** The namespace's labels as the API server has them; empty when it has none or it cannot be read. */
    Map<String, String> namespaceLabels(String namespace);

    /**
     * Registry host (as in an image reference, e.g. {@code registry.example.com:5000}) to the credential the pod
     * may pull it with.
     *
     * @param podSpec the pod spec the images come from (for its imagePullSecrets and serviceAccountName)
     */
    Map<String, Credential> pullCredentials(String namespace, JsonNode podSpec);

    /** No cluster: no labels, no pull secrets. */
    ClusterLookups NONE = new ClusterLookups() {
        @Override
        public Map<String, String> namespaceLabels(String namespace) {
            return Map.of();
        }

        @Override
        public Map<String, Credential> pullCredentials(String namespace, JsonNode podSpec) {
            return Map.of();
        }
    };
}
