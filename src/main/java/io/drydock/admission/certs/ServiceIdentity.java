package io.drydock.admission.certs;

import io.drydock.DrydockException;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The Kubernetes Service the API server calls the webhook through. The API server checks the serving
 * certificate against {@code service.namespace.svc}, so every name it may use must be a SAN.
 */
public record ServiceIdentity(String service, String namespace) {
    // Services are DNS-1035 labels and namespaces DNS-1123 labels; anything else could never be dialled.
    private static final Pattern SERVICE = Pattern.compile("[a-z]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    public ServiceIdentity {
        if (service == null || !SERVICE.matcher(service).matches()) {
            throw new DrydockException("--service " + service + " is not a Kubernetes Service name"
                    + " (lowercase letters, digits and '-', starting with a letter, at most 63 characters)");
        }
        if (namespace == null || !NAMESPACE.matcher(namespace).matches()) {
            throw new DrydockException("--namespace " + namespace + " is not a Kubernetes namespace name"
                    + " (lowercase letters, digits and '-', at most 63 characters)");
        }
    }

    /** The name the API server dials; used as the certificate's common name. */
    public String serviceHost() {
        return service + "." + namespace + ".svc";
    }

    /** Short names too, for clients inside the namespace and for tools that resolve through search domains. */
    public List<String> dnsNames() {
        return List.of(service, service + "." + namespace, serviceHost(), serviceHost() + ".cluster.local");
    }
}
