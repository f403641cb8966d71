package io.drydock.scan.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReportWriterTest {
    @Test
    void everyNameHasItsWriter() {
        for (String name : ReportWriter.NAMES) {
            assertThat(ReportWriter.forName(name).name()).isEqualTo(name);
        }
        assertThat(ReportWriter.forName("table")).isEqualTo(new TableReport(false));
    }

    @Test
    void anUnknownNameListsTheValidOnes() {
        assertThatThrownBy(() -> ReportWriter.forName("xml")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown report format \"xml\"; use one of table, json, sarif, cyclonedx, cosign-vuln");
    }

    @Test
    void noReportIsAnErrorNotAnEmptyDocument() {
        for (String name : ReportWriter.NAMES) {
            assertThatThrownBy(() -> ReportWriter.forName(name).write(List.of())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("no scan reports to write");
        }
    }

    @Test
    void everyFormatWritesEveryReport() {
        for (String name : ReportWriter.NAMES) {
            ReportWriter writer = ReportWriter.forName(name);
            assertThat(writer.write(Reports.scan())).as(name).contains("CVE-2021-44228");
            assertThat(writer.write(Reports.cleanGuessedBase())).as(name).isNotBlank();
        }
    }
}
