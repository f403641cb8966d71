package io.drydock.vulndb.cvss;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CVSS v3.0 and v3.1 base score (FIRST specification, section 7.1), computed in exact decimal arithmetic: the
 * "Roundup" of both versions is then a plain ceiling to one decimal (v3.1 redefined Roundup only to get this
 * result despite binary floating point). Temporal and environmental metrics are accepted but do not change the
 * base score.
 */
final class Cvss3 {
    private static final Set<String> MODIFIED_CIA = Set.of("X", "N", "L", "H");
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("AV", Set.of("N", "A", "L", "P")),
            Map.entry("AC", Set.of("L", "H")),
            Map.entry("PR", Set.of("N", "L", "H")),
            Map.entry("UI", Set.of("N", "R")),
            Map.entry("S", Set.of("U", "C")),
            Map.entry("C", Set.of("N", "L", "H")),
            Map.entry("I", Set.of("N", "L", "H")),
            Map.entry("A", Set.of("N", "L", "H")),
            Map.entry("E", Set.of("X", "U", "P", "F", "H")),
            Map.entry("RL", Set.of("X", "O", "T", "W", "U")),
            Map.entry("RC", Set.of("X", "U", "R", "C")),
            Map.entry("CR", Set.of("X", "L", "M", "H")),
            Map.entry("IR", Set.of("X", "L", "M", "H")),
            Map.entry("AR", Set.of("X", "L", "M", "H")),
            Map.entry("MAV", Set.of("X", "N", "A", "L", "P")),
            Map.entry("MAC", Set.of("X", "L", "H")),
            Map.entry("MPR", Set.of("X", "N", "L", "H")),
            Map.entry("MUI", Set.of("X", "N", "R")),
            Map.entry("MS", Set.of("X", "U", "C")),
            Map.entry("MC", MODIFIED_CIA),
            Map.entry("MI", MODIFIED_CIA),
            Map.entry("MA", MODIFIED_CIA));
    private static final List<String> BASE = List.of("AV", "AC", "PR", "UI", "S", "C", "I", "A");

    private Cvss3() {
    }

    static CvssScore score(String vector) {
        CvssVersion version = vector.startsWith("CVSS:3.1/") ? CvssVersion.V3_1 : CvssVersion.V3_0;
        Map<String, String> m = Metrics.read(vector, vector.substring("CVSS:3.x/".length()), ALLOWED, BASE);
        boolean changed = m.get("S").equals("C");
        BigDecimal av = switch (m.get("AV")) {
            case "N" -> d("0.85");
            case "A" -> d("0.62");
            case "L" -> d("0.55");
            default -> d("0.2");
        };
        BigDecimal ac = m.get("AC").equals("L") ? d("0.77") : d("0.44");
        BigDecimal pr = switch (m.get("PR")) {
            case "N" -> d("0.85");
            case "L" -> changed ? d("0.68") : d("0.62");
            default -> changed ? d("0.5") : d("0.27");
        };
        BigDecimal ui = m.get("UI").equals("N") ? d("0.85") : d("0.62");
        BigDecimal one = BigDecimal.ONE;
        BigDecimal iss = one.subtract(one.subtract(cia(m.get("C")))
                .multiply(one.subtract(cia(m.get("I"))))
                .multiply(one.subtract(cia(m.get("A")))));
        BigDecimal impact = changed
                ? d("7.52").multiply(iss.subtract(d("0.029"))).subtract(d("3.25").multiply(iss.subtract(d("0.02")).pow(15)))
                : d("6.42").multiply(iss);
        BigDecimal exploitability = d("8.22").multiply(av).multiply(ac).multiply(pr).multiply(ui);
        BigDecimal base;
        if (impact.signum() <= 0) {
            base = BigDecimal.ZERO;
        } else {
            BigDecimal sum = impact.add(exploitability);
            if (changed) {
                sum = d("1.08").multiply(sum);
            }
            base = sum.min(BigDecimal.TEN).setScale(1, RoundingMode.CEILING);
        }
        double score = base.doubleValue();
        return new CvssScore(version, vector, score, Cvss.rating(score));
    }

    private static BigDecimal cia(String value) {
        return switch (value) {
            case "H" -> d("0.56");
            case "L" -> d("0.22");
            default -> BigDecimal.ZERO;
        };
    }

    private static BigDecimal d(String s) {
        return new BigDecimal(s);
    }
}
