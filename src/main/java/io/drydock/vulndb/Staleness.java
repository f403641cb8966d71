package io.drydock.vulndb;

import java.time.Duration;
import java.time.Instant;

/**
 * How old the DB is against the age a scan accepts. A scan warns when {@link #stale()}; with
 * {@code --db-max-age} it fails instead.
 */
public record Staleness(Instant builtAt, Instant now, Duration age, Duration maxAge) {
    /** The default accepted age. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(5);

    public static Staleness of(Instant builtAt, Instant now, Duration maxAge) {
        return new Staleness(builtAt, now, Duration.between(builtAt, now), maxAge);
    }

    public boolean stale() {
        return age.compareTo(maxAge) > 0;
    }

    public String message() {
        return "the advisory DB was built " + describe(age) + " ago (" + builtAt + ")"
                + (stale() ? ", older than the accepted " + describe(maxAge) + "; run drydock db update" : "");
    }

    private static String describe(Duration d) {
        if (d.toDays() >= 2) {
            return d.toDays() + " days";
        }
        if (d.toHours() >= 2) {
            return d.toHours() + " hours";
        }
        return Math.max(0, d.toMinutes()) + " minutes";
    }
}
