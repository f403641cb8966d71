package io.drydock.vulndb;

import io.drydock.vulndb.version.ParsedVersion;
import io.drydock.vulndb.version.VersionScheme;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns an OSV range into the version intervals it marks affected, exactly as the schema's evaluation
 * pseudocode decides (https://ossf.github.io/osv-schema/#evaluation): events are sorted by version (stable, so
 * events at one version keep their order), and a version's state is set by the last event that applies to it —
 * {@code introduced} and {@code fixed} apply from their version on, {@code last_affected} after it; a version at
 * or past every {@code limit} is not affected.
 */
final class RangeIntervals {
    private RangeIntervals() {
    }

    private record Point(ParsedVersion version, List<RangeEvent> events) {
    }

    static List<VersionInterval> of(AffectedRange range, VersionScheme scheme) {
        boolean fromStart = false;
        RangeEvent startEvent = null;
        ParsedVersion limit = null;
        RangeEvent limitEvent = null;
        boolean limited = false;
        boolean unlimited = false;
        List<ParsedVersion> parsed = new ArrayList<>();
        List<RangeEvent> placed = new ArrayList<>();
        for (RangeEvent e : range.events()) {
            if (e.isFromTheStart()) {
                // "introduced 0" sorts first: the state starts out affected
                fromStart = true;
                startEvent = e;
            } else if (e.kind() == RangeEvent.Kind.LIMIT) {
                limited = true;
                if (e.isUnlimited()) {
                    unlimited = true;
                } else {
                    ParsedVersion v = scheme.parse(e.version());
                    if (limit == null || v.compareTo(limit) > 0) {
                        limit = v;
                        limitEvent = e;
                    }
                }
            } else {
                parsed.add(scheme.parse(e.version()));
                placed.add(e);
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < parsed.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparing(parsed::get)); // List.sort is stable
        List<Point> points = new ArrayList<>();
        for (int i : order) {
            if (!points.isEmpty() && points.get(points.size() - 1).version().compareTo(parsed.get(i)) == 0) {
                points.get(points.size() - 1).events().add(placed.get(i));
            } else {
                List<RangeEvent> events = new ArrayList<>();
                events.add(placed.get(i));
                points.add(new Point(parsed.get(i), events));
            }
        }

        List<VersionInterval> out = new ArrayList<>();
        boolean state = fromStart;
        ParsedVersion openFrom = null; // lower bound of the interval being built, when state is affected
        boolean openInclusive = false;
        RangeEvent openEvent = startEvent;
        for (Point p : points) {
            boolean before = state;
            boolean at = before;
            boolean after = before;
            RangeEvent lastAt = null;
            RangeEvent lastAfter = null;
            for (RangeEvent e : p.events()) {
                switch (e.kind()) {
                    case INTRODUCED -> {
                        at = true;
                        after = true;
                        lastAt = e;
                        lastAfter = e;
                    }
                    case FIXED -> {
                        at = false;
                        after = false;
                        lastAt = e;
                        lastAfter = e;
                    }
                    case LAST_AFFECTED -> {
                        // applies only to versions above it: the point itself keeps the state before it
                        after = false;
                        lastAfter = e;
                    }
                    default -> throw new IllegalStateException("limit events are handled apart");
                }
            }
            // segment "at p"
            if (before && !at) {
                out.add(new VersionInterval(openFrom, openInclusive, openEvent, p.version(), false, lastAt));
            } else if (!before && at) {
                openFrom = p.version();
                openInclusive = true;
                openEvent = lastAt;
            }
            // segment "after p"
            if (at && !after) {
                out.add(new VersionInterval(openFrom, openInclusive, openEvent, p.version(), true, lastAfter));
            } else if (!at && after) {
                openFrom = p.version();
                openInclusive = false;
                openEvent = lastAfter;
            }
            state = after;
        }
        if (state) {
            out.add(new VersionInterval(openFrom, openInclusive, openEvent, null, false, null));
        }
        if (limited && !unlimited) {
            out = clip(out, limit, limitEvent);
        }
        return out;
    }

    /** Keeps what lies below the highest limit (a version is affected only if it is below some limit). */
    private static List<VersionInterval> clip(List<VersionInterval> intervals, ParsedVersion limit, RangeEvent limitEvent) {
        List<VersionInterval> out = new ArrayList<>();
        for (VersionInterval i : intervals) {
            if (i.lower() != null && i.lower().compareTo(limit) >= 0) {
                continue;
            }
            if (i.upper() == null || i.upper().compareTo(limit) >= 0) {
                out.add(new VersionInterval(i.lower(), i.lowerInclusive(), i.lowerEvent(), limit, false, limitEvent));
            } else {
                out.add(i);
            }
        }
        return out;
    }

    /** An explicitly listed version as a one-version interval. */
    static VersionInterval listed(ParsedVersion v) {
        return new VersionInterval(v, true, null, v, true, null);
    }
}
