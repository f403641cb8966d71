package io.drydock.admission.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.admission.ClusterLookups;
import io.drydock.admission.certs.CertificateFiles;
import io.drydock.admission.certs.ServiceIdentity;
import io.drydock.admission.certs.ServingCertificates;
import io.drydock.image.Descriptor;
import io.drydock.image.ImageReference;
import io.drydock.image.Manifest;
import io.drydock.image.registry.CredentialStore;
import io.drydock.image.registry.RegistryClient;
import io.drydock.sign.Attestations;
import io.drydock.sign.CosignStore;
import io.drydock.sign.Signer;
import io.drydock.sign.SigningKeys;
import io.drydock.testing.TestImages;
import io.drydock.testing.TestRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The webhook over real HTTPS, against the real test registry, with images signed and attested in-process. */
class AdmissionServerTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static TestRegistry registry;
    static RegistryClient client;
    static KeyPair alice;
    static KeyPair mallory;
    static AdmissionServer server;
    static HttpClient https;
    static CertificateFiles certs;
    static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        registry = TestRegistry.open();
        client = new RegistryClient(CredentialStore.none(), RegistryClient.Options.defaults());
        alice = SigningKeys.generate();
        mallory = SigningKeys.generate();
        Files.writeString(dir.resolve("alice.pub"), SigningKeys.publicPem(alice.getPublic()));
        Files.writeString(dir.resolve("policy.yaml"), """
                apiVersion: drydock.io/v1
                kind: AdmissionPolicy
                default:
                  keys: [alice.pub]
                  attestations: [vuln]
                  maxAge: 24h
                  requirePassingVerdict: true
                  mode: enforce
                namespaces:
                  warned: {mode: warn}
                  audited: {mode: audit}
                  unpinned: {pinning: false}
                """);
        // "localhost" as the Service name puts localhost among the SANs, so the client checks the host name for real
        certs = new CertificateFiles(dir.resolve("tls"));
        certs.write(ServingCertificates.issue(new ServiceIdentity("localhost", "test"), Duration.ofDays(1), Instant.now()), false);
        Files.writeString(dir.resolve("server.yaml"), """
                listen: 127.0.0.1:0
                tls:
                  certFile: tls/tls.crt
                  keyFile: tls/tls.key
                  checkInterval: 1s
                policy: policy.yaml
                cacheTtl: 5m
                negativeCacheTtl: 30s
                deadlineMillis: 2000
                registry:
                  timeout: 1s
                  attempts: 1
                """);
        server = new AdmissionServer(ServerConfig.read(dir.resolve("server.yaml")), ClusterLookups.NONE, CredentialStore::none,
                dir.resolve("locks"), Clock.systemUTC(), new PrintStream(LOG, true, StandardCharsets.UTF_8)).start();
        https = io.drydock.testing.Tls.trusting(certs.caCertificate());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        registry.close();
    }

    // ---- images ----

    static Descriptor push(String fixture, String repoAndTag) {
        registry.push(TestImages.ociRef(fixture), repoAndTag);
        Manifest m = client.manifest(ImageReference.parse(registry.hostPort() + "/" + repoAndTag));
        return Descriptor.of(m.mediaType(), m.digest(), m.raw().length);
    }

    static ImageReference repo(String repo) {
        return ImageReference.parse(registry.hostPort() + "/" + repo + ":x");
    }

    static String image(String repoAndTag) {
        return registry.hostPort() + "/" + repoAndTag;
    }

    static ObjectNode vuln(Instant finished) {
        ObjectNode p = JSON.createObjectNode();
        p.putObject("scanner").put("uri", "pkg:generic/drydock@test");
        p.putObject("metadata").put("scanStartedOn", finished.minusSeconds(5).toString()).put("scanFinishedOn", finished.toString());
        return p;
    }

    static ObjectNode verdict(boolean passed, Instant at) {
        ObjectNode p = JSON.createObjectNode();
        p.put("passed", passed);
        p.put("policyName", "test");
        p.put("evaluatedAt", at.toString());
        return p;
    }

    /** Pushes the image, signs it with {@code key} and attests a scan and a verdict made {@code age} ago. */
    static Descriptor validated(String fixture, String repo, String tag, KeyPair key, Duration age, boolean passed) {
        Descriptor d = push(fixture, repo + ":" + tag);
        Instant when = Instant.now().minus(age);
        new Signer(new CosignStore(client, dir.resolve("locks")), key.getPrivate()).signAndAttest(repo(repo), d,
                Map.of(Attestations.VULN.predicateType, vuln(when), Attestations.VERDICT.predicateType, verdict(passed, when)));
        return d;
    }

    // ---- requests ----

    static byte[] podReview(String uid, String namespace, String... images) throws IOException {
        return AdmissionTestServers.podReview(uid, namespace, images);
    }

    static HttpResponse<String> post(HttpClient http, String path, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + path))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode response(String path, byte[] body) throws Exception {
        HttpResponse<String> r = post(https, path, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode review = JSON.readTree(r.body());
        assertThat(review.get("kind").asText()).isEqualTo("AdmissionReview");
        return review.get("response");
    }

    // ---- tests ----

    @Test
    void aValidatedImageIsAllowedAndPinnedToItsDigest() throws Exception {
        Descriptor d = validated("app", "gate/signed", "1", alice, Duration.ofHours(1), true);
        JsonNode validate = response("/validate", podReview("u-signed", "shop", image("gate/signed:1")));
        assertThat(validate.get("uid").asText()).isEqualTo("u-signed");
        assertThat(validate.get("allowed").asBoolean()).as(validate.toString()).isTrue();
        assertThat(validate.has("patch")).as("a validating webhook may not patch").isFalse();

        JsonNode mutate = response("/mutate", podReview("u-signed-2", "shop", image("gate/signed:1")));
        assertThat(mutate.get("allowed").asBoolean()).isTrue();
        assertThat(mutate.get("patchType").asText()).isEqualTo("JSONPatch");
        JsonNode patch = JSON.readTree(Base64.getDecoder().decode(mutate.get("patch").asText()));
        assertThat(patch.get(0).get("op").asText()).isEqualTo("replace");
        assertThat(patch.get(0).get("path").asText()).isEqualTo("/spec/containers/0/image");
        assertThat(patch.get(0).get("value").asText()).isEqualTo(image("gate/signed:1") + "@" + d.digest());

        JsonNode unpinned = response("/mutate", podReview("u-signed-3", "unpinned", image("gate/signed:1")));
        assertThat(unpinned.get("allowed").asBoolean()).isTrue();
        assertThat(unpinned.has("patch")).isFalse();

        JsonNode line = logLine("u-signed");
        assertThat(line.get("namespace").asText()).isEqualTo("shop");
        assertThat(line.get("kind").asText()).isEqualTo("Pod");
        assertThat(line.at("/images/0/digest").asText()).isEqualTo(d.digest().toString());
        assertThat(line.at("/images/0/verdict").asText()).isEqualTo("verified");
        assertThat(line.get("millis").isNumber()).isTrue();

        HttpResponse<String> metrics = https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).contains("drydock_admission_requests_total{endpoint=\"validate\",result=\"allowed\"}")
                .contains("drydock_admission_request_duration_seconds_bucket{endpoint=\"mutate\",result=\"allowed\",le=")
                .contains("drydock_admission_verdict_cache_hits_total").contains("drydock_admission_verdict_cache_misses_total")
                .contains("drydock_admission_registry_requests_total");
        HttpResponse<String> health = https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
    }

    @Test
    void anUnsignedImageIsDeniedInEnforceWarnedInWarnAndAnnotatedInAudit() throws Exception {
        Descriptor unsigned = push("base", "gate/unsigned:1");
        String img = image("gate/unsigned:1");
        JsonNode enforce = response("/validate", podReview("u-unsigned", "shop", img));
        assertThat(enforce.get("allowed").asBoolean()).isFalse();
        assertThat(enforce.at("/status/code").asInt()).isEqualTo(403);
        assertThat(enforce.at("/status/message").asText()).contains(img).contains("no cosign signatures");
        // the decision line names the digest the tag resolved to, the one that failed
        JsonNode logged = logLine("u-unsigned").at("/images/0");
        assertThat(logged.get("verdict").asText()).isEqualTo("failed");
        assertThat(logged.get("digest").asText()).isEqualTo(unsigned.digest().toString());

        JsonNode warn = response("/validate", podReview("u-unsigned-warn", "warned", img));
        assertThat(warn.get("allowed").asBoolean()).isTrue();
        assertThat(warn.get("warnings").get(0).asText()).contains("warn mode").contains(img);

        JsonNode audit = response("/validate", podReview("u-unsigned-audit", "audited", img));
        assertThat(audit.get("allowed").asBoolean()).isTrue();
        assertThat(audit.has("warnings")).isFalse();
        assertThat(audit.at("/auditAnnotations/unverified").asText()).contains(img);
    }

    @Test
    void aSignatureCopiedFromAnotherImageIsDenied() throws Exception {
        Descriptor signed = validated("app", "gate/copy", "1", alice, Duration.ofHours(1), true);
        Descriptor other = push("base", "gate/copy:2");
        String sigTag = signed.digest().tagForm() + ".sig";
        client.pushManifest(repo("gate/copy"), other.digest().tagForm() + ".sig", client.manifest(repo("gate/copy").withTag(sigTag), sigTag));
        JsonNode r = response("/validate", podReview("u-copy", "shop", image("gate/copy:2")));
        assertThat(r.get("allowed").asBoolean()).isFalse();
        assertThat(r.at("/status/message").asText()).contains("copied");
    }

    @Test
    void aTagMovedAfterSigningIsDenied() throws Exception {
        validated("app", "gate/moved", "1", alice, Duration.ofHours(1), true);
        assertThat(response("/validate", podReview("u-moved-before", "shop", image("gate/moved:1"))).get("allowed").asBoolean()).isTrue();
        Descriptor now = push("base", "gate/moved:1");
        JsonNode r = response("/mutate", podReview("u-moved", "shop", image("gate/moved:1")));
        assertThat(r.get("allowed").asBoolean()).isFalse();
        assertThat(r.has("patch")).isFalse();
        assertThat(r.at("/status/message").asText()).contains(now.digest().toString());
    }

    @Test
    void anExpiredAttestationOrAFailedVerdictIsDenied() throws Exception {
        validated("app", "gate/old", "1", alice, Duration.ofHours(48), true);
        JsonNode old = response("/validate", podReview("u-old", "shop", image("gate/old:1")));
        assertThat(old.get("allowed").asBoolean()).isFalse();
        assertThat(old.at("/status/message").asText()).contains("attestation vuln");

        validated("app", "gate/failed", "1", alice, Duration.ofHours(1), false);
        JsonNode failed = response("/validate", podReview("u-failed", "shop", image("gate/failed:1")));
        assertThat(failed.get("allowed").asBoolean()).isFalse();
        assertThat(failed.at("/status/message").asText()).contains("failed its policy");

        validated("app", "gate/mallory", "1", mallory, Duration.ofHours(1), true);
        JsonNode wrongKey = response("/validate", podReview("u-mallory", "shop", image("gate/mallory:1")));
        assertThat(wrongKey.get("allowed").asBoolean()).isFalse();
    }

    @Test
    void aBodyThatIsNotAnAdmissionReviewIsABadRequestNamingTheField() throws Exception {
        HttpResponse<String> notJson = post(https, "/validate", "hello".getBytes(StandardCharsets.UTF_8));
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.body()).contains("body");
        HttpResponse<String> noUid = post(https, "/mutate",
                "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{}}".getBytes(StandardCharsets.UTF_8));
        assertThat(noUid.statusCode()).isEqualTo(400);
        assertThat(noUid.body()).contains("request.uid");
        HttpResponse<String> v1beta1 = post(https, "/validate",
                "{\"apiVersion\":\"admission.k8s.io/v1beta1\",\"kind\":\"AdmissionReview\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(v1beta1.statusCode()).isEqualTo(400);
        assertThat(v1beta1.body()).contains("apiVersion");
    }

    /**
     * The API server may send an object of up to 1.5 MiB (etcd's limit), and an update carries the old one too: such a
     * review is judged (with or without a Content-Length); only one beyond the webhook's 8 MiB is refused, saying so.
     */
    @Test
    void aLargeReviewIsJudgedAndOnlyAnOversizedOneRefused() throws Exception {
        push("base", "gate/large:1");
        String img = image("gate/large:1");
        ObjectNode review = (ObjectNode) JSON.readTree(podReview("u-large", "shop", img));
        ((ObjectNode) review.at("/request/object/metadata")).putObject("annotations").put("example.com/blob", "x".repeat(1_500_000));
        review.with("request").set("oldObject", review.at("/request/object").deepCopy());
        byte[] large = JSON.writeValueAsBytes(review);
        assertThat(large.length).isGreaterThan(3_000_000);
        JsonNode judged = JSON.readTree(post(https, "/validate", large).body()).get("response");
        assertThat(judged.get("uid").asText()).isEqualTo("u-large");
        assertThat(judged.get("allowed").asBoolean()).isFalse();
        assertThat(judged.at("/status/message").asText()).contains(img).contains("no cosign signatures");
        // chunked, with no Content-Length
        HttpResponse<String> chunked = https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/validate"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(large))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).as(chunked.body()).isEqualTo(200);
        assertThat(JSON.readTree(chunked.body()).at("/response/uid").asText()).isEqualTo("u-large");

        byte[] oversized = new byte[AdmissionHandlers.MAX_REVIEW_BYTES + 1];
        java.util.Arrays.fill(oversized, (byte) ' ');
        HttpResponse<String> refused = post(https, "/validate", oversized);
        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(refused.body()).contains((AdmissionHandlers.MAX_REVIEW_BYTES + 1) + " bytes").contains(
                AdmissionHandlers.MAX_REVIEW_BYTES + " this webhook reads");
    }

    @Test
    void withTheRegistryStoppedUncachedImagesAreDeniedWithinTheDeadlineAndCachedPassesAdmitted() throws Exception {
        Descriptor cached = validated("app", "gate/cached", "1", alice, Duration.ofHours(1), true);
        validated("app", "gate/uncached", "1", alice, Duration.ofHours(1), true);
        assertThat(response("/validate", podReview("u-warm", "shop", image("gate/cached:1"))).get("allowed").asBoolean()).isTrue();
        registry.stop();
        try {
            long started = System.nanoTime();
            JsonNode uncached = response("/validate", podReview("u-down", "shop", image("gate/uncached:1")));
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertThat(uncached.get("allowed").asBoolean()).isFalse();
            assertThat(uncached.at("/status/message").asText()).contains("registry could not be reached");
            assertThat(millis).as("answered before the 2 s internal deadline, with margin").isLessThan(2500);

            JsonNode warm = response("/mutate", podReview("u-down-cached", "shop", image("gate/cached:1")));
            assertThat(warm.get("allowed").asBoolean()).as(warm.toString()).isTrue();
            JsonNode patch = JSON.readTree(Base64.getDecoder().decode(warm.get("patch").asText()));
            assertThat(patch.get(0).get("value").asText()).endsWith("@" + cached.digest());
        } finally {
            registry.restart();
        }
        // the outage was not remembered as a verdict
        assertThat(response("/validate", podReview("u-up", "shop", image("gate/uncached:1"))).get("allowed").asBoolean()).isTrue();
    }

    /**
     * A burst of pods whose images are on a registry that accepts connections and never answers: every review is a
     * deny before the internal deadline however many arrive at once, none waiting for a free server thread first.
     */
    @Test
    void aBurstAgainstARegistryThatNeverAnswersIsDeniedWithinTheDeadline() throws Exception {
        int burst = 300;
        Files.writeString(dir.resolve("burst.yaml"), """
                listen: 127.0.0.1:0
                tls: {certFile: tls/tls.crt, keyFile: tls/tls.key}
                policy: policy.yaml
                deadlineMillis: 2000
                registry: {timeout: 10s, attempts: 1}
                """);
        try (SilentRegistry first = new SilentRegistry(); SilentRegistry second = new SilentRegistry();
                AdmissionServer burstServer = new AdmissionServer(ServerConfig.read(dir.resolve("burst.yaml")), ClusterLookups.NONE,
                        CredentialStore::none, dir.resolve("locks"), Clock.systemUTC(), new PrintStream(OutputStream.nullOutputStream()))
                        .start()) {
            URI validate = URI.create("https://localhost:" + burstServer.port() + "/validate");
            // the first burst leaves 300 open connections behind, so that the second arrives all at once instead of
            // behind 300 TLS handshakes; each burst has a registry of its own, as the first one's is backed off
            deniedBurst(validate, first, burst);
            List<Long> millis = deniedBurst(validate, second, burst);
            // a review that waited for a server thread would answer a whole deadline later (4 s and more); the margin
            // is for two cores busy with 300 answers at once
            assertThat(Collections.max(millis)).as("slowest of %d answers, ms (deadline 2000); all: %s", burst,
                    millis.stream().sorted().toList()).isLessThan(3500);
        }
    }

    /** A registry that accepts connections and never says a word. */
    static final class SilentRegistry implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 1000, InetAddress.getLoopbackAddress());
        final List<Socket> held = Collections.synchronizedList(new ArrayList<>());
        final Thread acceptor = Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    held.add(socket.accept());
                }
            } catch (IOException closed) {
                // the test is over
            }
        });

        SilentRegistry() throws IOException {
        }

        @Override
        public void close() throws IOException {
            socket.close();
            try {
                // the acceptor may still be adding the last connection it took
                acceptor.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (held) {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }

    /** Sends {@code burst} reviews at once, each for another image on {@code registry}; all denied; their times in ms. */
    private static List<Long> deniedBurst(URI validate, SilentRegistry registry, int burst) throws Exception {
        record Answer(JsonNode response, long millis) {
        }
        List<CompletableFuture<Answer>> answers = new ArrayList<>();
        for (int i = 0; i < burst; i++) {
            String image = "127.0.0.1:" + registry.socket.getLocalPort() + "/burst/app-" + i + ":1";
            long started = System.nanoTime();
            answers.add(https.sendAsync(HttpRequest.newBuilder(validate).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(podReview("u-burst-" + i, "shop", image))).build(),
                    HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
                        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                        try {
                            return new Answer(JSON.readTree(r.body()).get("response"), (System.nanoTime() - started) / 1_000_000);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }));
        }
        List<Long> millis = new ArrayList<>();
        for (CompletableFuture<Answer> a : answers) {
            Answer answer = a.get(60, TimeUnit.SECONDS);
            assertThat(answer.response().get("allowed").asBoolean()).isFalse();
            assertThat(answer.response().at("/status/message").asText()).contains("registry").contains("deadline");
            millis.add(answer.millis());
        }
        return millis;
    }

    @Test
    void theCertificateIsReloadedWhenItsFilesChange() throws Exception {
        Path oldCa = dir.resolve("old-ca.crt");
        Files.copy(certs.caCertificate(), oldCa);
        int before = server.certificateReloads();
        certs.write(ServingCertificates.issue(new ServiceIdentity("localhost", "test"), Duration.ofDays(1), Instant.now()), true);
        long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (server.certificateReloads() == before && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        assertThat(server.certificateReloads()).isGreaterThan(before);
        HttpClient newTrust = io.drydock.testing.Tls.trusting(certs.caCertificate());
        assertThat(post(newTrust, "/validate", "x".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(400);
        // a fresh client (no pooled connection) trusting only the old CA now fails the handshake
        HttpClient oldTrust = io.drydock.testing.Tls.trusting(oldCa);
        assertThatThrownBy(() -> post(oldTrust, "/validate", "x".getBytes(StandardCharsets.UTF_8))).isInstanceOf(IOException.class);
        https = newTrust;
    }

    static JsonNode logLine(String uid) throws IOException {
        for (String line : LOG.toString(StandardCharsets.UTF_8).split("\n")) {
            JsonNode n = JSON.readTree(line);
            if (uid.equals(n.path("uid").asText())) {
                return n;
            }
        }
        throw new AssertionError("no log line for " + uid + " in " + LOG.toString(StandardCharsets.UTF_8));
    }
}
