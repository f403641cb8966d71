package io.drydock.vulndb.version;

/**
 * PHP's {@code version_compare()} (ext/standard/versioning.c), which Composer uses on normalised versions: the
 * string is canonicalised ({@code - _ +} become {@code .}, a dot is put between digit/non-digit runs), then parts
 * are compared left to right: numbers numerically, words by their rank
 * {@code dev < alpha = a < beta = b < RC = rc < # (a number) < pl = p}, a word that starts with none of these
 * below all of them.
 */
public final class PhpVersionCompare {
    private static final String[] FORMS = {"dev", "alpha", "a", "beta", "b", "RC", "rc", "#", "pl", "p"};
    private static final int[] FORM_ORDER = {0, 1, 1, 2, 2, 3, 3, 4, 5, 5};
    private static final String NUMBER = "#N#";

    private PhpVersionCompare() {
    }

    /** Negative, zero or positive, as PHP's version_compare($a, $b) returns -1, 0 or 1. */
    public static int compare(String a, String b) {
        if (a.isEmpty() || b.isEmpty()) {
            return a.isEmpty() ? (b.isEmpty() ? 0 : -1) : 1;
        }
        String v1 = a.charAt(0) == '#' ? a : canonicalize(a);
        String v2 = b.charAt(0) == '#' ? b : canonicalize(b);
        int p1 = 0;
        int p2 = 0;
        int n1 = 0;
        int n2 = 0;
        int compare = 0;
        while (p1 < v1.length() && p2 < v2.length() && n1 >= 0 && n2 >= 0) {
            n1 = v1.indexOf('.', p1);
            n2 = v2.indexOf('.', p2);
            String s1 = v1.substring(p1, n1 < 0 ? v1.length() : n1);
            String s2 = v2.substring(p2, n2 < 0 ? v2.length() : n2);
            boolean d1 = !s1.isEmpty() && Numbers.isAsciiDigit(s1.charAt(0));
            boolean d2 = !s2.isEmpty() && Numbers.isAsciiDigit(s2.charAt(0));
            if (d1 && d2) {
                compare = Long.compare(strtol(s1), strtol(s2));
            } else if (!d1 && !d2) {
                compare = compareForms(s1, s2);
            } else if (d1) {
                compare = compareForms(NUMBER, s2);
            } else {
                compare = compareForms(s1, NUMBER);
            }
            if (compare != 0) {
                break;
            }
            if (n1 >= 0) {
                p1 = n1 + 1;
            }
            if (n2 >= 0) {
                p2 = n2 + 1;
            }
        }
        if (compare == 0) {
            if (n1 >= 0) {
                String rest = v1.substring(p1);
                compare = !rest.isEmpty() && Numbers.isAsciiDigit(rest.charAt(0)) ? 1 : compare(rest, NUMBER);
            } else if (n2 >= 0) {
                String rest = v2.substring(p2);
                compare = !rest.isEmpty() && Numbers.isAsciiDigit(rest.charAt(0)) ? -1 : compare(NUMBER, rest);
            }
        }
        return compare;
    }

    /** PHP's strtol on a digit run: saturates at Long.MAX_VALUE, as the C library does. */
    private static long strtol(String digits) {
        long value = 0;
        for (int i = 0; i < digits.length() && Numbers.isAsciiDigit(digits.charAt(i)); i++) {
            int d = digits.charAt(i) - '0';
            if (value > (Long.MAX_VALUE - d) / 10) {
                return Long.MAX_VALUE;
            }
            value = value * 10 + d;
        }
        return value;
    }

    private static int compareForms(String form1, String form2) {
        return Integer.compare(formOrder(form1), formOrder(form2));
    }

    /** The rank of the first special form the word starts with (PHP matches prefixes), -1 for none. */
    private static int formOrder(String form) {
        for (int i = 0; i < FORMS.length; i++) {
            if (form.startsWith(FORMS[i])) {
                return FORM_ORDER[i];
            }
        }
        return -1;
    }

    static String canonicalize(String version) {
        StringBuilder q = new StringBuilder(version.length() * 2);
        char lp = version.charAt(0);
        q.append(lp);
        for (int i = 1; i < version.length(); i++) {
            char p = version.charAt(i);
            char lq = q.charAt(q.length() - 1);
            if (p == '-' || p == '_' || p == '+') {
                if (lq != '.') {
                    q.append('.');
                }
            } else if ((isNonDigit(lp) && isDigit(p)) || (isDigit(lp) && isNonDigit(p))) {
                if (lq != '.') {
                    q.append('.');
                }
                q.append(p);
            } else if (!Numbers.isAsciiDigit(p) && !Numbers.isAsciiLetter(p)) {
                if (lq != '.') {
                    q.append('.');
                }
            } else {
                q.append(p);
            }
            lp = p;
        }
        // Current PHP does not read a trailing separator as an empty last part: version_compare.phpt expects
        // "1.2(message)" to equal itself, which only holds when "1.2.(message." loses its final dot.
        if (q.length() > 1 && q.charAt(q.length() - 1) == '.') {
            q.setLength(q.length() - 1);
        }
        return q.toString();
    }

    private static boolean isDigit(char c) {
        return Numbers.isAsciiDigit(c);
    }

    private static boolean isNonDigit(char c) {
        return !Numbers.isAsciiDigit(c) && c != '.';
    }
}
