package io.drydock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.testing.DrydockProcess;
import io.drydock.testing.TestImages;
import io.drydock.testing.TestRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code drydock sign}, {@code attest} and {@code verify} on the command line, against the real registry. */
class SignCommandsTest {
    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void signAttestVerifyWithExitCodes(@TempDir Path dir) throws Exception {
        Map<String, String> env = Map.of("DRYDOCK_KEY_PASSWORD", "correct horse");
        String home = dir.resolve("home").toString();
        assertThat(DrydockProcess.run(dir, env, "key", "generate", "--output-key-prefix", "release").exit()).isZero();
        assertThat(DrydockProcess.run(dir, env, "key", "generate", "--output-key-prefix", "other").exit()).isZero();
        try (TestRegistry registry = TestRegistry.open()) {
            registry.push(TestImages.ociRef("app"), "cli/app:1");
            String image = registry.hostPort() + "/cli/app:1";
            String pub = dir.resolve("release.pub").toString();
            String other = dir.resolve("other.pub").toString();

            Run unsigned = run("verify", image, "--key", pub, "--home", home);
            assertThat(unsigned.exit()).isEqualTo(1);
            assertThat(unsigned.out()).contains("NOT VERIFIED").contains("no cosign signatures");

            DrydockProcess.Run signed = DrydockProcess.run(dir, env, "sign", image, "--key", "release.key", "--home", home);
            assertThat(signed.exit()).as(signed.err()).isZero();
            assertThat(signed.out()).contains("signed " + registry.hostPort() + "/cli/app@sha256:");
            assertThat(signed.out() + signed.err()).doesNotContain("correct horse").doesNotContain("PRIVATE KEY");

            Run ok = run("verify", image, "--key", pub, "--home", home);
            assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
            assertThat(ok.out()).contains("VERIFIED").contains("ok    signature: release.pub signed sha256:");

            Run wrongKey = run("verify", image, "--key", other, "--home", home);
            assertThat(wrongKey.exit()).isEqualTo(1);
            assertThat(wrongKey.out()).contains("FAIL").contains("does not verify with any trusted key");

            Run threshold = run("verify", image, "--key", pub, "--key", other, "--threshold", "2", "--home", home);
            assertThat(threshold.exit()).isEqualTo(1);
            assertThat(threshold.out()).contains("2 required");
            Run required = run("verify", image, "--key", pub, "--key", other, "--require-key", other, "--home", home);
            assertThat(required.exit()).isEqualTo(1);
            assertThat(required.out()).contains("required key other.pub");

            Path predicate = dir.resolve("vuln.json");
            Files.writeString(predicate, "{\"scanner\":{\"uri\":\"pkg:generic/drydock@test\"},\"metadata\":{\"scanFinishedOn\":\""
                    + java.time.Instant.now() + "\"}}");
            DrydockProcess.Run attested = DrydockProcess.run(dir, env, "attest", image, "--key", "release.key", "--type", "vuln",
                    "--predicate", predicate.toString(), "--home", home);
            assertThat(attested.exit()).as(attested.err()).isZero();
            assertThat(run("verify", image, "--key", pub, "--attestation", "vuln", "--max-age", "1h", "--home", home).exit()).isZero();
            Run noSbom = run("verify", image, "--key", pub, "--attestation", "sbom", "--home", home);
            assertThat(noSbom.exit()).isEqualTo(1);
            assertThat(noSbom.out()).contains("attestation sbom: none valid");

            assertThat(run("verify", image, "--key", pub, "--attestation", "provenance", "--home", home).exit()).isEqualTo(2);
            assertThat(run("verify", image, "--key", pub, "--threshold", "3", "--home", home).exit()).isEqualTo(2);
            Run local = run("verify", TestImages.ociRef("app"), "--key", pub, "--home", home);
            assertThat(local.exit()).isEqualTo(3);
            assertThat(local.err()).contains("signatures live in a registry");
            Run badKey = run("verify", image, "--key", dir.resolve("vuln.json").toString(), "--home", home);
            assertThat(badKey.exit()).isEqualTo(3);
            assertThat(badKey.err()).contains("vuln.json");
        }
    }

    @Test
    void aMultiPlatformIndexIsSignedAtTheIndexAndEachPlatform(@TempDir Path dir) throws Exception {
        Map<String, String> env = Map.of("DRYDOCK_KEY_PASSWORD", "pw");
        String home = dir.resolve("home").toString();
        assertThat(DrydockProcess.run(dir, env, "key", "generate", "--output-key-prefix", "k").exit()).isZero();
        try (TestRegistry registry = TestRegistry.open()) {
            registry.pushMulti(TestImages.multiRef(), "cli/multi:1");
            String image = registry.hostPort() + "/cli/multi:1";
            DrydockProcess.Run signed = DrydockProcess.run(dir, env, "sign", image, "--key", "k.key", "--home", home);
            assertThat(signed.exit()).as(signed.err()).isZero();
            java.util.List<String> lines = signed.out().lines().filter(l -> l.startsWith("signed ")).toList();
            assertThat(lines).hasSizeGreaterThanOrEqualTo(3); // the index and at least two platforms
            assertThat(lines).anyMatch(l -> l.contains("linux/amd64")).anyMatch(l -> l.contains("linux/arm64"));
            String pub = dir.resolve("k.pub").toString();
            assertThat(run("verify", image, "--key", pub, "--home", home).exit()).as("the index digest").isZero();
            for (String line : lines) {
                String digest = line.substring(line.indexOf('@') + 1, line.indexOf(' ', line.indexOf('@')));
                Run r = run("verify", registry.hostPort() + "/cli/multi@" + digest, "--key", pub, "--home", home);
                assertThat(r.exit()).as(line + "\n" + r.out()).isZero();
            }
        }
    }
}
