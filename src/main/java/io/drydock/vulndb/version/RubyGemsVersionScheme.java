package io.drydock.vulndb.version;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RubyGems versions, ordered as {@code Gem::Version#<=>} orders them: the version is cut into numeric and
 * alphabetic segments; any letter makes it a pre-release, and a string segment sorts before a numeric one (so
 * {@code 1.0.a < 1.0}); a {@code -} is read as {@code .pre.}; trailing zeros are ignored
 * ({@code 1.0 == 1.0.0}), as are zeros just before the first letter of a pre-release
 * ({@code 0.beta.1 == 0.0.beta.1}).
 */
public final class RubyGemsVersionScheme implements VersionScheme {
    public static final String NAME = "rubygems";

    private static final Pattern CORRECT = Pattern.compile(
            "[ \\t\\r\\n\\f\\u000B]*([0-9]+(?>\\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?)?[ \\t\\r\\n\\f\\u000B]*");
    private static final Pattern TRAILING_ZEROS = Pattern.compile("(?<=[a-zA-Z.])[.0]+\\z");
    private static final Pattern ZEROS_BEFORE_LETTER = Pattern.compile("(?<=\\.|^)[0.]+(?=[a-zA-Z])");
    private static final Pattern SEGMENT = Pattern.compile("[0-9]+|[a-zA-Z]+");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean isValid(String version) {
        return version != null && CORRECT.matcher(version).matches();
    }

    @Override
    public int compare(String a, String b) {
        return parse(a).compareTo(parse(b));
    }

    @Override
    public GemVersion parse(String version) {
        if (!isValid(version)) {
            throw new InvalidVersionException(NAME, String.valueOf(version), "malformed version number string");
        }
        String v = version.strip();
        if (v.isEmpty()) {
            v = "0";
        }
        v = v.replace("-", ".pre.");
        String canonical = TRAILING_ZEROS.matcher(v).replaceFirst("");
        boolean preRelease = hasLetter(v);
        if (preRelease) {
            canonical = ZEROS_BEFORE_LETTER.matcher(canonical).replaceFirst("");
        }
        return new GemVersion(version, v, segments(canonical), preRelease);
    }

    private static boolean hasLetter(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Numbers.isAsciiLetter(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** Numeric segments become {@link Long}-free digit strings marked numeric; letters stay strings. */
    private static Segment[] segments(String s) {
        List<Segment> out = new ArrayList<>();
        Matcher m = SEGMENT.matcher(s);
        while (m.find()) {
            String part = m.group();
            boolean numeric = Numbers.isAsciiDigit(part.charAt(0));
            out.add(new Segment(numeric ? Numbers.stripLeadingZeros(part) : part, numeric));
        }
        return out.toArray(Segment[]::new);
    }

    private record Segment(String value, boolean numeric) {
        boolean isZero() {
            return numeric && value.equals("0");
        }
    }

    /** A parsed gem version with its canonical segments. */
    public static final class GemVersion implements ParsedVersion {
        private final String text;
        private final String version;
        private final Segment[] canonical;
        private final boolean preRelease;

        GemVersion(String text, String version, Segment[] canonical, boolean preRelease) {
            this.text = text;
            this.version = version;
            this.canonical = canonical;
            this.preRelease = preRelease;
        }

        @Override
        public String text() {
            return text;
        }

        public boolean isPreRelease() {
            return preRelease;
        }

        @Override
        public int compareTo(ParsedVersion other) {
            GemVersion o = (GemVersion) other;
            if (version.equals(o.version)) {
                return 0;
            }
            Segment[] l = canonical;
            Segment[] r = o.canonical;
            int limit = Math.min(l.length, r.length);
            for (int i = 0; i < limit; i++) {
                Segment a = l[i];
                Segment b = r[i];
                if (a.numeric() != b.numeric()) {
                    return a.numeric() ? 1 : -1;
                }
                int c = a.numeric() ? Numbers.compareDigits(a.value(), b.value())
                        : Numbers.sign(a.value().compareTo(b.value()));
                if (c != 0) {
                    return c;
                }
            }
            // equal so far: what remains on the longer side decides, unless it is only zeros
            for (int i = limit; i < r.length; i++) {
                if (!r[i].numeric()) {
                    return 1;
                }
                if (!r[i].isZero()) {
                    return -1;
                }
            }
            for (int i = limit; i < l.length; i++) {
                if (!l[i].numeric()) {
                    return -1;
                }
                if (!l[i].isZero()) {
                    return 1;
                }
            }
            return 0;
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
