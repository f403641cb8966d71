package io.drydock.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class TestRegistryTest {
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void openRegistryAcceptsPushesAndListsTheTag() throws Exception {
        try (TestRegistry registry = TestRegistry.open()) {
            assertThat(registry.hostPort()).matches("127\\.0\\.0\\.1:\\d+");
            registry.push(TestImages.ociRef("base"), "test/base:bookworm");
            registry.push(TestImages.ociRef("app"), "test/app:1");

            HttpResponse<String> tags = get(registry.url("/v2/test/app/tags/list"));
            assertThat(tags.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(tags.body()).path("tags").toString()).isEqualTo("[\"1\"]");

            HttpResponse<String> head = send(HttpRequest.newBuilder(registry.url("/v2/test/app/manifests/1"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Accept", OCI_MANIFEST));
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.headers().firstValue("Docker-Content-Digest")).contains(TestImages.manifestDigest("app"));

            JsonNode catalog = JSON.readTree(get(registry.url("/v2/_catalog")).body());
            assertThat(catalog.path("repositories").toString()).isEqualTo("[\"test/app\",\"test/base\"]");

            // The base layer was pushed with base; pushing app only needed its own layer.
            List<TestRegistry.Request> requests = registry.requests();
            assertThat(requests).anySatisfy(r -> {
                assertThat(r.method()).isEqualTo("PUT");
                assertThat(r.path()).isEqualTo("/v2/test/app/manifests/1");
                assertThat(r.status()).isEqualTo(201);
                assertThat(r.userAgent()).startsWith("skopeo/");
            });
        }
    }

    @Test
    void pushCanConvertToDockerMediaTypesAndPushAnIndex() throws Exception {
        try (TestRegistry registry = TestRegistry.open()) {
            registry.push(TestImages.ociRef("app"), "test/app:v2s2", "--format", "v2s2");
            HttpResponse<String> docker = send(HttpRequest.newBuilder(registry.url("/v2/test/app/manifests/v2s2"))
                    .header("Accept", DOCKER_MANIFEST));
            assertThat(docker.statusCode()).isEqualTo(200);
            assertThat(docker.headers().firstValue("Content-Type")).contains(DOCKER_MANIFEST);

            registry.pushMulti(TestImages.multiRef(), "test/multi:1");
            HttpResponse<String> index = send(HttpRequest.newBuilder(registry.url("/v2/test/multi/manifests/1"))
                    .header("Accept", OCI_INDEX + ", " + OCI_MANIFEST));
            assertThat(index.statusCode()).isEqualTo(200);
            assertThat(index.headers().firstValue("Content-Type")).contains(OCI_INDEX);
            // skopeo --all copies the index unchanged, so the fixture's digest holds in the registry.
            assertThat(index.headers().firstValue("Docker-Content-Digest")).contains(TestImages.value("multi.index"));
            HttpResponse<String> arm = send(HttpRequest.newBuilder(
                    registry.url("/v2/test/multi/manifests/" + TestImages.manifestDigest("arm64"))).header("Accept", OCI_MANIFEST));
            assertThat(arm.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void stopRefusesConnectionsAndRestartKeepsPortAndStorage() throws Exception {
        try (TestRegistry registry = TestRegistry.open()) {
            registry.push(TestImages.ociRef("arm64"), "test/small:1");
            int port = registry.port();

            registry.stop();
            assertThat(registry.isRunning()).isFalse();
            assertThatThrownBy(() -> get(registry.url("/v2/"))).isInstanceOf(ConnectException.class);

            registry.restart();
            assertThat(registry.isRunning()).isTrue();
            assertThat(registry.port()).isEqualTo(port);
            HttpResponse<String> tags = get(registry.url("/v2/test/small/tags/list"));
            assertThat(tags.statusCode()).isEqualTo(200);
            assertThat(tags.body()).contains("\"1\"");
            assertThat(registry.log().split("listening on ", -1)).as("one start line per start").hasSize(3);
        }
    }

    @Test
    void basicAuthRegistryRejectsAnonymousAndAcceptsCredentials() throws Exception {
        try (TestRegistry registry = TestRegistry.basicAuth("drydock", "s3cret pass")) {
            assertThat(registry.credentials()).contains("drydock:s3cret pass");
            HttpResponse<String> anonymous = get(registry.url("/v2/"));
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("Basic realm="));

            assertThat(send(HttpRequest.newBuilder(registry.url("/v2/"))
                    .header("Authorization", basic("drydock", "wrong"))).statusCode()).isEqualTo(401);
            assertThat(send(HttpRequest.newBuilder(registry.url("/v2/"))
                    .header("Authorization", basic("drydock", "s3cret pass"))).statusCode()).isEqualTo(200);

            registry.push(TestImages.ociRef("arm64"), "test/small:1");
            HttpResponse<String> tags = send(HttpRequest.newBuilder(registry.url("/v2/test/small/tags/list"))
                    .header("Authorization", basic("drydock", "s3cret pass")));
            assertThat(tags.statusCode()).isEqualTo(200);
            assertThat(tags.body()).contains("\"1\"");
            assertThat(get(registry.url("/v2/test/small/tags/list")).statusCode()).isEqualTo(401);
        }
    }

    @Test
    void notificationsArriveForAPush() throws Exception {
        List<JsonNode> events = new CopyOnWriteArrayList<>();
        HttpServer sink = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        sink.createContext("/events", ex -> {
            try (ex) {
                JsonNode envelope = JSON.readTree(ex.getRequestBody());
                envelope.path("events").forEach(events::add);
                ex.sendResponseHeaders(200, -1);
            }
        });
        sink.start();
        try (TestRegistry registry = TestRegistry.builder()
                .notifications(URI.create("http://127.0.0.1:" + sink.getAddress().getPort() + "/events")).start()) {
            registry.push(TestImages.ociRef("arm64"), "test/small:1");
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (events.stream().noneMatch(TestRegistryTest::isTaggedManifestPush) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(events).anySatisfy(e -> {
                assertThat(isTaggedManifestPush(e)).isTrue();
                assertThat(e.path("target").path("repository").asText()).isEqualTo("test/small");
                assertThat(e.path("target").path("digest").asText()).isEqualTo(TestImages.manifestDigest("arm64"));
            });
        } finally {
            sink.stop(0);
        }
    }

    private static boolean isTaggedManifestPush(JsonNode e) {
        return e.path("action").asText().equals("push") && e.path("target").path("tag").asText().equals("1");
    }

    // ---------------------------------------------------------------------------------------------

    static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri));
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
