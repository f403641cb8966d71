package io.drydock.scan;

import java.util.Locale;

/** Severity levels, most severe first, shared by every feed's vocabulary (see {@link #of}). */
public enum Rating {
    CRITICAL, HIGH, MEDIUM, LOW, NEGLIGIBLE, UNKNOWN;

    /**
     * The level a feed's label means: CVSS ratings, GitHub's {@code MODERATE}, Debian's urgencies
     * ({@code unimportant}, {@code low*}, {@code medium**}), Ubuntu's priorities, Red Hat's {@code important}
     * and {@code moderate}. Unknown labels, and Debian's "not yet assigned", are UNKNOWN.
     */
    public static Rating of(String label) {
        if (label == null) {
            return UNKNOWN;
        }
        String l = label.strip().toLowerCase(Locale.ROOT).replaceAll("[*!]+$", "");
        return switch (l) {
            case "critical" -> CRITICAL;
            case "high", "important" -> HIGH;
            case "medium", "moderate" -> MEDIUM;
            case "low" -> LOW;
            case "negligible", "unimportant", "none" -> NEGLIGIBLE;
            default -> UNKNOWN;
        };
    }

    public String label() {
        return name();
    }

    /** For {@code --severity}: names as printed, in any case. */
    public static Rating parse(String text) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown severity \"" + text + "\"; use CRITICAL, HIGH, MEDIUM, LOW, NEGLIGIBLE or UNKNOWN");
        }
    }
}
