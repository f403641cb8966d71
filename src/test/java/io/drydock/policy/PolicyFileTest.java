package io.drydock.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drydock.DrydockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading policy files: every field of the documented example, and the errors that name the file and the key. */
class PolicyFileTest {
    static final String EXAMPLE = """
            apiVersion: drydock.io/v1
            kind: Policy
            name: production
            rules:
              maxSeverity: HIGH
              maxSeverityBase: critical
              maxSeverityApp: MEDIUM
              ignoreUnfixed: true
              allow:
                - id: CVE-2021-44228
                  reason: "JNDI lookups removed from the jar"
                  expires: 2027-01-01
                - id: GHSA-7rjr-3q55-vv33
                  reason: never reached
              bannedPackages:
                - pkg:npm/event-stream
                - pkg:maven/log4j/log4j@1.*
              requiredLabels: [org.opencontainers.image.source]
              nonRootUser: true
              maxBaseAge: 180d
              maxScanAge: 24h
              requireAttestations: [vuln, sbom, vuln]
            """;

    @TempDir
    Path dir;

    @Test
    void everyFieldOfTheDocumentedExample() throws Exception {
        Path file = Scans.write(dir, EXAMPLE);
        Policy p = Policy.read(file);
        assertThat(p.name()).isEqualTo("production");
        assertThat(p.file()).isEqualTo(file);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        assertThat(p.digest()).isEqualTo("sha256:" + sha);
        Rules r = p.rules();
        assertThat(r.maxSeverity()).isEqualTo(SeverityLimit.HIGH);
        assertThat(r.maxSeverityBase()).isEqualTo(SeverityLimit.CRITICAL);
        assertThat(r.maxSeverityApp()).isEqualTo(SeverityLimit.MEDIUM);
        assertThat(r.ignoreUnfixed()).isTrue();
        assertThat(r.allow()).containsExactly(
                new Rules.AllowEntry(1, "CVE-2021-44228", "JNDI lookups removed from the jar", LocalDate.of(2027, 1, 1)),
                new Rules.AllowEntry(2, "GHSA-7rjr-3q55-vv33", "never reached", null));
        assertThat(r.bannedPackages()).extracting(PackagePattern::glob).containsExactly("pkg:npm/event-stream", "pkg:maven/log4j/log4j@1.*");
        assertThat(r.requiredLabels()).containsExactly(new Rules.RequiredLabel("org.opencontainers.image.source", null));
        assertThat(r.nonRootUser()).isTrue();
        assertThat(r.maxBaseAge()).isEqualTo(Duration.ofDays(180));
        assertThat(r.maxScanAge()).isEqualTo(Duration.ofHours(24));
        assertThat(r.requireAttestations()).as("duplicates collapse, order kept").containsExactly(AttestationKind.VULN, AttestationKind.SBOM);
    }

    @Test
    void theDigestChangesWithAnyByteEvenAComment() {
        Policy a = Policy.read(Scans.write(dir, EXAMPLE));
        Policy b = Policy.read(Scans.write(dir, EXAMPLE + "# reviewed\n"));
        assertThat(a.rules()).isEqualTo(b.rules());
        assertThat(a.digest()).isNotEqualTo(b.digest()).startsWith("sha256:").hasSize(71);
    }

    @Test
    void requiredLabelsAsAMapOfRegexes() {
        Policy p = Scans.policy(dir, """
                requiredLabels:
                  org.opencontainers.image.source: "https://github\\\\.com/example/.+"
                  org.opencontainers.image.revision:
                """);
        assertThat(p.rules().requiredLabels()).containsExactly(
                new Rules.RequiredLabel("org.opencontainers.image.source", "https://github\\.com/example/.+"),
                new Rules.RequiredLabel("org.opencontainers.image.revision", null));
    }

    @Test
    void emptyRulesAreAllowedAndSetNothing() {
        assertThat(Scans.policy(dir, "{}").rules()).isEqualTo(Rules.NONE);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown rule              | maxSeverty: HIGH                           | rules: unknown key 'maxSeverty'
            bad severity              | maxSeverity: SEVERE                        | rules.maxSeverity: 'SEVERE' is not a severity
            UNKNOWN is no limit       | maxSeverity: UNKNOWN                       | rules.maxSeverity: UNKNOWN is not a limit
            severity as a list        | maxSeverityApp: [HIGH]                     | rules.maxSeverityApp: must be a single value
            boolean as a word         | ignoreUnfixed: always                      | rules.ignoreUnfixed: must be true or false, not 'always'
            boolean as a string       | nonRootUser: "true"                        | rules.nonRootUser: must be true or false
            duration unit             | maxBaseAge: 180x                           | rules.maxBaseAge: '180x' is not a duration
            duration months           | maxBaseAge: 6mo                            | rules.maxBaseAge: '6mo' is not a duration
            duration without unit     | maxScanAge: 24                             | rules.maxScanAge: 24 has no unit
            duration zero             | maxScanAge: 0h                             | rules.maxScanAge: '0h' is zero
            allow not a list          | 'allow: CVE-2021-44228'                    | rules.allow: must be a list
            allow entry not a map     | 'allow: [CVE-2021-44228]'                  | rules.allow entry 1: must be a map
            allow without reason      | 'allow: [{id: CVE-1}]'                     | rules.allow entry 1, reason: required
            allow unknown key         | 'allow: [{id: CVE-1, reason: r, expire: 2027-01-01}]' | rules.allow entry 1: unknown key 'expire'
            bad date                  | 'allow: [{id: CVE-1, reason: r, expires: 2027-13-01}]' | rules.allow entry 1, expires: '2027-13-01' is not a date (YYYY-MM-DD)
            date in words             | 'allow: [{id: CVE-1, reason: r, expires: next year}]' | rules.allow entry 1, expires: 'next year' is not a date
            date with a time          | 'allow: [{id: CVE-1, reason: r, expires: "2027-01-01T00:00:00Z"}]' | rules.allow entry 1, expires: '2027-01-01T00:00:00Z' is not a date
            banned not a purl         | 'bannedPackages: [event-stream]'           | rules.bannedPackages item 1: 'event-stream' is not a package URL pattern
            banned with qualifiers    | 'bannedPackages: ["pkg:deb/debian/openssl?arch=amd64"]' | rules.bannedPackages item 1: 'pkg:deb/debian/openssl?arch=amd64' has qualifiers
            banned not a list         | 'bannedPackages: pkg:npm/event-stream'     | rules.bannedPackages: must be a list
            labels as a number        | 'requiredLabels: 3'                        | rules.requiredLabels: must be a list of label names, or a map
            label regex               | 'requiredLabels: {a.b: "v(1"}'             | rules.requiredLabels.a.b: 'v(1' is not a regular expression
            attestation kind          | 'requireAttestations: [vuln, provenance]'  | rules.requireAttestations item 2: 'provenance' is not an attestation kind
            duplicated rule           | 'maxSeverity: CRITICAL\\nmaxSeverity: LOW'  | not valid YAML: Duplicate field 'maxSeverity'
            """)
    void malformedRulesNameTheFileAndTheKey(String what, String rules, String message) {
        Path file = Scans.write(dir, "apiVersion: drydock.io/v1\nkind: Policy\nname: p\nrules:\n"
                + rules.replace("\\n", "\n").indent(2));
        assertThatThrownBy(() -> Policy.read(file)).isInstanceOf(DrydockException.class)
                .hasMessageStartingWith("the policy file " + file + ": ").hasMessageContaining(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            wrong apiVersion | apiVersion: drydock.io/v2\\nkind: Policy\\nname: p\\nrules: {} | apiVersion: 'drydock.io/v2' is not supported; this version of Drydock reads drydock.io/v1
            a newer format   | apiVersion: drydock.io/v2\\nkind: Policy\\nname: p\\nrules: {}\\nexceptions: [] | apiVersion: 'drydock.io/v2' is not supported
            no apiVersion    | kind: Policy\\nname: p\\nrules: {}                           | apiVersion: required
            wrong kind       | apiVersion: drydock.io/v1\\nkind: IgnoreFile\\nname: p\\nrules: {} | kind: 'IgnoreFile' is not Policy
            no name          | apiVersion: drydock.io/v1\\nkind: Policy\\nrules: {}         | name: required
            no rules         | apiVersion: drydock.io/v1\\nkind: Policy\\nname: p           | rules: missing
            rules a list     | apiVersion: drydock.io/v1\\nkind: Policy\\nname: p\\nrules: [a] | rules: must be a map
            unknown top key  | apiVersion: drydock.io/v1\\nkind: Policy\\nname: p\\nrule: {} | unknown key 'rule' (allowed: apiVersion, kind, name, rules)
            not a map        | - apiVersion                                                 | a policy is a map
            empty            | ''                                                           | the file is empty
            bad YAML         | 'rules: [ {maxSeverity: x'                                   | : not valid YAML: 
            """)
    void malformedFilesNameTheFile(String what, String text, String message) {
        Path file = Scans.write(dir, text.replace("\\n", "\n"));
        assertThatThrownBy(() -> Policy.read(file)).isInstanceOf(DrydockException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining(message);
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> Policy.read(missing)).isInstanceOf(DrydockException.class)
                .hasMessage("the policy file " + missing + " does not exist");
    }

    @Test
    void durations() {
        assertThat(PolicyDuration.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(PolicyDuration.parse("90m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(PolicyDuration.parse("2w")).isEqualTo(Duration.ofDays(14));
        assertThat(PolicyDuration.format(Duration.ofDays(180))).isEqualTo("180d");
        assertThat(PolicyDuration.format(Duration.ofHours(36))).isEqualTo("36h");
        assertThat(PolicyDuration.format(Duration.ofMinutes(90))).isEqualTo("90m");
        assertThat(PolicyDuration.format(Duration.ofSeconds(61))).isEqualTo("61s");
        assertThatThrownBy(() -> PolicyDuration.parse("-1d")).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> PolicyDuration.parse("1.5d")).hasMessageContaining("not a duration");
    }
}
