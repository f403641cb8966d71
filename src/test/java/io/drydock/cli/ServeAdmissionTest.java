package io.drydock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.admission.server.AdmissionTestServers;
import io.drydock.sign.SigningKeys;
import io.drydock.store.AdmissionRecord;
import io.drydock.store.Store;
import io.drydock.store.Stores;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admission webhook served by {@code drydock serve}: its answers, on the server's port and without an API token
 * (the API server presents none), and every decision in the store's admission log, the API and {@code /metrics}.
 */
class ServeAdmissionTest {
    @TempDir
    Path dir;

    @Test
    void theWebhookAnswersOnTheServersPortAndEveryDecisionIsKept() throws Exception {
        Files.writeString(dir.resolve("team.pub"), SigningKeys.publicPem(SigningKeys.generate().getPublic()));
        Files.writeString(dir.resolve("policy.yaml"), """
                apiVersion: drydock.io/v1
                kind: AdmissionPolicy
                default:
                  keys: [team.pub]
                  mode: enforce
                """);
        try (ServeFixture f = new ServeFixture(dir)) {
            f.start("leader: none\nadmission: " + dir.resolve("policy.yaml") + "\n", null);

            // the app image carries no signature: denied, naming the image
            JsonNode denied = review(f, "uid-unsigned", "shop");
            assertThat(denied.get("uid").asText()).isEqualTo("uid-unsigned");
            assertThat(denied.get("allowed").asBoolean()).isFalse();
            assertThat(denied.at("/status/message").asText()).contains(f.appReference).contains("no cosign signatures");
            // kube-system is exempt by default
            JsonNode exempt = review(f, "uid-exempt", "kube-system");
            assertThat(exempt.get("allowed").asBoolean()).as(exempt.toString()).isTrue();

            ServeFixture.await("both decisions in the admission log", Duration.ofSeconds(30), () -> {
                try {
                    return f.getJson("/api/v1/admissions").get("items").size() == 2;
                } catch (Exception e) {
                    return false;
                }
            });
            JsonNode items = f.getJson("/api/v1/admissions").get("items");
            assertThat(items.get(0).get("uid").asText()).isEqualTo("uid-exempt");
            assertThat(items.get(0).get("allowed").asBoolean()).isTrue();
            assertThat(items.get(1).get("uid").asText()).isEqualTo("uid-unsigned");
            assertThat(items.get(1).get("namespace").asText()).isEqualTo("shop");
            assertThat(items.get(1).get("message").asText()).isEqualTo(denied.at("/status/message").asText());
            assertThat(f.getJson("/api/v1/admissions?denied=true").get("items")).hasSize(1);

            String metrics = f.get("/metrics", ServeFixture.ADMIN_TOKEN).body();
            assertThat(metrics).contains("drydock_admission_log_records_total{result=\"recorded\"} 2.0")
                    .contains("drydock_admission_log_records_total{result=\"dropped\"} 0.0");

            // a decision made just before the server stops is in the store when it has stopped
            review(f, "uid-last", "shop");
            f.running.close();
            f.running = null;
            try (Store store = Stores.open(null, dir.resolve("home"))) {
                List<AdmissionRecord> log = store.admissions(10, false);
                assertThat(log).extracting(AdmissionRecord::uid).containsExactly("uid-last", "uid-exempt", "uid-unsigned");
            }
        }
    }

    private static JsonNode review(ServeFixture f, String uid, String namespace) throws Exception {
        HttpResponse<String> r = f.post("/validate", null,
                new String(AdmissionTestServers.podReview(uid, namespace, f.appReference), StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return ServeFixture.JSON.readTree(r.body()).get("response");
    }
}
