package io.drydock.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real CNCF Distribution registry (Debian's {@code docker-registry}, 2.8) on 127.0.0.1 with its own
 * config, storage and log in a temporary directory that {@link #close()} deletes. Plain HTTP, so clients
 * need their "insecure registry" setting.
 *
 * <pre>
 * try (TestRegistry registry = TestRegistry.open()) {
 *     registry.push(TestImages.ociRef("app"), "test/app:1");
 *     URI tags = registry.url("/v2/test/app/tags/list");
 * }
 * </pre>
 */
public final class TestRegistry implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration SKOPEO_TIMEOUT = Duration.ofMinutes(5);
    /** Registries a test forgot to close still die with the JVM instead of lingering on the machine. */
    private static final Set<TestRegistry> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(r -> {
            Process p = r.process;
            if (p != null) {
                p.destroyForcibly();
            }
        }), "drydock-test-registry-reaper"));
    }

    /** One line of the registry's access log. */
    public record Request(String method, String uri, int status, long bytes, String userAgent) {
        /** The URI without its query string. */
        public String path() {
            int q = uri.indexOf('?');
            return q < 0 ? uri : uri.substring(0, q);
        }
    }

    /** Options for a registry; {@link #start()} launches it. */
    public static final class Builder {
        private String user;
        private String password;
        private TokenServer tokens;
        private URI notifications;
        private Path tlsCertificate;
        private Path tlsKey;

        private Builder() {}

        /** Serve HTTPS with this PEM certificate and key. */
        public Builder tls(Path certificate, Path key) {
            this.tlsCertificate = certificate;
            this.tlsKey = key;
            return this;
        }

        /** htpasswd (bcrypt) Basic authentication with one user. */
        public Builder basicAuth(String user, String password) {
            if (user.contains(":")) {
                throw new IllegalArgumentException("a Basic auth user name cannot contain ':'");
            }
            this.user = user;
            this.password = password;
            return this;
        }

        /** Bearer token authentication against {@code tokens}. */
        public Builder tokenAuth(TokenServer tokens) {
            this.tokens = tokens;
            return this;
        }

        /** Have the registry POST an event envelope to {@code endpoint} for every push, pull and delete. */
        public Builder notifications(URI endpoint) {
            this.notifications = endpoint;
            return this;
        }

        public TestRegistry start() {
            if (user != null && tokens != null) {
                throw new IllegalStateException("choose Basic or token authentication, not both");
            }
            return new TestRegistry(this);
        }
    }

    private final Builder options;
    private final Path dir;
    private final Path storage;
    private final Path logFile;
    private final Path configFile;
    private final Path dockerRegistry;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private int port;
    private volatile Process process;

    public static Builder builder() {
        return new Builder();
    }

    /** No authentication. */
    public static TestRegistry open() {
        return builder().start();
    }

    public static TestRegistry basicAuth(String user, String password) {
        return builder().basicAuth(user, password).start();
    }

    public static TestRegistry tokenAuth(TokenServer tokens) {
        return builder().tokenAuth(tokens).start();
    }

    private TestRegistry(Builder options) {
        this.options = options;
        dockerRegistry = HostTools.require("docker-registry", "docker-registry");
        HostTools.require("skopeo", "skopeo");
        try {
            dir = Files.createTempDirectory("drydock-registry-");
            storage = Files.createDirectory(dir.resolve("storage"));
            logFile = dir.resolve("registry.log");
            configFile = dir.resolve("config.yml");
            Path htpasswd = options.user == null ? null : writeHtpasswd(dir, options.user, options.password);
            // A port can be taken between probing it and the registry binding it; try a few.
            IllegalStateException last = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                port = freePort();
                writeConfig(htpasswd);
                try {
                    launch();
                    LIVE.add(this);
                    return;
                } catch (IllegalStateException e) {
                    last = e;
                    if (!log().contains("address already in use")) {
                        break;
                    }
                }
            }
            deleteTree(dir);
            throw last;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare a registry directory", e);
        }
    }

    /** {@code 127.0.0.1:PORT}, the registry host for image references. */
    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:PORT}. */
    public URI url() {
        return URI.create("http://" + hostPort());
    }

    /** {@code http://127.0.0.1:PORT} + path, e.g. {@code url("/v2/test/app/tags/list")}. */
    public URI url(String path) {
        return URI.create("http://" + hostPort() + path);
    }

    /** {@code user:password} for clients, when the registry (or its token server) requires credentials. */
    public Optional<String> credentials() {
        if (options.user != null) {
            return Optional.of(options.user + ":" + options.password);
        }
        return options.tokens == null ? Optional.empty() : options.tokens.credentials();
    }

    public Path directory() {
        return dir;
    }

    /** The filesystem storage root (docker/registry/v2/... below it), for tests that damage blobs. */
    public Path storageDir() {
        return storage;
    }

    public Path configFile() {
        return configFile;
    }

    /** The registry's stdout and stderr; kept across {@link #restart()}. */
    public Path logFile() {
        return logFile;
    }

    public String log() {
        try {
            return Files.readString(logFile, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + logFile, e);
        }
    }

    public List<String> logLines() {
        return log().lines().toList();
    }

    /** Empties the log, e.g. to count only the requests of the step a benchmark measures. */
    public void clearLog() {
        try {
            // The registry writes with O_APPEND, so it continues at the new end of the file.
            Files.write(logFile, new byte[0]);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot truncate " + logFile, e);
        }
    }

    private static final Pattern ACCESS_LOG = Pattern.compile(
            "^\\S+ \\S+ \\S+ \\[[^]]*] \"(\\S+) (\\S+) [^\"]*\" (\\d{3}) (\\d+|-) \"[^\"]*\" \"([^\"]*)\"");

    /** Requests the registry has served, from its access log (one entry per HTTP request), oldest first. */
    public List<Request> requests() {
        List<Request> out = new ArrayList<>();
        for (String line : logLines()) {
            Matcher m = ACCESS_LOG.matcher(line);
            if (m.find()) {
                out.add(new Request(m.group(1), m.group(2), Integer.parseInt(m.group(3)),
                        m.group(4).equals("-") ? 0 : Long.parseLong(m.group(4)), m.group(5)));
            }
        }
        return out;
    }

    /**
     * {@code skopeo copy SOURCE docker://HOST/repoAndTag}. {@code source} is a skopeo reference
     * ({@code oci:DIR:TAG}, {@code oci-archive:...}, {@code docker-archive:...}); a bare {@code DIR:TAG} means
     * {@code oci:}. Extra arguments go before the references, e.g. {@code "--format", "v2s2"}.
     */
    public void push(String source, String repoAndTag, String... extraSkopeoArgs) {
        copy(withTransport(source), "docker://" + hostPort() + "/" + repoAndTag, List.of(extraSkopeoArgs), false);
    }

    /** Like {@link #push} with {@code --all}, so an image index is pushed with all its manifests. */
    public void pushMulti(String source, String repoAndTag, String... extraSkopeoArgs) {
        List<String> extra = new ArrayList<>(List.of("--all"));
        extra.addAll(List.of(extraSkopeoArgs));
        copy(withTransport(source), "docker://" + hostPort() + "/" + repoAndTag, extra, false);
    }

    /** {@code skopeo copy docker://HOST/repoAndTag DESTINATION}, e.g. into {@code oci:DIR:TAG}. */
    public void pull(String repoAndTag, String destination, String... extraSkopeoArgs) {
        copy("docker://" + hostPort() + "/" + repoAndTag, destination, List.of(extraSkopeoArgs), true);
    }

    private void copy(String from, String to, List<String> extra, boolean fromRegistry) {
        List<String> cmd = new ArrayList<>(List.of("skopeo", "--insecure-policy", "copy",
                fromRegistry ? "--src-tls-verify=false" : "--dest-tls-verify=false"));
        credentials().ifPresent(c -> {
            cmd.add(fromRegistry ? "--src-creds" : "--dest-creds");
            cmd.add(c);
        });
        cmd.addAll(extra);
        cmd.add(from);
        cmd.add(to);
        HostTools.runChecked("skopeo copy " + from + " -> " + to, SKOPEO_TIMEOUT, cmd);
    }

    private static String withTransport(String source) {
        return source.matches("^[a-z-]+:.*") && !source.startsWith("/") ? source : "oci:" + source;
    }

    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** Stops the registry (the port then refuses connections); storage and log stay for {@link #restart()}. */
    public synchronized void stop() {
        Process p = process;
        if (p == null) {
            return;
        }
        process = null;
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }

    /** Starts the registry again on the same port with the same storage (stopping it first if it runs). */
    public synchronized void restart() {
        stop();
        launch();
    }

    @Override
    public synchronized void close() {
        stop();
        LIVE.remove(this);
        deleteTree(dir);
    }

    // ---------------------------------------------------------------------------------------------

    private synchronized void launch() {
        try {
            Process p = new ProcessBuilder(dockerRegistry.toString(), "serve", configFile.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            process = p;
            awaitUp(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + dockerRegistry, e);
        }
    }

    private void awaitUp(Process p) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        HttpRequest probe = HttpRequest.newBuilder(url("/v2/")).timeout(Duration.ofSeconds(2)).GET().build();
        while (true) {
            if (!p.isAlive()) {
                process = null;
                throw new IllegalStateException("docker-registry exited with " + p.exitValue() + " while starting on "
                        + hostPort() + "; its log (" + logFile + "):\n" + HostTools.tailOf(log(), 20));
            }
            try {
                // Any HTTP answer means it is serving: 200 when open, 401 with authentication.
                http.send(probe, HttpResponse.BodyHandlers.discarding());
                return;
            } catch (ConnectException e) {
                // not listening yet
            } catch (IOException e) {
                // connection reset while it starts; try again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the registry", e);
            }
            if (System.nanoTime() > deadline) {
                stop();
                throw new IllegalStateException("docker-registry did not answer GET " + url("/v2/") + " within "
                        + START_TIMEOUT.toSeconds() + " s; its log:\n" + HostTools.tailOf(log(), 20));
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the registry", e);
            }
        }
    }

    /** The config is written as JSON, which the registry's YAML parser reads, so no value needs YAML quoting. */
    private void writeConfig(Path htpasswd) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "0.1");
        ObjectNode log = root.putObject("log");
        log.put("level", "info");
        log.put("formatter", "text");
        ObjectNode st = root.putObject("storage");
        st.putObject("filesystem").put("rootdirectory", storage.toString());
        st.putObject("delete").put("enabled", true);
        // No background purge of upload directories while a test inspects them.
        st.putObject("maintenance").putObject("uploadpurging").put("enabled", false);
        ObjectNode httpNode = root.putObject("http");
        httpNode.put("addr", hostPort());
        // Fixed, so upload state signed before a restart() is still valid after it.
        httpNode.put("secret", "drydock-test-registry-secret");
        if (options.tlsCertificate != null) {
            httpNode.putObject("tls").put("certificate", options.tlsCertificate.toString()).put("key", options.tlsKey.toString());
        }
        if (htpasswd != null) {
            ObjectNode h = root.putObject("auth").putObject("htpasswd");
            h.put("realm", "drydock-test");
            h.put("path", htpasswd.toString());
        } else if (options.tokens != null) {
            ObjectNode t = root.putObject("auth").putObject("token");
            t.put("realm", options.tokens.realm());
            t.put("service", options.tokens.service());
            t.put("issuer", options.tokens.issuer());
            t.put("rootcertbundle", options.tokens.rootCertBundle().toString());
        }
        if (options.notifications != null) {
            ObjectNode n = root.putObject("notifications");
            n.putObject("events").put("includereferences", true);
            ObjectNode endpoint = n.putArray("endpoints").addObject();
            endpoint.put("name", "drydock");
            endpoint.put("url", options.notifications.toString());
            endpoint.put("timeout", "2s");
            endpoint.put("threshold", 5);
            endpoint.put("backoff", "1s");
        }
        Files.writeString(configFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
    }

    private static Path writeHtpasswd(Path dir, String user, String password) throws IOException {
        Path htpasswd = HostTools.require("htpasswd", "apache2-utils");
        HostTools.Result r = HostTools.runChecked("creating the htpasswd file (bcrypt)", Duration.ofSeconds(30),
                List.of(htpasswd.toString(), "-Bbn", user, password));
        Path file = dir.resolve("htpasswd");
        // htpasswd -n prints the entry followed by an empty line.
        Files.writeString(file, r.output().strip() + "\n");
        return file;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
