package io.drydock.vulndb.version;

import java.util.ArrayList;
import java.util.List;

/**
 * Semantic Versioning 2.0.0 precedence (semver.org item 11): major, minor and patch numerically, a pre-release
 * sorts before its release, pre-release identifiers compare numerically when all digits and in ASCII order
 * otherwise (numeric ones first), a longer identifier list wins when one is a prefix of the other, and build
 * metadata is ignored.
 *
 * <p>Two flavours: {@link #strict()} is the grammar of the specification (used for OSV {@code SEMVER} ranges and
 * crates.io); {@link #npm()} is node-semver's strict mode, which also accepts a leading {@code v}, ignores
 * surrounding whitespace, caps the length at 256 characters and each number at {@code Number.MAX_SAFE_INTEGER}.
 */
public final class SemVerScheme implements VersionScheme {
    private static final long MAX_SAFE_INTEGER = 9007199254740991L;
    private static final int NPM_MAX_LENGTH = 256;

    private final String name;
    private final boolean npmRules;

    private SemVerScheme(String name, boolean npmRules) {
        this.name = name;
        this.npmRules = npmRules;
    }

    public static SemVerScheme strict() {
        return new SemVerScheme("semver", false);
    }

    public static SemVerScheme npm() {
        return new SemVerScheme("npm", true);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean isValid(String version) {
        return read(version) instanceof SemVer;
    }

    @Override
    public int compare(String a, String b) {
        return parse(a).compareTo(parse(b));
    }

    @Override
    public SemVer parse(String version) {
        Object result = read(version);
        if (result instanceof SemVer v) {
            return v;
        }
        throw new InvalidVersionException(name, String.valueOf(version), (String) result);
    }

    private Object read(String text) {
        if (text == null) {
            return "no version";
        }
        String s = text;
        if (npmRules) {
            if (s.length() > NPM_MAX_LENGTH) {
                return "longer than " + NPM_MAX_LENGTH + " characters";
            }
            s = s.strip();
            if (s.startsWith("v")) {
                s = s.substring(1);
            }
        }
        int[] pos = {0};
        String major = number(s, pos);
        if (major == null || !expect(s, pos, '.')) {
            return "expected MAJOR.MINOR.PATCH";
        }
        String minor = number(s, pos);
        if (minor == null || !expect(s, pos, '.')) {
            return "expected MAJOR.MINOR.PATCH";
        }
        String patch = number(s, pos);
        if (patch == null) {
            return "expected MAJOR.MINOR.PATCH";
        }
        if (npmRules && (tooBig(major) || tooBig(minor) || tooBig(patch))) {
            return "number larger than MAX_SAFE_INTEGER";
        }
        List<String> pre = List.of();
        if (pos[0] < s.length() && s.charAt(pos[0]) == '-') {
            int end = s.indexOf('+', pos[0]);
            end = end < 0 ? s.length() : end;
            pre = identifiers(s.substring(pos[0] + 1, end), true);
            if (pre == null) {
                return "invalid pre-release";
            }
            pos[0] = end;
        }
        if (pos[0] < s.length() && s.charAt(pos[0]) == '+') {
            if (identifiers(s.substring(pos[0] + 1), false) == null) {
                return "invalid build metadata";
            }
            pos[0] = s.length();
        }
        if (pos[0] != s.length()) {
            return "unexpected text after the version";
        }
        return new SemVer(text, major, minor, patch, pre.toArray(String[]::new));
    }

    private static boolean tooBig(String digits) {
        return digits.length() > 16 || Long.parseLong(digits) > MAX_SAFE_INTEGER;
    }

    /** A numeric identifier: "0" or digits without a leading zero. */
    static String number(String s, int[] pos) {
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

    private static boolean expect(String s, int[] pos, char c) {
        if (pos[0] < s.length() && s.charAt(pos[0]) == c) {
            pos[0]++;
            return true;
        }
        return false;
    }

    /** Dot-separated non-empty [0-9A-Za-z-] identifiers; pre-release numeric ones must not have a leading zero. */
    static List<String> identifiers(String s, boolean preRelease) {
        List<String> out = new ArrayList<>();
        int start = 0;
        while (true) {
            int end = s.indexOf('.', start);
            end = end < 0 ? s.length() : end;
            if (end == start) {
                return null;
            }
            for (int i = start; i < end; i++) {
                char c = s.charAt(i);
                if (!Numbers.isAsciiDigit(c) && !Numbers.isAsciiLetter(c) && c != '-') {
                    return null;
                }
            }
            if (preRelease && s.charAt(start) == '0' && end - start > 1 && Numbers.allDigits(s, start, end)) {
                return null;
            }
            out.add(s.substring(start, end));
            if (end == s.length()) {
                return out;
            }
            start = end + 1;
        }
    }

    /** Pre-release identifier order: numeric ones numerically and before alphanumeric ones, those in ASCII order. */
    static int compareIdentifiers(String[] a, String[] b) {
        if (a.length == 0 || b.length == 0) {
            return a.length == 0 ? (b.length == 0 ? 0 : 1) : -1;
        }
        int n = Math.min(a.length, b.length);
        for (int i = 0; i < n; i++) {
            boolean an = Numbers.allDigits(a[i]);
            boolean bn = Numbers.allDigits(b[i]);
            int r;
            if (an && bn) {
                r = Numbers.compareDigits(a[i], b[i]);
            } else if (an || bn) {
                r = an ? -1 : 1;
            } else {
                r = Numbers.sign(a[i].compareTo(b[i]));
            }
            if (r != 0) {
                return r;
            }
        }
        return Integer.compare(a.length, b.length);
    }

    /**
     * A parsed semantic version. Major, minor and patch are held as longs (kept in memory for every range bound of
     * the DB, so they should be small); a part of more than 18 digits is kept as its digits, so none overflows.
     */
    public static final class SemVer implements ParsedVersion, PlainKey {
        private static final String[] NO_PRE_RELEASE = new String[0];

        private final String text;
        private final long major;
        private final long minor;
        private final long patch;
        private final String[] big; // null unless a part has more than 18 digits: then all three, as digits
        private final String[] preRelease;

        public SemVer(String text, String major, String minor, String patch, String[] preRelease) {
            this.text = text;
            this.preRelease = preRelease.length == 0 ? NO_PRE_RELEASE : preRelease;
            if (major.length() > 18 || minor.length() > 18 || patch.length() > 18) {
                this.big = new String[] {major, minor, patch};
                this.major = -1;
                this.minor = -1;
                this.patch = -1;
            } else {
                this.big = null;
                this.major = Long.parseLong(major);
                this.minor = Long.parseLong(minor);
                this.patch = Long.parseLong(patch);
            }
        }

        @Override
        public String text() {
            return text;
        }

        public String major() {
            return big != null ? big[0] : Long.toString(major);
        }

        public String minor() {
            return big != null ? big[1] : Long.toString(minor);
        }

        public String patch() {
            return big != null ? big[2] : Long.toString(patch);
        }

        public boolean isPreRelease() {
            return preRelease.length > 0;
        }

        /** A release's (major, minor, patch, 0); pre-releases have none (their identifiers order them). */
        @Override
        public long[] plainKey() {
            return big == null && preRelease.length == 0 ? new long[] {major, minor, patch, 0} : null;
        }

        @Override
        public int compareTo(ParsedVersion other) {
            SemVer o = (SemVer) other;
            int r;
            if (big == null && o.big == null) {
                r = Long.compare(major, o.major);
                if (r == 0) {
                    r = Long.compare(minor, o.minor);
                }
                if (r == 0) {
                    r = Long.compare(patch, o.patch);
                }
            } else {
                r = Numbers.compareDigits(major(), o.major());
                if (r == 0) {
                    r = Numbers.compareDigits(minor(), o.minor());
                }
                if (r == 0) {
                    r = Numbers.compareDigits(patch(), o.patch());
                }
            }
            return r != 0 ? Integer.signum(r) : compareIdentifiers(preRelease, o.preRelease);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
