package io.drydock.vulndb.version;

import java.util.Arrays;

/**
 * Alpine package versions, ordered as apk-tools orders them (src/version.c):
 * {@code digit{.digit}...{letter}{_suffix{number}}...{~hash}{-r#}}.
 *
 * <p>Pre-release suffixes {@code _alpha _beta _pre _rc} sort before the bare release, post-release suffixes
 * {@code _cvs _svn _git _hg _p} after it; {@code -rN} is the package revision. A dotted number with a leading zero
 * compares as a string (as Gentoo does), other numbers numerically.
 *
 * <p>Like apk itself, {@link #compare} also orders strings that are not valid versions (token by token up to the
 * first invalid token); {@link #parse} accepts valid versions only.
 */
public final class ApkVersionScheme implements VersionScheme {
    public static final String NAME = "apk";

    // Token kinds in apk's order: a longer version wins over a shorter one with the same prefix
    // unless the next token of the shorter one has a higher kind.
    static final int INITIAL_DIGIT = 0;
    static final int DIGIT = 1;
    static final int LETTER = 2;
    static final int SUFFIX = 3;
    static final int SUFFIX_NO = 4;
    static final int COMMIT_HASH = 5;
    static final int REVISION_NO = 6;
    static final int END = 7;
    static final int INVALID = 8;

    // Suffix weights: pre-releases below NONE, post-releases above.
    private static final String[] SUFFIXES = {"", "alpha", "beta", "pre", "rc", "", "cvs", "svn", "git", "hg", "p"};
    private static final int SUFFIX_INVALID = 0;
    private static final int SUFFIX_NONE = 5;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean isValid(String version) {
        if (version == null) {
            return false;
        }
        Tokens t = Tokens.of(version);
        return t.kinds[t.count - 1] == END;
    }

    @Override
    public int compare(String a, String b) {
        return compareTokens(Tokens.of(a), Tokens.of(b));
    }

    @Override
    public ApkVersion parse(String version) {
        if (version == null) {
            throw new InvalidVersionException(NAME, "null", "no version");
        }
        Tokens t = Tokens.of(version);
        if (t.kinds[t.count - 1] != END) {
            throw new InvalidVersionException(NAME, version, "not of the form digit{.digit}...{letter}{_suffix{#}}...{~hash}{-r#}");
        }
        return new ApkVersion(version, t);
    }

    static int compareTokens(Tokens a, Tokens b) {
        int i = 0;
        while (i < a.count && i < b.count && a.kinds[i] == b.kinds[i] && a.kinds[i] < END) {
            int r = compareToken(a, b, i);
            if (r != 0) {
                return r;
            }
            i++;
        }
        int ka = a.kinds[i];
        int kb = b.kinds[i];
        if (ka == kb) {
            return 0;
        }
        // Equal so far: the longer version is newer, unless what it adds is a pre-release suffix.
        if (ka == SUFFIX && a.numbers[i] < SUFFIX_NONE) {
            return -1;
        }
        if (kb == SUFFIX && b.numbers[i] < SUFFIX_NONE) {
            return 1;
        }
        return ka > kb ? -1 : 1;
    }

    private static int compareToken(Tokens a, Tokens b, int i) {
        switch (a.kinds[i]) {
            case DIGIT:
                if (a.text.charAt(a.starts[i]) == '0' || b.text.charAt(b.starts[i]) == '0') {
                    return stringSort(a, b, i);
                }
                return Numbers.compareDigits(a.text, a.starts[i], a.ends[i], b.text, b.starts[i], b.ends[i]);
            case INITIAL_DIGIT:
            case SUFFIX_NO:
            case REVISION_NO:
                return Numbers.compareDigits(a.text, a.starts[i], a.ends[i], b.text, b.starts[i], b.ends[i]);
            case LETTER:
            case SUFFIX:
                return Long.compare(a.numbers[i], b.numbers[i]);
            default:
                return stringSort(a, b, i);
        }
    }

    /** Byte-wise comparison, shorter prefix first (apk_blob_sort). */
    private static int stringSort(Tokens a, Tokens b, int i) {
        int la = a.ends[i] - a.starts[i];
        int lb = b.ends[i] - b.starts[i];
        int n = Math.min(la, lb);
        for (int k = 0; k < n; k++) {
            int d = a.text.charAt(a.starts[i] + k) - b.text.charAt(b.starts[i] + k);
            if (d != 0) {
                return d < 0 ? -1 : 1;
            }
        }
        return Integer.compare(la, lb);
    }

    private static int suffixValue(String text, int from, int to) {
        int length = to - from;
        if (length == 0) {
            return SUFFIX_INVALID;
        }
        for (int s = 1; s < SUFFIXES.length; s++) {
            String name = SUFFIXES[s];
            if (!name.isEmpty() && name.length() == length && text.regionMatches(from, name, 0, length)) {
                return s;
            }
        }
        return SUFFIX_INVALID;
    }

    /**
     * The token stream of one version, ending with END (valid) or INVALID (apk stops reading there). Numbers
     * are kept as digit ranges of the text and compared without overflow.
     */
    static final class Tokens {
        final String text;
        int count;
        int[] kinds = new int[8];
        int[] starts = new int[8];
        int[] ends = new int[8];
        long[] numbers = new long[8];

        private Tokens(String text) {
            this.text = text;
        }

        static Tokens of(String text) {
            Tokens t = new Tokens(text);
            int pos = t.digits(INITIAL_DIGIT, 0);
            int previous = t.kinds[0];
            while (previous < END) {
                if (pos == text.length()) {
                    t.add(END, pos, pos, 0);
                    break;
                }
                char c = text.charAt(pos);
                if (c >= 'a' && c <= 'z') {
                    if (previous > DIGIT) {
                        t.add(INVALID, pos, pos, 0);
                        break;
                    }
                    t.add(LETTER, pos, pos + 1, c);
                    pos++;
                } else if (c == '.' || Numbers.isAsciiDigit(c)) {
                    if (c == '.' && previous > DIGIT) {
                        t.add(INVALID, pos, pos, 0);
                        break;
                    }
                    int kind = switch (previous) {
                        case INITIAL_DIGIT, DIGIT -> DIGIT;
                        case SUFFIX -> SUFFIX_NO;
                        default -> INVALID;
                    };
                    if (kind == INVALID) {
                        t.add(INVALID, pos, pos, 0);
                        break;
                    }
                    pos = t.digits(kind, c == '.' ? pos + 1 : pos);
                } else if (c == '_') {
                    if (previous > SUFFIX_NO) {
                        t.add(INVALID, pos, pos, 0);
                        break;
                    }
                    int from = pos + 1;
                    int to = from;
                    while (to < text.length() && text.charAt(to) >= 'a' && text.charAt(to) <= 'z') {
                        to++;
                    }
                    int suffix = suffixValue(text, from, to);
                    if (suffix == SUFFIX_INVALID) {
                        t.add(INVALID, from, to, 0);
                        break;
                    }
                    t.add(SUFFIX, from, to, suffix);
                    pos = to;
                } else if (c == '~') {
                    if (previous >= COMMIT_HASH) {
                        t.add(INVALID, pos, pos, 0);
                        break;
                    }
                    int from = pos + 1;
                    int to = from;
                    while (to < text.length() && isLowerHex(text.charAt(to))) {
                        to++;
                    }
                    if (to == from) {
                        t.add(INVALID, pos, pos, 0);
                        break;
                    }
                    t.add(COMMIT_HASH, from, to, 0);
                    pos = to;
                } else if (c == '-') {
                    if (previous >= REVISION_NO || pos + 1 >= text.length() || text.charAt(pos + 1) != 'r') {
                        t.add(INVALID, pos, pos, 0);
                        break;
                    }
                    pos = t.digits(REVISION_NO, pos + 2);
                } else {
                    t.add(INVALID, pos, pos, 0);
                    break;
                }
                previous = t.kinds[t.count - 1];
            }
            return t;
        }

        private int digits(int kind, int from) {
            int to = from;
            while (to < text.length() && Numbers.isAsciiDigit(text.charAt(to))) {
                to++;
            }
            add(to == from ? INVALID : kind, from, to, 0);
            return to;
        }

        private static boolean isLowerHex(char c) {
            return Numbers.isAsciiDigit(c) || (c >= 'a' && c <= 'f');
        }

        private void add(int kind, int start, int end, long number) {
            if (count == kinds.length) {
                int n = count * 2;
                kinds = Arrays.copyOf(kinds, n);
                starts = Arrays.copyOf(starts, n);
                ends = Arrays.copyOf(ends, n);
                numbers = Arrays.copyOf(numbers, n);
            }
            kinds[count] = kind;
            starts[count] = start;
            ends[count] = end;
            numbers[count] = number;
            count++;
        }
    }

    /** A valid apk version with its tokens read once. */
    public static final class ApkVersion implements ParsedVersion {
        private final String text;
        private final Tokens tokens;

        ApkVersion(String text, Tokens tokens) {
            this.text = text;
            this.tokens = tokens;
        }

        @Override
        public String text() {
            return text;
        }

        @Override
        public int compareTo(ParsedVersion other) {
            return compareTokens(tokens, ((ApkVersion) other).tokens);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
