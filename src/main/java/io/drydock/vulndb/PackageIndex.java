package io.drydock.vulndb;

import io.drydock.vulndb.version.InvalidVersionException;
import io.drydock.vulndb.version.ParsedVersion;
import io.drydock.vulndb.version.PlainKey;
import io.drydock.vulndb.version.VersionScheme;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything matching needs for one package, in memory: the affected intervals of all its advisories, with their
 * bounds parsed once. A check places the version among the package's distinct bounds by binary search (a few
 * version comparisons) and then tests every interval with two int comparisons, so the cost hardly grows with the
 * number of advisories and touches few objects.
 */
final class PackageIndex {
    /** For keys the filter rules out: never stored, so its key is never looked at. */
    static final PackageIndex EMPTY = new PackageIndex(new PackageKey("", "", ""), 0, List.of(), new Group[0]);

    /**
     * The intervals of one version scheme (a package's ECOSYSTEM and SEMVER ranges may differ). Every distinct
     * bound is kept once, sorted; a queried version is placed among them by binary search, and each interval is a
     * pair of positions on that line ({@code 2i+1} is bound {@code i} itself, {@code 2i} the stretch just below it),
     * so that checking the intervals compares ints, not versions.
     */
    private static final class Group {
        final VersionScheme scheme;
        final ParsedVersion[] bounds;
        // the bounds' plain keys, four numbers each, in one flat array (see PlainKey); unused when keyed[i] is false
        final long[] keys;
        final boolean[] keyed;
        final int[] from; // first position inside the interval
        final int[] to; // last position inside the interval
        final int[] entry;
        final MatchReason[] reason; // made once per interval: a match only points at it

        Group(VersionScheme scheme, List<Row> rows) {
            this.scheme = scheme;
            List<ParsedVersion> all = new ArrayList<>();
            for (Row r : rows) {
                if (r.interval().lower() != null) {
                    all.add(r.interval().lower());
                }
                if (r.interval().upper() != null) {
                    all.add(r.interval().upper());
                }
            }
            all.sort(null);
            List<ParsedVersion> distinct = new ArrayList<>();
            for (ParsedVersion v : all) {
                if (distinct.isEmpty() || distinct.get(distinct.size() - 1).compareTo(v) != 0) {
                    distinct.add(v);
                }
            }
            bounds = distinct.toArray(ParsedVersion[]::new);
            keys = new long[bounds.length * PlainKey.LENGTH];
            keyed = new boolean[bounds.length];
            for (int i = 0; i < bounds.length; i++) {
                long[] key = bounds[i] instanceof PlainKey p ? p.plainKey() : null;
                if (key != null) {
                    System.arraycopy(key, 0, keys, i * PlainKey.LENGTH, PlainKey.LENGTH);
                    keyed[i] = true;
                }
            }
            int n = rows.size();
            from = new int[n];
            to = new int[n];
            entry = new int[n];
            reason = new MatchReason[n];
            for (int i = 0; i < n; i++) {
                Row r = rows.get(i);
                VersionInterval v = r.interval();
                from[i] = v.lower() == null ? 0 : 2 * indexOf(v.lower()) + (v.lowerInclusive() ? 1 : 2);
                to[i] = v.upper() == null ? Integer.MAX_VALUE : 2 * indexOf(v.upper()) + (v.upperInclusive() ? 1 : 0);
                entry[i] = r.entry();
                reason[i] = new MatchReason(r.range(), r.rangeIndex(), v.lowerEvent(), v.lowerInclusive(), v.upperEvent(),
                        v.upperInclusive(), scheme.name());
            }
        }

        private int indexOf(ParsedVersion bound) {
            int i = Arrays.binarySearch(bounds, bound);
            if (i < 0) {
                throw new IllegalStateException("bound missing from its own list: " + bound.text());
            }
            return i;
        }

        /** The version's position on the line of bounds: 2i+1 when it equals bound i, 2i when just below it. */
        int position(ParsedVersion v) {
            long[] key = v instanceof PlainKey p ? p.plainKey() : null;
            int lo = 0;
            int hi = bounds.length - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                int c = key != null && keyed[mid] ? PlainKey.compare(key, 0, keys, mid * PlainKey.LENGTH)
                        : v.compareTo(bounds[mid]);
                if (c == 0) {
                    return 2 * mid + 1;
                }
                if (c < 0) {
                    hi = mid - 1;
                } else {
                    lo = mid + 1;
                }
            }
            return 2 * lo;
        }
    }

    private record Row(VersionInterval interval, int entry, AffectedRange range, int rangeIndex) {
    }

    private final List<PackageAdvisory> entries;
    private final AdvisorySummary[] advisory;
    private final AffectedPackage[] affected;
    private final int[] advisoryOrdinal; // entries of one advisory share it; ordinals follow advisory ids
    private final int advisories;
    private final Group[] groups;

    /**
     * The last answers, four slots chosen by the version's hash: the DB never changes under an open index, and a
     * fleet repeats the same few versions of a package across its images. Fields rather than an array, so that a
     * hit touches one object fewer; each slot holds an immutable pair, so racing threads at worst overwrite each
     * other's entries.
     */
    private Answer recent0;
    private Answer recent1;
    private Answer recent2;
    private Answer recent3;

    private record Answer(String version, List<AdvisoryMatch> matches) {
    }

    /**
     * The last name string confirmed equal to this package's name. Callers re-matching stored inventories pass
     * the same string instances again and again; a string is immutable, so the same instance needs no second
     * comparison, and the comparison would cost a cache miss on the name's characters.
     */
    private String confirmedName;

    // the key and its hash, checked by the lookup table; the name as chars, one object away rather than two
    final long hash;
    private final String ecosystem;
    private final String release;
    private final char[] name;

    private PackageIndex(PackageKey key, long hash, List<PackageAdvisory> entries, Group[] groups) {
        this.hash = hash;
        this.ecosystem = key.ecosystem();
        this.release = key.release();
        this.name = key.name().toCharArray();
        this.entries = entries;
        this.groups = groups;
        int n = entries.size();
        this.advisory = new AdvisorySummary[n];
        this.affected = new AffectedPackage[n];
        this.advisoryOrdinal = new int[n];
        Map<String, Integer> ordinals = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            advisory[i] = entries.get(i).advisory();
            affected[i] = entries.get(i).affected();
        }
        // ordinals in advisory id order, so that sorting matches by ordinal sorts them by id
        String[] ids = Arrays.stream(advisory).map(AdvisorySummary::id).distinct().sorted().toArray(String[]::new);
        for (int i = 0; i < ids.length; i++) {
            ordinals.put(ids[i], i);
        }
        for (int i = 0; i < n; i++) {
            advisoryOrdinal[i] = ordinals.get(advisory[i].id());
        }
        this.advisories = ids.length;
    }

    /** Indexes the entries of one package; withdrawn advisories are kept for listing but never matched. */
    static PackageIndex of(PackageKey key, long hash, List<PackageAdvisory> entries) {
        String ecosystem = key.ecosystem();
        Map<VersionScheme, List<Row>> byScheme = new LinkedHashMap<>();
        for (int e = 0; e < entries.size(); e++) {
            PackageAdvisory entry = entries.get(e);
            if (entry.advisory().withdrawn() != null) {
                continue;
            }
            AffectedPackage affected = entry.affected();
            for (int r = 0; r < affected.ranges().size(); r++) {
                AffectedRange range = affected.ranges().get(r);
                VersionScheme scheme = Ecosystems.scheme(range.type(), ecosystem);
                try {
                    for (VersionInterval i : RangeIntervals.of(range, scheme)) {
                        byScheme.computeIfAbsent(scheme, k -> new ArrayList<>()).add(new Row(i, e, range, r));
                    }
                } catch (InvalidVersionException skipped) {
                    // validated when the DB was built; a newer scheme may be stricter — the range cannot match
                }
            }
            if (!affected.versions().isEmpty()) {
                VersionScheme scheme = Ecosystems.scheme(RangeType.ECOSYSTEM, ecosystem);
                for (String v : affected.versions()) {
                    try {
                        byScheme.computeIfAbsent(scheme, k -> new ArrayList<>())
                                .add(new Row(RangeIntervals.listed(scheme.parse(v)), e, null, -1));
                    } catch (InvalidVersionException skipped) {
                        // as above
                    }
                }
            }
        }
        Group[] groups = new Group[byScheme.size()];
        int g = 0;
        for (Map.Entry<VersionScheme, List<Row>> s : byScheme.entrySet()) {
            groups[g++] = new Group(s.getKey(), s.getValue());
        }
        return new PackageIndex(key, hash, List.copyOf(entries), groups);
    }

    boolean isFor(long h, PackageKey key) {
        if (hash != h || !release.equals(key.release()) || !ecosystem.equals(key.ecosystem())) {
            return false;
        }
        String candidate = key.name();
        if (candidate == confirmedName) {
            return true;
        }
        if (hasName(candidate)) {
            confirmedName = candidate;
            return true;
        }
        return false;
    }

    private boolean hasName(String other) {
        if (other.length() != name.length) {
            return false;
        }
        for (int i = 0; i < name.length; i++) {
            if (other.charAt(i) != name[i]) {
                return false;
            }
        }
        return true;
    }

    List<PackageAdvisory> entries() {
        return entries;
    }

    boolean isEmpty() {
        return groups.length == 0;
    }

    /**
     * The advisories whose intervals contain the version, one match per advisory, ordered by advisory id.
     *
     * @throws InvalidVersionException when the version is not one of the package's scheme
     */
    List<AdvisoryMatch> match(String version) {
        int slot = version.hashCode() & 3;
        Answer known = switch (slot) {
            case 0 -> recent0;
            case 1 -> recent1;
            case 2 -> recent2;
            default -> recent3;
        };
        if (known != null && known.version().equals(version)) {
            return known.matches();
        }
        List<AdvisoryMatch> matches = compute(version);
        Answer answer = new Answer(version, matches);
        switch (slot) {
            case 0 -> recent0 = answer;
            case 1 -> recent1 = answer;
            case 2 -> recent2 = answer;
            default -> recent3 = answer;
        }
        return matches;
    }

    private List<AdvisoryMatch> compute(String version) {
        AdvisoryMatch[] found = null;
        int count = 0;
        for (Group group : groups) {
            int position = group.position(group.scheme.parse(version));
            int[] from = group.from;
            int[] to = group.to;
            for (int i = 0; i < from.length; i++) {
                if (position < from[i] || position > to[i]) {
                    continue;
                }
                int entry = group.entry[i];
                int ordinal = advisoryOrdinal[entry];
                if (found == null) {
                    found = new AdvisoryMatch[advisories];
                }
                if (found[ordinal] != null) {
                    continue; // another range of the same advisory matched first
                }
                found[ordinal] = new AdvisoryMatch(advisory[entry], affected[entry], version, group.reason[i]);
                count++;
            }
        }
        if (count == 0) {
            return List.of();
        }
        List<AdvisoryMatch> out = new ArrayList<>(count);
        for (AdvisoryMatch m : found) {
            if (m != null) {
                out.add(m);
            }
        }
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        return "PackageIndex" + Arrays.stream(groups).map(g -> g.scheme.name() + ":" + g.from.length).toList();
    }
}
