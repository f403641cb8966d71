package io.drydock.vulndb.version;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Packagist (Composer) versions: normalised as {@code composer/semver}'s {@code VersionParser::normalize} does
 * ({@code v1.2 → 1.2.0.0}, {@code 1.0.0-b2 → 1.0.0.0-beta2}, {@code 1.0.pl3 → 1.0.0.0-patch3}, date versions,
 * {@code 1.x-dev → 1.9999999.9999999.9999999-dev}), then ordered with PHP's {@code version_compare}: stability
 * {@code dev < alpha < beta < RC < stable < patch}.
 *
 * <p>Branch versions ({@code dev-master}, {@code dev-feature}) normalise but have no order: Composer never
 * compares them with numbered versions when matching constraints, so they are not valid versions here.
 */
public final class ComposerVersionScheme implements VersionScheme {
    public static final String NAME = "composer";

    private static final String MODIFIER =
            "[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\\d+)*+)?)?([.-]?dev)?";
    private static final Pattern ALIAS = Pattern.compile("^([^,\\s]++) ++as ++([^,\\s]++)$");
    private static final Pattern STABILITY_FLAG = Pattern.compile("@(?:stable|RC|beta|alpha|dev)$", Pattern.CASE_INSENSITIVE);
    private static final Pattern BUILD_METADATA = Pattern.compile("^([^,\\s+]++)\\+[^\\s]++$");
    private static final Pattern CLASSICAL = Pattern.compile(
            "^v?(\\d{1,5}+)(\\.\\d++)?(\\.\\d++)?(\\.\\d++)?" + MODIFIER + "$", Pattern.CASE_INSENSITIVE);
    private static final Pattern DATE = Pattern.compile(
            "^v?(\\d{4}(?:[.:-]?\\d{2}){1,6}(?:[.:-]?\\d{1,3}){0,2})" + MODIFIER + "$", Pattern.CASE_INSENSITIVE);
    private static final Pattern DEV_SUFFIX = Pattern.compile("(.*?)[.-]?dev$", Pattern.CASE_INSENSITIVE);
    private static final Pattern NUMERIC_BRANCH = Pattern.compile(
            "^v?(\\d++)(\\.(?:\\d++|[xX*]))?(\\.(?:\\d++|[xX*]))?(\\.(?:\\d++|[xX*]))?$", Pattern.CASE_INSENSITIVE);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean isValid(String version) {
        String normalized = normalizeOrNull(version);
        return normalized != null && !normalized.startsWith("dev-");
    }

    @Override
    public int compare(String a, String b) {
        return parse(a).compareTo(parse(b));
    }

    @Override
    public ComposerVersion parse(String version) {
        String normalized = normalizeOrNull(version);
        if (normalized == null) {
            throw new InvalidVersionException(NAME, String.valueOf(version), "not a Composer version");
        }
        if (normalized.startsWith("dev-")) {
            throw new InvalidVersionException(NAME, version, "a branch, which has no version order");
        }
        return new ComposerVersion(version, normalized);
    }

    /** VersionParser::normalize. */
    public String normalize(String version) {
        String normalized = normalizeOrNull(version);
        if (normalized == null) {
            throw new InvalidVersionException(NAME, String.valueOf(version), "not a Composer version");
        }
        return normalized;
    }

    private static String normalizeOrNull(String input) {
        if (input == null) {
            return null;
        }
        String version = phpTrim(input);
        Matcher m = ALIAS.matcher(version);
        if (m.matches()) {
            version = m.group(1);
        }
        m = STABILITY_FLAG.matcher(version);
        if (m.find()) {
            version = version.substring(0, m.start());
        }
        if (version.equals("master") || version.equals("trunk") || version.equals("default")) {
            version = "dev-" + version;
        }
        if (version.regionMatches(true, 0, "dev-", 0, 4)) {
            return "dev-" + version.substring(4);
        }
        m = BUILD_METADATA.matcher(version);
        if (m.matches()) {
            version = m.group(1);
        }
        int index;
        m = CLASSICAL.matcher(version);
        if (m.matches()) {
            version = m.group(1) + orDefault(m.group(2), ".0") + orDefault(m.group(3), ".0") + orDefault(m.group(4), ".0");
            index = 5;
        } else {
            m = DATE.matcher(version);
            if (m.matches()) {
                version = m.group(1).replaceAll("\\D", ".");
                index = 2;
            } else {
                index = -1;
            }
        }
        if (index > 0) {
            String stability = m.group(index);
            if (stability != null && !stability.isEmpty()) {
                if (stability.equals("stable")) {
                    return version;
                }
                String number = m.group(index + 1);
                version += "-" + expandStability(stability) + (number == null ? "" : ltrim(number, ".-"));
            }
            String dev = m.group(index + 2);
            if (dev != null && !dev.isEmpty()) {
                version += "-dev";
            }
            return version;
        }
        m = DEV_SUFFIX.matcher(version);
        if (m.matches()) {
            String branch = normalizeBranch(m.group(1));
            if (!branch.contains("dev-")) {
                return branch;
            }
        }
        return null;
    }

    private static String normalizeBranch(String name) {
        String n = phpTrim(name);
        Matcher m = NUMERIC_BRANCH.matcher(n);
        if (m.matches()) {
            StringBuilder version = new StringBuilder();
            for (int i = 1; i < 5; i++) {
                version.append(m.group(i) != null ? m.group(i).replace('*', 'x').replace('X', 'x') : ".x");
            }
            return version.toString().replace("x", "9999999") + "-dev";
        }
        return "dev-" + n;
    }

    private static String expandStability(String stability) {
        String s = stability.toLowerCase(Locale.ROOT);
        return switch (s) {
            case "a" -> "alpha";
            case "b" -> "beta";
            case "p", "pl" -> "patch";
            case "rc" -> "RC";
            default -> s;
        };
    }

    private static String orDefault(String group, String fallback) {
        return group == null || group.isEmpty() ? fallback : group;
    }

    private static String ltrim(String s, String chars) {
        int i = 0;
        while (i < s.length() && chars.indexOf(s.charAt(i)) >= 0) {
            i++;
        }
        return s.substring(i);
    }

    /** PHP trim(): space, tab, newline, carriage return, NUL and vertical tab. */
    private static String phpTrim(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && " \t\n\r\0\u000B".indexOf(s.charAt(start)) >= 0) {
            start++;
        }
        while (end > start && " \t\n\r\0\u000B".indexOf(s.charAt(end - 1)) >= 0) {
            end--;
        }
        return s.substring(start, end);
    }

    /** A Composer version with its normalised form, which is what is compared. */
    public record ComposerVersion(String text, String normalized) implements ParsedVersion {
        @Override
        public int compareTo(ParsedVersion other) {
            return Numbers.sign(PhpVersionCompare.compare(normalized, ((ComposerVersion) other).normalized));
        }
    }
}
