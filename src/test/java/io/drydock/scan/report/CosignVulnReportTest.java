package io.drydock.scan.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CosignVulnReportTest {
    private static final Instant FINISHED = Instant.parse("2024-03-05T10:16:02Z");
    private static final CosignVulnReport.Invocation INVOCATION = new CosignVulnReport.Invocation(
            List.of("scan", "--format", "cosign-vuln", Reports.IMAGE), "https://github.com/acme/payments/actions/runs/8123456789",
            "8123456789", "GitHub Actions");
    private final CosignVulnReport writer = new CosignVulnReport(INVOCATION, Clock.fixed(FINISHED, ZoneOffset.UTC));
    private final JsonNode predicate = JsonReportTest.read(writer.write(Reports.scan()));

    @Test
    void hasCosignsFieldNames() {
        assertThat(CosignVulnReport.PREDICATE_TYPE).isEqualTo("https://cosign.sigstore.dev/attestation/vuln/v1");
        assertThat(JsonReportTest.names(predicate)).containsExactly("invocation", "scanner", "metadata");
        JsonNode invocation = predicate.get("invocation");
        assertThat(JsonReportTest.names(invocation)).containsExactly("parameters", "uri", "event_id", "builder.id");
        assertThat(invocation.get("parameters")).extracting(JsonNode::asText).containsExactly("scan", "--format", "cosign-vuln", Reports.IMAGE);
        assertThat(invocation.get("uri").asText()).isEqualTo("https://github.com/acme/payments/actions/runs/8123456789");
        assertThat(invocation.get("event_id").asText()).isEqualTo("8123456789");
        assertThat(invocation.get("builder.id").asText()).isEqualTo("GitHub Actions");
        JsonNode scanner = predicate.get("scanner");
        assertThat(JsonReportTest.names(scanner)).containsExactly("uri", "version", "db", "result");
        assertThat(scanner.get("uri").asText()).startsWith("pkg:generic/drydock@");
        assertThat(JsonReportTest.names(scanner.get("db"))).containsExactly("uri", "version");
        assertThat(scanner.get("db").get("uri").asText()).isEqualTo("https://osv-vulnerabilities.storage.googleapis.com/all.zip");
        assertThat(scanner.get("db").get("version").asText()).isEqualTo("2024-03-05T06:00:00Z");
        assertThat(predicate.get("metadata").get("scanStartedOn").asText()).isEqualTo("2024-03-05T10:15:30.250Z");
        assertThat(predicate.get("metadata").get("scanFinishedOn").asText()).isEqualTo("2024-03-05T10:16:02Z");
    }

    @Test
    void theResultIsTheJsonReport() {
        assertThat(predicate.get("scanner").get("result")).isEqualTo(JsonReportTest.read(new JsonReport().write(Reports.scan())));
    }

    @Test
    void invocationFromCiEnvironments() {
        CosignVulnReport.Invocation github = CosignVulnReport.Invocation.fromEnvironment(Map.of("GITHUB_ACTIONS", "true",
                "GITHUB_SERVER_URL", "https://github.com", "GITHUB_REPOSITORY", "acme/payments", "GITHUB_RUN_ID", "8123456789"),
                List.of("scan", "app:1"));
        assertThat(github).isEqualTo(new CosignVulnReport.Invocation(List.of("scan", "app:1"),
                "https://github.com/acme/payments/actions/runs/8123456789", "8123456789", "GitHub Actions"));
        CosignVulnReport.Invocation gitlab = CosignVulnReport.Invocation.fromEnvironment(Map.of("GITLAB_CI", "true",
                "CI_JOB_ID", "4711", "CI_JOB_URL", "https://gitlab.example.com/acme/payments/-/jobs/4711"), List.of());
        assertThat(gitlab).isEqualTo(new CosignVulnReport.Invocation(List.of(),
                "https://gitlab.example.com/acme/payments/-/jobs/4711", "4711", "GitLab CI"));
        // elsewhere empty strings, which cosign's Go structs decode as "unset"
        assertThat(CosignVulnReport.Invocation.fromEnvironment(Map.of(), List.of())).isEqualTo(CosignVulnReport.Invocation.NONE);
        JsonNode local = JsonReportTest.read(new CosignVulnReport(CosignVulnReport.Invocation.NONE, Clock.systemUTC())
                .write(Reports.cleanGuessedBase()));
        assertThat(local.get("invocation").get("uri").asText()).isEmpty();
        assertThat(local.get("scanner").get("db").get("uri").asText()).isEmpty();
    }

    @Test
    void oneImagePerPredicate() {
        assertThatThrownBy(() -> writer.write(List.of(Reports.scan(), Reports.cleanGuessedBase())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cosign-vuln");
    }
}
