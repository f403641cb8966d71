package io.drydock.vulndb;

import java.util.List;

/**
 * One {@code affected[]} entry of an advisory, normalised: the package it names, the ranges and explicit versions
 * that are affected (only those Drydock can evaluate; the rest are reported when reading), and the states and
 * severities the feed attaches to this package.
 *
 * @param scheme the name of the version scheme the ecosystem's {@code ECOSYSTEM} ranges use
 *     ({@link io.drydock.vulndb.version.VersionScheme#name()})
 * @param versions versions listed explicitly as affected
 */
public record AffectedPackage(
        PackageKey key,
        String purl,
        String scheme,
        List<AffectedRange> ranges,
        List<String> versions,
        FixState fixState,
        List<StateNote> states,
        List<Severity> severities) {

    public AffectedPackage {
        ranges = List.copyOf(ranges);
        versions = List.copyOf(versions);
        states = List.copyOf(states);
        severities = List.copyOf(severities);
    }

    /** The versions named by {@code fixed} events, in range order. */
    public List<String> fixedVersions() {
        return ranges.stream().flatMap(r -> r.events().stream())
                .filter(e -> e.kind() == RangeEvent.Kind.FIXED).map(RangeEvent::version).distinct().toList();
    }
}
