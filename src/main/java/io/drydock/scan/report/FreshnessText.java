package io.drydock.scan.report;

import io.drydock.freshness.EolData;
import io.drydock.freshness.FreshnessReport;
import java.time.LocalDate;

/**
 * The freshness section of the table report, also what {@code drydock freshness} prints: the base's age, the OS
 * release's and each runtime's support status with their dates, the warnings, and the date of the end-of-life data.
 */
public final class FreshnessText {
    private FreshnessText() {
    }

    public static String write(FreshnessReport f) {
        StringBuilder out = new StringBuilder();
        out.append("Freshness (end-of-life data of ").append(f.dataDate() == null ? "unknown date" : f.dataDate()).append(")\n");
        FreshnessReport.BaseAge b = f.base();
        if (b == null) {
            out.append("  Base image: not known by name (name it with --base IMAGE to learn whether it has moved)\n");
        } else if (Boolean.TRUE.equals(b.behind())) {
            out.append("  Base image: ").append(b.name()).append(" is BEHIND: the tag has moved to ").append(b.currentDigest()).append('\n');
            out.append("              the newer base was built on ").append(b.newerBaseBuilt() == null ? "an unknown day" : b.newerBaseBuilt());
            if (b.daysBehind() != null) out.append(" (").append(b.daysBehind()).append(b.daysBehind() == 1 ? " day ago)" : " days ago)");
            if (b.fixedByNewerBase() != null) {
                out.append("; it fixes ").append(b.fixedByNewerBase()).append(" of the image's ").append(b.baseFindings())
                        .append(" base findings");
            }
            out.append('\n');
        } else if (Boolean.FALSE.equals(b.behind())) {
            out.append("  Base image: ").append(b.name()).append(" is current (the tag still points to ").append(b.currentDigest())
                    .append(")\n");
        } else {
            out.append("  Base image: ").append(b.name()).append(": not checked; ").append(b.note()).append('\n');
        }
        if (f.os() == null) {
            out.append("  OS:         unknown (no os-release found)\n");
        } else {
            out.append("  OS:         ").append(line(f.os(), f.today())).append('\n');
        }
        if (f.runtimes().isEmpty()) {
            out.append("  Runtimes:   none found\n");
        } else {
            out.append("  Runtimes:\n");
            for (FreshnessReport.EolAnswer r : f.runtimes()) {
                out.append("    ").append(line(r, f.today())).append('\n');
                out.append("      from ").append(r.evidence());
                if (r.layer() >= 0) out.append(" (layer ").append(r.layer()).append(')');
                out.append('\n');
            }
        }
        if (!f.warnings().isEmpty()) {
            out.append("  Warnings:\n");
            f.warnings().forEach(w -> out.append("    - ").append(w).append('\n'));
        }
        return out.toString();
    }

    /** e.g. {@code node 18.19.0, line 18: END OF LIFE since 2025-04-30; newest patch 18.20.8}. */
    static String line(FreshnessReport.EolAnswer e, LocalDate today) {
        EolData.Answer a = e.answer();
        StringBuilder s = new StringBuilder(e.name()).append(' ').append(e.version());
        if (a.cycle() != null) s.append(", line ").append(a.cycle());
        s.append(": ").append(switch (a.status()) {
            case SUPPORTED -> "supported" + (a.eol() != null ? " until " + a.eol() + " (" + days(a.eol(), today) + ")" : ", no end planned");
            case EXTENDED_SUPPORT_ONLY -> "PAST REGULAR SECURITY SUPPORT since " + a.eol() + "; extended support only, until "
                    + a.extendedEnd() + " (" + days(a.extendedEnd(), today) + ")";
            case END_OF_LIFE -> "END OF LIFE" + (a.eol() != null ? " since " + a.eol() : "")
                    + (a.extendedEnd() != null ? ", extended support ended " + a.extendedEnd() : "");
            case UNKNOWN_LINE -> "release line unknown to the end-of-life data";
            case UNKNOWN_DATE -> "end-of-life date unknown";
        });
        if (a.latest() != null) s.append(a.latestInLine() ? "; the newest patch of the line" : "; newest patch " + a.latest());
        return s.toString();
    }

    private static String days(LocalDate end, LocalDate today) {
        long d = java.time.temporal.ChronoUnit.DAYS.between(today, end);
        return d == 1 ? "1 day left" : d + " days left";
    }
}
