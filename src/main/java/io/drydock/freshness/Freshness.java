package io.drydock.freshness;

import io.drydock.inventory.Inventory;
import io.drydock.inventory.OsRelease;
import io.drydock.inventory.runtime.Runtime;
import io.drydock.inventory.runtime.Runtimes;
import io.drydock.scan.BaseImage;
import io.drydock.scan.Remediation;
import io.drydock.scan.ScanReport;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Assesses an image's freshness from its scan: the base's age from the scan's remediation (which looked up the base
 * tag's current digest and what it fixes), and the end of life of the OS release and of the runtimes in the
 * inventory. Pure apart from its inputs, and total: unknown release lines and missing dates become warnings.
 */
public final class Freshness {
    private Freshness() {
    }

    /**
     * @param report the scan of the image (its base, OS and remediation are used)
     * @param inv    the image's inventory, for its runtimes
     * @param env    the image config's environment ({@code NAME=value}), empty when there is none
     * @param eol    the end-of-life data
     * @param today  the day to judge support on
     */
    public static FreshnessReport assess(ScanReport report, Inventory inv, List<String> env, EolData eol, LocalDate today) {
        Set<String> warnings = new LinkedHashSet<>();
        FreshnessReport.BaseAge base = baseAge(report.base(), report.remediation(), today);
        FreshnessReport.EolAnswer os = os(report.os() != null ? report.os() : inv.os(), eol, today);
        if (os != null) warnings.addAll(os.answer().warnings());
        List<FreshnessReport.EolAnswer> runtimes = new ArrayList<>();
        for (Runtime r : Runtimes.of(inv, env == null ? List.of() : env)) {
            Optional<String> product = EolData.productForRuntime(r.name());
            EolData.Answer answer = product.isPresent() ? eol.answer(product.get(), r.version(), today)
                    : unknown(r.name(), r.version(), eol, "no end-of-life data for the runtime " + r.name());
            runtimes.add(new FreshnessReport.EolAnswer("runtime", r.name(), r.version(), r.evidence(), r.path(), r.layer(), answer));
            warnings.addAll(answer.warnings());
        }
        return new FreshnessReport(eol.snapshotDate(), eol.origin(), today, base, os, runtimes, new ArrayList<>(warnings));
    }

    private static FreshnessReport.EolAnswer os(OsRelease os, EolData eol, LocalDate today) {
        if (os == null) return null;
        String version = os.versionId() != null && !os.versionId().isBlank() ? os.versionId() : os.codename();
        if (version == null) version = "";
        Optional<String> product = EolData.productForOs(os.id());
        EolData.Answer answer;
        if (product.isEmpty()) {
            answer = unknown(os.id(), version, eol, "no end-of-life data for the distribution " + os.id());
        } else if (version.isBlank()) {
            answer = unknown(product.get(), version, eol, os.id() + ": the os-release file gives no VERSION_ID or codename; cannot tell whether it is supported");
        } else {
            answer = eol.answer(product.get(), version, today);
        }
        return new FreshnessReport.EolAnswer("os", os.id(), version, "os-release " + os.id() + " " + version, "/etc/os-release", -1, answer);
    }

    private static EolData.Answer unknown(String product, String version, EolData eol, String why) {
        return new EolData.Answer(null, version, null, EolData.Status.UNKNOWN_LINE, null, null, null, false, eol.snapshotDate(),
                List.of(why + " (end-of-life data of " + eol.snapshotDate() + "); cannot tell whether " + product + " " + version
                        + " is supported"));
    }

    static FreshnessReport.BaseAge baseAge(BaseImage base, Remediation rem, LocalDate today) {
        if (base == null || base.name() == null) return null;
        int baseFindings = rem == null ? 0 : rem.baseFindings();
        String current = rem == null ? null : rem.currentBaseDigest();
        if (current == null) {
            String why = base.name().contains("@") ? "the base is named by digest only; name its tag to learn whether it has moved"
                    : rem != null && rem.rebuildNote() != null && rem.fixedByRebuild() == null ? rem.rebuildNote()
                    : "could not look up the current digest of " + base.name();
            return new FreshnessReport.BaseAge(base.name(), base.digest(), null, null, null, null, baseFindings, null, why);
        }
        LocalDate built = day(rem.currentBaseCreated());
        if (base.digest() == null) {
            return new FreshnessReport.BaseAge(base.name(), null, current, null, built, null, baseFindings, null,
                    "the digest the image was built on is not known, so whether " + base.name() + " has moved cannot be told");
        }
        if (current.equals(base.digest())) {
            return new FreshnessReport.BaseAge(base.name(), base.digest(), current, false, null, null, baseFindings, 0,
                    base.name() + " still points to the digest the image was built on");
        }
        Long days = built == null ? null : Math.max(0, ChronoUnit.DAYS.between(built, today));
        Integer fixed = rem.fixedByRebuild();
        String note = base.name() + " has moved to " + current + "; the newer base was built "
                + (built == null ? "on an unknown day" : "on " + built + " (" + days + " days ago)")
                + (fixed == null ? "" : "; rebuilding on it fixes " + fixed + " of the " + baseFindings + " base findings");
        return new FreshnessReport.BaseAge(base.name(), base.digest(), current, true, built, days, baseFindings, fixed, note);
    }

    /** The day of an image config's {@code created} (RFC 3339), null when missing or unreadable. */
    static LocalDate day(String created) {
        if (created == null || created.isBlank()) return null;
        try {
            return OffsetDateTime.parse(created.strip()).withOffsetSameInstant(ZoneOffset.UTC).toLocalDate();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(created.strip()).atOffset(ZoneOffset.UTC).toLocalDate();
            } catch (DateTimeParseException e2) {
                try {
                    return LocalDate.parse(created.strip().substring(0, Math.min(10, created.strip().length())));
                } catch (DateTimeParseException e3) {
                    return null;
                }
            }
        }
    }
}
