package io.drydock.policy;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A duration as policies write it: a whole number and one unit, {@code s}, {@code m} (minutes), {@code h}, {@code d}
 * or {@code w}. Months and years are left out on purpose: their length varies, and a limit should mean the same
 * thing every day.
 */
public final class PolicyDuration {
    private static final Pattern SYNTAX = Pattern.compile("(\\d{1,9})([smhdw])");

    private PolicyDuration() {
    }

    /** @throws IllegalArgumentException with a message fit for the user when {@code text} is not such a duration */
    public static Duration parse(String text) {
        Matcher m = SYNTAX.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration: use a whole number and one unit, "
                    + "s, m (minutes), h, d or w, e.g. 24h or 180d");
        }
        long n = Long.parseLong(m.group(1));
        if (n == 0) {
            throw new IllegalArgumentException("'" + text + "' is zero: a limit of no time at all cannot be met");
        }
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofDays(7 * n);
        };
    }

    /** The largest unit up to days that {@link #parse} reads back: {@code 180d} rather than {@code 4320h}; weeks are days. */
    public static String format(Duration d) {
        long s = d.getSeconds();
        if (s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s % 3_600 == 0) {
            return s / 3_600 + "h";
        }
        if (s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }
}
