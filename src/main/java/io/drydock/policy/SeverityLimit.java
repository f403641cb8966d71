package io.drydock.policy;

import io.drydock.scan.Rating;
import java.util.Locale;

/**
 * The most severe rating a severity rule lets through. A finding fails when its rating is strictly more severe than
 * the limit. A finding without a rating ({@link Rating#UNKNOWN}) is judged as {@link #CRITICAL}, the worst it could
 * turn out to be: nothing shows it is within a lower limit, so only {@code CRITICAL} lets it through. {@link #NONE}
 * lets nothing through, not even negligible or unrated findings.
 */
public enum SeverityLimit {
    CRITICAL(4), HIGH(3), MEDIUM(2), LOW(1), NEGLIGIBLE(0), NONE(-1);

    /** The values a policy may write, in the order messages list them. */
    static final String VALUES = "CRITICAL, HIGH, MEDIUM, LOW, NEGLIGIBLE or NONE";

    private final int rank;

    SeverityLimit(int rank) {
        this.rank = rank;
    }

    public boolean exceededBy(Rating rating) {
        return rank(rating) > rank;
    }

    private static int rank(Rating rating) {
        return switch (rating) {
            case CRITICAL, UNKNOWN -> 4;
            case HIGH -> 3;
            case MEDIUM -> 2;
            case LOW -> 1;
            case NEGLIGIBLE -> 0;
        };
    }

    /**
     * @throws IllegalArgumentException for anything else, UNKNOWN included: read against {@link Rating}'s order (where
     *     it comes last) it would look like the strictest limit, and read as a rating it would let everything through,
     *     so it is refused rather than guessed at
     */
    static SeverityLimit parse(String text) {
        String t = text.strip().toUpperCase(Locale.ROOT);
        if (t.equals("UNKNOWN")) {
            throw new IllegalArgumentException("UNKNOWN is not a limit: unrated findings are judged as CRITICAL, so use"
                    + " CRITICAL to let every finding through, or NONE to let none through");
        }
        try {
            return valueOf(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a severity; use " + VALUES);
        }
    }
}
