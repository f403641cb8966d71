package io.drydock.admission.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.image.Descriptor;
import io.drydock.sign.SigningKeys;
import io.drydock.testing.TestRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Concurrent requests for one uncached digest share one verification: the registry sees the requests of a single
 * verification, counted both by the server ({@code drydock_admission_registry_requests_total}) and by the registry's
 * own access log.
 */
class AdmissionSingleFlightTest {
    static final int CONCURRENT = 24;
    static KeyPair alice;
    static GateFixture gate;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        alice = SigningKeys.generate();
        Files.writeString(dir.resolve("alice.pub"), SigningKeys.publicPem(alice.getPublic()));
        gate = new GateFixture(dir, """
                apiVersion: drydock.io/v1
                kind: AdmissionPolicy
                default:
                  keys: [alice.pub]
                  attestations: [vuln]
                  maxAge: 24h
                  requirePassingVerdict: true
                  mode: enforce
                """);
    }

    @AfterAll
    static void stop() {
        if (gate != null) {
            gate.close();
        }
    }

    record Counts(long server, long registryLog) {
    }

    /** Registry requests made while {@code run} ran, by the server's counter and by the registry's access log. */
    Counts during(ThrowingRunnable run) throws Exception {
        long before = gate.metric("drydock_admission_registry_requests_total");
        int logBefore = settledLogSize();
        run.run();
        long after = gate.metric("drydock_admission_registry_requests_total");
        return new Counts(after - before, settledLogSize() - logBefore);
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** The access log is written by another process: wait until its length stops changing. */
    static int settledLogSize() throws InterruptedException {
        TestRegistry r = gate.registry;
        int last = -1;
        for (int i = 0; i < 50; i++) {
            int n = r.requests().size();
            if (n == last) {
                return n;
            }
            last = n;
            Thread.sleep(60);
        }
        return last;
    }

    String signed(String repo) {
        Descriptor d = gate.push("app", repo + ":1");
        gate.signAndAttest(repo, d, alice);
        // by digest: only the verification goes to the registry (a tag would add one HEAD per request)
        return gate.image(repo + ":1") + "@" + d.digest();
    }

    @Test
    void concurrentRequestsForOneUncachedDigestShareOneVerification() throws Exception {
        // what one verification costs, on an image of the same shape
        String alone = signed("flight/alone");
        Counts one = during(() -> assertThat(gate.validate("u-alone", alone).get("allowed").asBoolean()).isTrue());
        assertThat(one.server()).as("a verification asks the registry").isPositive();

        String shared = signed("flight/shared");
        long missesBefore = gate.metric("drydock_admission_verdict_cache_misses_total");
        long hitsBefore = gate.metric("drydock_admission_verdict_cache_hits_total");
        List<JsonNode> answers = new ArrayList<>();
        Counts many = during(() -> {
            List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
            for (int i = 0; i < CONCURRENT; i++) {
                sent.add(gate.https.sendAsync(gate.validateRequest("u-shared-" + i, shared), HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> f : sent) {
                answers.add(GateFixture.answer(f.get(30, TimeUnit.SECONDS)));
            }
        });
        long joined = gate.metric("drydock_admission_verdict_cache_misses_total") - missesBefore;
        long hits = gate.metric("drydock_admission_verdict_cache_hits_total") - hitsBefore;

        assertThat(answers).hasSize(CONCURRENT).allSatisfy(a -> assertThat(a.get("allowed").asBoolean()).as(a.toString()).isTrue());
        assertThat(joined + hits).isEqualTo(CONCURRENT);
        assertThat(joined).as("requests that found the verification running (misses), so they really overlapped").isGreaterThan(1);
        assertThat(many.server()).as("registry requests for %d concurrent requests, one verification costs %d", CONCURRENT, one.server())
                .isEqualTo(one.server());
        assertThat(many.registryLog()).as("the registry's own log agrees").isEqualTo(one.registryLog());
    }
}
