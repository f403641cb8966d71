package io.drydock.server;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.drydock.DrydockException;
import io.drydock.policy.PolicyDuration;
import io.drydock.scan.Rating;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The file given to {@code drydock serve --config} (docs/serve.md, with an example). Read strictly: an unknown key
 * is an error naming it. Values written {@code env:NAME} are read from that environment variable, so secrets (the
 * store URL with its password, the bootstrap token) come from a Kubernetes Secret, not from the file.
 *
 * @param tlsCert null to serve plain HTTP (only sensible on loopback, for trying it out)
 * @param home where caches and the advisory DB live; null for $DRYDOCK_HOME or ~/.drydock
 * @param store the JDBC URL; null for SQLite in the home
 * @param leader {@code store} (a PostgreSQL advisory lock, or a file lock beside SQLite), {@code kubernetes} (a Lease)
 *     or {@code none} (this process does every singleton duty; for one replica)
 * @param kubernetes null when no cluster is watched
 * @param advisorySources where DB updates come from (directories, OSV zips, oci://REF); empty for the shipped advisories
 * @param adminToken a bootstrap admin token, created (hashed) at start when no token of that name exists; may be null
 * @param admission the admission server configuration (docs/admission-server.md) whose policy the webhook endpoints use
 * @param watch the base-update loop's configuration (docs/watch.md); null to run no loop
 * @param lease how long a claimed step is held: a replica that dies mid-step leaves it to the others after this
 */
public record ServeConfig(Path file, String host, int port, Path tlsCert, Path tlsKey, Path home, String store, int workers,
        String leader, Kubernetes kubernetes, List<String> advisorySources, Duration advisoryEvery, Notifications notifications,
        String adminToken, Path admission, Path watch, List<String> insecureRegistries, List<Path> registryCa, Duration lease) {

    /** @param kubeconfig null for the in-cluster configuration */
    public record Kubernetes(Path kubeconfig, List<String> namespaces) {
    }

    /** @param webhookSecret HMAC secret for the generic webhook (from {@code secret: env:NAME}); may be null */
    public record Notifications(Rating minSeverity, URI webhook, String webhookSecret, URI slack, boolean events) {
        @Override
        public String toString() {
            return "Notifications[minSeverity=" + minSeverity + ", webhook=" + webhook + ", events=" + events + "]";
        }
    }

    @Override
    public String toString() {
        // never print the store URL's password or the token
        return "ServeConfig[" + file + ", port " + port + "]";
    }

    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
    private static final Set<String> TOP = Set.of("version", "listen", "home", "store", "workers", "leader", "kubernetes", "advisories",
            "notifications", "tokens", "admission", "watch", "registry", "lease");

    public static ServeConfig read(Path file) {
        return read(file, System.getenv());
    }

    static ServeConfig read(Path file, Map<String, String> env) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new DrydockException("cannot read the server configuration " + file + ": " + DrydockException.reason(e), e);
        }
        if (root == null || !root.isObject()) {
            throw error(file, "(top)", "must be a mapping");
        }
        Reader r = new Reader(file, env);
        r.known(root, "", TOP);
        if (root.path("version").asInt(-1) != 1) {
            throw error(file, "version", "must be 1");
        }
        JsonNode listen = r.object(root, "listen", Set.of("host", "port", "tls"));
        int port = listen.path("port").isMissingNode() ? 8443 : r.integer(listen, "listen.port", 0, 65535);
        JsonNode tls = r.object(listen, "listen.tls", Set.of("cert", "key"));
        Path cert = r.path(tls, "cert", "listen.tls.cert");
        Path key = r.path(tls, "key", "listen.tls.key");
        if ((cert == null) != (key == null)) {
            throw error(file, "listen.tls", "needs both cert and key");
        }
        JsonNode kube = root.get("kubernetes");
        Kubernetes kubernetes = null;
        if (kube != null && !kube.isNull()) {
            r.object(root, "kubernetes", Set.of("kubeconfig", "namespaces", "enabled"));
            if (kube.path("enabled").asBoolean(true)) {
                kubernetes = new Kubernetes(r.path(kube, "kubeconfig", "kubernetes.kubeconfig"), r.strings(kube, "namespaces", "kubernetes.namespaces"));
            }
        }
        JsonNode adv = r.object(root, "advisories", Set.of("source", "every"));
        List<String> sources = adv.path("source").isTextual() ? List.of(r.text(adv, "source", "advisories.source", null))
                : r.strings(adv, "source", "advisories.source");
        Duration every = r.duration(adv, "every", "advisories.every", Duration.ofHours(6));
        JsonNode n = r.object(root, "notifications", Set.of("minSeverity", "webhook", "slack", "events"));
        Rating min;
        try {
            min = Rating.parse(n.path("minSeverity").asText("high"));
        } catch (IllegalArgumentException e) {
            throw error(file, "notifications.minSeverity", e.getMessage());
        }
        JsonNode hook = r.object(n, "notifications.webhook", Set.of("url", "secret"));
        JsonNode slack = r.object(n, "notifications.slack", Set.of("url"));
        Notifications notifications = new Notifications(min, r.uri(hook, "url", "notifications.webhook.url"),
                r.text(hook, "secret", "notifications.webhook.secret", null), r.uri(slack, "url", "notifications.slack.url"),
                n.path("events").asBoolean(kubernetes != null));
        String leader = r.text(root, "leader", "leader", "store");
        if (!Set.of("store", "postgres", "kubernetes", "none").contains(leader)) {
            throw error(file, "leader", "must be store, postgres, kubernetes or none, not '" + leader + "'");
        }
        JsonNode registry = r.object(root, "registry", Set.of("insecure", "caCertificates"));
        List<Path> cas = r.strings(registry, "caCertificates", "registry.caCertificates").stream().map(file.toAbsolutePath().getParent()::resolve).toList();
        String home = r.text(root, "home", "home", null);
        return new ServeConfig(file, r.text(listen, "host", "listen.host", ""), port, cert, key, home == null ? null : Path.of(home),
                r.text(root, "store", "store", null), root.has("workers") ? r.integer(root, "workers", 1, 64) : 2, leader, kubernetes,
                sources, every, notifications, r.text(root, "tokens", "tokens", null), r.path(root, "admission", "admission"),
                r.path(root, "watch", "watch"), r.strings(registry, "insecure", "registry.insecure"), cas,
                lease(r, root, file));
    }

    private static Duration lease(Reader r, JsonNode root, Path file) {
        Duration lease = r.duration(root, "lease", "lease", Duration.ofMinutes(2));
        if (lease.compareTo(Duration.ofSeconds(2)) < 0) {
            throw error(file, "lease", "must be at least 2s: a step must not be taken over while its worker is still on it");
        }
        return lease;
    }

    static DrydockException error(Path file, String key, String message) {
        return new DrydockException("server configuration " + file + ": " + key + ": " + message);
    }

    /** Reads values and names the key in every error. */
    private record Reader(Path file, Map<String, String> env) {
        void known(JsonNode node, String prefix, Set<String> keys) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!keys.contains(k)) {
                    throw error(file, prefix + k, "unknown key (known: " + String.join(", ", keys.stream().sorted().toList()) + ")");
                }
            }
        }

        /** The mapping at {@code key} (an empty one when absent), with only {@code keys} in it. */
        JsonNode object(JsonNode parent, String key, Set<String> keys) {
            String last = key.substring(key.lastIndexOf('.') + 1);
            JsonNode v = parent.get(last);
            if (v == null || v.isNull()) {
                return YAML.createObjectNode();
            }
            if (!v.isObject()) {
                throw error(file, key, "must be a mapping");
            }
            known(v, key + ".", keys);
            return v;
        }

        String text(JsonNode parent, String last, String key, String fallback) {
            JsonNode v = parent.get(last);
            if (v == null || v.isNull()) {
                return fallback;
            }
            if (!v.isValueNode() || v.isBoolean()) {
                throw error(file, key, "must be a string");
            }
            String t = v.asText();
            if (t.startsWith("env:")) {
                String name = t.substring(4);
                String value = env.get(name);
                if (value == null || value.isBlank()) {
                    throw error(file, key, "names the environment variable " + name + ", which is not set");
                }
                return value;
            }
            return t;
        }

        Path path(JsonNode parent, String last, String key) {
            String t = text(parent, last, key, null);
            return t == null ? null : file.toAbsolutePath().getParent().resolve(t);
        }

        URI uri(JsonNode parent, String last, String key) {
            String t = text(parent, last, key, null);
            if (t == null) {
                return null;
            }
            try {
                URI u = new URI(t);
                if (!"https".equals(u.getScheme()) && !"http".equals(u.getScheme())) {
                    throw error(file, key, "must be an http(s) URL");
                }
                return u;
            } catch (java.net.URISyntaxException e) {
                throw error(file, key, "is not a URL: " + e.getMessage());
            }
        }

        int integer(JsonNode parent, String key, int min, int max) {
            JsonNode v = parent.get(key.substring(key.lastIndexOf('.') + 1));
            if (v == null || !v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < min || v.asInt() > max) {
                throw error(file, key, "must be a whole number from " + min + " to " + max);
            }
            return v.asInt();
        }

        Duration duration(JsonNode parent, String last, String key, Duration fallback) {
            String t = text(parent, last, key, null);
            if (t == null) {
                return fallback;
            }
            try {
                return PolicyDuration.parse(t);
            } catch (RuntimeException e) {
                throw error(file, key, e.getMessage());
            }
        }

        List<String> strings(JsonNode parent, String last, String key) {
            JsonNode v = parent.get(last);
            if (v == null || v.isNull()) {
                return List.of();
            }
            if (!v.isArray()) {
                throw error(file, key, "must be a list");
            }
            List<String> out = new ArrayList<>();
            for (JsonNode e : v) {
                if (!e.isTextual()) {
                    throw error(file, key, "must be a list of strings");
                }
                out.add(e.asText());
            }
            return out;
        }
    }
}
