package io.drydock.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.image.Descriptor;
import io.drydock.image.ImageReference;
import io.drydock.image.Manifest;
import io.drydock.image.registry.CredentialStore;
import io.drydock.image.registry.RegistryClient;
import io.drydock.sign.Attestations;
import io.drydock.sign.CosignStore;
import io.drydock.sign.Signer;
import io.drydock.sign.Verifier;
import io.drydock.testing.TestImages;
import io.drydock.testing.TestRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 6's targets against the local registry: {@code verify} of one image (signature and three attestations,
 * cached key, warm connection) under 20 ms in process; signing and attesting a scanned image under 100 ms (what
 * signing adds after the scan: the upload sessions are opened during the scan, as {@code validate} does).
 */
@Tag("bench")
class SignBenchmark {
    @Test
    void verifyAndSign() throws Exception {
        Path work = Files.createTempDirectory("drydock-sign-bench");
        try (TestRegistry registry = TestRegistry.open()) {
            RegistryClient client = new RegistryClient(CredentialStore.none(), RegistryClient.Options.defaults());
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair key = g.generateKeyPair();
            CosignStore store = new CosignStore(client, work.resolve("locks"));
            Signer signer = new Signer(store, key.getPrivate());

            List<Double> signing = new ArrayList<>();
            Descriptor last = null;
            ImageReference lastRef = null;
            registry.push(TestImages.ociRef("app"), "bench/signed:base");
            io.drydock.image.ImageManifest app = (io.drydock.image.ImageManifest) client.manifest(
                    ImageReference.parse(registry.hostPort() + "/bench/signed:base"));
            for (int i = 0; i < 12; i++) {
                // one repository receiving new images, as a pipeline's does: each a new manifest (its own digest)
                ImageReference ref = ImageReference.parse(registry.hostPort() + "/bench/signed:" + i);
                Manifest m = io.drydock.image.ManifestCodec.writeManifest(app.mediaType(), null, app.config(), app.layers(),
                        Map.of("org.opencontainers.image.revision", "build-" + i), null);
                client.pushManifest(ref, "" + i, m);
                Descriptor subject = Descriptor.of(m.mediaType(), m.digest(), m.raw().length);
                Map<String, com.fasterxml.jackson.databind.JsonNode> predicates = predicates();
                // as validate does: the upload sessions open while the scan runs, so they are not what signing adds
                Signer.Prepared prepared = signer.prepare(ref, 3);
                long t = System.nanoTime();
                signer.signAndAttest(ref, subject, predicates, prepared);
                if (i >= 4) signing.add((System.nanoTime() - t) / 1e6);
                last = subject;
                lastRef = ref;
            }
            double signMs = BenchSupport.median(signing);
            // the registry's floor for any push of new content: one blob upload (two round trips) and one manifest PUT
            List<Double> floor = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                byte[] blob = ("floor-" + System.nanoTime()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                io.drydock.image.Digest d = io.drydock.image.Digest.sha256(blob);
                ImageReference ref = lastRef;
                long t = System.nanoTime();
                client.uploadBlob(ref, d, blob.length, () -> new java.io.ByteArrayInputStream(blob));
                io.drydock.image.ImageManifest m = io.drydock.image.ManifestCodec.writeManifest(io.drydock.image.MediaTypes.OCI_MANIFEST, null,
                        client.manifest(ref) instanceof io.drydock.image.ImageManifest im ? im.config() : null,
                        List.of(Descriptor.of("application/octet-stream", d, blob.length)), Map.of(), null);
                client.pushManifest(ref, "floor-" + i, m);
                if (i >= 4) floor.add((System.nanoTime() - t) / 1e6);
            }
            double floorMs = BenchSupport.median(floor);
            System.out.printf("BENCH registry floor: upload one new blob + GET + PUT one manifest: median %.1f ms; signing = %.2fx that floor%n",
                    floorMs, signMs / floorMs);
            System.out.printf("BENCH sign + 3 attestations (vuln, sbom, verdict) pushed to the local registry: median %.1f ms over %d images (target < 100 ms)%n",
                    signMs, signing.size());

            Verifier verifier = new Verifier(client, store, Clock.systemUTC());
            List<Verifier.TrustedKey> keys = List.of(new Verifier.TrustedKey("bench.pub", key.getPublic()));
            Verifier.Requirements req = new Verifier.Requirements(1, Set.of(), Set.of(Attestations.VULN, Attestations.SBOM, Attestations.VERDICT),
                    Duration.ofHours(24));
            List<Double> verifying = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                long t = System.nanoTime();
                Verifier.Result r = verifier.verify(lastRef, last, keys, req);
                double ms = (System.nanoTime() - t) / 1e6;
                assertThat(r.verified()).as(r.failures().toString()).isTrue();
                if (i >= 10) verifying.add(ms);
            }
            double verifyMs = BenchSupport.median(verifying);
            // the registry's own cost, for the ratio: one manifest GET on the same warm connection
            List<Double> gets = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                long t = System.nanoTime();
                client.manifest(lastRef);
                gets.add((System.nanoTime() - t) / 1e6);
            }
            System.out.printf("BENCH registry baseline: one manifest GET median %.1f ms; verify = %.1fx a GET (2 GETs run in parallel)%n",
                    BenchSupport.median(gets), verifyMs / BenchSupport.median(gets));
            System.out.printf("BENCH verify (signature + 3 attestations, warm connection, key loaded): median %.1f ms over %d runs (target < 20 ms)%n",
                    verifyMs, verifying.size());
            assertThat(verifyMs).isLessThan(20);
            assertThat(signMs).isLessThan(100);
        } finally {
            BenchSupport.deleteTree(work);
        }
    }

    static Map<String, com.fasterxml.jackson.databind.JsonNode> predicates() {
        ObjectMapper json = new ObjectMapper();
        String now = Instant.now().toString();
        ObjectNode vuln = json.createObjectNode();
        vuln.putObject("scanner").put("uri", "pkg:generic/drydock@bench").putObject("result").put("findings", 10);
        vuln.putObject("metadata").put("scanStartedOn", now).put("scanFinishedOn", now);
        ObjectNode sbom = json.createObjectNode();
        sbom.put("bomFormat", "CycloneDX").put("specVersion", "1.6").putObject("metadata").put("timestamp", now);
        ObjectNode verdict = json.createObjectNode();
        verdict.put("passed", true).put("evaluatedAt", now);
        Map<String, com.fasterxml.jackson.databind.JsonNode> out = new LinkedHashMap<>();
        out.put(Attestations.VULN.predicateType, vuln);
        out.put(Attestations.SBOM.predicateType, sbom);
        out.put(Attestations.VERDICT.predicateType, verdict);
        return out;
    }
}
