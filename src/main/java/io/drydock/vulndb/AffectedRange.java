package io.drydock.vulndb;

import java.util.List;
import java.util.stream.Collectors;

/** An OSV range: its type and its events in the order the record lists them. */
public record AffectedRange(RangeType type, List<RangeEvent> events) {
    public AffectedRange {
        events = List.copyOf(events);
    }

    @Override
    public String toString() {
        return type + " " + events.stream().map(RangeEvent::toString).collect(Collectors.joining(", "));
    }
}
