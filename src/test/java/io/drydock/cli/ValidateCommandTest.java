package io.drydock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.image.Digest;
import io.drydock.image.ImageReference;
import io.drydock.image.registry.CredentialStore;
import io.drydock.image.registry.RegistryClient;
import io.drydock.sign.CosignStore;
import io.drydock.testing.DrydockProcess;
import io.drydock.testing.TestImages;
import io.drydock.testing.TestRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code drydock validate} end to end against the real registry: a failing policy pushes nothing; a passing one
 * signs and attaches the three attestations that {@code verify} then checks; concurrent runs lose nothing.
 */
class ValidateCommandTest {
    static int verify(String... args) {
        return Main.run(args, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    }

    @Test
    void failingPolicyPushesNothingPassingPolicySignsAndAttests(@TempDir Path dir) throws Exception {
        Map<String, String> env = Map.of("DRYDOCK_KEY_PASSWORD", "s3cret passphrase");
        assertThat(DrydockProcess.run(dir, env, "key", "generate", "--output-key-prefix", "ci").exit()).isZero();
        Files.writeString(dir.resolve("strict.yaml"), """
                apiVersion: drydock.io/v1
                kind: Policy
                name: strict
                rules:
                  maxSeverity: HIGH
                  nonRootUser: true
                """);
        Files.writeString(dir.resolve("lenient.yaml"), """
                apiVersion: drydock.io/v1
                kind: Policy
                name: lenient
                rules:
                  maxSeverity: CRITICAL
                  nonRootUser: true
                  requireAttestations: [vuln, sbom]
                """);
        String home = dir.resolve("home").toString();
        try (TestRegistry registry = TestRegistry.open()) {
            registry.push(TestImages.ociRef("app"), "val/app:1");
            String image = registry.hostPort() + "/val/app:1";

            DrydockProcess.Run failed = DrydockProcess.run(dir, env, "validate", image, "--policy", "strict.yaml", "--key", "ci.key", "--home", home);
            assertThat(failed.exit()).as(failed.err()).isEqualTo(1);
            assertThat(failed.out()).contains("CVE-2021-44228").contains("nothing was signed or attested");
            assertThat(verify("verify", image, "--key", dir.resolve("ci.pub").toString(), "--home", home)).isEqualTo(1);

            DrydockProcess.Run passed = DrydockProcess.run(dir, env, "validate", image, "--policy", "lenient.yaml", "--key", "ci.key", "--home", home);
            assertThat(passed.exit()).as(passed.out() + passed.err()).isZero();
            assertThat(passed.out()).contains("signed and attested (vuln, sbom, verdict) " + registry.hostPort() + "/val/app@sha256:");
            assertThat(passed.out() + passed.err()).doesNotContain("s3cret");
            assertThat(verify("verify", image, "--key", dir.resolve("ci.pub").toString(), "--attestation", "vuln", "--attestation", "sbom",
                    "--attestation", "verdict", "--max-age", "1h", "--home", home)).isZero();

            // two validations at once on the same image: every signature and attestation kept, manifests well formed
            CompletableFuture<DrydockProcess.Run> a = CompletableFuture.supplyAsync(() -> validate(dir, env, image, home));
            CompletableFuture<DrydockProcess.Run> b = CompletableFuture.supplyAsync(() -> validate(dir, env, image, home));
            assertThat(a.join().exit()).as(a.join().err()).isZero();
            assertThat(b.join().exit()).as(b.join().err()).isZero();
            RegistryClient client = new RegistryClient(CredentialStore.none(), RegistryClient.Options.defaults());
            ImageReference ref = ImageReference.parse(image);
            Digest digest = client.manifest(ref).digest();
            CosignStore store = new CosignStore(client, dir.resolve("locks"));
            List<CosignStore.Entry> sigs = store.read(ref, digest, CosignStore.Kind.SIGNATURE);
            List<CosignStore.Entry> atts = store.read(ref, digest, CosignStore.Kind.ATTESTATION);
            assertThat(sigs).hasSize(3);
            assertThat(atts).hasSize(9);
            assertThat(atts).allSatisfy(e -> assertThat(e.layer().annotations()).containsKey(CosignStore.PREDICATE_TYPE_ANNOTATION));
        }
    }

    static DrydockProcess.Run validate(Path dir, Map<String, String> env, String image, String home) {
        try {
            return DrydockProcess.run(dir, env, "validate", image, "--policy", "lenient.yaml", "--key", "ci.key", "--home", home);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
