package io.drydock.scan.report;

import io.drydock.scan.BaseImage;
import io.drydock.scan.Finding;
import io.drydock.scan.Origin;
import io.drydock.scan.Rating;
import io.drydock.scan.Remediation;
import io.drydock.scan.ScanReport;
import io.drydock.scan.Suppressed;
import io.drydock.scan.Upgrades;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The default output, for people: per image a header, the findings grouped by whose they are (the base image's
 * publisher fixes the first group by a rebuild, the application team the second) and then by package, the totals,
 * what to do, and what was left out and why. ASCII only, apart from optional ANSI colours, so that it reads the same
 * in a CI log whose locale cannot print more.
 *
 * @param colour whether to colour severities with ANSI escapes; the CLI sets it only when writing to a terminal
 */
public record TableReport(boolean colour) implements ReportWriter {
    private static final String RESET = "\u001b[0m";
    private static final String BOLD = "\u001b[1m";
    private static final List<String> COLUMNS = List.of("SEVERITY", "ID", "PACKAGE", "INSTALLED", "FIXED", "STATUS", "LAYER");

    @Override
    public String name() {
        return "table";
    }

    /** The images one after the other, with a blank line between them. */
    @Override
    public String write(List<ScanReport> reports) {
        ReportWriter.requireSome(reports);
        return reports.stream().map(this::write).collect(Collectors.joining("\n"));
    }

    @Override
    public String write(ScanReport r) {
        StringBuilder out = new StringBuilder();
        header(out, r);
        findings(out, r);
        totals(out, r);
        remediation(out, r);
        if (r.freshness() != null) {
            out.append('\n').append(FreshnessText.write(r.freshness()));
        }
        leftOut(out, r);
        return out.toString();
    }

    private void header(StringBuilder out, ScanReport r) {
        field(out, "Target", r.target());
        field(out, "Digest", r.digest() == null ? "none (an SBOM without one)" : r.digest());
        field(out, "OS", r.os() == null ? "unknown (no os-release found)"
                : r.os().prettyName() != null ? r.os().prettyName() + " (" + r.os() + ")" : r.os().toString());
        BaseImage base = r.base();
        if (base == null) {
            field(out, "Base image", "not determined");
        } else {
            String name = base.name() == null ? "unknown" : base.name();
            String digest = base.digest() == null ? "" : " " + base.digest();
            field(out, "Base image", name + digest + " (" + layers(base.layers()) + known(base.how()) + ")"
                    + (base.isGuess() ? " (heuristic)" : ""));
            if (base.note() != null && !base.note().isBlank()) {
                field(out, "", base.note());
            }
        }
        field(out, "DB built", r.db() == null || r.db().builtAt() == null ? "unknown" : r.db().builtAt().toString());
        field(out, "Scanned", r.scannedAt() == null ? "unknown" : r.scannedAt().toString());
        field(out, "Packages", String.valueOf(r.packages()));
    }

    /** Layer indices, as the LAYER column shows them. */
    private static String layers(int count) {
        return switch (count) {
            case 0 -> "no layers";
            case 1 -> "layer 0";
            default -> "layers 0-" + (count - 1);
        };
    }

    private static String known(BaseImage.How how) {
        if (how == null) {
            return "";
        }
        return switch (how) {
            case ANNOTATION -> ", known from the image's OCI annotations";
            case FLAG -> ", known from --base";
            case KNOWN_BASE -> ", known from an earlier scan of the base";
            case HEURISTIC -> ", guessed from the last layer that installed OS packages";
        };
    }

    private static void field(StringBuilder out, String label, String value) {
        String prefix = label.isEmpty() ? "" : label + ":";
        out.append(prefix).append(" ".repeat(Math.max(1, 13 - prefix.length()))).append(value).append('\n');
    }

    private void findings(StringBuilder out, ScanReport r) {
        if (r.findings().isEmpty()) {
            out.append("\nNo vulnerabilities found").append(r.filtered() + r.suppressed().size() > 0 ? " after the gates" : "")
                    .append(".\n");
            return;
        }
        List<List<String>> allRows = r.findings().stream().map(TableReport::row).toList();
        int[] widths = widths(allRows);
        for (Origin origin : List.of(Origin.BASE, Origin.APPLICATION)) {
            List<Finding> part = r.findings().stream().filter(f -> f.origin() == origin).toList();
            if (part.isEmpty()) {
                continue;
            }
            String title = (origin == Origin.BASE ? "Base image findings" : "Application findings") + " (" + part.size() + ")";
            out.append('\n').append(bold(title)).append('\n');
            out.append(bold(line(COLUMNS, widths))).append('\n');
            // findings arrive most severe first, so a package's place is that of its most severe finding
            Map<String, List<Finding>> byPackage = new LinkedHashMap<>();
            part.forEach(f -> byPackage.computeIfAbsent(f.pkg().purl(), k -> new ArrayList<>()).add(f));
            for (List<Finding> pkg : byPackage.values()) {
                for (Finding f : pkg) {
                    List<String> cells = row(f);
                    String plain = line(cells, widths);
                    out.append(colour ? paint(f.severity(), cells.get(0)) + plain.substring(cells.get(0).length()) : plain)
                            .append('\n');
                }
                Set<String> paths = new LinkedHashSet<>();
                pkg.forEach(f -> paths.addAll(f.pkg().paths()));
                if (!paths.isEmpty()) {
                    out.append("  paths: ").append(String.join(", ", paths)).append('\n');
                }
            }
        }
    }

    private static List<String> row(Finding f) {
        return List.of(f.severity().label(), f.id(), f.pkg().name(), f.pkg().version(), Vulns.fixedText(f, "-"),
                f.status(), String.valueOf(f.layer().index()));
    }

    private static int[] widths(List<List<String>> rows) {
        int[] widths = COLUMNS.stream().mapToInt(String::length).toArray();
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        return widths;
    }

    private static String line(List<String> cells, int[] widths) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            b.append(cells.get(i));
            if (i < cells.size() - 1) {
                b.append(" ".repeat(widths[i] - cells.get(i).length() + 2));
            }
        }
        return b.toString();
    }

    private void totals(StringBuilder out, ScanReport r) {
        List<String> counts = new ArrayList<>();
        for (Rating level : Rating.values()) {
            long n = r.findings().stream().filter(f -> f.severity() == level).count();
            counts.add(n > 0 ? paint(level, level.label() + " " + n) : level.label() + " " + n);
        }
        out.append("\nTotal: ").append(r.findings().size()).append(" (").append(String.join(", ", counts)).append(")\n");
    }

    private void remediation(StringBuilder out, ScanReport r) {
        Remediation rem = r.remediation();
        if (rem == null) {
            return;
        }
        out.append('\n').append(bold("Remediation")).append('\n');
        String base = rem.baseFindings() + " findings are in the base image";
        if (rem.baseFindings() == 0) {
            out.append("  ").append(base).append('\n');
        } else if (rem.fixedByRebuild() != null) {
            String baseName = r.base() != null && r.base().name() != null ? r.base().name() : "the base image";
            out.append("  ").append(base).append("; rebuilding on the current digest of ").append(baseName)
                    .append(" would fix ").append(rem.fixedByRebuild()).append(" of them\n");
        } else {
            out.append("  ").append(base).append('\n');
            if (rem.rebuildNote() != null) {
                out.append("    ").append(rem.rebuildNote()).append('\n');
            }
        }
        upgrades(out, rem.baseUpgrades(), r);
        out.append("  ").append(rem.applicationFindings()).append(" findings need application changes\n");
        upgrades(out, rem.applicationUpgrades(), r);
    }

    /** {@code package installed -> smallest fixing version}, one package a line. */
    private static void upgrades(StringBuilder out, List<Upgrades.Upgrade> upgrades, ScanReport r) {
        for (Upgrades.Upgrade u : upgrades) {
            out.append("    ").append(u.pkg().name()).append(' ').append(u.pkg().version()).append(" -> ");
            if (u.smallestFixingVersion() != null) {
                out.append(u.smallestFixingVersion());
                if (!u.unfixed().isEmpty()) {
                    out.append(" (no fixed version yet for ").append(String.join(", ", u.unfixed())).append(')');
                }
            } else if (!u.fixes().isEmpty()) {
                // each flaw has a fix but no single version has them all: name the fixes so a person can choose
                Set<String> fixed = new LinkedHashSet<>();
                r.findings().stream().filter(f -> f.origin() == u.origin() && f.pkg().purl().equals(u.pkg().purl()))
                        .forEach(f -> fixed.addAll(f.fixedVersions()));
                out.append("no single version fixes all; fixed in ").append(String.join(", ", fixed));
            } else {
                out.append("no fixed version yet");
            }
            out.append('\n');
        }
    }

    private void leftOut(StringBuilder out, ScanReport r) {
        if (!r.suppressed().isEmpty()) {
            out.append('\n').append(bold("Suppressed (" + r.suppressed().size() + ")")).append('\n');
            for (Suppressed s : r.suppressed()) {
                Finding f = s.finding();
                out.append("  ").append(paint(f.severity(), f.severity().label())).append(' ').append(f.id()).append(' ')
                        .append(f.pkg().name()).append(' ').append(f.pkg().version()).append(": by ").append(s.by());
                if (s.reason() != null && !s.reason().isBlank()) {
                    out.append(", because ").append(s.reason());
                }
                out.append('\n');
            }
        }
        out.append("\nFiltered out by the gates: ").append(r.filtered()).append(r.filtered() == 1 ? " finding\n" : " findings\n");
        if (!r.notes().isEmpty()) {
            out.append('\n').append(bold("Notes")).append('\n');
            r.notes().forEach(n -> out.append("  - ").append(n).append('\n'));
        }
        if (!r.inventoryWarnings().isEmpty()) {
            out.append('\n').append(bold("Inventory warnings (the findings may be incomplete)")).append('\n');
            r.inventoryWarnings().forEach(w -> out.append("  - ").append(w).append('\n'));
        }
    }

    private String bold(String text) {
        return colour ? BOLD + text + RESET : text;
    }

    private String paint(Rating level, String text) {
        if (!colour) {
            return text;
        }
        String code = switch (level) {
            case CRITICAL -> "\u001b[1;31m";
            case HIGH -> "\u001b[31m";
            case MEDIUM -> "\u001b[33m";
            case LOW -> "\u001b[36m";
            case NEGLIGIBLE, UNKNOWN -> "\u001b[2m";
        };
        return code + text + RESET;
    }
}
