package io.drydock.admission.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.drydock.admission.ClusterLookups;
import io.drydock.image.registry.Credential;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * {@link ClusterLookups} read through the Kubernetes API with fabric8.
 *
 * <p>Namespace labels are cached for a short TTL because every admission request asks for them. Pull credentials
 * are read on each call: the gate needs them only when it must go to a registry, which is already the slow path.
 *
 * <p>Problems (a namespace or secret that cannot be read or used) are reported to the warning sink once per object
 * and reason, not on every admission request, and never with a secret's content.
 */
public final class KubeLookups implements ClusterLookups, AutoCloseable {
    public static final Duration DEFAULT_LABEL_TTL = Duration.ofSeconds(30);

    // Shorter than fabric8's defaults (10 s) so that a slow API server costs a lookup, not the webhook's whole
    // timeoutSeconds: the gate must still answer (fail closed) before the API server gives up on it.
    private static final int API_TIMEOUT_MILLIS = 2_000;
    private static final String DEFAULT_SERVICE_ACCOUNT = "default";

    private final KubernetesClient client;
    private final boolean ownsClient;
    private final Duration labelTtl;
    private final Clock clock;
    private final Consumer<String> warnings;
    private final Map<String, CachedLabels> labelCache = new ConcurrentHashMap<>();
    /** Object ("namespace x", "secret ns/name") to the last problem reported for it, so each is reported once. */
    private final Map<String, String> reported = new ConcurrentHashMap<>();

    private record CachedLabels(Map<String, String> labels, Instant readAt) {
    }

    /** Where a secret name came from: only pull-secret references deserve a warning when they lead nowhere. */
    private record SecretRef(String name, boolean namedForPulling) {
    }

    /** For tests and embedding: the client is the caller's and is not closed by {@link #close()}. */
    public KubeLookups(KubernetesClient client) {
        this(client, DEFAULT_LABEL_TTL, Clock.systemUTC(), KubeLookups::warnToStderr);
    }

    public KubeLookups(KubernetesClient client, Duration labelTtl, Clock clock, Consumer<String> warnings) {
        this(client, false, labelTtl, clock, warnings);
    }

    private KubeLookups(KubernetesClient client, boolean ownsClient, Duration labelTtl, Clock clock, Consumer<String> warnings) {
        this.client = Objects.requireNonNull(client, "client");
        this.ownsClient = ownsClient;
        this.labelTtl = Objects.requireNonNull(labelTtl, "labelTtl");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.warnings = Objects.requireNonNull(warnings, "warnings");
        if (labelTtl.isNegative()) throw new IllegalArgumentException("labelTtl must not be negative");
    }

    /** fabric8's auto-configuration: the pod's service account inside a cluster, else kubeconfig. Warnings go to stderr. */
    public static KubeLookups inCluster() {
        return inCluster(KubeLookups::warnToStderr);
    }

    public static KubeLookups inCluster(Consumer<String> warnings) {
        Config config = new ConfigBuilder(Config.autoConfigure(null))
                .withConnectionTimeout(API_TIMEOUT_MILLIS)
                .withRequestTimeout(API_TIMEOUT_MILLIS)
                // A retry with backoff would outlast the webhook deadline; the next admission request retries anyway.
                .withRequestRetryBackoffLimit(0)
                .build();
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        return new KubeLookups(client, true, DEFAULT_LABEL_TTL, Clock.systemUTC(), warnings);
    }

    @Override
    public Map<String, String> namespaceLabels(String namespace) {
        Instant now = clock.instant();
        CachedLabels cached = labelCache.get(namespace);
        if (cached != null && isFresh(cached, now)) return cached.labels();
        Map<String, String> labels = readNamespaceLabels(namespace);
        labelCache.put(namespace, new CachedLabels(labels, now));
        return labels;
    }

    private boolean isFresh(CachedLabels cached, Instant now) {
        // A clock that went backwards would otherwise keep an entry for as long as it jumped; treat it as expired.
        return !now.isBefore(cached.readAt()) && now.isBefore(cached.readAt().plus(labelTtl));
    }

    /**
     * Empty when the namespace cannot be read: the gate then grants no label-based exemption, which is the safe side.
     * The empty answer is cached like any other so an unreachable API server is not asked on every request.
     */
    private Map<String, String> readNamespaceLabels(String namespace) {
        String subject = "namespace " + namespace;
        try {
            Namespace ns = client.namespaces().withName(namespace).get();
            if (ns == null) {
                reportOnce(subject, "not found", "cannot read the labels of " + subject + ": not found; no label-based exemption applies");
                return Map.of();
            }
            recovered(subject);
            Map<String, String> labels = ns.getMetadata() == null ? null : ns.getMetadata().getLabels();
            return labels == null ? Map.of() : Map.copyOf(labels);
        } catch (KubernetesClientException e) {
            String reason = apiFailure(e);
            reportOnce(subject, reason, "cannot read the labels of " + subject + ": " + reason + "; no label-based exemption applies");
            return Map.of();
        }
    }

    @Override
    public Map<String, Credential> pullCredentials(String namespace, JsonNode podSpec) {
        Map<String, Credential> credentials = new LinkedHashMap<>();
        for (SecretRef ref : secretsToTry(namespace, podSpec)) {
            readSecret(namespace, ref).forEach(credentials::putIfAbsent);
        }
        return Map.copyOf(credentials);
    }

    /**
     * In the order kubelet uses them, so the first credential for a host is the one the pod would pull with: the pod's
     * own imagePullSecrets, then its service account's imagePullSecrets, then the service account's secrets.
     */
    private List<SecretRef> secretsToTry(String namespace, JsonNode podSpec) {
        Set<String> seen = new LinkedHashSet<>();
        List<SecretRef> refs = new ArrayList<>();
        JsonNode spec = podSpec == null ? MissingNode.getInstance() : podSpec;
        for (JsonNode ref : spec.path("imagePullSecrets")) {
            String name = ref.path("name").asText("");
            if (!name.isEmpty() && seen.add(name)) refs.add(new SecretRef(name, true));
        }
        ServiceAccount account = readServiceAccount(namespace, serviceAccountName(spec));
        if (account != null) {
            for (LocalObjectReference ref : nullToEmpty(account.getImagePullSecrets())) {
                String name = ref.getName();
                if (name != null && !name.isEmpty() && seen.add(name)) refs.add(new SecretRef(name, true));
            }
            for (ObjectReference ref : nullToEmpty(account.getSecrets())) {
                String name = ref.getName();
                // A pod can only use secrets of its own namespace; a reference elsewhere is not one it can pull with.
                boolean sameNamespace = ref.getNamespace() == null || ref.getNamespace().isEmpty() || ref.getNamespace().equals(namespace);
                if (name != null && !name.isEmpty() && sameNamespace && seen.add(name)) refs.add(new SecretRef(name, false));
            }
        }
        return refs;
    }

    private static String serviceAccountName(JsonNode spec) {
        String name = spec.path("serviceAccountName").asText("");
        // serviceAccount is the deprecated alias the API server still accepts and copies.
        if (name.isEmpty()) name = spec.path("serviceAccount").asText("");
        return name.isEmpty() ? DEFAULT_SERVICE_ACCOUNT : name;
    }

    private ServiceAccount readServiceAccount(String namespace, String name) {
        String subject = "service account " + namespace + "/" + name;
        try {
            ServiceAccount account = client.serviceAccounts().inNamespace(namespace).withName(name).get();
            if (account == null) {
                reportOnce(subject, "not found", "cannot read " + subject + ": not found; its pull secrets are not used");
                return null;
            }
            recovered(subject);
            return account;
        } catch (KubernetesClientException e) {
            String reason = apiFailure(e);
            reportOnce(subject, reason, "cannot read " + subject + ": " + reason + "; its pull secrets are not used");
            return null;
        }
    }

    private Map<String, Credential> readSecret(String namespace, SecretRef ref) {
        String subject = "secret " + namespace + "/" + ref.name();
        Secret secret;
        try {
            secret = client.secrets().inNamespace(namespace).withName(ref.name()).get();
        } catch (KubernetesClientException e) {
            skip(subject, apiFailure(e));
            return Map.of();
        }
        if (secret == null) {
            // A service account's plain secrets list is not about pulling; a missing one there is someone else's concern.
            if (ref.namedForPulling()) skip(subject, "not found");
            return Map.of();
        }
        String type = secret.getType();
        if (!DockerConfigSecret.isPullSecretType(type)) {
            // Service account token and Opaque secrets are expected in a service account's list: ignore them quietly.
            if (ref.namedForPulling()) skip(subject, "its type is " + (type == null ? "not set" : type) + ", not "
                    + DockerConfigSecret.DOCKER_CONFIG_JSON + " or " + DockerConfigSecret.DOCKER_CFG);
            return Map.of();
        }
        try {
            Map<String, Credential> credentials = DockerConfigSecret.parse(type, secret.getData(), subject);
            recovered(subject);
            return credentials;
        } catch (DockerConfigSecret.Unusable e) {
            // The whole secret is refused, as kubelet refuses a docker config with one bad entry.
            skip(subject, e.getMessage());
            return Map.of();
        }
    }

    private void skip(String subject, String reason) {
        reportOnce(subject, reason, "pull " + subject + " skipped: " + reason);
    }

    private void reportOnce(String subject, String reason, String message) {
        if (!reason.equals(reported.put(subject, reason))) warnings.accept(message);
    }

    /** Once an object reads well again, a later problem with it is news and is reported. */
    private void recovered(String subject) {
        reported.remove(subject);
    }

    /** fabric8's messages carry URLs and server text; the status code (or the failure's kind) says enough. */
    private static String apiFailure(KubernetesClientException e) {
        if (e.getCode() > 0) return "the API server answered HTTP " + e.getCode();
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        return "the API server could not be reached (" + cause.getClass().getSimpleName() + ")";
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static void warnToStderr(String message) {
        System.err.println("drydock: warning: " + message);
    }

    @Override
    public void close() {
        if (ownsClient) client.close();
    }
}
