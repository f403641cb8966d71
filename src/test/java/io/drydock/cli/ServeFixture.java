package io.drydock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.drydock.server.ServeConfig;
import io.drydock.testing.TestImages;
import io.drydock.testing.TestRegistry;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * A real {@code drydock serve} for tests, in this JVM: a real registry with the test app image pushed, advisories from
 * a directory the test can add to, and a receiver for the notifications it sends.
 */
final class ServeFixture implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN_TOKEN = "ddk_test-admin-token-0123456789";
    static final Path OSV = Path.of("src/test/resources/vulndb/osv");
    static final String LODASH_ADVISORY = "npm/GHSA-p6mc-m468-83gw.json";
    static final String LOG4J_ADVISORY = "Maven/GHSA-7rjr-3q55-vv33.json";

    final Path dir;
    final TestRegistry registry;
    final String appReference;
    final String appDigest;
    final Path advisories;
    final Receiver receiver;
    final StringWriter log = new StringWriter();
    ServeCommand.Running running;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ServeFixture(Path dir) throws IOException {
        this.dir = dir;
        registry = TestRegistry.open();
        registry.push(TestImages.ociRef("app"), "team/app:1");
        appReference = registry.hostPort() + "/team/app:1";
        appDigest = headDigest("team/app", "1");
        advisories = Files.createDirectories(dir.resolve("advisories"));
        addAdvisory(LODASH_ADVISORY);
        receiver = new Receiver();
    }

    void addAdvisory(String relative) throws IOException {
        Path to = advisories.resolve(relative.replace('/', '-'));
        Files.copy(OSV.resolve(relative), to);
    }

    /** Starts the server with this configuration body (listen, home, advisories and tokens are added). */
    ServeFixture start(String yaml, KubernetesClient kube) throws IOException {
        return start(yaml, kube, "{host: 127.0.0.1, port: 0}");
    }

    ServeFixture start(String yaml, KubernetesClient kube, String listen) throws IOException {
        Path config = dir.resolve("serve.yaml");
        Files.writeString(config, """
                version: 1
                listen: %s
                home: %s
                advisories: {source: [%s], every: 24h}
                tokens: %s
                """.formatted(listen, dir.resolve("home"), advisories, ADMIN_TOKEN) + yaml);
        running = ServeCommand.start(ServeConfig.read(config), kube, new PrintWriter(log, true), new PrintWriter(log, true), Clock.systemUTC());
        return this;
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + running.server().port() + path);
    }

    HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String token, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(120)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode getJson(String path) throws Exception {
        HttpResponse<String> r = get(path, ADMIN_TOKEN);
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** Waits for the analysis of the app image that POST /api/v1/images queued, or that the informer queued. */
    JsonNode awaitImage(String digest) throws Exception {
        await("the analysis of " + digest, Duration.ofMinutes(3), () -> {
            try {
                return get("/api/v1/images/" + digest, ADMIN_TOKEN).statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        });
        return getJson("/api/v1/images/" + digest);
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    private String headDigest(String repository, String tag) throws IOException {
        return headDigest(registry, repository, tag, null);
    }

    /** The digest {@code registry} answers for the tag (HEAD), sending {@code basicAuth} (base64 user:password) when not null. */
    static String headDigest(TestRegistry registry, String repository, String tag, String basicAuth) throws IOException {
        HttpRequest.Builder head = HttpRequest.newBuilder(registry.url("/v2/" + repository + "/manifests/" + tag))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .header("Accept", "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json");
        if (basicAuth != null) {
            head.header("Authorization", "Basic " + basicAuth);
        }
        try {
            HttpResponse<Void> r = HttpClient.newHttpClient().send(head.build(), HttpResponse.BodyHandlers.discarding());
            return r.headers().firstValue("Docker-Content-Digest").orElseThrow(() -> new IOException(
                    "HEAD " + repository + ":" + tag + " answered " + r.statusCode() + " without a digest"));
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
    }

    /** The files a watch configuration's {@code validation} section names: cosign.key (passphrase "pw"), pass, policy.yaml. */
    static void writeValidationFiles(Path dir) throws IOException {
        Files.writeString(dir.resolve("cosign.key"), io.drydock.sign.SigningKeys.encryptPrivate(
                io.drydock.sign.SigningKeys.generate().getPrivate(), "pw".toCharArray()));
        Files.writeString(dir.resolve("pass"), "pw\n");
        Files.writeString(dir.resolve("policy.yaml"), "apiVersion: drydock.io/v1\nkind: Policy\nname: p\nrules:\n  maxSeverity: CRITICAL\n");
    }

    @Override
    public void close() {
        if (running != null) {
            running.close();
        }
        receiver.close();
        registry.close();
    }

    /** Receives notifications: every request's path, headers and body. */
    static final class Receiver implements AutoCloseable {
        record Received(String path, Map<String, List<String>> headers, String body) {
        }

        final List<Received> received = Collections.synchronizedList(new ArrayList<>());
        final Map<String, Integer> answers = new ConcurrentHashMap<>();
        volatile Duration delay = Duration.ZERO;
        private final HttpServer server;

        Receiver() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                String path = exchange.getRequestURI().getPath();
                received.add(new Received(path, exchange.getRequestHeaders(), new String(body, java.nio.charset.StandardCharsets.UTF_8)));
                if (!delay.isZero()) {
                    try {
                        Thread.sleep(delay.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                exchange.sendResponseHeaders(answers.getOrDefault(path, 200), -1);
                exchange.close();
            });
            server.start();
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + path;
        }

        List<Received> at(String path) {
            synchronized (received) {
                return received.stream().filter(r -> r.path().equals(path)).toList();
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
