package io.drydock.vulndb.version;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * Maven artifact versions, ordered with the semantics of Maven's {@code ComparableVersion} (as of Maven 4,
 * including MNG-5568, MNG-6572, MNG-6964, MNG-7644 and MNG-7714): a version is a list of items split at
 * {@code .}, {@code -} and digit/letter transitions, where {@code -} (and a qualifier after {@code .}) opens a
 * sub-list; numbers compare numerically and beat qualifiers; known qualifiers order
 * {@code alpha < beta < milestone < rc = cr < snapshot < "" = ga = final = release < sp}, unknown ones after
 * them alphabetically (case-insensitive); trailing zeros and empty qualifiers are dropped, so
 * {@code 1 = 1.0 = 1.0.0 = 1-0 = 1-ga}.
 *
 * <p>Every string is a Maven version (Maven never rejects one); Drydock treats only the empty string and strings
 * with whitespace or control characters as invalid.
 */
public final class MavenVersionScheme implements VersionScheme {
    public static final String NAME = "maven";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean isValid(String version) {
        if (version == null || version.isEmpty()) {
            return false;
        }
        for (int i = 0; i < version.length(); i++) {
            char c = version.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int compare(String a, String b) {
        return parse(a).compareTo(parse(b));
    }

    @Override
    public MavenVersion parse(String version) {
        if (!isValid(version)) {
            throw new InvalidVersionException(NAME, String.valueOf(version), "empty or contains whitespace");
        }
        return new MavenVersion(version, read(version), plainNumbers(version));
    }

    /**
     * The numbers of a version made of dot-separated numbers only ("1.2.3"), trailing zeros dropped, or null.
     * Maven pads such versions with zeros, so two of them compare as their number lists do: a shortcut for the
     * most common versions that touches one array instead of the item lists.
     */
    private static long[] plainNumbers(String version) {
        if (!isDottedNumbers(version)) {
            return null;
        }
        String[] parts = version.split("\\.");
        int n = parts.length;
        long[] numbers = new long[n];
        for (int i = 0; i < n; i++) {
            String digits = Numbers.stripLeadingZeros(parts[i]);
            if (digits.length() > 18) {
                return null;
            }
            numbers[i] = Long.parseLong(digits);
        }
        while (n > 0 && numbers[n - 1] == 0) {
            n--;
        }
        return n == numbers.length ? numbers : Arrays.copyOf(numbers, n);
    }

    // ---- items -------------------------------------------------------------------------------------------------

    private static final List<String> QUALIFIER_ORDER = List.of("alpha", "beta", "milestone", "rc", "snapshot", "", "sp");
    private static final String RELEASE_RANK = String.valueOf(QUALIFIER_ORDER.indexOf(""));

    private sealed interface Item permits Num, Qualifier, Combination, Sublist {
        /** Compares with another item, or with the padding an absent item stands for when {@code other} is null. */
        int compareTo(Item other);

        boolean isNull();
    }

    /** A number, kept as digits without leading zeros. */
    private record Num(String digits) implements Item {
        static final Num ZERO = new Num("0");

        @Override
        public boolean isNull() {
            return digits.equals("0");
        }

        @Override
        public int compareTo(Item other) {
            if (other == null) {
                return isNull() ? 0 : 1;
            }
            if (other instanceof Num n) {
                return Numbers.compareDigits(digits, n.digits);
            }
            return 1; // a number beats a qualifier, a combination and a sub-list
        }
    }

    /** A word qualifier ("alpha", "sp", "redhat", …), already resolved to its alias. */
    private record Qualifier(String value) implements Item {
        static Qualifier of(String value, boolean followedByDigit) {
            if (followedByDigit && value.length() == 1) {
                // a1 = alpha-1, b1 = beta-1, m1 = milestone-1
                switch (value.charAt(0)) {
                    case 'a' -> value = "alpha";
                    case 'b' -> value = "beta";
                    case 'm' -> value = "milestone";
                    default -> {
                    }
                }
            }
            return new Qualifier(value.equals("cr") ? "rc" : value);
        }

        /** Known qualifiers map to their rank; unknown ones sort after all of them, alphabetically. */
        static String rank(String qualifier) {
            if (qualifier.equals("ga") || qualifier.equals("final") || qualifier.equals("release")) {
                return RELEASE_RANK;
            }
            int i = QUALIFIER_ORDER.indexOf(qualifier);
            return i == -1 ? QUALIFIER_ORDER.size() + "-" + qualifier : String.valueOf(i);
        }

        @Override
        public boolean isNull() {
            return value.isEmpty();
        }

        @Override
        public int compareTo(Item other) {
            if (other == null) {
                return Numbers.sign(rank(value).compareTo(RELEASE_RANK)); // 1-rc < 1, 1-sp > 1
            }
            if (other instanceof Qualifier q) {
                return Numbers.sign(rank(value).compareTo(rank(q.value)));
            }
            if (other instanceof Combination c) {
                int r = compareTo(c.word);
                return r == 0 ? -1 : r; // X < X1
            }
            return -1; // below numbers and sub-lists
        }
    }

    /** A qualifier glued to a number ("rc1", "sp-2" read as "sp2"). */
    private record Combination(Qualifier word, Num number) implements Item {
        @Override
        public boolean isNull() {
            return false;
        }

        @Override
        public int compareTo(Item other) {
            if (other == null) {
                return word.compareTo(null);
            }
            if (other instanceof Qualifier q) {
                int r = word.compareTo(q);
                return r == 0 ? 1 : r;
            }
            if (other instanceof Combination c) {
                int r = word.compareTo(c.word);
                return r == 0 ? number.compareTo(c.number) : r;
            }
            return -1;
        }
    }

    /** A list of items; a {@code -} opens a nested one. */
    private static final class Sublist implements Item {
        final List<Item> items = new ArrayList<>(4);

        @Override
        public boolean isNull() {
            return items.isEmpty();
        }

        /** Drops null items that do not separate anything: trailing ones, and ones before a qualifier. */
        void normalize() {
            for (int i = items.size() - 1; i >= 0; i--) {
                Item item = items.get(i);
                if (!item.isNull()) {
                    continue;
                }
                if (i == items.size() - 1 || items.get(i + 1) instanceof Qualifier) {
                    items.remove(i);
                } else if (items.get(i + 1) instanceof Sublist next) {
                    Item first = next.items.get(0);
                    if (first instanceof Combination || first instanceof Qualifier) {
                        items.remove(i);
                    }
                }
            }
        }

        @Override
        public int compareTo(Item other) {
            if (other == null) {
                for (Item item : items) {
                    int r = item.compareTo(null);
                    if (r != 0) {
                        return r;
                    }
                }
                return 0;
            }
            if (other instanceof Sublist s) {
                int n = Math.max(items.size(), s.items.size());
                for (int i = 0; i < n; i++) {
                    Item l = i < items.size() ? items.get(i) : null;
                    Item r = i < s.items.size() ? s.items.get(i) : null;
                    int result = l == null ? (r == null ? 0 : -r.compareTo(null)) : l.compareTo(r);
                    if (result != 0) {
                        return result;
                    }
                }
                return 0;
            }
            if (other instanceof Num) {
                return -1; // 1-1 < 1.1
            }
            return 1; // above qualifiers and combinations
        }
    }

    private static Item item(boolean combination, boolean digits, String text) {
        if (combination) {
            String glued = text.replace("-", "");
            int firstDigit = 0;
            for (int i = 0; i < glued.length(); i++) {
                if (Character.isDigit(glued.charAt(i))) {
                    firstDigit = i;
                    break;
                }
            }
            return new Combination(Qualifier.of(glued.substring(0, firstDigit), true),
                    number(glued.substring(firstDigit)));
        }
        if (digits) {
            return number(text);
        }
        return Qualifier.of(text, false);
    }

    private static Num number(String text) {
        String ascii = text;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                // Maven reads any Unicode digit (Integer.parseInt does); write them as ASCII digits
                StringBuilder sb = new StringBuilder(text.length());
                for (int j = 0; j < text.length(); j++) {
                    sb.append((char) ('0' + Character.digit(text.charAt(j), 10)));
                }
                ascii = sb.toString();
                break;
            }
        }
        String digits = ascii.isEmpty() ? "0" : Numbers.stripLeadingZeros(ascii);
        return digits.equals("0") ? Num.ZERO : new Num(digits);
    }

    /** Splits a version into nested item lists, reading it left to right as Maven does. */
    private static Sublist read(String version) {
        if (isDottedNumbers(version)) {
            // "1.2.3", the common case: numbers only, trailing zeros dropped, exactly what the full reading gives
            Sublist plain = new Sublist();
            int start = 0;
            for (int i = 0; i <= version.length(); i++) {
                if (i == version.length() || version.charAt(i) == '.') {
                    plain.items.add(number(version.substring(start, i)));
                    start = i + 1;
                }
            }
            while (!plain.items.isEmpty() && plain.items.get(plain.items.size() - 1).isNull()) {
                plain.items.remove(plain.items.size() - 1);
            }
            return plain;
        }
        return readItems(version);
    }

    private static boolean isDottedNumbers(String s) {
        if (s.isEmpty() || s.charAt(0) == '.' || s.charAt(s.length() - 1) == '.') {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.' ? s.charAt(i - 1) == '.' : !(c >= '0' && c <= '9')) {
                return false;
            }
        }
        return true;
    }

    private static Sublist readItems(String version) {
        String v = version.toLowerCase(Locale.ENGLISH);
        Sublist root = new Sublist();
        Sublist list = root;
        Deque<Sublist> opened = new ArrayDeque<>();
        opened.push(list);
        boolean inDigits = false;
        boolean combination = false;
        int start = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            int charStart = i;
            if (Character.isHighSurrogate(c) && i + 1 < v.length()) {
                i++; // a supplementary character is one letter, whatever its pair of chars
                c = 'x';
            }
            if (c == '.') {
                list.items.add(i == start ? Num.ZERO : item(combination, inDigits, v.substring(start, i)));
                combination = false;
                start = i + 1;
            } else if (c == '-') {
                if (i == start) {
                    list.items.add(Num.ZERO);
                } else {
                    // "X-1" is read as "X1"
                    if (!inDigits && i != v.length() - 1 && Character.isDigit(v.charAt(i + 1))) {
                        combination = true;
                        continue;
                    }
                    list.items.add(item(combination, inDigits, v.substring(start, i)));
                }
                start = i + 1;
                if (!list.items.isEmpty()) {
                    list = open(list, opened);
                }
                combination = false;
            } else if (c >= '0' && c <= '9') {
                if (!inDigits && i > start) {
                    combination = true; // "X1"
                    if (!list.items.isEmpty()) {
                        list = open(list, opened);
                    }
                }
                inDigits = true;
            } else {
                if (inDigits && charStart > start) {
                    list.items.add(item(combination, true, v.substring(start, charStart)));
                    start = charStart;
                    list = open(list, opened);
                    combination = false;
                }
                inDigits = false;
            }
        }
        if (v.length() > start) {
            // "1.0.0.X1" < "1.0.0-X2": a qualifier after '.' is read as if after '-'
            if (!inDigits && !list.items.isEmpty()) {
                list = open(list, opened);
            }
            list.items.add(item(combination, inDigits, v.substring(start)));
        }
        while (!opened.isEmpty()) {
            opened.pop().normalize();
        }
        return root;
    }

    private static Sublist open(Sublist parent, Deque<Sublist> opened) {
        Sublist child = new Sublist();
        parent.items.add(child);
        opened.push(child);
        return child;
    }

    /** A Maven version read into its item lists. */
    public static final class MavenVersion implements ParsedVersion, PlainKey {
        private final String text;
        private final Sublist items;
        private final long[] plain;

        MavenVersion(String text, Sublist items, long[] plain) {
            this.text = text;
            this.items = items;
            this.plain = plain;
        }

        @Override
        public String text() {
            return text;
        }

        /** Up to four dot-separated numbers, zero-padded (Maven pads with zeros: 1.2 equals 1.2.0). */
        @Override
        public long[] plainKey() {
            return plain == null ? null : PlainKey.zeroPadded(plain, plain.length);
        }

        @Override
        public int compareTo(ParsedVersion other) {
            MavenVersion o = (MavenVersion) other;
            if (plain != null && o.plain != null) {
                int n = Math.max(plain.length, o.plain.length);
                for (int i = 0; i < n; i++) {
                    int r = Long.compare(i < plain.length ? plain[i] : 0, i < o.plain.length ? o.plain[i] : 0);
                    if (r != 0) {
                        return r;
                    }
                }
                return 0;
            }
            return Numbers.sign(items.compareTo(o.items));
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
