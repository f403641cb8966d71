package io.drydock.inventory.lang;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Artifact and version read from a Java archive's file name, as Maven names them: {@code artifactId-version.jar}.
 * Both parts may contain dashes and digits ({@code commons-lang3-3.12.0}, {@code log4j-1.2-api-2.17.1},
 * {@code guava-31.1-jre}, {@code xyz-1.0-SNAPSHOT}), so the split is the first {@code -<digit>} whose remainder
 * reads as a version: it starts with a dotted number, and no word other than a known qualifier is followed by
 * another number (which would mean the number belongs to the artifact, as in {@code log4j-1.2-api}).
 */
record JarFileName(String artifact, String version) {

    /** The first dash-separated part of a version: {@code 31.1}, {@code 4.1.72.Final}, {@code 20210307}, not {@code 26_0}. */
    private static final Pattern LEADING_NUMBER = Pattern.compile("\\d+[0-9A-Za-z]*(\\.[0-9A-Za-z]+)*");
    private static final Pattern WORD = Pattern.compile("[A-Za-z]+");
    /** Words that appear inside real Maven versions, between numbers ({@code 1.0-beta-2}, {@code 2.0-rc-1}). */
    private static final Set<String> QUALIFIERS = Set.of("alpha", "beta", "rc", "cr", "m", "milestone", "snapshot",
            "final", "release", "ga", "sp", "jre", "android", "preview", "incubating", "ea", "b", "patch", "pre");

    static Optional<JarFileName> parse(String fileName) {
        String stem = JavaArchives.stripArchiveExtension(fileName);
        for (int dash = stem.indexOf('-'); dash > 0 && dash < stem.length() - 1; dash = stem.indexOf('-', dash + 1)) {
            if (Character.isDigit(stem.charAt(dash + 1)) && readsAsVersion(stem.substring(dash + 1))) {
                return Optional.of(new JarFileName(stem.substring(0, dash), stem.substring(dash + 1)));
            }
        }
        return Optional.empty();
    }

    private static boolean readsAsVersion(String candidate) {
        String[] parts = candidate.split("-");
        if (!LEADING_NUMBER.matcher(parts[0]).matches()) {
            return false;
        }
        for (int i = 1; i < parts.length - 1; i++) {
            boolean plainWord = WORD.matcher(parts[i]).matches()
                    && !QUALIFIERS.contains(parts[i].toLowerCase(Locale.ROOT));
            if (plainWord && !parts[i + 1].isEmpty() && Character.isDigit(parts[i + 1].charAt(0))) {
                return false;
            }
        }
        return true;
    }
}
