package io.drydock.policy;

import io.drydock.scan.Rating;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A verdict for people: the outcome first, then every rule, each failed one followed by the findings or packages
 * that fail it, then what the allow-list let through and the notes. Plain text, no colour: it is read in CI logs.
 */
public final class VerdictText {
    private VerdictText() {
    }

    public static String write(Verdict v) {
        StringBuilder out = new StringBuilder();
        List<Verdict.RuleResult> failed = v.failures();
        out.append("Policy ").append(v.policyName()).append(": ").append(v.passed() ? "PASS" : "FAIL").append('\n');
        out.append("  image      ").append(v.image()).append(v.imageDigest() == null ? "" : " (" + v.imageDigest() + ")").append('\n');
        out.append("  policy     ").append(v.policyDigest()).append('\n');
        out.append("  scanned    ").append(v.scannedAt()).append('\n');
        out.append("  evaluated  ").append(v.evaluatedAt()).append('\n');
        out.append('\n');
        for (Verdict.RuleResult r : v.rules()) {
            out.append(r.passed() ? "  pass  " : "  FAIL  ").append(r.rule()).append(' ').append(r.setting()).append(": ")
                    .append(r.explanation()).append('\n');
            for (Verdict.Item i : r.items()) {
                out.append("          ").append(describe(i)).append('\n');
            }
        }
        if (!v.allowed().isEmpty()) {
            out.append('\n').append("Allowed by the allow-list:").append('\n');
            for (Verdict.Allowed a : v.allowed()) {
                out.append("  ").append(describe(a.finding())).append('\n').append("      ").append(a.reason())
                        .append(a.expires() == null ? " (no expiry)" : " (until " + a.expires() + ")").append('\n');
            }
        }
        if (!v.notes().isEmpty()) {
            out.append('\n').append("Notes:").append('\n');
            v.notes().forEach(n -> out.append("  - ").append(n).append('\n'));
        }
        out.append('\n');
        if (v.passed()) {
            out.append("PASS: the image meets all ").append(v.rules().size()).append(" rules of ").append(v.policyName());
        } else {
            out.append("FAIL: ").append(failed.size()).append(" of ").append(v.rules().size()).append(" rules failed (")
                    .append(failed.stream().map(Verdict.RuleResult::rule).collect(Collectors.joining(", "))).append(')');
        }
        return out.append('\n').toString();
    }

    /** {@code CVE-2021-44228  CRITICAL  application  log4j-core 2.14.1 (note)}, or for a package its purl. */
    private static String describe(Verdict.Item i) {
        StringBuilder s = new StringBuilder();
        if (i.id() != null) {
            s.append(i.id()).append("  ").append(i.severity() == null ? Rating.UNKNOWN.label() : i.severity().label()).append("  ");
        }
        if (i.origin() != null) {
            s.append(i.origin().label()).append("  ");
        }
        s.append(i.pkg()).append(' ').append(i.version());
        if (i.id() == null && i.purl() != null) {
            s.append("  ").append(i.purl());
        }
        if (i.note() != null) {
            s.append("  (").append(i.note()).append(')');
        }
        return s.toString();
    }
}
