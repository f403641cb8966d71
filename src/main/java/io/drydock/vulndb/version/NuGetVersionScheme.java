package io.drydock.vulndb.version;

import java.util.Locale;

/**
 * NuGet package versions, read as {@code NuGetVersion.TryParse} reads them and ordered as
 * {@code VersionComparer.Default} orders them: up to four numeric parts (missing ones are 0; a fourth, legacy
 * part counts after the patch), then release labels as in SemVer 2.0 but compared case-insensitively; build
 * metadata is ignored.
 */
public final class NuGetVersionScheme implements VersionScheme {
    public static final String NAME = "nuget";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean isValid(String version) {
        return read(version) instanceof NuGetVersion;
    }

    @Override
    public int compare(String a, String b) {
        return parse(a).compareTo(parse(b));
    }

    @Override
    public NuGetVersion parse(String version) {
        Object result = read(version);
        if (result instanceof NuGetVersion v) {
            return v;
        }
        throw new InvalidVersionException(NAME, String.valueOf(version), (String) result);
    }

    private static Object read(String text) {
        if (text == null || text.isEmpty()) {
            return "empty";
        }
        String value = text.strip();
        // Split at the first '-' or '+' into version, labels and metadata, as NuGet's ParseSections does:
        // a trailing '-' or '+' stays part of the section before it and so makes it invalid.
        String versionPart = null;
        String labels = null;
        String metadata = null;
        int dash = -1;
        int plus = -1;
        for (int i = 0; i < value.length(); i++) {
            boolean end = i == value.length() - 1;
            char c = value.charAt(i);
            if (dash < 0) {
                if (end || c == '-' || c == '+') {
                    versionPart = value.substring(0, i + (end ? 1 : 0));
                    dash = i;
                    if (c == '+') {
                        plus = i;
                    }
                }
            } else if (plus < 0) {
                if (end || c == '+') {
                    labels = value.substring(dash + 1, i + (end ? 1 : 0));
                    plus = i;
                }
            } else if (end) {
                metadata = value.substring(plus + 1, i + 1);
            }
        }
        if (versionPart == null || versionPart.isBlank()) {
            return "no version number";
        }
        int[] parts = numbers(versionPart);
        if (parts == null) {
            return "expected one to four numbers separated by dots";
        }
        String[] releaseLabels = null;
        if (labels != null) {
            releaseLabels = labels.split("\\.", -1);
            for (String label : releaseLabels) {
                if (!validPart(label, false)) {
                    return "invalid release label \"" + label + "\"";
                }
            }
        }
        if (metadata != null) {
            for (String part : metadata.split("\\.", -1)) {
                if (!validPart(part, true)) {
                    return "invalid build metadata";
                }
            }
        }
        return new NuGetVersion(text, parts, releaseLabels == null ? new String[0] : releaseLabels);
    }

    /** Up to four int-sized numbers; blanks around a number are allowed, an empty or trailing part is not. */
    private static int[] numbers(String s) {
        int[] out = new int[4];
        int pos = 0;
        for (int part = 0; part < 4 && pos < s.length(); part++) {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
            long value = 0;
            int digitsFrom = pos;
            while (pos < s.length() && Numbers.isAsciiDigit(s.charAt(pos))) {
                value = value * 10 + (s.charAt(pos) - '0');
                if (value > Integer.MAX_VALUE) {
                    return null;
                }
                pos++;
            }
            if (pos == digitsFrom) {
                return null;
            }
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
            out[part] = (int) value;
            if (pos < s.length()) {
                if (s.charAt(pos) != '.' || pos == s.length() - 1) {
                    return null;
                }
                pos++;
            }
        }
        return pos == s.length() ? out : null;
    }

    private static boolean validPart(String s, boolean allowLeadingZeros) {
        if (s.isEmpty()) {
            return false;
        }
        if (!allowLeadingZeros && s.length() > 1 && s.charAt(0) == '0' && Numbers.allDigits(s)) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!Numbers.isAsciiDigit(c) && !Numbers.isAsciiLetter(c) && c != '-') {
                return false;
            }
        }
        return true;
    }

    /** .NET int.TryParse on a label: an optional '-' and digits that fit an int. */
    private static Integer labelNumber(String label) {
        int from = label.startsWith("-") ? 1 : 0;
        if (!Numbers.allDigits(label, from, label.length())) {
            return null;
        }
        try {
            return Integer.parseInt(label);
        } catch (NumberFormatException tooBig) {
            return null;
        }
    }

    /** A NuGet version: four numbers and the release labels (empty for a release). */
    public record NuGetVersion(String text, int[] numbers, String[] releaseLabels) implements ParsedVersion {
        public boolean isPreRelease() {
            return releaseLabels.length > 0;
        }

        @Override
        public int compareTo(ParsedVersion other) {
            NuGetVersion o = (NuGetVersion) other;
            for (int i = 0; i < 4; i++) {
                int r = Integer.compare(numbers[i], o.numbers[i]);
                if (r != 0) {
                    return r;
                }
            }
            if (releaseLabels.length == 0 || o.releaseLabels.length == 0) {
                return releaseLabels.length == 0 ? (o.releaseLabels.length == 0 ? 0 : 1) : -1;
            }
            int n = Math.max(releaseLabels.length, o.releaseLabels.length);
            for (int i = 0; i < n; i++) {
                if (i >= releaseLabels.length) {
                    return -1;
                }
                if (i >= o.releaseLabels.length) {
                    return 1;
                }
                int r = compareLabel(releaseLabels[i], o.releaseLabels[i]);
                if (r != 0) {
                    return r;
                }
            }
            return 0;
        }

        private static int compareLabel(String a, String b) {
            Integer x = labelNumber(a);
            Integer y = labelNumber(b);
            if (x != null && y != null) {
                return Integer.compare(x, y);
            }
            if (x != null || y != null) {
                return x != null ? -1 : 1;
            }
            return Numbers.sign(a.toUpperCase(Locale.ROOT).compareTo(b.toUpperCase(Locale.ROOT)));
        }
    }
}
