package io.drydock.vulndb.cvss;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CVSS v4.0 score (FIRST specification, section 8): the vector's macro vector (six equivalence classes) looks up
 * a score, which is then lowered by the vector's mean proportional distance from the highest-severity vectors of
 * its macro vector. The lookup table, the highest-severity vectors and the class depths are data from FIRST's
 * reference calculator (resource {@code vulndb/cvss4-macrovectors.txt}); the arithmetic follows that calculator
 * step for step in binary floating point, including its final rounding (half up after adding 1e-6), so that scores
 * agree to the last digit.
 */
final class Cvss4 {
    private static final Set<String> HLN = Set.of("H", "L", "N");
    private static final Set<String> X_HLN = Set.of("X", "H", "L", "N");
    private static final Set<String> X_SHLN = Set.of("X", "S", "H", "L", "N");
    private static final Set<String> X_HML = Set.of("X", "H", "M", "L");
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("AV", Set.of("N", "A", "L", "P")),
            Map.entry("AC", Set.of("L", "H")),
            Map.entry("AT", Set.of("N", "P")),
            Map.entry("PR", Set.of("N", "L", "H")),
            Map.entry("UI", Set.of("N", "P", "A")),
            Map.entry("VC", HLN), Map.entry("VI", HLN), Map.entry("VA", HLN),
            Map.entry("SC", HLN), Map.entry("SI", HLN), Map.entry("SA", HLN),
            Map.entry("E", Set.of("X", "A", "P", "U")),
            Map.entry("CR", X_HML), Map.entry("IR", X_HML), Map.entry("AR", X_HML),
            Map.entry("MAV", Set.of("X", "N", "A", "L", "P")),
            Map.entry("MAC", Set.of("X", "L", "H")),
            Map.entry("MAT", Set.of("X", "N", "P")),
            Map.entry("MPR", Set.of("X", "N", "L", "H")),
            Map.entry("MUI", Set.of("X", "N", "P", "A")),
            Map.entry("MVC", X_HLN), Map.entry("MVI", X_HLN), Map.entry("MVA", X_HLN),
            Map.entry("MSC", X_HLN), Map.entry("MSI", X_SHLN), Map.entry("MSA", X_SHLN),
            Map.entry("S", Set.of("X", "N", "P")),
            Map.entry("AU", Set.of("X", "N", "Y")),
            Map.entry("R", Set.of("X", "A", "U", "I")),
            Map.entry("V", Set.of("X", "D", "C")),
            Map.entry("RE", Set.of("X", "L", "M", "H")),
            Map.entry("U", Set.of("X", "Clear", "Green", "Amber", "Red")));
    private static final List<String> BASE = List.of("AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA");

    // Severity levels of each metric value, as the reference calculator defines them for the distance.
    private static final Map<String, Map<String, Double>> LEVELS = Map.ofEntries(
            Map.entry("AV", Map.of("N", 0.0, "A", 0.1, "L", 0.2, "P", 0.3)),
            Map.entry("PR", Map.of("N", 0.0, "L", 0.1, "H", 0.2)),
            Map.entry("UI", Map.of("N", 0.0, "P", 0.1, "A", 0.2)),
            Map.entry("AC", Map.of("L", 0.0, "H", 0.1)),
            Map.entry("AT", Map.of("N", 0.0, "P", 0.1)),
            Map.entry("VC", Map.of("H", 0.0, "L", 0.1, "N", 0.2)),
            Map.entry("VI", Map.of("H", 0.0, "L", 0.1, "N", 0.2)),
            Map.entry("VA", Map.of("H", 0.0, "L", 0.1, "N", 0.2)),
            Map.entry("SC", Map.of("H", 0.1, "L", 0.2, "N", 0.3)),
            Map.entry("SI", Map.of("S", 0.0, "H", 0.1, "L", 0.2, "N", 0.3)),
            Map.entry("SA", Map.of("S", 0.0, "H", 0.1, "L", 0.2, "N", 0.3)),
            Map.entry("CR", Map.of("H", 0.0, "M", 0.1, "L", 0.2)),
            Map.entry("IR", Map.of("H", 0.0, "M", 0.1, "L", 0.2)),
            Map.entry("AR", Map.of("H", 0.0, "M", 0.1, "L", 0.2)));
    private static final List<String> DISTANCE_METRICS =
            List.of("AV", "PR", "UI", "AC", "AT", "VC", "VI", "VA", "SC", "SI", "SA", "CR", "IR", "AR");
    private static final double STEP = 0.1;

    private static final Tables TABLES = Tables.load();

    private Cvss4() {
    }

    static CvssScore score(String vector) {
        Map<String, String> metrics = Metrics.read(vector, vector.substring("CVSS:4.0/".length()), ALLOWED, BASE);
        double score = compute(metrics);
        return new CvssScore(CvssVersion.V4_0, vector, score, Cvss.rating(score));
    }

    /** The effective value of a metric: its modified (environmental) value if set, worst case for unset E/CR/IR/AR. */
    private static String m(Map<String, String> metrics, String metric) {
        String selected = metrics.getOrDefault(metric, "X");
        if (selected.equals("X")) {
            switch (metric) {
                case "E":
                    return "A";
                case "CR", "IR", "AR":
                    return "H";
                default:
                    break;
            }
        }
        String modified = metrics.get("M" + metric);
        if (modified != null && !modified.equals("X")) {
            return modified;
        }
        return selected;
    }

    private static int[] macroVector(Map<String, String> mm) {
        String av = m(mm, "AV");
        String pr = m(mm, "PR");
        String ui = m(mm, "UI");
        int eq1;
        if (av.equals("N") && pr.equals("N") && ui.equals("N")) {
            eq1 = 0;
        } else if ((av.equals("N") || pr.equals("N") || ui.equals("N")) && !av.equals("P")) {
            eq1 = 1;
        } else {
            eq1 = 2;
        }
        int eq2 = m(mm, "AC").equals("L") && m(mm, "AT").equals("N") ? 0 : 1;
        String vc = m(mm, "VC");
        String vi = m(mm, "VI");
        String va = m(mm, "VA");
        int eq3;
        if (vc.equals("H") && vi.equals("H")) {
            eq3 = 0;
        } else if (vc.equals("H") || vi.equals("H") || va.equals("H")) {
            eq3 = 1;
        } else {
            eq3 = 2;
        }
        int eq4;
        if (m(mm, "MSI").equals("S") || m(mm, "MSA").equals("S")) {
            eq4 = 0;
        } else if (m(mm, "SC").equals("H") || m(mm, "SI").equals("H") || m(mm, "SA").equals("H")) {
            eq4 = 1;
        } else {
            eq4 = 2;
        }
        int eq5 = switch (m(mm, "E")) {
            case "A" -> 0;
            case "P" -> 1;
            default -> 2;
        };
        int eq6 = (m(mm, "CR").equals("H") && vc.equals("H"))
                || (m(mm, "IR").equals("H") && vi.equals("H"))
                || (m(mm, "AR").equals("H") && va.equals("H")) ? 0 : 1;
        return new int[] {eq1, eq2, eq3, eq4, eq5, eq6};
    }

    private static double lookup(int... eq) {
        StringBuilder key = new StringBuilder(6);
        for (int e : eq) {
            key.append(e);
        }
        Double value = TABLES.lookup.get(key.toString());
        return value == null ? Double.NaN : value;
    }

    private static double compute(Map<String, String> mm) {
        for (String metric : List.of("VC", "VI", "VA", "SC", "SI", "SA")) {
            if (!m(mm, metric).equals("N")) {
                return finish(computeWithImpact(mm));
            }
        }
        return 0.0;
    }

    private static double computeWithImpact(Map<String, String> mm) {
        int[] mv = macroVector(mm);
        int eq1 = mv[0];
        int eq2 = mv[1];
        int eq3 = mv[2];
        int eq4 = mv[3];
        int eq5 = mv[4];
        int eq6 = mv[5];
        double value = lookup(mv);

        double lowerEq1 = lookup(eq1 + 1, eq2, eq3, eq4, eq5, eq6);
        double lowerEq2 = lookup(eq1, eq2 + 1, eq3, eq4, eq5, eq6);
        double lowerEq3Eq6;
        if (eq3 == 1 && eq6 == 1) {
            lowerEq3Eq6 = lookup(eq1, eq2, eq3 + 1, eq4, eq5, eq6);
        } else if (eq3 == 0 && eq6 == 1) {
            lowerEq3Eq6 = lookup(eq1, eq2, eq3 + 1, eq4, eq5, eq6);
        } else if (eq3 == 1 && eq6 == 0) {
            lowerEq3Eq6 = lookup(eq1, eq2, eq3, eq4, eq5, eq6 + 1);
        } else if (eq3 == 0 && eq6 == 0) {
            // two lower neighbours: the higher-scoring one counts
            double left = lookup(eq1, eq2, eq3, eq4, eq5, eq6 + 1);
            double right = lookup(eq1, eq2, eq3 + 1, eq4, eq5, eq6);
            lowerEq3Eq6 = left > right ? left : right;
        } else {
            lowerEq3Eq6 = lookup(eq1, eq2, eq3 + 1, eq4, eq5, eq6 + 1);
        }
        double lowerEq4 = lookup(eq1, eq2, eq3, eq4 + 1, eq5, eq6);
        double lowerEq5 = lookup(eq1, eq2, eq3, eq4, eq5 + 1, eq6);

        // The first highest-severity vector of the macro vector that is at least as severe in every metric.
        Map<String, Double> distances = null;
        for (Map<String, String> max : maxVectors(mv)) {
            distances = new HashMap<>();
            boolean allNonNegative = true;
            for (String metric : DISTANCE_METRICS) {
                double d = level(metric, m(mm, metric)) - level(metric, max.get(metric));
                distances.put(metric, d);
                allNonNegative &= d >= 0;
            }
            if (allNonNegative) {
                break;
            }
        }
        double distanceEq1 = distances.get("AV") + distances.get("PR") + distances.get("UI");
        double distanceEq2 = distances.get("AC") + distances.get("AT");
        double distanceEq3Eq6 = distances.get("VC") + distances.get("VI") + distances.get("VA")
                + distances.get("CR") + distances.get("IR") + distances.get("AR");
        double distanceEq4 = distances.get("SC") + distances.get("SI") + distances.get("SA");

        double availableEq1 = value - lowerEq1;
        double availableEq2 = value - lowerEq2;
        double availableEq3Eq6 = value - lowerEq3Eq6;
        double availableEq4 = value - lowerEq4;
        double availableEq5 = value - lowerEq5;

        double maxSeverityEq1 = TABLES.maxSeverity.get("eq1 " + eq1) * STEP;
        double maxSeverityEq2 = TABLES.maxSeverity.get("eq2 " + eq2) * STEP;
        double maxSeverityEq3Eq6 = TABLES.maxSeverity.get("eq3eq6 " + eq3 + " " + eq6) * STEP;
        double maxSeverityEq4 = TABLES.maxSeverity.get("eq4 " + eq4) * STEP;

        int existingLower = 0;
        double normalizedEq1 = 0;
        double normalizedEq2 = 0;
        double normalizedEq3Eq6 = 0;
        double normalizedEq4 = 0;
        double normalizedEq5 = 0;
        if (!Double.isNaN(availableEq1)) {
            existingLower++;
            normalizedEq1 = availableEq1 * (distanceEq1 / maxSeverityEq1);
        }
        if (!Double.isNaN(availableEq2)) {
            existingLower++;
            normalizedEq2 = availableEq2 * (distanceEq2 / maxSeverityEq2);
        }
        if (!Double.isNaN(availableEq3Eq6)) {
            existingLower++;
            normalizedEq3Eq6 = availableEq3Eq6 * (distanceEq3Eq6 / maxSeverityEq3Eq6);
        }
        if (!Double.isNaN(availableEq4)) {
            existingLower++;
            normalizedEq4 = availableEq4 * (distanceEq4 / maxSeverityEq4);
        }
        if (!Double.isNaN(availableEq5)) {
            existingLower++;
            normalizedEq5 = availableEq5 * 0; // EQ5 has no depth: its proportional distance is always 0
        }
        double meanDistance = existingLower == 0 ? 0
                : (normalizedEq1 + normalizedEq2 + normalizedEq3Eq6 + normalizedEq4 + normalizedEq5) / existingLower;
        return Math.max(0, Math.min(10, value - meanDistance));
    }

    /** Rounds half up to one decimal after adding 1e-6, as the reference calculator does against binary error. */
    private static double finish(double value) {
        return Math.round((value + 1e-6) * 10) / 10.0;
    }

    private static double level(String metric, String value) {
        Double level = LEVELS.get(metric).get(value);
        if (level == null) {
            throw new IllegalStateException("no severity level for " + metric + ":" + value);
        }
        return level;
    }

    private static List<Map<String, String>> maxVectors(int[] mv) {
        List<Map<String, String>> out = new ArrayList<>();
        for (String a : TABLES.maxComposed.get("eq1 " + mv[0])) {
            for (String b : TABLES.maxComposed.get("eq2 " + mv[1])) {
                for (String c : TABLES.maxComposed.get("eq3 " + mv[2] + " " + mv[5])) {
                    for (String d : TABLES.maxComposed.get("eq4 " + mv[3])) {
                        for (String e : TABLES.maxComposed.get("eq5 " + mv[4])) {
                            Map<String, String> metrics = new LinkedHashMap<>();
                            for (String part : (a + b + c + d + e).split("/")) {
                                int colon = part.indexOf(':');
                                metrics.put(part.substring(0, colon), part.substring(colon + 1));
                            }
                            out.add(metrics);
                        }
                    }
                }
            }
        }
        return out;
    }

    /** The scoring data of the FIRST reference calculator, read from the resource file. */
    private record Tables(Map<String, Double> lookup, Map<String, List<String>> maxComposed, Map<String, Integer> maxSeverity) {
        static Tables load() {
            String resource = "/vulndb/cvss4-macrovectors.txt";
            Map<String, Double> lookup = new HashMap<>();
            Map<String, List<String>> maxComposed = new HashMap<>();
            Map<String, Integer> maxSeverity = new HashMap<>();
            try (InputStream in = Cvss4.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + resource);
                }
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (line.isBlank() || line.startsWith("#")) {
                        continue;
                    }
                    String[] f = line.trim().split(" +");
                    String key = String.join(" ", List.of(f).subList(1, f.length - 1));
                    switch (f[0]) {
                        case "lookup" -> lookup.put(f[1], Double.parseDouble(f[2]));
                        case "max-composed" -> maxComposed.computeIfAbsent(key, k -> new ArrayList<>()).add(f[f.length - 1]);
                        case "max-severity" -> maxSeverity.put(key, Integer.parseInt(f[f.length - 1]));
                        default -> throw new IllegalStateException(resource + ": cannot read \"" + line + "\"");
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (lookup.size() != 270) {
                throw new IllegalStateException(resource + ": expected 270 macro vectors, found " + lookup.size());
            }
            return new Tables(Map.copyOf(lookup), Map.copyOf(maxComposed), Map.copyOf(maxSeverity));
        }
    }
}
