package io.drydock.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.DrydockException;
import io.drydock.image.ImageReference;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Finds the credential for a registry, first match wins: credentials given explicitly (flags,
 * environment), then the Docker config file ({@code credHelpers}, {@code credsStore}, {@code auths}).
 * Secrets are never logged: messages name where a credential came from, never its value.
 */
public final class CredentialStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, Credential> explicit = new ConcurrentHashMap<>();
    private final List<Path> configFiles;
    private final Path helperDir;
    private final Map<String, Optional<Credential>> resolved = new ConcurrentHashMap<>();

    public CredentialStore(List<Path> configFiles) {
        this(configFiles, null);
    }

    /** {@code helperDir}: where to find {@code docker-credential-*} programs; null searches PATH. */
    public CredentialStore(List<Path> configFiles, Path helperDir) {
        this.configFiles = List.copyOf(configFiles);
        this.helperDir = helperDir;
    }

    /** The Docker config and the containers auth file, where the environment says they are. */
    public static CredentialStore fromEnvironment() {
        List<Path> files = new ArrayList<>();
        String dockerConfig = System.getenv("DOCKER_CONFIG");
        files.add(dockerConfig != null ? Path.of(dockerConfig, "config.json") : Path.of(System.getProperty("user.home"), ".docker", "config.json"));
        String authFile = System.getenv("REGISTRY_AUTH_FILE");
        if (authFile != null) files.add(Path.of(authFile));
        return new CredentialStore(files);
    }

    public static CredentialStore none() {
        return new CredentialStore(List.of());
    }

    public void put(String registry, Credential credential) {
        explicit.put(normalise(registry), credential);
        resolved.remove(normalise(registry));
    }

    /** The credential bound to {@code registry} with {@link #put}, without reading config files or running helpers. */
    public Optional<Credential> explicit(String registry) {
        return Optional.ofNullable(explicit.get(normalise(registry)));
    }

    public Optional<Credential> find(String registry) {
        String key = normalise(registry);
        Credential c = explicit.get(key);
        if (c != null) return Optional.of(c);
        return resolved.computeIfAbsent(key, this::fromConfigFiles);
    }

    private Optional<Credential> fromConfigFiles(String registry) {
        for (Path file : configFiles) {
            if (!Files.isRegularFile(file)) continue;
            JsonNode root;
            try {
                root = JSON.readTree(Files.readAllBytes(file));
            } catch (IOException e) {
                throw new DrydockException("cannot read registry credentials from " + file + ": " + DrydockException.reason(e).split("\n")[0]);
            }
            if (root == null || !root.isObject()) throw new DrydockException("registry credentials file " + file + " is not a JSON object");
            String helper = findKey(root.path("credHelpers"), registry).map(JsonNode::asText).orElse(null);
            if (helper != null) return fromHelper(helper, registry, file);
            Optional<JsonNode> auth = findKey(root.path("auths"), registry);
            if (auth.isPresent()) {
                Optional<Credential> c = fromAuthEntry(auth.get(), registry, file);
                if (c.isPresent()) return c;
            }
            if (root.hasNonNull("credsStore")) {
                Optional<Credential> c = fromHelper(root.get("credsStore").asText(), registry, file);
                if (c.isPresent()) return c;
            }
        }
        return Optional.empty();
    }

    private static Optional<JsonNode> findKey(JsonNode map, String registry) {
        if (!map.isObject()) return Optional.empty();
        for (var e : map.properties()) {
            if (normalise(e.getKey()).equals(registry)) return Optional.of(e.getValue());
        }
        return Optional.empty();
    }

    private static Optional<Credential> fromAuthEntry(JsonNode entry, String registry, Path file) {
        String origin = file + " (auths." + registry + ")";
        String identityToken = entry.path("identitytoken").asText("");
        if (entry.hasNonNull("auth") && !entry.get("auth").asText().isEmpty()) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(entry.get("auth").asText().trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new DrydockException("registry credentials in " + origin + ": 'auth' is not valid base64");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) throw new DrydockException("registry credentials in " + origin + ": 'auth' is not user:password");
            return Optional.of(new Credential(decoded.substring(0, colon), decoded.substring(colon + 1), identityToken, origin));
        }
        if (entry.hasNonNull("username")) {
            return Optional.of(new Credential(entry.get("username").asText(), entry.path("password").asText(""), identityToken, origin));
        }
        if (!identityToken.isEmpty()) return Optional.of(new Credential("<token>", "", identityToken, origin));
        return Optional.empty();
    }

    /** Runs {@code docker-credential-<helper> get} as the Docker CLI does: server URL on stdin, JSON on stdout. */
    private Optional<Credential> fromHelper(String helper, String registry, Path file) {
        if (!helper.matches("[A-Za-z0-9._-]+")) throw new DrydockException("credential helper name '" + helper + "' in " + file + " is not valid");
        String program = "docker-credential-" + helper;
        String executable = helperDir == null ? program : helperDir.resolve(program).toString();
        String serverUrl = registry.equals(ImageReference.DOCKER_HUB) ? "https://index.docker.io/v1/" : registry;
        try {
            Process p = new ProcessBuilder(executable, "get").redirectError(ProcessBuilder.Redirect.PIPE).start();
            try (var stdin = p.getOutputStream()) {
                stdin.write(serverUrl.getBytes(StandardCharsets.UTF_8));
            }
            byte[] out = p.getInputStream().readAllBytes();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new DrydockException(program + " did not answer within 30 s for " + registry);
            }
            String text = new String(out, StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0) {
                if (text.contains("credentials not found") || err.contains("credentials not found")) return Optional.empty();
                throw new DrydockException(program + " failed for " + registry + " (exit " + p.exitValue() + ")");
            }
            JsonNode json = JSON.readTree(text);
            String user = json.path("Username").asText("");
            String secret = json.path("Secret").asText("");
            String origin = program + " (from " + file + ")";
            if (user.equals("<token>")) return Optional.of(new Credential(user, "", secret, origin));
            return Optional.of(Credential.basic(user, secret, origin));
        } catch (IOException e) {
            throw new DrydockException("credential helper " + program + " named in " + file + " could not be run: " + DrydockException.reason(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DrydockException("interrupted while running " + program);
        }
    }

    /** Docker config keys may be URLs ({@code https://index.docker.io/v1/}) or bare hosts. */
    static String normalise(String key) {
        String k = key.trim();
        int scheme = k.indexOf("://");
        if (scheme >= 0) k = k.substring(scheme + 3);
        int slash = k.indexOf('/');
        if (slash >= 0) k = k.substring(0, slash);
        k = k.toLowerCase(java.util.Locale.ROOT);
        if (k.equals("index.docker.io") || k.equals("registry-1.docker.io")) return ImageReference.DOCKER_HUB;
        return k;
    }
}
