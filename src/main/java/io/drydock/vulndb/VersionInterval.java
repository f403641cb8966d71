package io.drydock.vulndb;

import io.drydock.vulndb.version.ParsedVersion;

/**
 * A stretch of versions an OSV range marks affected, with the events that bound it. A null bound is open
 * (before every version, or without end); {@code lowerEvent} is null for an explicitly listed version.
 */
record VersionInterval(
        ParsedVersion lower,
        boolean lowerInclusive,
        RangeEvent lowerEvent,
        ParsedVersion upper,
        boolean upperInclusive,
        RangeEvent upperEvent) {

    boolean contains(ParsedVersion v) {
        return !belowLower(v) && withinUpper(v);
    }

    boolean belowLower(ParsedVersion v) {
        if (lower == null) {
            return false;
        }
        int c = v.compareTo(lower);
        return c < 0 || (c == 0 && !lowerInclusive);
    }

    boolean withinUpper(ParsedVersion v) {
        if (upper == null) {
            return true;
        }
        int c = v.compareTo(upper);
        return c < 0 || (c == 0 && upperInclusive);
    }
}
