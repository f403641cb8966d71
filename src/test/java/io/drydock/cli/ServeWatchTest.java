package io.drydock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.image.ImageReference;
import io.drydock.image.registry.CredentialStore;
import io.drydock.image.registry.RegistryClient;
import io.drydock.rebuild.LayerAppend;
import io.drydock.image.local.LayerBuilder;
import io.drydock.testing.TestImages;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The base-update loop inside {@code drydock serve}: its bases are tracked at start, the leader polls them, the
 * replicas' workers run its steps, the registry-notification endpoint is served beside the API, and the steps show in
 * the rollouts the API and the dashboard give.
 */
class ServeWatchTest {
    @TempDir
    Path dir;

    @Test
    void theLoopRunsInTheServerAndItsStepsShowInTheRollouts() throws Exception {
        try (ServeFixture f = new ServeFixture(dir)) {
            String registry = f.registry.hostPort();
            RegistryClient client = new RegistryClient(CredentialStore.none(), RegistryClient.Options.defaults());
            f.registry.push(TestImages.ociRef("base"), "loop/base:1");
            LayerAppend.push(client, ImageReference.parse(registry + "/loop/base:1"), new LayerBuilder().file("app/x", "x"), "COPY x /app/",
                    Map.of(), "2026-11-26T00:00:00Z", ImageReference.parse(registry + "/loop/app:1"));
            ServeFixture.writeValidationFiles(dir);
            Files.writeString(dir.resolve("watch.yaml"), """
                    apiVersion: drydock.io/v1
                    kind: WatchConfig
                    poll: {interval: 1s}
                    validation: {policy: policy.yaml, key: cosign.key, passphraseFile: pass}
                    rollout: {kubeconfig: none}
                    images:
                      - image: %s/loop/app:1
                        base: %s/loop/base:1
                        when: any-change
                    """.formatted(registry, registry));
            f.start("leader: none\nwatch: " + dir.resolve("watch.yaml") + "\n", null);

            ServeFixture.await("the base's first digest", Duration.ofSeconds(30), () -> {
                try {
                    JsonNode bases = f.getJson("/api/v1/lineage").get("trackedBases");
                    return bases.size() == 1 && !bases.get(0).get("digest").isNull();
                } catch (Exception e) {
                    return false;
                }
            });
            assertThat(f.getJson("/api/v1/lineage").get("trackedBases").get(0).get("reference").asText()).isEqualTo(registry + "/loop/base:1");

            // the base moves: the leader's poll sees it and the workers run the loop's steps
            LayerAppend.push(client, ImageReference.parse(registry + "/loop/base:1"), new LayerBuilder().file("etc/patched", "1"),
                    "RUN apt-get upgrade", Map.of(), "2026-11-27T00:00:00Z", ImageReference.parse(registry + "/loop/base:1"));
            ServeFixture.await("the loop's steps", Duration.ofSeconds(90), () -> {
                try {
                    return f.getJson("/api/v1/rollouts").get("items").toString().contains("\"kind\":\"decide\"");
                } catch (Exception e) {
                    return false;
                }
            });
            JsonNode rollouts = f.getJson("/api/v1/rollouts");
            assertThat(rollouts.get("items").toString()).contains("base-changed").contains(registry + "/loop/base:1");
            assertThat(f.get("/ui/rollouts", null).statusCode()).as("the dashboard needs a sign-in").isIn(302, 200);

            HttpResponse<String> garbage = f.post("/notifications", null, "this is not json");
            assertThat(garbage.statusCode()).isEqualTo(400);
            assertThat(garbage.body()).contains("error");
        }
    }
}
