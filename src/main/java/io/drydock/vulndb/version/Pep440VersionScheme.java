package io.drydock.vulndb.version;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Python package versions (PEP 440, as the reference implementation {@code packaging.version} reads them):
 * {@code [N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]}, with the spellings PEP 440 normalises ({@code 1.0-alpha1},
 * {@code 1.0c1}, {@code 1.0.post}, {@code 1.0-1}, {@code v1.0}, any case, {@code _ - .} separators).
 *
 * <p>Order: epoch, release (trailing zeros ignored), then dev-only releases before pre-releases (a &lt; b &lt; rc)
 * before the release, post-releases after it, a dev release before the same version without it, and a local
 * version after the same public version (local segments: strings before numbers).
 */
public final class Pep440VersionScheme implements VersionScheme {
    public static final String NAME = "pep440";

    private static final Pattern VERSION = Pattern.compile(
            "v?+"
                    + "(?:(?<epoch>[0-9]+)!)?+"
                    + "(?<release>[0-9]+(?:\\.[0-9]+)*+)"
                    + "(?<pre>[._-]?+(?<preL>alpha|a|beta|b|preview|pre|c|rc)[._-]?+(?<preN>[0-9]+)?)?+"
                    + "(?<post>(?:-(?<postN1>[0-9]+))|(?:[._-]?(?<postL>post|rev|r)[._-]?(?<postN2>[0-9]+)?))?+"
                    + "(?<dev>[._-]?+(?<devL>dev)[._-]?+(?<devN>[0-9]+)?)?+"
                    + "(?:\\+(?<local>[a-z0-9]+(?:[._-][a-z0-9]+)*+))?+",
            Pattern.CASE_INSENSITIVE);

    // Ranks of the pre-release slot, as packaging's _cmpkey orders them.
    private static final int DEV_ONLY = -1;
    private static final int STABLE = 3;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean isValid(String version) {
        return read(version) instanceof Pep440Version;
    }

    @Override
    public int compare(String a, String b) {
        return parse(a).compareTo(parse(b));
    }

    @Override
    public Pep440Version parse(String version) {
        Object result = read(version);
        if (result instanceof Pep440Version v) {
            return v;
        }
        throw new InvalidVersionException(NAME, String.valueOf(version), (String) result);
    }

    /** The canonical spelling PEP 440 gives a version, e.g. {@code 1.0-alpha1 → 1.0a1}, {@code 1.0-1 → 1.0.post1}. */
    public String normalize(String version) {
        return parse(version).normalized();
    }

    private static Object read(String text) {
        if (text == null) {
            return "no version";
        }
        String s = strip(text);
        if (isPlainRelease(s)) {
            // "1.2.3": the common case, read without the regex (packaging has the same fast path)
            String[] parts = s.split("\\.");
            for (int i = 0; i < parts.length; i++) {
                parts[i] = Numbers.stripLeadingZeros(parts[i]);
            }
            return new Pep440Version(text, "0", parts, null, "0", null, null, null);
        }
        Matcher m = VERSION.matcher(s);
        if (!m.matches()) {
            return "does not match PEP 440";
        }
        String epoch = m.group("epoch") == null ? "0" : Numbers.stripLeadingZeros(m.group("epoch"));
        String[] releaseParts = m.group("release").split("\\.");
        for (int i = 0; i < releaseParts.length; i++) {
            releaseParts[i] = Numbers.stripLeadingZeros(releaseParts[i]);
        }
        String preLetter = null;
        String preNumber = "0";
        if (m.group("preL") != null) {
            preLetter = switch (m.group("preL").toLowerCase(Locale.ROOT)) {
                case "alpha", "a" -> "a";
                case "beta", "b" -> "b";
                default -> "rc"; // c, pre, preview, rc
            };
            preNumber = number(m.group("preN"));
        }
        String post = null;
        if (m.group("post") != null) {
            post = number(m.group("postN1") != null ? m.group("postN1") : m.group("postN2"));
        }
        String dev = m.group("devL") != null ? number(m.group("devN")) : null;
        List<Object> local = null;
        if (m.group("local") != null) {
            local = new ArrayList<>();
            for (String part : m.group("local").split("[._-]")) {
                local.add(Numbers.allDigits(part) ? (Object) new Digits(Numbers.stripLeadingZeros(part))
                        : part.toLowerCase(Locale.ROOT));
            }
        }
        return new Pep440Version(text, epoch, releaseParts, preLetter, preNumber, post, dev,
                local == null ? null : local.toArray());
    }

    /** Digits separated by single dots, nothing else. */
    private static boolean isPlainRelease(String s) {
        if (s.isEmpty() || !Numbers.isAsciiDigit(s.charAt(0)) || !Numbers.isAsciiDigit(s.charAt(s.length() - 1))) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.' ? s.charAt(i - 1) == '.' : !Numbers.isAsciiDigit(c)) {
                return false;
            }
        }
        return true;
    }

    private static String number(String digits) {
        return digits == null ? "0" : Numbers.stripLeadingZeros(digits);
    }

    /** Python's str.strip() removes Unicode whitespace, including no-break spaces. */
    private static String strip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isPythonSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && isPythonSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean isPythonSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || (c >= 0x1c && c <= 0x1f) || c == 0x85;
    }

    /** A numeric local-version segment (kept apart from strings: PEP 440 orders strings before numbers). */
    private record Digits(String value) {
        @Override
        public String toString() {
            return value;
        }
    }

    /** A PEP 440 version; numbers are digit strings without leading zeros, absent parts are null. */
    public static final class Pep440Version implements ParsedVersion, PlainKey {
        private final String text;
        private final String epoch;
        private final String[] release;
        private final int releaseLength; // without trailing zeros, which do not count when comparing
        private final String preLetter;
        private final String preNumber;
        private final String post;
        private final String dev;
        private final Object[] local;
        private final long[] plain; // the release numbers when nothing else is set and all fit a long, or null

        Pep440Version(String text, String epoch, String[] release, String preLetter, String preNumber, String post,
                String dev, Object[] local) {
            this.text = text;
            this.epoch = epoch;
            this.release = release;
            int n = release.length;
            while (n > 0 && release[n - 1].equals("0")) {
                n--;
            }
            this.releaseLength = n;
            this.preLetter = preLetter;
            this.preNumber = preNumber;
            this.post = post;
            this.dev = dev;
            this.local = local;
            this.plain = plainRelease();
        }

        /** "1.2.3" and the like: compared as number lists (trailing zeros aside), without the general rules. */
        private long[] plainRelease() {
            if (!epoch.equals("0") || preLetter != null || post != null || dev != null || local != null) {
                return null;
            }
            long[] numbers = new long[releaseLength];
            for (int i = 0; i < releaseLength; i++) {
                if (release[i].length() > 18) {
                    return null;
                }
                numbers[i] = Long.parseLong(release[i]);
            }
            return numbers;
        }

        @Override
        public String text() {
            return text;
        }

        public boolean isPreRelease() {
            return preLetter != null || dev != null;
        }

        /** A plain release of up to four numbers, zero-padded (PEP 440 ignores trailing zeros). */
        @Override
        public long[] plainKey() {
            return plain == null ? null : PlainKey.zeroPadded(plain, plain.length);
        }

        /** The normalised form, as str(packaging.version.Version(text)). */
        public String normalized() {
            StringBuilder sb = new StringBuilder();
            if (!epoch.equals("0")) {
                sb.append(epoch).append('!');
            }
            sb.append(String.join(".", release));
            if (preLetter != null) {
                sb.append(preLetter).append(preNumber);
            }
            if (post != null) {
                sb.append(".post").append(post);
            }
            if (dev != null) {
                sb.append(".dev").append(dev);
            }
            if (local != null) {
                sb.append('+');
                for (int i = 0; i < local.length; i++) {
                    sb.append(i == 0 ? "" : ".").append(local[i]);
                }
            }
            return sb.toString();
        }

        private int preRank() {
            if (preLetter == null) {
                return (post == null && dev != null) ? DEV_ONLY : STABLE;
            }
            return switch (preLetter) {
                case "a" -> 0;
                case "b" -> 1;
                default -> 2;
            };
        }

        @Override
        public int compareTo(ParsedVersion other) {
            Pep440Version o = (Pep440Version) other;
            if (plain != null && o.plain != null) {
                int n = Math.max(plain.length, o.plain.length);
                for (int i = 0; i < n; i++) {
                    int c = Long.compare(i < plain.length ? plain[i] : 0, i < o.plain.length ? o.plain[i] : 0);
                    if (c != 0) {
                        return c;
                    }
                }
                return 0;
            }
            int r = Numbers.compareDigits(epoch, o.epoch);
            if (r != 0) {
                return r;
            }
            int n = Math.max(releaseLength, o.releaseLength);
            for (int i = 0; i < n; i++) {
                String x = i < releaseLength ? release[i] : "0";
                String y = i < o.releaseLength ? o.release[i] : "0";
                r = Numbers.compareDigits(x, y);
                if (r != 0) {
                    return r;
                }
            }
            r = Integer.compare(preRank(), o.preRank());
            if (r != 0) {
                return r;
            }
            r = Numbers.compareDigits(preLetter == null ? "0" : preNumber, o.preLetter == null ? "0" : o.preNumber);
            if (r != 0) {
                return r;
            }
            r = Boolean.compare(post != null, o.post != null);
            if (r != 0) {
                return r;
            }
            if (post != null) {
                r = Numbers.compareDigits(post, o.post);
                if (r != 0) {
                    return r;
                }
            }
            // a dev release sorts before the same version without one
            r = Boolean.compare(dev == null, o.dev == null);
            if (r != 0) {
                return r;
            }
            if (dev != null) {
                r = Numbers.compareDigits(dev, o.dev);
                if (r != 0) {
                    return r;
                }
            }
            return compareLocal(local, o.local);
        }

        private static int compareLocal(Object[] a, Object[] b) {
            if (a == null || b == null) {
                return a == null ? (b == null ? 0 : -1) : 1;
            }
            int n = Math.min(a.length, b.length);
            for (int i = 0; i < n; i++) {
                Object x = a[i];
                Object y = b[i];
                int r;
                if (x instanceof Digits dx && y instanceof Digits dy) {
                    r = Numbers.compareDigits(dx.value(), dy.value());
                } else if (x instanceof Digits || y instanceof Digits) {
                    r = x instanceof Digits ? 1 : -1;
                } else {
                    r = Numbers.sign(((String) x).compareTo((String) y));
                }
                if (r != 0) {
                    return r;
                }
            }
            return Integer.compare(a.length, b.length);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
