package io.drydock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.testing.TestImages;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code drydock policy check} against the reference image (log4j-core 2.14.1 in the application, User 1000, built
 * 2023-11-14) and the shipped advisories: each exit code, both formats, the base's age, and bad policies.
 */
class PolicyCommandTest {
    @TempDir
    static Path home;
    @TempDir
    static Path policies;
    static String app;
    static String base;

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--home";
        all[args.length + 1] = home.toString();
        int exit = Main.run(all, new PrintWriter(out), new PrintWriter(err));
        return new Run(exit, out.toString(), err.toString());
    }

    static String policy(String rules) throws Exception {
        Path file = Files.createTempFile(policies, "policy-", ".yaml");
        Files.writeString(file, "apiVersion: drydock.io/v1\nkind: Policy\nname: production\nrules:\n" + rules.indent(2));
        return file.toString();
    }

    @BeforeAll
    static void images() {
        app = TestImages.ociRef("app");
        base = TestImages.ociRef("base");
    }

    @Test
    void log4ShellFailsAMaxSeverityHighPolicy() throws Exception {
        Run r = run("policy", "check", app, "--policy", policy("maxSeverity: HIGH\nnonRootUser: true"));
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).startsWith("Policy production: FAIL\n")
                .containsPattern("  FAIL  maxSeverity HIGH: \\d+ of \\d+ findings are above HIGH")
                .containsPattern("          CVE-2021-44228  CRITICAL  application  org\\.apache\\.logging\\.log4j:log4j-core 2\\.14\\.1")
                .contains("  pass  nonRootUser true: User '1000' is not root")
                .endsWith("FAIL: 1 of 2 rules failed (maxSeverity)\n");
    }

    @Test
    void anImageThatMeetsThePolicyPasses() throws Exception {
        Run r = run("policy", "check", app, "--policy", policy("""
                maxSeverity: CRITICAL
                nonRootUser: true
                requiredLabels: {org.opencontainers.image.title: drydock-test-.+}
                bannedPackages: [pkg:maven/log4j/log4j@1.*, pkg:npm/event-stream]
                """));
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).startsWith("Policy production: PASS\n").endsWith("PASS: the image meets all 4 rules of production\n");
    }

    @Test
    void theJsonVerdictNamesImagePolicyAndTheFindingsBehindAFailure(@TempDir Path tmp) throws Exception {
        String file = policy("maxSeverity: HIGH\nmaxScanAge: 24h\nrequireAttestations: [vuln, sbom]");
        Path out = tmp.resolve("verdict.json");
        Run r = run("policy", "check", app, "--policy", file, "--format", "json", "-o", out.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        JsonNode v = new ObjectMapper().readTree(out.toFile());
        assertThat(v.get("passed").asBoolean()).isFalse();
        assertThat(v.at("/image/name").asText()).isEqualTo(app);
        assertThat(v.at("/image/digest").asText()).isEqualTo(TestImages.manifestDigest("app"));
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(Path.of(file))));
        assertThat(v.at("/policy/digest").asText()).isEqualTo("sha256:" + sha);
        assertThat(v.at("/rules/0/rule").asText()).isEqualTo("maxSeverity");
        assertThat(v.at("/rules/0/items").findValuesAsText("id")).contains("CVE-2021-44228");
        assertThat(v.at("/rules/1/passed").asBoolean()).isTrue();
        assertThat(v.at("/requirements/maxScanAge").asText()).isEqualTo("PT24H");
    }

    @Test
    void bannedPackagesSeeEveryInstalledPackageNotOnlyVulnerableOnes() throws Exception {
        Run r = run("policy", "check", app, "--policy", policy("bannedPackages: [pkg:maven/org.apache.logging.log4j/log4j-core@2.*, pkg:deb/debian/bash]"));
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).contains("  FAIL  bannedPackages").contains("(banned by pkg:maven/org.apache.logging.log4j/log4j-core@2.*)")
                .as("bash has no findings, and is banned all the same").contains("(banned by pkg:deb/debian/bash)");
    }

    @Test
    void theBasesAgeIsReadFromTheBaseNamedWithBase() throws Exception {
        // the fixture images are built with SOURCE_DATE_EPOCH 1700000000: 2023-11-14T22:13:20Z
        Run old = run("policy", "check", app, "--base", base, "--policy", policy("maxBaseAge: 180d"));
        assertThat(old.exit()).as(old.err()).isEqualTo(1);
        assertThat(old.out()).contains("  FAIL  maxBaseAge 180d: the base " + base + " (" + TestImages.manifestDigest("base")
                + ") was built 2023-11-14T22:13:20Z, ").contains("days ago: older than 180d");
        Run young = run("policy", "check", app, "--base", base, "--policy", policy("maxBaseAge: 100000d"));
        assertThat(young.exit()).as(young.out()).isZero();
    }

    @Test
    void anUnknownBaseFailsMaxBaseAge() throws Exception {
        // an earlier --base run in this home would make the base known
        Files.deleteIfExists(home.resolve("known-bases.json"));
        Run r = run("policy", "check", app, "--policy", policy("maxBaseAge: 100000d"));
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).contains("  FAIL  maxBaseAge 100000d: base image unknown: no base image is named or known");
    }

    @Test
    void anExpiredAllowEntryIsNamedInTheVerdict() throws Exception {
        LocalDate yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1);
        Run r = run("policy", "check", app, "--policy", policy("""
                maxSeverity: CRITICAL
                allow:
                  - id: CVE-2021-44228
                    reason: JNDI lookups removed
                    expires: %s
                """.formatted(yesterday)));
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Notes:\n  - allow-list entry 1 (CVE-2021-44228) expired on " + yesterday + " and no longer allows it");
    }

    @Test
    void usageErrorsAreTwo() throws Exception {
        String ok = policy("maxSeverity: HIGH");
        assertThat(run("policy", "check", app).exit()).as("--policy is required").isEqualTo(2);
        assertThat(run("policy", "check", "--policy", ok).exit()).as("IMAGE is required").isEqualTo(2);
        Run xml = run("policy", "check", app, "--policy", ok, "--format", "xml");
        assertThat(xml.exit()).isEqualTo(2);
        assertThat(xml.err()).contains("--format must be text or json, not xml");
        assertThat(run("policy", "check", app, "extra", "--policy", ok).exit()).isEqualTo(2);
    }

    @Test
    void badPoliciesAndImagesAreErrorsNamingTheInput(@TempDir Path tmp) throws Exception {
        String typo = policy("maxSeverity: HIGH\nmaxBaseAge: 6 months");
        Run r = run("policy", "check", app, "--policy", typo);
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("the policy file " + typo + ": rules.maxBaseAge: '6 months' is not a duration")
                .doesNotContain("Exception");
        Path missing = tmp.resolve("missing.yaml");
        Run none = run("policy", "check", app, "--policy", missing.toString());
        assertThat(none.exit()).isEqualTo(3);
        assertThat(none.err()).contains("the policy file " + missing + " does not exist");
        Run noImage = run("policy", "check", "oci:" + tmp.resolve("nothing") + ":app", "--policy", policy("maxSeverity: HIGH"));
        assertThat(noImage.exit()).isEqualTo(3);
        assertThat(noImage.err()).contains(tmp.resolve("nothing").toString());
    }

    @Test
    void theFooterDocumentsTheExitCodes() {
        String usage = new picocli.CommandLine(new Main()).getSubcommands().get("policy").getSubcommands().get("check").getUsageMessage();
        assertThat(usage).contains("Exit codes: 0 the image passes the policy; 1 it fails; 2 usage error; 3 error");
    }
}
