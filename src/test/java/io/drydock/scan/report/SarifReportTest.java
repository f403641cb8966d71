package io.drydock.scan.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SarifReportTest {
    private final JsonNode log = JsonReportTest.read(new SarifReport().write(Reports.scan()));
    private final JsonNode run = log.get("runs").get(0);

    @Test
    void isValidAgainstTheSarif210Schema() {
        JsonSchema schema = schema();
        assertThat(schema.validate(log)).isEmpty();
        JsonNode both = JsonReportTest.read(new SarifReport().write(List.of(Reports.scan(), Reports.cleanGuessedBase())));
        assertThat(schema.validate(both)).isEmpty();
        // the validator does reject what the schema forbids, so an empty answer means something
        ObjectNode broken = log.deepCopy();
        ((ObjectNode) broken.get("runs").get(0).get("results").get(0)).put("level", "fatal");
        Set<ValidationMessage> problems = schema.validate(broken);
        assertThat(problems).isNotEmpty();
    }

    @Test
    void headerAndDriverAreWhatGithubExpects() {
        assertThat(log.get("$schema").asText()).isEqualTo("https://json.schemastore.org/sarif-2.1.0.json");
        assertThat(log.get("version").asText()).isEqualTo("2.1.0");
        JsonNode driver = run.get("tool").get("driver");
        assertThat(driver.get("name").asText()).isEqualTo("drydock");
        assertThat(driver.has("informationUri")).as("no home page is published yet; none is invented").isFalse();
        assertThat(driver.get("semanticVersion").asText()).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(run.get("automationDetails").get("id").asText()).isEqualTo("drydock/registry.example.com/payments/api/");
    }

    @Test
    void oneRulePerVulnerability() {
        JsonNode rules = run.get("tool").get("driver").get("rules");
        assertThat(rules).hasSize(4);
        JsonNode log4shell = rules.get(0);
        assertThat(log4shell.get("id").asText()).isEqualTo("CVE-2021-44228");
        assertThat(log4shell.get("shortDescription").get("text").asText()).isEqualTo("CVE-2021-44228: Remote code injection in Log4j");
        assertThat(log4shell.get("fullDescription").get("text").asText()).isEqualTo("Remote code injection in Log4j");
        assertThat(log4shell.get("helpUri").asText()).isEqualTo("https://nvd.nist.gov/vuln/detail/CVE-2021-44228");
        assertThat(log4shell.get("help").get("text").asText()).contains("installed version: 2.14.1")
                .contains("fixed version: 2.15.0, 2.12.2, 2.3.1").contains("GHSA-jfh8-c2jp-5v3q");
        assertThat(log4shell.get("help").get("markdown").asText())
                .contains("| CRITICAL | org.apache.logging.log4j:log4j-core | 2.14.1 | 2.15.0, 2.12.2, 2.3.1 | fixed |");
        assertThat(log4shell.get("properties").get("security-severity").isTextual()).isTrue();
        assertThat(log4shell.get("properties").get("security-severity").asText()).isEqualTo("10.0");
        assertThat(log4shell.get("properties").get("tags")).extracting(JsonNode::asText)
                .containsExactly("security", "vulnerability", "CRITICAL");
        // Debian's "unimportant" wins over NVD's 9.8: GitHub must not call it critical when the table says NEGLIGIBLE
        JsonNode unimportant = rules.get(3);
        assertThat(unimportant.get("id").asText()).isEqualTo("CVE-2019-1010022");
        assertThat(unimportant.get("properties").get("security-severity").asText()).isEqualTo("0.5");
        assertThat(rules.get(1).get("properties").get("security-severity").asText()).isEqualTo("7.8");
    }

    @Test
    void resultsNamePackageVersionsAndWhereTheFileIs() {
        JsonNode results = run.get("results");
        assertThat(results).hasSize(4);
        JsonNode log4shell = results.get(0);
        assertThat(log4shell.get("ruleId").asText()).isEqualTo("CVE-2021-44228");
        assertThat(log4shell.get("ruleIndex").asInt()).isZero();
        assertThat(log4shell.get("level").asText()).isEqualTo("error");
        assertThat(log4shell.get("message").get("text").asText()).contains("org.apache.logging.log4j:log4j-core")
                .contains("2.14.1").contains("fixed in 2.15.0, 2.12.2, 2.3.1");
        JsonNode location = log4shell.get("locations").get(0).get("physicalLocation");
        assertThat(location.get("artifactLocation").get("uri").asText()).isEqualTo("app/lib/log4j-core-2.14.1.jar");
        assertThat(location.get("region").get("startLine").asInt()).isEqualTo(1);
        JsonNode props = log4shell.get("properties");
        assertThat(props.get("purl").asText()).isEqualTo(Reports.LOG4J.purl());
        assertThat(props.get("layerDigest").asText()).isEqualTo(Reports.APP_LAYER.digest());
        assertThat(props.get("origin").asText()).isEqualTo("application");

        assertThat(results).extracting(r -> r.get("level").asText()).containsExactly("error", "error", "warning", "note");
        assertThat(results.get(2).get("message").get("text").asText()).contains("no fixed version yet");
        assertThat(results.get(1).get("locations").get(0).get("physicalLocation").get("artifactLocation").get("uri").asText())
                .isEqualTo("var/lib/dpkg/status");
    }

    @Test
    void suppressedFindingsAreLeftOutAndNotesBecomeNotifications() {
        assertThat(run.get("results")).extracting(r -> r.get("ruleId").asText())
                .doesNotContain("CVE-2021-45046", "CVE-2023-45853");
        JsonNode notes = run.get("invocations").get(0).get("toolExecutionNotifications");
        assertThat(notes).extracting(n -> n.get("message").get("text").asText())
                .anyMatch(t -> t.contains("/app/lib/broken.jar"))
                .contains("no advisory data for generic packages");
    }

    @Test
    void fingerprintsAreStableAcrossScansAndVersions() {
        JsonNode again = JsonReportTest.read(new SarifReport().write(Reports.scan())).get("runs").get(0);
        assertThat(again.get("results").get(0).get("partialFingerprints")).isEqualTo(run.get("results").get(0).get("partialFingerprints"));
        JsonNode fingerprints = run.get("results").get(0).get("partialFingerprints");
        assertThat(fingerprints.get("drydock/v1").asText()).hasSize(32);
        assertThat(fingerprints.get("primaryLocationLineHash").asText()).isEqualTo(fingerprints.get("drydock/v1").asText());
        // every result has its own
        assertThat(run.get("results")).extracting(r -> r.get("partialFingerprints").get("drydock/v1").asText())
                .doesNotHaveDuplicates();
        // a new tag of the same image keeps the alert
        assertThat(SarifReport.repository("registry.example.com:5000/payments/api:1.4.3@sha256:00"))
                .isEqualTo("registry.example.com:5000/payments/api");
    }

    @Test
    void severalImagesAreSeveralRunsOfOneLog() {
        JsonNode both = JsonReportTest.read(new SarifReport().write(List.of(Reports.scan(), Reports.cleanGuessedBase())));
        assertThat(both.get("runs")).hasSize(2);
        JsonNode clean = both.get("runs").get(1);
        assertThat(clean.get("results")).isEmpty();
        assertThat(clean.get("automationDetails").get("id").asText()).isEqualTo("drydock/registry.example.com/tools/jq/");
    }

    @Test
    void pathsBecomeRelativeUriReferences() {
        assertThat(SarifReport.uri("/usr/lib/python3/dist-packages/My Package-1.0.dist-info/METADATA"))
                .isEqualTo("usr/lib/python3/dist-packages/My%20Package-1.0.dist-info/METADATA");
        assertThat(SarifReport.uri("app:1")).isEqualTo("app%3A1");
        assertThat(SarifReport.uri("/app/app.jar!/BOOT-INF/lib/a:b.jar")).isEqualTo("app/app.jar!/BOOT-INF/lib/a:b.jar");
        assertThat(SarifReport.uri("/opt/ünïcode#1.jar")).isEqualTo("opt/%C3%BCn%C3%AFcode%231.jar");
    }

    private static JsonSchema schema() {
        try (InputStream in = Files.newInputStream(SarifSchema.path())) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
