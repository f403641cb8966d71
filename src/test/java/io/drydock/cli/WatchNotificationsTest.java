package io.drydock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.image.ImageReference;
import io.drydock.image.local.LayerBuilder;
import io.drydock.image.registry.CredentialStore;
import io.drydock.image.registry.RegistryClient;
import io.drydock.rebuild.LayerAppend;
import io.drydock.store.Job;
import io.drydock.testing.TestImages;
import io.drydock.testing.TestRegistry;
import io.drydock.watch.WatchConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registry notifications into the watch loop: the real registry is configured to notify Drydock's endpoint, so a
 * skopeo push produces a real Distribution envelope; each is confirmed by a HEAD before a step is started. Bad input
 * is refused and changes nothing.
 */
class WatchNotificationsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aRealPushNotificationIsConfirmedByAHeadAndStartsTheLoopWhileBadOnesChangeNothing(@TempDir Path home) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        URI endpoint = URI.create("http://127.0.0.1:" + port + "/notifications");
        try (TestRegistry registry = TestRegistry.builder().notifications(endpoint).start()) {
            RegistryClient client = new RegistryClient(CredentialStore.none(), RegistryClient.Options.defaults());
            registry.push(TestImages.ociRef("base"), "note/base:1");
            LayerAppend.push(client, ImageReference.parse(registry.hostPort() + "/note/base:1"), new LayerBuilder().file("app/x", "x"),
                    "COPY x /app/", Map.of(), "2026-11-26T00:00:00Z", ImageReference.parse(registry.hostPort() + "/note/app:1"));
            ServeFixture.writeValidationFiles(home);
            Files.writeString(home.resolve("watch.yaml"), """
                    apiVersion: drydock.io/v1
                    kind: WatchConfig
                    notifications:
                      listen: 127.0.0.1:%d
                    validation: {policy: policy.yaml, key: cosign.key, passphraseFile: pass}
                    rollout: {kubeconfig: none}
                    images:
                      - image: %s/note/app:1
                        base: %s/note/base:1
                        when: any-change
                    """.formatted(port, registry.hostPort(), registry.hostPort()));
            ImageOptions options = new ImageOptions();
            options.home = home;
            StringWriter log = new StringWriter();
            try (WatchCommand.Running r = WatchCommand.assemble(WatchConfig.read(home.resolve("watch.yaml")), options, "n1", null,
                    new PrintWriter(log, true), new PrintWriter(log, true), Clock.systemUTC())) {
                r.watcher().syncTrackedBases();
                r.watcher().once();
                r.watcher().startNotifications();
                assertThat(r.watcher().port()).isEqualTo(port);

                HttpResponse<String> notJson = post(endpoint, "this is not json", "application/json");
                assertThat(notJson.statusCode()).isEqualTo(400);
                assertThat(notJson.body()).contains("not JSON").contains("/notifications");
                assertThat(r.store().jobs(null)).as("nothing enqueued").isEmpty();

                String untracked = Files.readString(Path.of(getClass().getResource("/notifications/distribution-push.json").toURI()))
                        .replace("127.0.0.1:5000", registry.hostPort());
                HttpResponse<String> nobody = post(endpoint, untracked, "application/vnd.docker.distribution.events.v1+json");
                assertThat(nobody.statusCode()).isEqualTo(202);
                JsonNode n = JSON.readTree(nobody.body());
                assertThat(n.at("/ignored/0/reason").asText()).contains("no tracked base is " + registry.hostPort() + "/test/app:1");
                assertThat(r.store().jobs(null)).isEmpty();

                LayerAppend.push(client, ImageReference.parse(registry.hostPort() + "/note/base:1"),
                        new LayerBuilder().file("etc/security-update", "1"), "RUN apt-get upgrade", Map.of(), "2026-11-26T00:00:00Z",
                        ImageReference.parse(registry.hostPort() + "/staging/base:2"));
                registry.clearLog();
                // a real base update pushed by skopeo: the registry notifies the endpoint itself
                registry.push("docker://" + registry.hostPort() + "/staging/base:2", "note/base:1", "--src-tls-verify=false");
                Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
                while (r.store().job("base-changed", registry.hostPort() + "/note/base:1@"
                        + client.head(ImageReference.parse(registry.hostPort() + "/note/base:1")).orElseThrow().digest()).isEmpty()
                        && Instant.now().isBefore(deadline)) {
                    Thread.sleep(50);
                }
                List<Job> jobs = r.store().jobs(null);
                assertThat(jobs).as(log.toString()).extracting(Job::kind).containsExactly("base-changed");
                assertThat(registry.requests()).as("the hint was confirmed with a HEAD, no GET of the base")
                        .anyMatch(q -> q.method().equals("HEAD") && q.path().endsWith("/note/base/manifests/1"))
                        .noneMatch(q -> q.method().equals("GET") && q.path().endsWith("/note/base/manifests/1"));
                assertThat(log.toString()).contains("confirmed change");

                // the same notification again (a retry by the registry) is not a second change
                int before = r.store().jobs(null).size();
                String current = client.head(ImageReference.parse(registry.hostPort() + "/note/base:1")).orElseThrow().digest().hex();
                String retry = """
                        {"events": [
                          {"action": "push", "request": {"host": "%s"},
                           "target": {"mediaType": "application/vnd.oci.image.manifest.v1+json", "repository": "note/base",
                                      "tag": "1", "digest": "sha256:%s"}},
                          {"action": "pull", "request": {"host": "%s"},
                           "target": {"mediaType": "application/vnd.oci.image.manifest.v1+json", "repository": "note/base",
                                      "tag": "1", "digest": "sha256:%s"}}
                        ]}""";
                HttpResponse<String> again = post(endpoint, retry.formatted(registry.hostPort(), current, registry.hostPort(), current),
                        "application/json");
                assertThat(again.statusCode()).as(again.body()).isEqualTo(202);
                assertThat(JSON.readTree(again.body()).at("/unchanged/0").asText()).isEqualTo(registry.hostPort() + "/note/base:1");
                // a notification naming a digest the tag does not show (yet): looked at again shortly, and nothing changes
                HttpResponse<String> ahead = post(endpoint, retry.formatted(registry.hostPort(), "ab".repeat(32), registry.hostPort(),
                        "ab".repeat(32)), "application/json");
                assertThat(JSON.readTree(ahead.body()).at("/pending/0").asText()).isEqualTo(registry.hostPort() + "/note/base:1");
                Instant until = Instant.now().plusSeconds(10);
                while (!log.toString().contains("still points to") && Instant.now().isBefore(until)) {
                    Thread.sleep(50);
                }
                assertThat(log.toString()).contains("named sha256:" + "ab".repeat(32) + ", but the tag still points to sha256:" + current);
                assertThat(r.store().jobs(null)).hasSize(before);
            }
        }
    }

    HttpResponse<String> post(URI uri, String body, String type) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
