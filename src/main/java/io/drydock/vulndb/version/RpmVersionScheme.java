package io.drydock.vulndb.version;

/**
 * RPM versions {@code [epoch:]version[-release]}, ordered as rpm orders them (rpmio/rpmver.cc and
 * rpmio/rpmvercmp.cc): epoch, version and release each compared with rpmvercmp, where alphanumeric segments are
 * compared numeric-to-numeric or alpha-to-alpha, numeric segments beat alphabetic ones, '~' sorts before
 * everything and '^' after the base version but before any further segment. A missing epoch counts as 0; a missing
 * release sorts before any release.
 *
 * <p>rpm orders any string. Drydock calls a version valid when it is non-empty, has no whitespace or control
 * characters and its version part is not empty.
 */
public final class RpmVersionScheme implements VersionScheme {
    public static final String NAME = "rpm";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean isValid(String version) {
        return problem(version) == null;
    }

    @Override
    public int compare(String a, String b) {
        return split(a).compareTo(split(b));
    }

    @Override
    public RpmVersion parse(String version) {
        String problem = problem(version);
        if (problem != null) {
            throw new InvalidVersionException(NAME, String.valueOf(version), problem);
        }
        return split(version);
    }

    private static String problem(String version) {
        if (version == null || version.isEmpty()) {
            return "empty";
        }
        for (int i = 0; i < version.length(); i++) {
            char c = version.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                return "whitespace or control character";
            }
        }
        if (split(version).version().isEmpty()) {
            return "empty version part";
        }
        return null;
    }

    /** rpm's parseEVR: leading digits then ':' make the epoch; the last '-' after them starts the release. */
    static RpmVersion split(String evr) {
        int s = 0;
        while (s < evr.length() && Numbers.isAsciiDigit(evr.charAt(s))) {
            s++;
        }
        int hyphen = evr.lastIndexOf('-');
        if (hyphen < s) {
            hyphen = -1;
        }
        String epoch = null;
        int versionStart = 0;
        if (s < evr.length() && evr.charAt(s) == ':') {
            epoch = s == 0 ? "0" : evr.substring(0, s);
            versionStart = s + 1;
        }
        String version;
        String release = null;
        if (hyphen >= 0) {
            version = evr.substring(versionStart, hyphen);
            release = evr.substring(hyphen + 1);
        } else {
            version = evr.substring(versionStart);
        }
        return new RpmVersion(evr, epoch, version, release);
    }

    /** rpmvercmp: compares two version (or release) strings segment by segment. */
    public static int rpmvercmp(String a, String b) {
        if (a.equals(b)) {
            return 0;
        }
        int one = 0;
        int two = 0;
        int la = a.length();
        int lb = b.length();
        while (one < la || two < lb) {
            while (one < la && !isAlnum(a.charAt(one)) && a.charAt(one) != '~' && a.charAt(one) != '^') {
                one++;
            }
            while (two < lb && !isAlnum(b.charAt(two)) && b.charAt(two) != '~' && b.charAt(two) != '^') {
                two++;
            }
            char ca = one < la ? a.charAt(one) : 0;
            char cb = two < lb ? b.charAt(two) : 0;
            // '~' sorts before everything, the end of the string included
            if (ca == '~' || cb == '~') {
                if (ca != '~') {
                    return 1;
                }
                if (cb != '~') {
                    return -1;
                }
                one++;
                two++;
                continue;
            }
            // '^' sorts after the end of the string but before any other segment
            if (ca == '^' || cb == '^') {
                if (ca == 0) {
                    return -1;
                }
                if (cb == 0) {
                    return 1;
                }
                if (ca != '^') {
                    return 1;
                }
                if (cb != '^') {
                    return -1;
                }
                one++;
                two++;
                continue;
            }
            if (ca == 0 || cb == 0) {
                break;
            }
            int end1 = one;
            int end2 = two;
            boolean numeric = Numbers.isAsciiDigit(ca);
            if (numeric) {
                while (end1 < la && Numbers.isAsciiDigit(a.charAt(end1))) {
                    end1++;
                }
                while (end2 < lb && Numbers.isAsciiDigit(b.charAt(end2))) {
                    end2++;
                }
            } else {
                while (end1 < la && Numbers.isAsciiLetter(a.charAt(end1))) {
                    end1++;
                }
                while (end2 < lb && Numbers.isAsciiLetter(b.charAt(end2))) {
                    end2++;
                }
            }
            // segments of different types: the numeric one is newer
            if (end2 == two) {
                return numeric ? 1 : -1;
            }
            int r;
            if (numeric) {
                r = Numbers.compareDigits(a, one, end1, b, two, end2);
            } else {
                r = compareBytes(a, one, end1, b, two, end2);
            }
            if (r != 0) {
                return r;
            }
            one = end1;
            two = end2;
        }
        if (one >= la && two >= lb) {
            return 0;
        }
        return one >= la ? -1 : 1;
    }

    private static int compareBytes(String a, int from, int to, String b, int bFrom, int bTo) {
        int n = Math.min(to - from, bTo - bFrom);
        for (int k = 0; k < n; k++) {
            int d = a.charAt(from + k) - b.charAt(bFrom + k);
            if (d != 0) {
                return d < 0 ? -1 : 1;
            }
        }
        return Integer.compare(to - from, bTo - bFrom);
    }

    private static boolean isAlnum(char c) {
        return Numbers.isAsciiDigit(c) || Numbers.isAsciiLetter(c);
    }

    /** An RPM EVR; {@code epoch} and {@code release} are null when absent. */
    public record RpmVersion(String text, String epoch, String version, String release) implements ParsedVersion {
        @Override
        public int compareTo(ParsedVersion other) {
            RpmVersion o = (RpmVersion) other;
            int r = rpmvercmp(epoch == null ? "0" : epoch, o.epoch == null ? "0" : o.epoch);
            if (r != 0) {
                return r;
            }
            r = rpmvercmp(version, o.version);
            if (r != 0) {
                return r;
            }
            if (release == null || o.release == null) {
                return release == null ? (o.release == null ? 0 : -1) : 1;
            }
            return rpmvercmp(release, o.release);
        }
    }
}
