package io.drydock.scan;

import io.drydock.freshness.FreshnessReport;
import io.drydock.inventory.OsRelease;
import java.time.Instant;
import java.util.List;

/**
 * Everything one scan found and decided, which every report format writes. {@code findings} are those left
 * after the gates' filters and the suppressions; {@code filtered} counts those the filters hid.
 *
 * @param target the image (or SBOM file) as the user named it
 * @param digest the image manifest's digest, null for an SBOM without one
 * @param db when the advisory DB was built, and from what
 * @param inventoryWarnings files that could not be read: the findings may be incomplete
 * @param freshness the base's age and the end of life of the OS and runtimes, null when not assessed
 */
public record ScanReport(String target, String digest, OsRelease os, Instant scannedAt, DbInfo db, BaseImage base,
                         List<Finding> findings, List<Suppressed> suppressed, int filtered, Remediation remediation,
                         List<String> notes, List<String> inventoryWarnings, int packages, FreshnessReport freshness) {
    /** The JSON report's schema version; bumped on any incompatible change (see docs/scan-report.md). */
    public static final int SCHEMA_VERSION = 1;

    public ScanReport {
        findings = List.copyOf(findings);
        suppressed = List.copyOf(suppressed);
        notes = List.copyOf(notes);
        inventoryWarnings = List.copyOf(inventoryWarnings);
    }

    /** Without a freshness assessment. */
    public ScanReport(String target, String digest, OsRelease os, Instant scannedAt, DbInfo db, BaseImage base,
                      List<Finding> findings, List<Suppressed> suppressed, int filtered, Remediation remediation,
                      List<String> notes, List<String> inventoryWarnings, int packages) {
        this(target, digest, os, scannedAt, db, base, findings, suppressed, filtered, remediation, notes, inventoryWarnings,
                packages, null);
    }

    /** This report with the freshness assessment added. */
    public ScanReport withFreshness(FreshnessReport assessed) {
        return new ScanReport(target, digest, os, scannedAt, db, base, findings, suppressed, filtered, remediation, notes,
                inventoryWarnings, packages, assessed);
    }

    public record DbInfo(Instant builtAt, List<String> sources) {
        public DbInfo {
            sources = List.copyOf(sources);
        }
    }
}
