package io.drydock.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verdict as the JSON predicate body and as the text report. */
class VerdictFormatsTest {
    @TempDir
    Path dir;

    private Verdict failing() {
        LocalDate yesterday = LocalDate.ofInstant(Scans.NOW, ZoneOffset.UTC).minusDays(1);
        return Scans.policy(dir, """
                maxSeverity: MEDIUM
                allow:
                  - id: CVE-2021-44228
                    reason: JNDI lookups removed from the jar
                    expires: %s
                  - id: CVE-2023-4911
                    reason: no setuid binaries
                    expires: 2027-01-01
                bannedPackages: [pkg:npm/event-stream]
                nonRootUser: true
                maxScanAge: 24h
                requireAttestations: [vuln, sbom]
                """.formatted(yesterday)).evaluate(Scans.input(Scans.ALL), Scans.CLOCK);
    }

    @Test
    void thePredicateTypeIsDrydocksVerdict() {
        assertThat(Verdict.PREDICATE_TYPE).isEqualTo("https://drydock.io/attestation/verdict/v1");
    }

    @Test
    void jsonHasEveryDocumentedFieldInOrder() throws Exception {
        Verdict v = failing();
        JsonNode doc = new ObjectMapper().readTree(VerdictJson.write(v));
        assertThat(doc.fieldNames()).toIterable().containsExactly("passed", "policy", "image", "scannedAt", "evaluatedAt",
                "evaluator", "rules", "allowed", "requirements", "notes");
        assertThat(doc.get("passed").asBoolean()).isFalse();
        assertThat(doc.at("/policy/apiVersion").asText()).isEqualTo("drydock.io/v1");
        assertThat(doc.at("/policy/name").asText()).isEqualTo("production");
        assertThat(doc.at("/policy/digest").asText()).isEqualTo(v.policyDigest());
        assertThat(doc.at("/image/name").asText()).isEqualTo(Scans.IMAGE);
        assertThat(doc.at("/image/digest").asText()).isEqualTo(Scans.DIGEST);
        assertThat(doc.get("scannedAt").asText()).isEqualTo("2026-06-01T11:58:00Z");
        assertThat(doc.get("evaluatedAt").asText()).isEqualTo("2026-06-01T12:00:00Z");
        assertThat(doc.at("/evaluator/name").asText()).isEqualTo("drydock");

        JsonNode severity = doc.at("/rules/0");
        assertThat(severity.fieldNames()).toIterable().containsExactly("rule", "setting", "passed", "explanation", "items");
        assertThat(severity.get("rule").asText()).isEqualTo("maxSeverity");
        assertThat(severity.get("setting").asText()).isEqualTo("MEDIUM");
        assertThat(severity.get("passed").asBoolean()).isFalse();
        JsonNode item = severity.at("/items/0");
        assertThat(item.fieldNames()).toIterable().containsExactly("id", "package", "purl", "version", "severity", "origin", "note");
        assertThat(item.get("id").asText()).isEqualTo("CVE-2021-44228");
        assertThat(item.get("severity").asText()).isEqualTo("CRITICAL");
        assertThat(item.get("origin").asText()).isEqualTo("application");
        assertThat(item.get("note").asText()).contains("expired on");

        JsonNode banned = doc.at("/rules/1/items/0");
        assertThat(banned.get("id").isNull()).isTrue();
        assertThat(banned.get("severity").isNull()).isTrue();
        assertThat(banned.get("purl").asText()).isEqualTo("pkg:npm/event-stream@3.3.6");

        JsonNode allowed = doc.at("/allowed/0");
        assertThat(allowed.get("id").asText()).isEqualTo("CVE-2023-4911");
        assertThat(allowed.get("reason").asText()).isEqualTo("no setuid binaries");
        assertThat(allowed.get("expires").asText()).isEqualTo("2027-01-01");
        assertThat(doc.at("/requirements/maxScanAge").asText()).isEqualTo("PT24H");
        assertThat(doc.at("/requirements/attestations")).extracting(JsonNode::asText).containsExactly("vuln", "sbom");
        assertThat(doc.get("notes")).extracting(JsonNode::asText).singleElement().asString().contains("expired on");
    }

    @Test
    void jsonWritesNullsRatherThanLeavingFieldsOut() throws Exception {
        Verdict v = Scans.policy(dir, "{}").evaluate(new PolicyInput(Scans.report(List.of()), List.of(), null, null, null, null, null),
                Scans.CLOCK);
        JsonNode doc = new ObjectMapper().readTree(VerdictJson.write(v));
        assertThat(doc.get("passed").asBoolean()).isTrue();
        assertThat(doc.at("/image/digest").asText()).as("falls back to the report's digest").isEqualTo(Scans.DIGEST);
        assertThat(doc.at("/requirements/maxScanAge").isNull()).isTrue();
        assertThat(doc.get("rules")).isEmpty();
    }

    @Test
    void textExplainsEveryFailedRuleAndTheFindingsBehindIt() {
        String text = VerdictText.write(failing());
        assertThat(text).startsWith("Policy production: FAIL\n")
                .contains("  image      " + Scans.IMAGE + " (" + Scans.DIGEST + ")")
                .contains("  FAIL  maxSeverity MEDIUM: 1 of 4 findings is above MEDIUM; 1 more allowed by the allow-list\n")
                .contains("          CVE-2021-44228  CRITICAL  application  org.apache.logging.log4j:log4j-core 2.14.1  (allow-list entry 1 (CVE-2021-44228) expired on")
                .contains("  FAIL  bannedPackages pkg:npm/event-stream: 1 of 6 packages is banned: event-stream 3.3.6\n")
                .contains("          application  event-stream 3.3.6  pkg:npm/event-stream@3.3.6  (banned by pkg:npm/event-stream)")
                .contains("  pass  nonRootUser true: User '1000' is not root\n")
                .contains("  pass  maxScanAge 1d: recorded for verification")
                .contains("Allowed by the allow-list:\n  CVE-2023-4911  HIGH  base  libc6 2.36-9+deb12u1\n      no setuid binaries (until 2027-01-01)\n")
                .contains("Notes:\n  - allow-list entry 1 (CVE-2021-44228) expired on")
                .endsWith("FAIL: 2 of 5 rules failed (maxSeverity, bannedPackages)\n");
    }

    @Test
    void textOfAPass() {
        Verdict v = Scans.policy(dir, "maxSeverity: CRITICAL\nnonRootUser: true").evaluate(Scans.input(Scans.ALL), Scans.CLOCK);
        assertThat(VerdictText.write(v)).startsWith("Policy production: PASS\n").endsWith("PASS: the image meets all 2 rules of production\n");
    }
}
