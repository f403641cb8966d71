package io.drydock.admission.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.image.ImageReference;
import io.drydock.image.registry.Credential;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the registry credentials out of a pull secret's data: {@code kubernetes.io/dockerconfigjson}
 * ({@code {"auths": {host: entry}}}) or the legacy {@code kubernetes.io/dockercfg} ({@code {host: entry}}).
 *
 * <p>Every failure reason is written so it can be logged: it names keys and positions, never a value,
 * because the values are the secret.
 */
final class DockerConfigSecret {
    static final String DOCKER_CONFIG_JSON = "kubernetes.io/dockerconfigjson";
    static final String DOCKER_CFG = "kubernetes.io/dockercfg";

    // Trailing text after the object means the secret was not written by docker login or kubectl: refuse it.
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    // The strict decoder, so that a corrupt value is reported instead of silently decoded to garbage; line breaks are
    // dropped first because base64 -w76 output is common in hand-made secrets.
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private DockerConfigSecret() {
    }

    static boolean isPullSecretType(String type) {
        return DOCKER_CONFIG_JSON.equals(type) || DOCKER_CFG.equals(type);
    }

    /** Thrown when a secret cannot give credentials; the message is safe to log. */
    static final class Unusable extends Exception {
        Unusable(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * Registry host to credential, in the order the secret lists them; the first entry for a host wins.
     *
     * @param data the secret's {@code data}, values base64 as the API server returns them
     */
    static Map<String, Credential> parse(String type, Map<String, String> data, String origin) throws Unusable {
        boolean legacy = DOCKER_CFG.equals(type);
        String key = legacy ? ".dockercfg" : ".dockerconfigjson";
        String encoded = data == null ? null : data.get(key);
        if (encoded == null || encoded.isBlank()) throw new Unusable("it has no " + key + " key");
        JsonNode root = readJson(decodeBase64(encoded, "its " + key + " data is not valid base64"), key);
        if (!root.isObject()) throw new Unusable(key + " is not a JSON object");
        JsonNode registries = legacy ? root : root.path("auths");
        if (!registries.isObject()) throw new Unusable(key + " has no \"auths\" object");

        Map<String, Credential> credentials = new LinkedHashMap<>();
        for (var entry : registries.properties()) {
            String host = registryHost(entry.getKey());
            if (host.isEmpty()) throw new Unusable(key + " names a registry with an empty key");
            Credential credential = fromEntry(entry.getValue(), host, origin);
            if (credential != null) credentials.putIfAbsent(host, credential);
        }
        if (credentials.isEmpty()) throw new Unusable(key + " holds no usable credentials");
        return credentials;
    }

    /**
     * The entry forms docker login writes: {@code auth} (base64 of user:password), {@code username}/{@code password},
     * and {@code identitytoken} beside either or alone. An entry with none of them (only an email, say) gives nothing.
     */
    private static Credential fromEntry(JsonNode entry, String host, String origin) throws Unusable {
        if (!entry.isObject()) throw new Unusable("the entry for " + host + " is not a JSON object");
        String identityToken = text(entry, "identitytoken");
        String auth = text(entry, "auth");
        if (!auth.isEmpty()) {
            String decoded = decodeBase64(auth, "'auth' of the entry for " + host + " is not valid base64");
            int colon = decoded.indexOf(':');
            if (colon < 0) throw new Unusable("'auth' of the entry for " + host + " is not user:password");
            return new Credential(decoded.substring(0, colon), decoded.substring(colon + 1), identityToken, origin);
        }
        String username = text(entry, "username");
        if (!username.isEmpty()) return new Credential(username, text(entry, "password"), identityToken, origin);
        // Docker's own convention for a token-only login, which CredentialStore follows too.
        if (!identityToken.isEmpty()) return new Credential("<token>", "", identityToken, origin);
        return null;
    }

    /**
     * Image references name a registry by host (and port); Docker config keys may be URLs with a scheme and a path
     * ({@code https://index.docker.io/v1/}), and Docker Hub has several names that all mean {@code docker.io}.
     */
    static String registryHost(String key) {
        String host = key.trim();
        int scheme = host.indexOf("://");
        if (scheme >= 0) host = host.substring(scheme + 3);
        int slash = host.indexOf('/');
        if (slash >= 0) host = host.substring(0, slash);
        host = host.toLowerCase(Locale.ROOT);
        return switch (host) {
            case "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com" -> ImageReference.DOCKER_HUB;
            default -> host;
        };
    }

    private static String text(JsonNode entry, String field) {
        JsonNode value = entry.get(field);
        return value == null || !value.isValueNode() ? "" : value.asText("");
    }

    private static String decodeBase64(String encoded, String reason) throws Unusable {
        try {
            return new String(Base64.getDecoder().decode(WHITESPACE.matcher(encoded).replaceAll("")), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // The JDK's message quotes the offending character; only our own reason is reported.
            throw new Unusable(reason);
        }
    }

    private static JsonNode readJson(String text, String key) throws Unusable {
        try {
            JsonNode root = JSON.readTree(text);
            if (root == null || root.isMissingNode()) throw new Unusable(key + " is empty");
            return root;
        } catch (JsonProcessingException e) {
            // Jackson's message quotes the token it choked on, which may be part of a password: report the position only.
            var where = e.getLocation();
            String position = where == null ? "" : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")";
            throw new Unusable(key + " is not valid JSON" + position);
        }
    }
}
