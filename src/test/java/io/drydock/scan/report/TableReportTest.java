package io.drydock.scan.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.scan.Remediation;
import io.drydock.scan.ScanReport;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableReportTest {
    private final String table = new TableReport(false).write(Reports.scan());

    @Test
    void headerNamesTheImageItsBaseAndTheDb() {
        assertThat(table).startsWith("Target:      " + Reports.IMAGE + "\n")
                .contains("Digest:      " + Reports.DIGEST + "\n")
                .contains("OS:          Debian GNU/Linux 12 (bookworm) (debian 12)\n")
                .contains("Base image:  " + Reports.BASE_NAME + " " + Reports.BASE_DIGEST
                        + " (layers 0-1, known from the image's OCI annotations)\n")
                .contains("DB built:    2024-03-05T06:00:00Z\n")
                .contains("Packages:    214\n");
        assertThat(table).doesNotContain("(heuristic)");
    }

    @Test
    void aGuessedBaseIsMarkedHeuristic() {
        String clean = new TableReport(false).write(Reports.cleanGuessedBase());
        assertThat(clean).contains("Base image:  unknown (layer 0, guessed from the last layer that installed OS packages) (heuristic)\n")
                .contains("OS:          alpine 3.20\n")
                .contains("No vulnerabilities found.")
                .contains("Total: 0 (CRITICAL 0, HIGH 0, MEDIUM 0, LOW 0, NEGLIGIBLE 0, UNKNOWN 0)");
    }

    @Test
    void findingsAreGroupedBaseFirstThenByPackage() {
        List<String> lines = table.lines().toList();
        int base = lines.indexOf("Base image findings (2)");
        int app = lines.indexOf("Application findings (2)");
        assertThat(base).isPositive();
        assertThat(app).isGreaterThan(base);
        assertThat(lines.get(base + 1)).matches("SEVERITY +ID +PACKAGE +INSTALLED +FIXED +STATUS +LAYER");
        // both libc6 findings sit together, followed once by the package's paths
        assertThat(lines.get(base + 2)).matches("HIGH +CVE-2023-4911 +libc6 +2\\.36-9\\+deb12u1 +2\\.36-9\\+deb12u3 +fixed +0");
        assertThat(lines.get(base + 3)).matches("NEGLIGIBLE +CVE-2019-1010022 +libc6 +2\\.36-9\\+deb12u1 +- +unfixed +0");
        assertThat(lines.get(base + 4)).isEqualTo("  paths: /var/lib/dpkg/status");
        assertThat(lines.get(app + 2)).matches(
                "CRITICAL +CVE-2021-44228 +org\\.apache\\.logging\\.log4j:log4j-core +2\\.14\\.1 +2\\.15\\.0, 2\\.12\\.2, 2\\.3\\.1 +fixed +3");
        assertThat(lines.get(app + 3)).isEqualTo("  paths: /app/lib/log4j-core-2.14.1.jar");
        assertThat(lines.get(app + 4)).matches("MEDIUM +CVE-2023-35116 +com\\.fasterxml\\.jackson\\.core:jackson-databind +2\\.15\\.2 +- +unfixed +3");
        // the columns line up: every row's id starts where the header's does
        int idColumn = lines.get(base + 1).indexOf("ID");
        assertThat(lines.get(base + 2).indexOf("CVE-")).isEqualTo(idColumn);
        assertThat(lines.get(app + 2).indexOf("CVE-")).isEqualTo(idColumn);
    }

    @Test
    void totalsCountEverySeverity() {
        assertThat(table).contains("Total: 4 (CRITICAL 1, HIGH 1, MEDIUM 1, LOW 0, NEGLIGIBLE 1, UNKNOWN 0)");
    }

    @Test
    void remediationSaysWhatARebuildFixesAndWhatTheApplicationMustUpgrade() {
        assertThat(table).contains("  2 findings are in the base image; rebuilding on the current digest of "
                        + Reports.BASE_NAME + " would fix 1 of them\n")
                .contains("    libc6 2.36-9+deb12u1 -> 2.36-9+deb12u3 (no fixed version yet for CVE-2019-1010022)\n")
                .contains("  2 findings need application changes\n"
                        + "    org.apache.logging.log4j:log4j-core 2.14.1 -> 2.15.0\n"
                        + "    com.fasterxml.jackson.core:jackson-databind 2.15.2 -> no fixed version yet\n");
    }

    @Test
    void withoutARebuildAnswerTheNoteSaysWhy() {
        ScanReport r = Reports.scan();
        Remediation unknown = new Remediation(2, null, null,
                "could not check the current digest of " + Reports.BASE_NAME + ": registry unreachable", 2,
                r.remediation().applicationUpgrades(), r.remediation().baseUpgrades());
        String text = new TableReport(false).write(new ScanReport(r.target(), r.digest(), r.os(), r.scannedAt(), r.db(),
                r.base(), r.findings(), r.suppressed(), r.filtered(), unknown, r.notes(), r.inventoryWarnings(), r.packages()));
        assertThat(text).contains("  2 findings are in the base image\n    could not check the current digest of "
                + Reports.BASE_NAME + ": registry unreachable\n").doesNotContain("would fix");
    }

    @Test
    void whatWasLeftOutIsAccountedFor() {
        assertThat(table).contains("Suppressed (2)\n"
                        + "  CRITICAL CVE-2021-45046 org.apache.logging.log4j:log4j-core 2.14.1: by OpenVEX payments.vex.json statement 1, "
                        + "because not_affected: vulnerable_code_not_in_execute_path (the Thread Context lookups are not used)\n"
                        + "  CRITICAL CVE-2023-45853 zlib1g 1:1.2.13.dfsg-1: by ignore file .drydockignore.yaml entry 2 "
                        + "(CVE-2023-45853, expires 2024-06-30), because MiniZip is not in the image: only zlib itself is installed\n")
                .contains("Filtered out by the gates: 3 findings\n")
                .contains("Notes\n  - no advisory data for generic packages\n")
                .contains("Inventory warnings (the findings may be incomplete)\n  - /app/lib/broken.jar in layer 3: not a zip file\n");
    }

    @Test
    void colourOnlyWhenAsked() {
        assertThat(table).doesNotContain("\u001b");
        String coloured = new TableReport(true).write(Reports.scan());
        assertThat(coloured).contains("\u001b[1;31mCRITICAL\u001b[0m").contains("\u001b[31mHIGH\u001b[0m")
                .contains("\u001b[33mMEDIUM\u001b[0m");
        // without the escapes the text is the plain table, so colour never shifts a column
        assertThat(coloured.replaceAll("\u001b\\[[0-9;]*m", "")).isEqualTo(table);
    }

    @Test
    void severalImagesFollowOneAnother() {
        String both = new TableReport(false).write(List.of(Reports.scan(), Reports.cleanGuessedBase()));
        assertThat(both).isEqualTo(table + "\n" + new TableReport(false).write(Reports.cleanGuessedBase()));
        assertThat(both.lines().filter(l -> l.startsWith("Target:"))).hasSize(2);
    }
}
