package io.drydock.scan.report;

import io.drydock.scan.ScanReport;
import java.time.Clock;
import java.util.List;

/**
 * One output format of a scan. Writers are pure: the same report gives the same text (except where a format
 * requires the time it was written, which comes from a {@link Clock} the writer is given).
 */
public interface ReportWriter {
    /** The names {@link #forName} accepts, in the order help texts list them. */
    List<String> NAMES = List.of("table", "json", "sarif", "cyclonedx", "cosign-vuln");

    /** The name users pass to {@code --format}. */
    String name();

    /** The report of one image. */
    String write(ScanReport report);

    /**
     * The reports of every image a scan covered, in one document; one report gives the same text as
     * {@link #write(ScanReport)}. Formats that hold one image per document ({@code cyclonedx}, {@code cosign-vuln})
     * refuse more than one: a consumer of either reads one document and would silently miss the others.
     */
    default String write(List<ScanReport> reports) {
        requireSome(reports);
        if (reports.size() == 1) {
            return write(reports.get(0));
        }
        throw new IllegalArgumentException("the " + name() + " format describes one image per document, and "
                + reports.size() + " images were scanned; scan them one at a time, or use one of table, json, sarif");
    }

    /**
     * The writer for {@code --format NAME}, with its defaults: the table without colour (the CLI constructs
     * {@code new TableReport(true)} itself when writing to a terminal), the cosign predicate with the invocation
     * read from the CI environment.
     */
    static ReportWriter forName(String name) {
        return switch (name) {
            case "table" -> new TableReport(false);
            case "json" -> new JsonReport();
            case "sarif" -> new SarifReport();
            case "cyclonedx" -> new CycloneDxVexReport();
            case "cosign-vuln" -> new CosignVulnReport(
                    CosignVulnReport.Invocation.fromEnvironment(System.getenv(), List.of()), Clock.systemUTC());
            default -> throw new IllegalArgumentException("unknown report format \"" + name + "\"; use one of "
                    + String.join(", ", NAMES));
        };
    }

    /** Rejects an empty list: a document about no image would look like a clean scan. */
    static void requireSome(List<ScanReport> reports) {
        if (reports.isEmpty()) {
            throw new IllegalArgumentException("no scan reports to write");
        }
    }
}
