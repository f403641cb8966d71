package io.drydock.freshness;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a version string as found in an image (os-release, {@code java -version}, {@code go version}, …) is put in the
 * terms of endoflife.date: a numeric key matched against release cycles on dot boundaries, and a normalised form
 * compared with a line's {@code latest}.
 */
final class EolVersions {
    private static final Set<String> JAVA = Set.of("eclipse-temurin", "openjdk-builds-from-oracle");
    private static final Pattern NUMERIC_PREFIX = Pattern.compile("^\\d+(?:\\.\\d+)*");
    /** Java's legacy scheme: 1.8.0_392(-b08) is 8u392; 1.7 is 7. */
    private static final Pattern JAVA_LEGACY = Pattern.compile("^1\\.([1-8])(?:\\.\\d+)?(?:_(\\d+))?(?:-.*)?$");
    /** Java 8 as distributions spell it: 8u392-b08, 8u392b08. */
    private static final Pattern JAVA_UPDATE = Pattern.compile("^(\\d+)u(\\d+)(?:-?b\\d+)?.*$");

    private EolVersions() {
    }

    /** The version without decorations: a leading v or go, Java's build suffix, Java 8's legacy spellings. */
    static String normalize(String product, String version) {
        String v = version.strip();
        if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'') && v.charAt(v.length() - 1) == v.charAt(0)) {
            v = v.substring(1, v.length() - 1).strip();
        }
        if (product.equals("go") && v.regionMatches(true, 0, "go", 0, 2)) v = v.substring(2);
        if (v.length() > 1 && (v.charAt(0) == 'v' || v.charAt(0) == 'V') && Character.isDigit(v.charAt(1))) v = v.substring(1);
        if (JAVA.contains(product)) {
            int plus = v.indexOf('+');
            if (plus >= 0) v = v.substring(0, plus);
            Matcher legacy = JAVA_LEGACY.matcher(v);
            if (legacy.matches()) v = legacy.group(1) + (legacy.group(2) != null ? "u" + legacy.group(2) : "");
            Matcher update = JAVA_UPDATE.matcher(v);
            if (update.matches()) v = update.group(1) + "u" + update.group(2);
        }
        return v;
    }

    /** The leading dotted number of the normalised version ("22.04.3 LTS" → "22.04.3", "8u392" → "8"), or null. */
    static String numericKey(String product, String version) {
        Matcher m = NUMERIC_PREFIX.matcher(normalize(product, version));
        return m.find() ? m.group() : null;
    }

    /** Whether a version falls in a release cycle: the same, or the cycle followed by a dot ("3.19.1" in "3.19", not in "3.1"). */
    static boolean inCycle(String product, String version, String cycle) {
        String normalized = normalize(product, version);
        if (normalized.equalsIgnoreCase(cycle)) return true;
        String key = numericKey(product, version);
        return key != null && (key.equals(cycle) || key.startsWith(cycle + "."));
    }

    /** Whether a version names the same release as a line's {@code latest} ("17.0.20.1" and "17.0.20.1+1", "1.8.0_502" and "8u502-b07"). */
    static boolean sameRelease(String product, String version, String latest) {
        if (version == null || latest == null) return false;
        return normalize(product, version).toLowerCase(Locale.ROOT).equals(normalize(product, latest).toLowerCase(Locale.ROOT));
    }
}
