package io.drydock.scan.report;

import io.drydock.scan.Finding;
import io.drydock.scan.Rating;
import io.drydock.scan.ScanReport;
import io.drydock.scan.Upgrades;
import io.drydock.vulndb.cvss.Cvss;
import io.drydock.vulndb.cvss.CvssScore;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/** What several formats say alike about a vulnerability: where to read about it, how severe, how to fix it. */
final class Vulns {
    private Vulns() {
    }

    /** Where people read about a vulnerability: NVD for CVEs (the record the CVE id names), OSV for every other id. */
    static String helpUri(String id) {
        return id.startsWith("CVE-") ? "https://nvd.nist.gov/vuln/detail/" + id : "https://osv.dev/vulnerability/" + id;
    }

    /** The advisory's own page: OSV serves GHSA, DSA, DLA, DEBIAN-CVE, ALSA, RHSA and the rest under one scheme. */
    static String advisoryUri(String id) {
        return "https://osv.dev/vulnerability/" + id;
    }

    /** The database that assigns an id: {@code name} and {@code url} for a CycloneDX vulnerability source. */
    record Source(String name, String url) {
    }

    static Source source(String id) {
        if (id.startsWith("CVE-")) {
            return new Source("NVD", helpUri(id));
        }
        if (id.startsWith("GHSA-")) {
            return new Source("GitHub", "https://github.com/advisories/" + id);
        }
        return new Source("OSV", advisoryUri(id));
    }

    /** The CVSS version a vector is written in, as CycloneDX names rating methods; {@code other} when unknown. */
    static String cvssMethod(String vector) {
        return vector == null ? "other" : Cvss.tryScore(vector).map(score -> switch (score.version()) {
            case V2 -> "CVSSv2";
            case V3_0 -> "CVSSv3";
            case V3_1 -> "CVSSv31";
            case V4_0 -> "CVSSv4";
        }).orElse("other");
    }

    /**
     * The rating the finding's CVSS score has in its version's scale, as the DB rates scores (v2 has no CRITICAL);
     * the v3 scale when the vector cannot be read.
     */
    static Rating cvssRating(double score, String vector) {
        Optional<CvssScore> scored = vector == null ? Optional.empty() : Cvss.tryScore(vector);
        if (scored.isPresent()) {
            return Rating.of(scored.get().rating());
        }
        return score >= 9.0 ? Rating.CRITICAL : score >= 7.0 ? Rating.HIGH : score >= 4.0 ? Rating.MEDIUM
                : score > 0.0 ? Rating.LOW : Rating.NEGLIGIBLE;
    }

    /**
     * GitHub's {@code security-severity}: the CVSS score when it agrees with the rating Drydock shows and gates on,
     * else a score in the middle of that rating's band, so that GitHub's severity never contradicts the table's
     * (a Debian "unimportant" flaw with a 9.8 CVSS score is not critical there). Empty for UNKNOWN, which has no band.
     */
    static Optional<Double> securitySeverity(Finding f) {
        if (f.cvssScore() != null && cvssRating(f.cvssScore(), f.cvssVector()) == f.severity()) {
            return Optional.of(f.cvssScore());
        }
        return switch (f.severity()) {
            case CRITICAL -> Optional.of(9.5);
            case HIGH -> Optional.of(8.0);
            case MEDIUM -> Optional.of(5.5);
            case LOW -> Optional.of(2.0);
            case NEGLIGIBLE -> Optional.of(0.5);
            case UNKNOWN -> Optional.empty();
        };
    }

    static String score(double score) {
        return String.format(Locale.ROOT, "%.1f", score);
    }

    /** The remediation's advice for the finding's package, from the part of the image the finding is in. */
    static Optional<Upgrades.Upgrade> upgradeFor(ScanReport report, Finding f) {
        if (report.remediation() == null) {
            return Optional.empty();
        }
        return Stream.concat(report.remediation().applicationUpgrades().stream(), report.remediation().baseUpgrades().stream())
                .filter(u -> u.origin() == f.origin() && u.pkg().purl().equals(f.pkg().purl()))
                .findFirst();
    }

    /** One sentence on how to fix a finding: the smallest upgrade when known, else the fixed versions, else none. */
    static String recommendation(ScanReport report, Finding f) {
        // a suppressed finding is not among the upgrade's fixes, and the upgrade need not fix it
        Optional<String> smallest = upgradeFor(report, f).filter(u -> u.fixes().contains(f.id()))
                .map(Upgrades.Upgrade::smallestFixingVersion);
        if (smallest.isPresent()) {
            return "Upgrade " + f.pkg().name() + " from " + f.pkg().version() + " to " + smallest.get()
                    + ", the smallest version that fixes every finding on this package that has a fix.";
        }
        if (f.isFixable()) {
            return "Upgrade " + f.pkg().name() + " from " + f.pkg().version() + " to a fixed version: "
                    + String.join(", ", f.fixedVersions()) + ".";
        }
        return "No fixed version of " + f.pkg().name() + " yet (status: " + f.status() + ").";
    }

    /** The fixed versions for a table cell or a message: {@code -} or {@code none yet} when there are none. */
    static String fixedText(Finding f, String none) {
        return f.isFixable() ? String.join(", ", f.fixedVersions()) : none;
    }
}
