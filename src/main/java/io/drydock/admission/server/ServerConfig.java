package io.drydock.admission.server;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.drydock.DrydockException;
import io.drydock.policy.PolicyDuration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The file given to {@code drydock admission serve --config} (docs/admission-server.md). Read strictly, like the
 * admission policy: an unknown key is an error naming it, so a typo never silently leaves a default in place.
 *
 * @param host empty to listen on every interface
 * @param deadline the internal deadline; below the webhook's 10 s {@code timeoutSeconds}, so the gate always
 *        answers (a deny) before the API server gives up on it and applies the failure policy
 * @param certificateCheckInterval how often the certificate and key files are checked for changes
 */
public record ServerConfig(Path file, String host, int port, Path certFile, Path keyFile, Duration certificateCheckInterval,
        Path policyFile, Duration cacheTtl, Duration negativeCacheTtl, Duration deadline, Registry registry) {
    /** The webhook's timeoutSeconds in the chart and deploy/: the deadline must leave room for the response. */
    public static final Duration WEBHOOK_TIMEOUT = Duration.ofSeconds(10);

    /**
     * @param insecure registries reached over plain HTTP
     * @param caCertificates PEM files of CAs trusted for registries besides the JDK's
     * @param timeout connect and request timeout of each registry request
     * @param attempts tries per registry request, backing off on 429 and 5xx
     * @param backoff how long a registry that still answered 429 or 5xx after those tries is left alone (unless it
     *        said how long with {@code Retry-After}), doubling with each such answer in a row up to {@code maxBackoff}
     */
    public record Registry(List<String> insecure, List<Path> caCertificates, Duration timeout, int attempts, Duration backoff,
            Duration maxBackoff) {
        public Registry {
            insecure = List.copyOf(insecure);
            caCertificates = List.copyOf(caCertificates);
        }
    }

    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
    private static final Set<String> TOP = Set.of("listen", "tls", "policy", "cacheTtl", "negativeCacheTtl", "deadlineMillis", "registry");
    private static final Set<String> TLS = Set.of("certFile", "keyFile", "checkInterval");
    private static final Set<String> REGISTRY = Set.of("insecure", "caCertificates", "timeout", "attempts", "backoff", "maxBackoff");

    /**
     * The gate's settings for an admission policy given alone ({@code drydock serve}, whose own listener and TLS
     * serve the webhook): the defaults {@link #read} applies to a file that names only the policy.
     */
    public static ServerConfig forPolicy(Path policyFile) {
        return new ServerConfig(policyFile, "", 0, null, null, Duration.ofSeconds(10), policyFile, Duration.ofMinutes(5), Duration.ofSeconds(30),
                Duration.ofMillis(8000), new Registry(List.of(), List.of(), Duration.ofSeconds(3), 2, Duration.ofSeconds(1), Duration.ofSeconds(60)));
    }

    /** Whether {@code file} is a server configuration (it names a policy) rather than an admission policy itself. */
    public static boolean isServerConfig(Path file) {
        try {
            JsonNode root = YAML.readTree(Files.readAllBytes(file));
            return root != null && root.isObject() && root.has("policy");
        } catch (IOException e) {
            throw new DrydockException("cannot read the admission configuration " + file + ": " + DrydockException.reason(e), e);
        }
    }

    public static ServerConfig read(Path file) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new DrydockException("cannot read the server configuration " + file + ": " + DrydockException.reason(e), e);
        }
        if (root == null || !root.isObject()) {
            throw error(file, "(top)", "must be a mapping");
        }
        known(file, root, "", TOP);
        String listen = text(file, root, "listen", ":8443");
        int colon = listen.lastIndexOf(':');
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw error(file, "listen", "'" + listen + "' is not HOST:PORT or :PORT");
        }
        if (colon < 0 || port < 0 || port > 65535) {
            throw error(file, "listen", "'" + listen + "' is not HOST:PORT or :PORT");
        }
        String host = listen.substring(0, colon).replace("[", "").replace("]", "");

        JsonNode tls = root.get("tls");
        if (tls == null || !tls.isObject()) {
            throw error(file, "tls", "required: certFile and keyFile (the API server only calls webhooks over HTTPS)");
        }
        known(file, tls, "tls.", TLS);
        Path cert = existing(file, "tls.certFile", path(file, required(file, tls, "certFile", "tls.")));
        Path key = existing(file, "tls.keyFile", path(file, required(file, tls, "keyFile", "tls.")));
        Duration check = duration(file, tls, "checkInterval", "tls.", Duration.ofSeconds(10));

        Path policy = existing(file, "policy", path(file, required(file, root, "policy", "")));
        Duration ttl = duration(file, root, "cacheTtl", "", Duration.ofMinutes(5));
        Duration negative = duration(file, root, "negativeCacheTtl", "", Duration.ofSeconds(30));
        JsonNode deadlineNode = root.get("deadlineMillis");
        long deadlineMillis = 8000;
        if (deadlineNode != null) {
            if (!deadlineNode.canConvertToLong() || !deadlineNode.isIntegralNumber()) {
                throw error(file, "deadlineMillis", "must be a whole number of milliseconds");
            }
            deadlineMillis = deadlineNode.longValue();
        }
        if (deadlineMillis <= 0 || deadlineMillis >= WEBHOOK_TIMEOUT.toMillis()) {
            throw error(file, "deadlineMillis", deadlineMillis + " must be above 0 and below " + WEBHOOK_TIMEOUT.toMillis()
                    + " (the webhook's timeoutSeconds), or the API server gives up before the gate answers");
        }

        Registry registry = new Registry(List.of(), List.of(), Duration.ofSeconds(3), 2, Duration.ofSeconds(1), Duration.ofSeconds(60));
        JsonNode reg = root.get("registry");
        if (reg != null) {
            if (!reg.isObject()) {
                throw error(file, "registry", "must be a mapping");
            }
            known(file, reg, "registry.", REGISTRY);
            List<String> insecure = strings(file, reg, "insecure", "registry.");
            List<Path> cas = strings(file, reg, "caCertificates", "registry.").stream()
                    .map(s -> existing(file, "registry.caCertificates", path(file, s))).toList();
            Duration timeout = duration(file, reg, "timeout", "registry.", Duration.ofSeconds(3));
            JsonNode attempts = reg.get("attempts");
            int n = 2;
            if (attempts != null) {
                if (!attempts.isInt() || attempts.intValue() < 1 || attempts.intValue() > 10) {
                    throw error(file, "registry.attempts", "must be a whole number from 1 to 10");
                }
                n = attempts.intValue();
            }
            Duration backoff = duration(file, reg, "backoff", "registry.", Duration.ofSeconds(1));
            Duration maxBackoff = duration(file, reg, "maxBackoff", "registry.", Duration.ofSeconds(60));
            if (maxBackoff.compareTo(backoff) < 0) {
                throw error(file, "registry.backoff", "must be at most registry.maxBackoff (" + maxBackoff + ")");
            }
            registry = new Registry(insecure, cas, timeout, n, backoff, maxBackoff);
        }
        return new ServerConfig(file, host, port, cert, key, check, policy, ttl, negative, Duration.ofMillis(deadlineMillis), registry);
    }

    private static DrydockException error(Path file, String key, String message) {
        return new DrydockException("the server configuration " + file + ": " + key + ": " + message);
    }

    private static void known(Path file, JsonNode node, String prefix, Set<String> keys) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!keys.contains(k)) {
                throw error(file, prefix + k, "unknown key (known: " + String.join(", ", keys.stream().sorted().toList()) + ")");
            }
        }
    }

    private static String text(Path file, JsonNode node, String key, String fallback) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isTextual()) {
            throw error(file, key, "must be a string");
        }
        return v.textValue();
    }

    private static String required(Path file, JsonNode node, String key, String prefix) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull() || !v.isTextual() || v.textValue().isBlank()) {
            throw error(file, prefix + key, "required, a file path");
        }
        return v.textValue();
    }

    private static Duration duration(Path file, JsonNode node, String key, String prefix, Duration fallback) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        try {
            Duration d = PolicyDuration.parse(v.asText());
            if (d.isNegative() || d.isZero()) {
                throw error(file, prefix + key, "must be positive");
            }
            return d;
        } catch (RuntimeException e) {
            throw e instanceof DrydockException de && de.getMessage().startsWith("the server configuration") ? de
                    : error(file, prefix + key, "'" + v.asText() + "' is not a duration such as 30s, 5m or 1h");
        }
    }

    private static List<String> strings(Path file, JsonNode node, String key, String prefix) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw error(file, prefix + key, "must be a list of strings");
        }
        List<String> out = new ArrayList<>();
        v.forEach(e -> {
            if (!e.isTextual()) {
                throw error(file, prefix + key, "must be a list of strings");
            }
            out.add(e.textValue());
        });
        return out;
    }

    /** A file the configuration names must be there when it is read, so the error names the key, not a loader. */
    private static Path existing(Path file, String key, Path p) {
        if (!java.nio.file.Files.isRegularFile(p)) {
            throw error(file, key, p + (java.nio.file.Files.exists(p) ? " is not a file" : " does not exist"));
        }
        return p;
    }

    /** Relative paths are relative to the configuration file, as the policy's key paths are to the policy. */
    private static Path path(Path file, String value) {
        Path p = Path.of(value);
        Path dir = file.toAbsolutePath().getParent();
        return p.isAbsolute() || dir == null ? p : dir.resolve(p);
    }
}
