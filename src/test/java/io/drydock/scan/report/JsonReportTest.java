package io.drydock.scan.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.scan.ScanReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class JsonReportTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode doc = read(new JsonReport().write(Reports.scan()));

    @Test
    void schemaVersionComesFirstAndTheFieldsKeepTheirOrder() {
        assertThat(names(doc)).containsExactly("schemaVersion", "tool", "target", "digest", "scannedAt", "os", "db", "base",
                "packages", "summary", "findings", "suppressed", "filtered", "remediation", "notes", "inventoryWarnings", "freshness");
        assertThat(doc.get("schemaVersion").asInt()).isEqualTo(ScanReport.SCHEMA_VERSION);
        assertThat(names(doc.get("findings").get(0))).containsExactly("id", "aliases", "advisories", "severity",
                "severitySource", "cvss", "status", "fixedVersions", "summary", "origin", "package", "matchedAs", "layer", "why");
    }

    @Test
    void instantsAreIso8601() {
        assertThat(doc.get("scannedAt").asText()).isEqualTo("2024-03-05T10:15:30.250Z");
        assertThat(doc.get("db").get("builtAt").asText()).isEqualTo("2024-03-05T06:00:00Z");
    }

    @Test
    void findingsCarryWhatTheScanDecided() {
        JsonNode log4j = doc.get("findings").get(0);
        assertThat(log4j.get("id").asText()).isEqualTo("CVE-2021-44228");
        assertThat(log4j.get("aliases").get(0).asText()).isEqualTo("GHSA-jfh8-c2jp-5v3q");
        assertThat(log4j.get("severity").asText()).isEqualTo("CRITICAL");
        assertThat(log4j.get("cvss").get("score").asDouble()).isEqualTo(10.0);
        assertThat(log4j.get("cvss").get("vector").asText()).startsWith("CVSS:3.1/");
        assertThat(log4j.get("status").asText()).isEqualTo("fixed");
        assertThat(log4j.get("fixedVersions")).hasSize(3);
        assertThat(log4j.get("origin").asText()).isEqualTo("application");
        assertThat(log4j.get("package").get("purl").asText()).isEqualTo(Reports.LOG4J.purl());
        assertThat(log4j.get("package").get("paths").get(0).asText()).isEqualTo("/app/lib/log4j-core-2.14.1.jar");
        assertThat(log4j.get("package").get("ownedBy").isNull()).isTrue();
        assertThat(log4j.get("matchedAs").get("ecosystem").asText()).isEqualTo("Maven");
        assertThat(log4j.get("layer").get("index").asInt()).isEqualTo(3);
        assertThat(log4j.get("layer").get("digest").asText()).isEqualTo(Reports.APP_LAYER.digest());

        JsonNode unfixed = doc.get("findings").get(3);
        assertThat(unfixed.get("id").asText()).isEqualTo("CVE-2019-1010022");
        assertThat(unfixed.get("status").asText()).isEqualTo("unfixed");
        assertThat(unfixed.get("fixedVersions")).isEmpty();
        assertThat(unfixed.get("origin").asText()).isEqualTo("base");
    }

    @Test
    void summaryBaseRemediationAndSuppressions() {
        JsonNode summary = doc.get("summary");
        assertThat(summary.get("findings").asInt()).isEqualTo(4);
        assertThat(names(summary.get("bySeverity"))).containsExactly("CRITICAL", "HIGH", "MEDIUM", "LOW", "NEGLIGIBLE", "UNKNOWN");
        assertThat(summary.get("bySeverity").get("NEGLIGIBLE").asInt()).isEqualTo(1);
        assertThat(summary.get("byOrigin").get("base").asInt()).isEqualTo(2);
        assertThat(summary.get("fixable").asInt()).isEqualTo(2);
        assertThat(summary.get("suppressed").asInt()).isEqualTo(2);
        assertThat(summary.get("filtered").asInt()).isEqualTo(3);

        JsonNode base = doc.get("base");
        assertThat(base.get("how").asText()).isEqualTo("annotation");
        assertThat(base.get("guess").asBoolean()).isFalse();
        assertThat(base.get("layers").asInt()).isEqualTo(2);

        JsonNode rem = doc.get("remediation");
        assertThat(rem.get("fixedByRebuild").asInt()).isEqualTo(1);
        assertThat(rem.get("applicationUpgrades").get(0).get("smallestFixingVersion").asText()).isEqualTo("2.15.0");
        assertThat(rem.get("applicationUpgrades").get(1).get("smallestFixingVersion").isNull()).isTrue();
        assertThat(rem.get("applicationUpgrades").get(1).get("unfixed").get(0).asText()).isEqualTo("CVE-2023-35116");

        JsonNode vex = doc.get("suppressed").get(0);
        assertThat(vex.get("by").asText()).isEqualTo("OpenVEX payments.vex.json statement 1");
        assertThat(vex.get("reason").asText()).startsWith("not_affected: vulnerable_code_not_in_execute_path");
        assertThat(vex.get("finding").get("id").asText()).isEqualTo("CVE-2021-45046");
    }

    @Test
    void unknownValuesAreNullNotMissing() {
        JsonNode clean = read(new JsonReport().write(Reports.cleanGuessedBase()));
        assertThat(names(clean)).isEqualTo(names(doc));
        assertThat(clean.get("base").get("name").isNull()).isTrue();
        assertThat(clean.get("base").get("guess").asBoolean()).isTrue();
        assertThat(clean.get("os").get("prettyName").isNull()).isTrue();
    }

    @Test
    void severalImagesAreWrapped() {
        JsonNode both = read(new JsonReport().write(List.of(Reports.scan(), Reports.cleanGuessedBase())));
        assertThat(names(both)).containsExactly("schemaVersion", "reports");
        assertThat(both.get("reports")).hasSize(2);
        assertThat(both.get("reports").get(0)).isEqualTo(doc);
        // one image named alone is its own document, as the CLI always passes the list
        assertThat(read(new JsonReport().write(List.of(Reports.scan())))).isEqualTo(doc);
    }

    @Test
    void theSameReportGivesTheSameText() {
        assertThat(new JsonReport().write(Reports.scan())).isEqualTo(new JsonReport().write(Reports.scan()));
    }

    /** docs/scan-report.md must describe every field the writer emits, or the two have drifted apart. */
    @Test
    void everyFieldIsDocumented() throws IOException {
        String docs = Files.readString(Path.of("docs/scan-report.md"));
        Set<String> fields = new TreeSet<>();
        collect(read(new JsonReport().write(List.of(Reports.scan(), Reports.cleanGuessedBase()))), fields);
        fields.removeAll(List.of("CRITICAL", "HIGH", "MEDIUM", "LOW", "NEGLIGIBLE", "UNKNOWN", "base", "application"));
        List<String> missing = fields.stream().filter(f -> !docs.contains("`" + f + "`")).toList();
        assertThat(missing).as("fields not described in docs/scan-report.md").isEmpty();
        assertThat(docs).contains("`schemaVersion`").contains("| `CRITICAL` |").contains("| `no-dsa` |");
    }

    private static void collect(JsonNode node, Set<String> fields) {
        if (node.isObject()) {
            node.properties().forEach(e -> {
                fields.add(e.getKey());
                collect(e.getValue(), fields);
            });
        } else if (node.isArray()) {
            node.forEach(n -> collect(n, fields));
        }
    }

    static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
