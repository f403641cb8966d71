package io.drydock.vulndb.version;

/**
 * Debian package versions, {@code [epoch:]upstream_version[-debian_revision]}, ordered as dpkg orders them
 * (lib/dpkg/version.c): epochs numerically, then upstream and revision with verrevcmp, where '~' sorts before
 * everything (even the end of the string), letters sort before other characters, and digit runs compare as numbers.
 *
 * <p>Validity follows dpkg's parseversion: surrounding blanks are ignored; the upstream part must start with a
 * digit and contain only alphanumerics and {@code . + - ~ :}; the revision only alphanumerics and {@code . + ~}.
 */
public final class DpkgVersionScheme implements VersionScheme {
    public static final String NAME = "dpkg";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean isValid(String version) {
        return read(version) instanceof DpkgVersion;
    }

    @Override
    public int compare(String a, String b) {
        return parse(a).compareTo(parse(b));
    }

    @Override
    public DpkgVersion parse(String version) {
        Object result = read(version);
        if (result instanceof DpkgVersion parsed) {
            return parsed;
        }
        throw new InvalidVersionException(NAME, version, (String) result);
    }

    /** A parsed version, or the reason it is not one (so that isValid does not pay for an exception). */
    private static Object read(String text) {
        if (text == null) {
            return "no version";
        }
        int start = 0;
        int end = text.length();
        while (start < end && isBlank(text.charAt(start))) {
            start++;
        }
        while (end > start && isBlank(text.charAt(end - 1))) {
            end--;
        }
        if (start == end) {
            return "version string is empty";
        }
        for (int i = start; i < end; i++) {
            if (isBlank(text.charAt(i))) {
                return "version string has embedded spaces";
            }
        }
        String s = text.substring(start, end);
        int offset = 0; // where s starts within the trimmed text
        int epoch = 0;
        int colon = s.indexOf(':');
        if (colon >= 0) {
            // dpkg reads the epoch with strtol, which also accepts a sign
            int digitsFrom = (s.charAt(0) == '+' || s.charAt(0) == '-') ? 1 : 0;
            if (colon == digitsFrom) {
                return "epoch in version is empty";
            }
            if (!Numbers.allDigits(s, digitsFrom, colon)) {
                return "epoch in version is not number";
            }
            boolean negative = s.charAt(0) == '-';
            long value = 0;
            for (int i = digitsFrom; i < colon; i++) {
                value = value * 10 + (s.charAt(i) - '0');
                if (value > Integer.MAX_VALUE) {
                    return negative ? "epoch in version is negative" : "epoch in version is too big";
                }
            }
            if (negative && value != 0) {
                return "epoch in version is negative";
            }
            if (colon == s.length() - 1) {
                return "nothing after colon in version number";
            }
            epoch = (int) value;
            s = s.substring(colon + 1);
            offset = colon + 1;
        }
        String upstream = s;
        String revision = "";
        int hyphen = s.lastIndexOf('-');
        if (hyphen >= 0) {
            upstream = s.substring(0, hyphen);
            revision = s.substring(hyphen + 1);
            if (revision.isEmpty()) {
                return "revision number is empty";
            }
        }
        if (upstream.isEmpty()) {
            return "version number is empty";
        }
        if (!Numbers.isAsciiDigit(upstream.charAt(0))) {
            return "version number does not start with digit";
        }
        for (int i = 1; i < upstream.length(); i++) {
            char c = upstream.charAt(i);
            if (!Numbers.isAsciiDigit(c) && !Numbers.isAsciiLetter(c) && ".-+~:".indexOf(c) < 0) {
                return "invalid character in version number";
            }
        }
        for (int i = 0; i < revision.length(); i++) {
            char c = revision.charAt(i);
            if (!Numbers.isAsciiDigit(c) && !Numbers.isAsciiLetter(c) && ".+~".indexOf(c) < 0) {
                return "invalid character in revision number";
            }
        }
        int upstreamStart = start + offset;
        int upstreamEnd = upstreamStart + upstream.length();
        int revisionStart = hyphen >= 0 ? upstreamEnd + 1 : upstreamEnd;
        return new DpkgVersion(text, epoch, upstreamStart, upstreamEnd, revisionStart, revisionStart + revision.length());
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    /** dpkg's verrevcmp over two upstream (or two revision) strings. */
    static int verrevcmp(String a, String b) {
        return verrevcmp(a, 0, a.length(), b, 0, b.length());
    }

    /** verrevcmp over a[i, la) and b[j, lb): parts of the version texts, compared where they lie. */
    static int verrevcmp(String a, int i, int la, String b, int j, int lb) {
        while (i < la || j < lb) {
            int firstDiff = 0;
            while ((i < la && !Numbers.isAsciiDigit(a.charAt(i))) || (j < lb && !Numbers.isAsciiDigit(b.charAt(j)))) {
                int ac = order(i < la ? a.charAt(i) : 0);
                int bc = order(j < lb ? b.charAt(j) : 0);
                if (ac != bc) {
                    return ac - bc;
                }
                i++;
                j++;
            }
            while (i < la && a.charAt(i) == '0') {
                i++;
            }
            while (j < lb && b.charAt(j) == '0') {
                j++;
            }
            while (i < la && j < lb && Numbers.isAsciiDigit(a.charAt(i)) && Numbers.isAsciiDigit(b.charAt(j))) {
                if (firstDiff == 0) {
                    firstDiff = a.charAt(i) - b.charAt(j);
                }
                i++;
                j++;
            }
            if (i < la && Numbers.isAsciiDigit(a.charAt(i))) {
                return 1;
            }
            if (j < lb && Numbers.isAsciiDigit(b.charAt(j))) {
                return -1;
            }
            if (firstDiff != 0) {
                return firstDiff;
            }
        }
        return 0;
    }

    /** The weight of one character: '~' below the end of the string, letters below every other symbol. */
    private static int order(int c) {
        if (Numbers.isAsciiDigit((char) c)) {
            return 0;
        }
        if (Numbers.isAsciiLetter((char) c)) {
            return c;
        }
        if (c == '~') {
            return -1;
        }
        if (c != 0) {
            return c + 256;
        }
        return 0;
    }

    /**
     * A Debian version: its epoch, and where its upstream version and revision lie in the text (kept as offsets,
     * not copies: parsed versions of every range bound stay in memory).
     */
    public static final class DpkgVersion implements ParsedVersion {
        private final String text;
        private final int epoch;
        private final int upstreamStart;
        private final int upstreamEnd;
        private final int revisionStart;
        private final int revisionEnd;

        DpkgVersion(String text, int epoch, int upstreamStart, int upstreamEnd, int revisionStart, int revisionEnd) {
            this.text = text;
            this.epoch = epoch;
            this.upstreamStart = upstreamStart;
            this.upstreamEnd = upstreamEnd;
            this.revisionStart = revisionStart;
            this.revisionEnd = revisionEnd;
        }

        @Override
        public String text() {
            return text;
        }

        public int epoch() {
            return epoch;
        }

        public String upstream() {
            return text.substring(upstreamStart, upstreamEnd);
        }

        /** The Debian revision, "" when there is none. */
        public String revision() {
            return text.substring(revisionStart, revisionEnd);
        }

        @Override
        public int compareTo(ParsedVersion other) {
            DpkgVersion o = (DpkgVersion) other;
            if (epoch != o.epoch) {
                return epoch < o.epoch ? -1 : 1;
            }
            int r = verrevcmp(text, upstreamStart, upstreamEnd, o.text, o.upstreamStart, o.upstreamEnd);
            if (r != 0) {
                return Numbers.sign(r);
            }
            return Numbers.sign(verrevcmp(text, revisionStart, revisionEnd, o.text, o.revisionStart, o.revisionEnd));
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
