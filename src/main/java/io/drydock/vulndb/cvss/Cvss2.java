package io.drydock.vulndb.cvss;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CVSS v2.0 base score (FIRST, "A Complete Guide to the Common Vulnerability Scoring System Version 2.0", 3.2.1),
 * computed in exact decimal arithmetic so that the final half-up rounding to one decimal sees the true value.
 * Temporal and environmental metrics are accepted but do not change the base score.
 */
final class Cvss2 {
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("AV", Set.of("L", "A", "N")),
            Map.entry("AC", Set.of("H", "M", "L")),
            Map.entry("Au", Set.of("M", "S", "N")),
            Map.entry("C", Set.of("N", "P", "C")),
            Map.entry("I", Set.of("N", "P", "C")),
            Map.entry("A", Set.of("N", "P", "C")),
            Map.entry("E", Set.of("U", "POC", "F", "H", "ND")),
            Map.entry("RL", Set.of("OF", "TF", "W", "U", "ND")),
            Map.entry("RC", Set.of("UC", "UR", "C", "ND")),
            Map.entry("CDP", Set.of("N", "L", "LM", "MH", "H", "ND")),
            Map.entry("TD", Set.of("N", "L", "M", "H", "ND")),
            Map.entry("CR", Set.of("L", "M", "H", "ND")),
            Map.entry("IR", Set.of("L", "M", "H", "ND")),
            Map.entry("AR", Set.of("L", "M", "H", "ND")));
    private static final List<String> BASE = List.of("AV", "AC", "Au", "C", "I", "A");

    private Cvss2() {
    }

    static CvssScore score(String vector) {
        String body = vector;
        if (body.startsWith("(") && body.endsWith(")")) {
            body = body.substring(1, body.length() - 1); // NVD writes v2 vectors in parentheses
        }
        if (body.startsWith("CVSS:2.0/")) {
            body = body.substring("CVSS:2.0/".length());
        }
        Map<String, String> m = Metrics.read(vector, body, ALLOWED, BASE);
        BigDecimal av = switch (m.get("AV")) {
            case "L" -> d("0.395");
            case "A" -> d("0.646");
            default -> d("1.0");
        };
        BigDecimal ac = switch (m.get("AC")) {
            case "H" -> d("0.35");
            case "M" -> d("0.61");
            default -> d("0.71");
        };
        BigDecimal au = switch (m.get("Au")) {
            case "M" -> d("0.45");
            case "S" -> d("0.56");
            default -> d("0.704");
        };
        BigDecimal one = BigDecimal.ONE;
        BigDecimal impact = d("10.41").multiply(one.subtract(
                one.subtract(cia(m.get("C"))).multiply(one.subtract(cia(m.get("I")))).multiply(one.subtract(cia(m.get("A"))))));
        BigDecimal exploitability = d("20").multiply(av).multiply(ac).multiply(au);
        BigDecimal f = impact.signum() == 0 ? BigDecimal.ZERO : d("1.176");
        BigDecimal base = d("0.6").multiply(impact).add(d("0.4").multiply(exploitability)).subtract(d("1.5")).multiply(f)
                .setScale(1, RoundingMode.HALF_UP);
        double score = Math.max(0.0, base.doubleValue());
        return new CvssScore(CvssVersion.V2, vector, score, rating(score));
    }

    private static BigDecimal cia(String value) {
        return switch (value) {
            case "N" -> BigDecimal.ZERO;
            case "P" -> d("0.275");
            default -> d("0.660");
        };
    }

    private static BigDecimal d(String s) {
        return new BigDecimal(s);
    }

    /** NVD's v2 ratings: Low below 4.0, Medium below 7.0, High above. */
    private static String rating(double score) {
        return score < 4.0 ? "LOW" : score < 7.0 ? "MEDIUM" : "HIGH";
    }
}
