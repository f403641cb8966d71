package io.drydock.admission.server;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.drydock.testing.TestImages;
import io.drydock.testing.TestRegistry;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A registry, a server on a given policy, and helpers to push, sign and ask; for the gap tests (one per class). */
final class GateFixture implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    final Path dir;
    final TestRegistry registry;
    final RegistryClient client;
    final AdmissionServer server;
    final HttpClient https;

    GateFixture(Path dir, String policyYaml) throws Exception {
        this.dir = dir;
        registry = TestRegistry.open();
        client = new RegistryClient(CredentialStore.none(), RegistryClient.Options.defaults());
        Files.writeString(dir.resolve("policy.yaml"), policyYaml);
        CertificateFiles certs = new CertificateFiles(dir.resolve("tls"));
        certs.write(ServingCertificates.issue(new ServiceIdentity("localhost", "test"), Duration.ofDays(1), Instant.now()), false);
        Files.writeString(dir.resolve("server.yaml"), """
                listen: 127.0.0.1:0
                tls:
                  certFile: tls/tls.crt
                  keyFile: tls/tls.key
                policy: policy.yaml
                deadlineMillis: 5000
                registry:
                  timeout: 2s
                  attempts: 1
                """);
        server = new AdmissionServer(ServerConfig.read(dir.resolve("server.yaml")), ClusterLookups.NONE, CredentialStore::none,
                dir.resolve("locks"), Clock.systemUTC(), new PrintStream(OutputStream.nullOutputStream())).start();
        https = io.drydock.testing.Tls.trusting(certs.caCertificate());
    }

    Descriptor push(String fixture, String repoAndTag) {
        registry.push(TestImages.ociRef(fixture), repoAndTag);
        Manifest m = client.manifest(ImageReference.parse(registry.hostPort() + "/" + repoAndTag));
        return Descriptor.of(m.mediaType(), m.digest(), m.raw().length);
    }

    ImageReference repo(String repo) {
        return ImageReference.parse(registry.hostPort() + "/" + repo + ":x");
    }

    String image(String repoAndTag) {
        return registry.hostPort() + "/" + repoAndTag;
    }

    /** Signs {@code d} in {@code repo} with {@code key} and attests a fresh scan and a passing verdict. */
    void signAndAttest(String repo, Descriptor d, KeyPair key) {
        Instant now = Instant.now();
        new Signer(new CosignStore(client, dir.resolve("locks-signer")), key.getPrivate()).signAndAttest(repo(repo), d,
                Map.of(Attestations.VULN.predicateType, AdmissionServerTest.vuln(now),
                        Attestations.VERDICT.predicateType, AdmissionServerTest.verdict(true, now)));
    }

    HttpRequest validateRequest(String uid, String... images) throws Exception {
        return HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/validate"))
                .timeout(Duration.ofSeconds(15)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(AdmissionServerTest.podReview(uid, "shop", images))).build();
    }

    JsonNode validate(String uid, String... images) throws Exception {
        return answer(https.send(validateRequest(uid, images), HttpResponse.BodyHandlers.ofString()));
    }

    static JsonNode answer(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        try {
            return JSON.readTree(r.body()).get("response");
        } catch (Exception e) {
            throw new AssertionError(r.body(), e);
        }
    }

    /** A counter (no labels) from {@code /metrics}. */
    long metric(String name) throws Exception {
        String body = https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\s+([0-9.eE+]+)").matcher(body);
        assertThat(m.find()).as(name + " in " + body).isTrue();
        return (long) Double.parseDouble(m.group(1));
    }

    @Override
    public void close() {
        server.close();
        registry.close();
    }
}
