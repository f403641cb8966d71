package io.drydock.scan.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.scan.Suppressed;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.StreamSupport;
import org.cyclonedx.Version;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.vulnerability.Vulnerability;
import org.cyclonedx.parsers.JsonParser;
import org.junit.jupiter.api.Test;

class CycloneDxVexReportTest {
    private final String text = new CycloneDxVexReport().write(Reports.scan());
    private final JsonNode bom = JsonReportTest.read(text);

    @Test
    void validatesAsCycloneDx16() throws Exception {
        assertThat(new JsonParser().validate(text.getBytes(StandardCharsets.UTF_8), Version.VERSION_16)).isEmpty();
        assertThat(new JsonParser().validate(new CycloneDxVexReport().write(Reports.cleanGuessedBase())
                .getBytes(StandardCharsets.UTF_8), Version.VERSION_16)).isEmpty();
        // and the library reads it back into its model
        Bom parsed = new JsonParser().parse(text.getBytes(StandardCharsets.UTF_8));
        assertThat(parsed.getVulnerabilities()).extracting(Vulnerability::getId)
                .containsExactly("CVE-2021-44228", "CVE-2023-4911", "CVE-2023-35116", "CVE-2019-1010022",
                        "CVE-2021-45046", "CVE-2023-45853");
    }

    @Test
    void theImageIsTheMetadataComponentAndPackagesAreComponentsByPurl() {
        JsonNode image = bom.get("metadata").get("component");
        assertThat(image.get("type").asText()).isEqualTo("container");
        assertThat(image.get("name").asText()).isEqualTo(Reports.IMAGE);
        assertThat(image.get("version").asText()).isEqualTo(Reports.DIGEST);
        assertThat(bom.get("serialNumber").asText()).startsWith("urn:uuid:");
        assertThat(new CycloneDxVexReport().write(Reports.scan())).isEqualTo(text);

        JsonNode components = bom.get("components");
        // log4j-core has a reported and a suppressed finding, libc6 two reported ones: one component each
        assertThat(components).extracting(c -> c.get("bom-ref").asText()).containsExactly(Reports.LOG4J.purl(),
                Reports.LIBC6.purl(), Reports.JACKSON.purl(), "pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64&distro=debian-12");
        JsonNode log4j = components.get(0);
        assertThat(log4j.get("group").asText()).isEqualTo("org.apache.logging.log4j");
        assertThat(log4j.get("name").asText()).isEqualTo("log4j-core");
        assertThat(log4j.get("purl").asText()).isEqualTo(Reports.LOG4J.purl());
        // every vulnerability's affects[].ref names a component
        List<String> refs = StreamSupport.stream(components.spliterator(), false).map(c -> c.get("bom-ref").asText()).toList();
        assertThat(bom.get("vulnerabilities")).allSatisfy(v -> assertThat(refs).contains(v.get("affects").get(0).get("ref").asText()));
    }

    @Test
    void reportedFindingsAreExploitableWithRatingsAdviceAndAdvisories() {
        JsonNode log4shell = vulnerability("CVE-2021-44228");
        assertThat(log4shell.get("source").get("name").asText()).isEqualTo("NVD");
        assertThat(log4shell.get("source").get("url").asText()).isEqualTo("https://nvd.nist.gov/vuln/detail/CVE-2021-44228");
        assertThat(log4shell.get("references").get(0).get("id").asText()).isEqualTo("GHSA-jfh8-c2jp-5v3q");
        JsonNode rating = log4shell.get("ratings").get(0);
        assertThat(log4shell.get("ratings")).hasSize(1);
        assertThat(rating.get("severity").asText()).isEqualTo("critical");
        assertThat(rating.get("method").asText()).isEqualTo("CVSSv31");
        assertThat(rating.get("score").asDouble()).isEqualTo(10.0);
        assertThat(rating.get("vector").asText()).isEqualTo("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H");
        assertThat(log4shell.get("description").asText()).isEqualTo("Remote code injection in Log4j");
        assertThat(log4shell.get("recommendation").asText()).contains("to 2.15.0");
        assertThat(log4shell.get("advisories").get(0).get("url").asText())
                .isEqualTo("https://osv.dev/vulnerability/GHSA-jfh8-c2jp-5v3q");
        assertThat(log4shell.get("analysis").get("state").asText()).isEqualTo("exploitable");
        JsonNode versions = log4shell.get("affects").get(0).get("versions");
        assertThat(versions.get(0).get("version").asText()).isEqualTo("2.14.1");
        assertThat(versions.get(0).get("status").asText()).isEqualTo("affected");
        assertThat(versions).extracting(v -> v.get("status").asText()).containsExactly("affected", "unaffected", "unaffected", "unaffected");
        assertThat(properties(log4shell)).contains("drydock:origin=application", "drydock:layer:index=3",
                "drydock:layer:digest=" + Reports.APP_LAYER.digest());

        JsonNode unfixed = vulnerability("CVE-2023-35116");
        assertThat(unfixed.get("recommendation").asText()).startsWith("No fixed version of com.fasterxml.jackson.core:jackson-databind yet");
        assertThat(unfixed.get("ratings").get(0).get("method").asText()).isEqualTo("CVSSv31");
        assertThat(unfixed.get("source").get("name").asText()).isEqualTo("NVD");
    }

    @Test
    void aVendorRatingThatDisagreesWithCvssIsItsOwnRating() {
        JsonNode ratings = vulnerability("CVE-2019-1010022").get("ratings");
        assertThat(ratings).hasSize(2);
        assertThat(ratings.get(0).get("severity").asText()).isEqualTo("info");
        assertThat(ratings.get(0).get("method").asText()).isEqualTo("other");
        assertThat(ratings.get(0).get("source").get("name").asText()).contains("ecosystem_specific.urgency");
        assertThat(ratings.get(1).get("severity").asText()).isEqualTo("critical");
        assertThat(ratings.get(1).get("method").asText()).isEqualTo("CVSSv3");
        assertThat(ratings.get(1).get("score").asDouble()).isEqualTo(9.8);
    }

    @Test
    void suppressedFindingsCarryTheirVexState() {
        JsonNode vex = vulnerability("CVE-2021-45046").get("analysis");
        assertThat(vex.get("state").asText()).isEqualTo("not_affected");
        assertThat(vex.get("justification").asText()).isEqualTo("code_not_reachable");
        assertThat(vex.get("detail").asText()).contains("OpenVEX payments.vex.json statement 1")
                .contains("the Thread Context lookups are not used");
        assertThat(vulnerability("CVE-2021-45046").get("affects").get(0).get("versions").get(0).get("status").asText())
                .isEqualTo("unaffected");
        // log4j-core's advised 2.15.0 does not fix this one, so its own fixed versions are named instead
        assertThat(vulnerability("CVE-2021-45046").get("recommendation").asText()).doesNotContain("2.15.0")
                .contains("2.16.0, 2.12.2");

        JsonNode ignored = vulnerability("CVE-2023-45853").get("analysis");
        assertThat(ignored.get("state").asText()).isEqualTo("not_affected");
        assertThat(ignored.has("justification")).isFalse();
        assertThat(ignored.get("detail").asText()).contains(".drydockignore.yaml entry 2").contains("MiniZip is not in the image");
        assertThat(properties(vulnerability("CVE-2023-45853"))).contains("drydock:origin=base", "drydock:status=ignored");
    }

    @Test
    void aFixedStatementResolves() {
        ObjectNode fixed = JsonReport.JSON.createObjectNode();
        CycloneDxVexReport.analysis(fixed, new Suppressed(Reports.LOG4J_DOS, "OpenVEX a.json statement 4", "fixed"));
        assertThat(fixed.get("state").asText()).isEqualTo("resolved");
        // an ignore-file reason that happens to start with "fixed" is a person's judgement, not a VEX status
        ObjectNode entry = JsonReport.JSON.createObjectNode();
        CycloneDxVexReport.analysis(entry, new Suppressed(Reports.LOG4J_DOS, "ignore file x.yaml entry 1", "fixed by the WAF"));
        assertThat(entry.get("state").asText()).isEqualTo("not_affected");
    }

    @Test
    void oneImagePerDocument() {
        assertThat(new CycloneDxVexReport().write(List.of(Reports.scan()))).isEqualTo(text);
        assertThatThrownBy(() -> new CycloneDxVexReport().write(List.of(Reports.scan(), Reports.cleanGuessedBase())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cyclonedx format describes one image per document").hasMessageContaining("2 images");
    }

    private JsonNode vulnerability(String id) {
        return StreamSupport.stream(bom.get("vulnerabilities").spliterator(), false).filter(v -> v.get("id").asText().equals(id))
                .findFirst().orElseThrow(() -> new AssertionError("no vulnerability " + id));
    }

    private static List<String> properties(JsonNode v) {
        return StreamSupport.stream(v.get("properties").spliterator(), false)
                .map(p -> p.get("name").asText() + "=" + p.get("value").asText()).toList();
    }
}
