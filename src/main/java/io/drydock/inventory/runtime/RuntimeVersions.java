package io.drydock.inventory.runtime;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turning the many spellings of a runtime's version into one: {@code 17.0.9} whether it came from a JDK's
 * {@code release} file, Debian's {@code 17.0.9+9-1~deb12u1}, Alpine's {@code 17.0.9_p9-r0} or an image's
 * {@code JAVA_VERSION=jdk-17.0.9+9}. Nothing here throws: a value that is not a version gives empty.
 */
final class RuntimeVersions {
    /** Longer than any real runtime version; a longer value is not one. */
    static final int MAX_LENGTH = 64;
    /** A version as a runtime states it: starts with a digit, then the characters versions use. */
    private static final Pattern STATED = Pattern.compile("\\d[0-9A-Za-z._+~-]*");
    private static final Pattern LEADING_NUMBERS = Pattern.compile("\\d+(?:\\.\\d+)*");
    /** A plain version with an optional pre-release part: 3.12.1, v18.19.0, 3.13.0rc2, 9.0.0-preview.7.24405.7. */
    private static final Pattern PLAIN = Pattern.compile("v?(\\d+(?:\\.\\d+)+(?:-?[0-9A-Za-z]+(?:[.-][0-9A-Za-z]+)*)?)");
    private static final Pattern GO = Pattern.compile("(?:go|v)?(\\d+)\\.(\\d+)(?:\\.(\\d+))?(?:-?(rc|beta|alpha)\\.?(\\d+))?");
    /** Java 8 as Debian ({@code 8u392-ga-1}) and Temurin's image variable ({@code jdk8u392-b08}) spell it. */
    private static final Pattern JAVA_8_UPDATE = Pattern.compile("(?:jdk-?)?(?:1\\.)?8u(\\d+).*");
    /** Java 8 as Adoptium's packages ({@code 8.0.392.0.0+8}) spell it. */
    private static final Pattern JAVA_8_ZERO = Pattern.compile("8\\.0\\.(\\d+)(?:[.+_-].*)?");
    /** Java 8 as Alpine ({@code 8.392.08-r0}) spells it. */
    private static final Pattern JAVA_8_ALPINE = Pattern.compile("8\\.([1-9]\\d*)\\.\\d+(?:[-_].*)?");
    /** Java 8 as RPM ({@code 1.8.0.392.b08-4.el9}) and release files ({@code 1.8.0_392}) spell it. */
    private static final Pattern JAVA_8_LONG = Pattern.compile("1\\.8\\.0[._](\\d+).*");

    private RuntimeVersions() {
    }

    /** A version exactly as a runtime's own file states it, if it looks like one. */
    static Optional<String> stated(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.strip();
        return v.length() <= MAX_LENGTH && STATED.matcher(v).matches() ? Optional.of(v) : Optional.empty();
    }

    /** A plain version such as an image's {@code NODE_VERSION} holds; a leading {@code v} is dropped. */
    static Optional<String> plain(String value) {
        if (value == null || value.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        Matcher m = PLAIN.matcher(value.strip());
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The dotted numbers a value starts with: {@code 3.11.2} of {@code 3.11.2-6+deb12u9}. */
    static Optional<String> leadingNumbers(String value) {
        if (value == null) {
            return Optional.empty();
        }
        Matcher m = LEADING_NUMBERS.matcher(value);
        return m.lookingAt() && m.end() <= MAX_LENGTH ? Optional.of(m.group()) : Optional.empty();
    }

    /**
     * The upstream version an OS package version carries: without epoch ({@code 1:}), without the distribution's
     * revision and suffixes ({@code -6+deb12u9}, {@code +dfsg}, {@code _p9-r0}, {@code .el9}), and, where Debian
     * went back to an older upstream release ({@code 3.1.7+really3.1.2-0+deb12u1}), the one really shipped.
     */
    static Optional<String> ofPackage(String packageVersion) {
        if (packageVersion == null) {
            return Optional.empty();
        }
        String v = packageVersion.strip();
        int colon = v.indexOf(':');
        if (colon >= 0 && colon < 10 && v.substring(0, colon).chars().allMatch(Character::isDigit)) {
            v = v.substring(colon + 1);
        }
        int really = v.indexOf("+really");
        if (really >= 0) {
            v = v.substring(really + "+really".length());
        }
        return leadingNumbers(v);
    }

    /**
     * A Java version from a package, an image variable or a release file, spelled as the JDK's {@code release} file
     * does: {@code 17.0.9}, {@code 21}, and for Java 8 {@code 1.8.0_392}. Build numbers ({@code +9}, RPM's fifth
     * component) and padding zeros past the third component (Temurin's Debian {@code 17.0.9.0.0+9}) are dropped.
     */
    static Optional<String> java(String value, boolean rpm) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.strip();
        int colon = v.indexOf(':');
        if (colon >= 0 && colon < 10 && v.substring(0, colon).chars().allMatch(Character::isDigit)) {
            v = v.substring(colon + 1);
        }
        if (v.startsWith("jdk-")) {
            v = v.substring(4);
        } else if (v.startsWith("jdk")) {
            v = v.substring(3);
        }
        for (Pattern java8 : new Pattern[] {JAVA_8_UPDATE, JAVA_8_LONG, JAVA_8_ZERO, JAVA_8_ALPINE}) {
            Matcher m = java8.matcher(v);
            if (m.matches()) {
                String update = m.group(1).replaceFirst("^0+(?=\\d)", "");
                return update.length() > 6 ? Optional.empty() : Optional.of("1.8.0_" + update);
            }
        }
        Optional<String> numbers = leadingNumbers(v);
        if (numbers.isEmpty()) {
            return Optional.empty();
        }
        String[] parts = numbers.get().split("\\.");
        int keep = parts.length;
        if (rpm && keep >= 5) {
            keep--; // RHEL: 17.0.9.0.9 is 17.0.9+9
        }
        while (keep > 3 && parts[keep - 1].equals("0")) {
            keep--;
        }
        return Optional.of(String.join(".", java.util.Arrays.copyOf(parts, keep)));
    }

    /**
     * A Go version as {@code 1.22.3} from {@code go1.22.3}, {@code v1.22.3} (Drydock's stdlib purls) or
     * {@code 1.22.3}; a release without patch number counts as {@code .0} (Go names {@code go1.20} what it later
     * calls 1.20.0), a release candidate as {@code 1.21.0-rc.2}. Anything after a space
     * ({@code go1.22.0 X:boringcrypto}) is ignored.
     */
    static Optional<String> go(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.strip();
        int space = v.indexOf(' ');
        if (space > 0) {
            v = v.substring(0, space);
        }
        Matcher m = GO.matcher(v);
        if (!m.matches() || v.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        String patch = m.group(3) != null ? m.group(3) : "0";
        String pre = m.group(4) != null ? "-" + m.group(4) + "." + m.group(5) : "";
        return Optional.of(m.group(1) + "." + m.group(2) + "." + patch + pre);
    }

    /**
     * Whether {@code general} names the same release as {@code specific} or a line it belongs to: {@code 3.11} of
     * {@code 3.11.2}, {@code 1.8.0} of {@code 1.8.0_392}. A pre-release ({@code 8.0.0-rc.1}) is not of its release.
     */
    static boolean covers(String general, String specific) {
        if (specific.equals(general)) {
            return true;
        }
        if (!specific.startsWith(general) || specific.length() == general.length()) {
            return false;
        }
        char next = specific.charAt(general.length());
        return next == '.' || next == '_';
    }
}
