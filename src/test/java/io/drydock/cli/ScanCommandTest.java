package io.drydock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.testing.TestImages;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code drydock scan} as a pipeline uses it: exit codes under each gate, the ignore file with its expiry, OpenVEX
 * suppression, bad input, and the SBOM round trip. Runs against the reference image and the shipped advisories.
 */
class ScanCommandTest {
    @TempDir
    static Path home;
    static String app;

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

    @BeforeAll
    static void firstScanBuildsTheDbFromTheShippedAdvisories() {
        app = TestImages.ociRef("app");
        Run first = run("scan", app);
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.err()).contains("building it from the advisories shipped with Drydock");
        assertThat(first.out()).contains("CVE-2021-44228").contains("log4j-core").contains("2.17.1");
    }

    @Test
    void exitCodesUnderEachGate() {
        assertThat(run("scan", app).exit()).as("findings do not fail without --exit-code").isZero();
        assertThat(run("scan", app, "--exit-code", "5").exit()).isEqualTo(5);
        assertThat(run("scan", app, "--exit-code", "5", "--severity", "CRITICAL").exit()).isEqualTo(5);
        assertThat(run("scan", app, "--exit-code", "5", "--severity", "NEGLIGIBLE").exit()).as("no negligible findings").isZero();
        assertThat(run("scan", app, "--exit-code", "5", "--only-base", "--base", TestImages.ociRef("base")).exit())
                .as("the shipped Debian records hold no fix newer than the installed bookworm packages").isZero();
        assertThat(run("scan", app, "--exit-code", "5", "--only-app", "--base", TestImages.ociRef("base")).exit()).isEqualTo(5);
        assertThat(run("scan", app, "--exit-code", "5", "--ignore-status", "fixed").exit()).as("every finding here has a fix").isZero();
        assertThat(run("scan", app, "--exit-code", "5", "--ignore-unfixed").exit()).isEqualTo(5);
    }

    @Test
    void usageErrorsAreTwoAndErrorsThree(@TempDir Path tmp) throws Exception {
        Run reserved = run("scan", app, "--exit-code", "3");
        assertThat(reserved.exit()).isEqualTo(2);
        assertThat(reserved.err()).contains("--exit-code 3");
        assertThat(run("scan", app, "--only-base", "--only-app").exit()).isEqualTo(2);
        assertThat(run("scan", app, "--severity", "SEVERE").exit()).isEqualTo(2);
        assertThat(run("scan").exit()).isEqualTo(2);
        Path bad = tmp.resolve("ignore.yaml");
        Files.writeString(bad, "ignore:\n  - id: CVE-2021-44228\n    reason: ok\n    expire: 2030-01-01\n");
        Run typo = run("scan", app, "--ignore-file", bad.toString());
        assertThat(typo.exit()).isEqualTo(3);
        assertThat(typo.err()).contains(bad.toString()).contains("unknown key 'expire'").doesNotContain("Exception");
        Files.writeString(bad, "ignore: [ {id: x");
        Run broken = run("scan", app, "--ignore-file", bad.toString());
        assertThat(broken.exit()).isEqualTo(3);
        assertThat(broken.err()).contains(bad.toString());
        Path vex = tmp.resolve("bad.vex.json");
        Files.writeString(vex, "{\"statements\": []}");
        Run notVex = run("scan", app, "--vex", vex.toString());
        assertThat(notVex.exit()).isEqualTo(3);
        assertThat(notVex.err()).contains(vex.toString()).contains("not an OpenVEX document");
    }

    @Test
    void ignoreFileEntriesSuppressUntilTheyExpire(@TempDir Path tmp) throws Exception {
        String[] critical = {"scan", app, "--severity", "CRITICAL", "--exit-code", "5"};
        Run before = run(critical);
        assertThat(before.exit()).isEqualTo(5);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Path ignore = tmp.resolve(".drydockignore.yaml");
        Files.writeString(ignore, """
                ignore:
                  - id: CVE-2021-44228
                    purl: pkg:maven/org.apache.logging.log4j/log4j-core
                    reason: JNDI lookups removed from the jar
                    expires: %s
                  - id: GHSA-7rjr-3q55-vv33
                    package: org.apache.logging.log4j:log4j-core
                    path: app/lib/*.jar
                    reason: same mitigation
                    expires: %s
                """.formatted(today.plusDays(30), today.plusDays(30)));
        Run suppressed = run("scan", app, "--severity", "CRITICAL", "--exit-code", "5", "--ignore-file", ignore.toString());
        assertThat(suppressed.exit()).as(suppressed.out()).isZero();
        assertThat(suppressed.out()).contains("JNDI lookups removed from the jar");

        Files.writeString(ignore, Files.readString(ignore).replaceFirst("expires: \\S+", "expires: " + today.minusDays(1)));
        Run expired = run("scan", app, "--severity", "CRITICAL", "--exit-code", "5", "--ignore-file", ignore.toString());
        assertThat(expired.exit()).isEqualTo(5);
        assertThat(expired.out()).contains("expired on " + today.minusDays(1)).contains("CVE-2021-44228");
    }

    @Test
    void openVexNotAffectedAndFixedStatementsSuppress(@TempDir Path tmp) throws Exception {
        Path vex = tmp.resolve("app.vex.json");
        Files.writeString(vex, """
                {"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.com/vex/1", "author": "app team",
                 "timestamp": "2026-11-01T00:00:00Z", "version": 1,
                 "statements": [
                  {"vulnerability": {"name": "CVE-2021-44228"},
                   "products": [{"@id": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}],
                   "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"},
                  {"vulnerability": {"name": "CVE-2021-45046"},
                   "products": [{"@id": "%s", "subcomponents": [{"@id": "pkg:maven/org.apache.logging.log4j/log4j-core"}]}],
                   "status": "fixed"},
                  {"vulnerability": {"name": "CVE-2021-45105"},
                   "products": [{"@id": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}],
                   "status": "under_investigation"}
                 ]}""".formatted(app));
        Run r = run("scan", app, "--severity", "CRITICAL", "--exit-code", "5", "--vex", vex.toString());
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("vulnerable_code_not_in_execute_path");
        Run all = run("scan", app, "--vex", vex.toString());
        assertThat(all.out()).as("under_investigation does not suppress").contains("CVE-2021-45105");
    }

    @Test
    void annotatedBaseAndTheAdviceToRebuildOnItsCurrentDigest(@TempDir Path tmp) {
        Path layout = tmp.resolve("demo");
        DemoImage.build(layout);
        Run r = run("scan", "oci:" + layout + ":app");
        assertThat(r.exit()).as(r.err()).isZero();
        // the app was built on base-2023 (glibc 2.36-9+deb12u1); the base tag has since moved to current bookworm
        assertThat(r.out()).contains("CVE-2023-4911").contains("libc6").contains(DemoImage.OLD_GLIBC);
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("(\\d+) findings are in the base image; rebuilding on the current digest of (\\S+) would fix (\\d+) of them")
                .matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        assertThat(m.group(2)).isEqualTo("oci:" + layout.toAbsolutePath() + ":base");
        assertThat(Integer.parseInt(m.group(1))).isPositive();
        assertThat(m.group(3)).as("current bookworm has every glibc fix of the shipped records").isEqualTo(m.group(1));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"cyclonedx", "spdx"})
    void anSbomScansToTheSameFindingsAsTheImage(String format, @TempDir Path tmp) throws Exception {
        Path sbom = tmp.resolve("app." + format + ".json");
        assertThat(run("sbom", app, "--format", format, "-o", sbom.toString()).exit()).isZero();
        Run direct = run("scan", app, "--base", TestImages.ociRef("base"), "--format", "json");
        Run viaSbom = run("scan", "--sbom", sbom.toString(), "--base", TestImages.ociRef("base"), "--format", "json");
        assertThat(direct.exit()).as(direct.err()).isZero();
        assertThat(viaSbom.exit()).as(viaSbom.err()).isZero();
        java.util.Set<String> a = findings(direct.out());
        assertThat(a).hasSizeGreaterThan(5);
        assertThat(findings(viaSbom.out())).isEqualTo(a);
    }

    /** Each finding as id, purl, origin, layer, fixed versions and status: what must survive the round trip. */
    static java.util.Set<String> findings(String json) throws Exception {
        com.fasterxml.jackson.databind.JsonNode root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        assertThat(root.path("schemaVersion").asInt()).isEqualTo(1);
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (com.fasterxml.jackson.databind.JsonNode f : root.path("findings")) {
            out.add(f.path("id").asText() + " " + f.path("package").path("purl").asText() + " " + f.path("origin").asText() + " "
                    + f.path("layer").path("index").asText() + " " + f.path("fixedVersions") + " " + f.path("status").asText());
        }
        return out;
    }

    @Test
    void severalImagesInOneRunShareTheDbAndGetOneReportEach() throws Exception {
        Run r = run("scan", app, TestImages.ociRef("base"), "--format", "json", "--exit-code", "4");
        assertThat(r.exit()).isEqualTo(4);
        com.fasterxml.jackson.databind.JsonNode root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertThat(root.path("reports")).hasSize(2);
        assertThat(root.path("reports").get(0).path("target").asText()).isEqualTo(app);
        assertThat(root.path("reports").get(1).path("target").asText()).isEqualTo(TestImages.ociRef("base"));
        assertThat(root.path("reports").get(1).path("findings")).isEmpty();
    }

    @Test
    void sarifAndVexAndAttestationFormatsComeOutOfTheCommand(@TempDir Path tmp) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        Path sarif = tmp.resolve("out.sarif");
        assertThat(run("scan", app, "--format", "sarif", "-o", sarif.toString()).exit()).isZero();
        assertThat(json.readTree(sarif.toFile()).path("version").asText()).isEqualTo("2.1.0");
        Run vex = run("scan", app, "--format", "cyclonedx");
        assertThat(new org.cyclonedx.parsers.JsonParser().validate(vex.out().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                org.cyclonedx.Version.VERSION_16)).isEmpty();
        assertThat(vex.out()).contains("CVE-2021-44228");
        Run cosign = run("scan", app, "--format", "cosign-vuln");
        com.fasterxml.jackson.databind.JsonNode predicate = json.readTree(cosign.out());
        assertThat(predicate.path("scanner").path("result").path("findings").size()).isPositive();
        assertThat(predicate.path("invocation").path("parameters").toString()).contains("cosign-vuln");
        Run badFormat = run("scan", app, "--format", "xml");
        assertThat(badFormat.exit()).isEqualTo(2);
        assertThat(badFormat.err()).contains("xml");
    }
}
