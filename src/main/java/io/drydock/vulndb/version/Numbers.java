package io.drydock.vulndb.version;

/**
 * Comparison of unbounded decimal digit runs, so that no scheme overflows on a long numeric part (dates,
 * build numbers and commit counters reach past 2^63 in real version strings).
 */
final class Numbers {
    private Numbers() {
    }

    /** Compares s[from, to) and t[tFrom, tTo) as non-negative integers; both ranges hold ASCII digits only. */
    static int compareDigits(CharSequence s, int from, int to, CharSequence t, int tFrom, int tTo) {
        while (from < to && s.charAt(from) == '0') {
            from++;
        }
        while (tFrom < tTo && t.charAt(tFrom) == '0') {
            tFrom++;
        }
        int lengthDifference = (to - from) - (tTo - tFrom);
        if (lengthDifference != 0) {
            return lengthDifference < 0 ? -1 : 1;
        }
        for (; from < to; from++, tFrom++) {
            int d = s.charAt(from) - t.charAt(tFrom);
            if (d != 0) {
                return d < 0 ? -1 : 1;
            }
        }
        return 0;
    }

    static int compareDigits(String a, String b) {
        return compareDigits(a, 0, a.length(), b, 0, b.length());
    }

    static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    static boolean allDigits(CharSequence s, int from, int to) {
        if (from >= to) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (!isAsciiDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static boolean allDigits(String s) {
        return allDigits(s, 0, s.length());
    }

    /** Removes leading zeros, keeping one zero for an all-zero run. */
    static String stripLeadingZeros(String digits) {
        int i = 0;
        while (i < digits.length() - 1 && digits.charAt(i) == '0') {
            i++;
        }
        return digits.substring(i);
    }

    static int sign(int value) {
        return Integer.compare(value, 0);
    }
}
