package io.drydock.vulndb.version;

import java.util.List;

/**
 * Go module versions, ordered as golang.org/x/mod/semver orders them: semantic versions with a leading {@code v}
 * (optional here, because OSV writes Go versions without it), where {@code vMAJOR} and {@code vMAJOR.MINOR} are
 * shorthands for {@code .0} releases. Pseudo-versions ({@code v0.0.0-20060102150405-abcdef123456}) are ordinary
 * pre-releases and sort as such; {@code +incompatible} is build metadata and is ignored.
 */
public final class GoVersionScheme implements VersionScheme {
    public static final String NAME = "go";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean isValid(String version) {
        return read(version) instanceof SemVerScheme.SemVer;
    }

    @Override
    public int compare(String a, String b) {
        return parse(a).compareTo(parse(b));
    }

    @Override
    public SemVerScheme.SemVer parse(String version) {
        Object result = read(version);
        if (result instanceof SemVerScheme.SemVer v) {
            return v;
        }
        throw new InvalidVersionException(NAME, String.valueOf(version), (String) result);
    }

    private static Object read(String text) {
        if (text == null || text.isEmpty()) {
            return "empty";
        }
        String s = text.charAt(0) == 'v' ? text.substring(1) : text;
        int[] pos = {0};
        String major = number(s, pos);
        if (major == null) {
            return "expected a major version";
        }
        String minor;
        String patch;
        if (pos[0] == s.length()) {
            return new SemVerScheme.SemVer(text, major, "0", "0", new String[0]);
        }
        if (s.charAt(pos[0]) != '.') {
            return "a shorthand version (vMAJOR) takes no pre-release or build";
        }
        pos[0]++;
        minor = number(s, pos);
        if (minor == null) {
            return "expected a minor version";
        }
        if (pos[0] == s.length()) {
            return new SemVerScheme.SemVer(text, major, minor, "0", new String[0]);
        }
        if (s.charAt(pos[0]) != '.') {
            return "a shorthand version (vMAJOR.MINOR) takes no pre-release or build";
        }
        pos[0]++;
        patch = number(s, pos);
        if (patch == null) {
            return "expected a patch version";
        }
        List<String> pre = List.of();
        if (pos[0] < s.length() && s.charAt(pos[0]) == '-') {
            int end = s.indexOf('+', pos[0]);
            end = end < 0 ? s.length() : end;
            pre = SemVerScheme.identifiers(s.substring(pos[0] + 1, end), true);
            if (pre == null) {
                return "invalid pre-release";
            }
            pos[0] = end;
        }
        if (pos[0] < s.length() && s.charAt(pos[0]) == '+') {
            if (SemVerScheme.identifiers(s.substring(pos[0] + 1), false) == null) {
                return "invalid build metadata";
            }
            pos[0] = s.length();
        }
        if (pos[0] != s.length()) {
            return "unexpected text after the version";
        }
        return new SemVerScheme.SemVer(text, major, minor, patch, pre.toArray(String[]::new));
    }

    private static String number(String s, int[] pos) {
        int start = pos[0];
        int i = start;
        while (i < s.length() && Numbers.isAsciiDigit(s.charAt(i))) {
            i++;
        }
        if (i == start || (s.charAt(start) == '0' && i - start > 1)) {
            return null;
        }
        pos[0] = i;
        return s.substring(start, i);
    }
}
