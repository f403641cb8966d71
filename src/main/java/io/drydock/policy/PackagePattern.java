package io.drydock.policy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A banned-package pattern: a glob over a purl without its qualifiers and subpath, {@code *} matching any run of
 * characters and {@code ?} any one. Without a version ({@code pkg:npm/event-stream}) it bans every version; with one
 * ({@code pkg:maven/log4j/log4j@1.*}) the version is a glob too. Both sides are compared percent-decoded, so
 * {@code pkg:npm/@babel/*} matches {@code pkg:npm/%40babel/core@7.24.0}, and
 * {@code pkg:deb/debian/openssl@3.0.11-1~deb12u2} matches the purl Drydock writes with {@code %7E}.
 */
public record PackagePattern(String glob) {

    /** @throws IllegalArgumentException with a message fit for the user when {@code glob} cannot match a purl */
    public PackagePattern {
        if (!glob.startsWith("pkg:") || glob.indexOf('/') < 0) {
            throw new IllegalArgumentException("'" + glob + "' is not a package URL pattern such as pkg:npm/event-stream"
                    + " or pkg:maven/log4j/log4j@1.*");
        }
        // '?' is a glob character here, so a qualifier would silently turn into one and never match
        if (glob.contains("=") || glob.contains("#")) {
            throw new IllegalArgumentException("'" + glob + "' has qualifiers or a subpath; patterns compare the purl"
                    + " without them, so leave them out");
        }
    }

    public boolean matches(String purl) {
        return matcher().test(purl);
    }

    /** The pattern compiled once, for matching many purls. */
    public Predicate<String> matcher() {
        String[] wanted = split(glob);
        Pattern name = regex(wanted[0]);
        Pattern version = wanted[1] == null ? null : regex(wanted[1]);
        return purl -> {
            String[] actual = split(withoutQualifiers(purl));
            if (!name.matcher(decode(actual[0])).matches()) {
                return false;
            }
            return version == null || actual[1] != null && version.matcher(decode(actual[1])).matches();
        };
    }

    /**
     * Name and version, split at the undecoded {@code @} that follows the name. A purl percent-encodes an {@code @} in
     * its namespace (npm scopes are {@code %40scope}), but people write {@code pkg:npm/@scope/name}; an {@code @}
     * right after a {@code /} starts a scope, never a version, so both forms read the same.
     */
    private static String[] split(String purl) {
        for (int at = purl.indexOf('@'); at >= 0; at = purl.indexOf('@', at + 1)) {
            if (at > 0 && purl.charAt(at - 1) != '/') {
                return new String[] {purl.substring(0, at), purl.substring(at + 1)};
            }
        }
        return new String[] {purl, null};
    }

    private static String withoutQualifiers(String purl) {
        int cut = purl.length();
        for (char c : new char[] {'?', '#'}) {
            int i = purl.indexOf(c);
            if (i >= 0 && i < cut) {
                cut = i;
            }
        }
        return purl.substring(0, cut);
    }

    private static Pattern regex(String glob) {
        StringBuilder re = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : decode(glob).toCharArray()) {
            if (c == '*' || c == '?') {
                re.append(Pattern.quote(literal.toString())).append(c == '*' ? ".*" : ".");
                literal.setLength(0);
            } else {
                literal.append(c);
            }
        }
        return Pattern.compile(re.append(Pattern.quote(literal.toString())).toString());
    }

    /** Percent-decoding as purls use it; unlike URL form decoding, {@code +} stays a plus. */
    private static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder();
        ByteArrayOutputStream run = new ByteArrayOutputStream(); // consecutive escapes form one UTF-8 sequence
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2))) {
                run.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.append(run.toString(StandardCharsets.UTF_8)).append(c);
                run.reset();
            }
        }
        return out.append(run.toString(StandardCharsets.UTF_8)).toString();
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }
}
