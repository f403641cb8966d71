package io.drydock.vulndb;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.vulndb.version.ParsedVersion;
import io.drydock.vulndb.version.VersionScheme;
import io.drydock.vulndb.version.VersionSchemes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Ranges turned into intervals must agree with the OSV schema's evaluation pseudocode on every version. */
class RangeIntervalsTest {
    private static final VersionScheme SEMVER = VersionSchemes.SEMVER;

    private static RangeEvent e(RangeEvent.Kind kind, String version) {
        return new RangeEvent(kind, version);
    }

    private static AffectedRange range(RangeEvent... events) {
        return new AffectedRange(RangeType.SEMVER, List.of(events));
    }

    private static boolean affected(AffectedRange range, String version) {
        ParsedVersion v = SEMVER.parse(version);
        return RangeIntervals.of(range, SEMVER).stream().anyMatch(i -> i.contains(v));
    }

    /** The schema's pseudocode, written out literally: the oracle. */
    private static boolean osvPseudocode(AffectedRange range, String version) {
        ParsedVersion v = SEMVER.parse(version);
        List<RangeEvent> limits = range.events().stream().filter(x -> x.kind() == RangeEvent.Kind.LIMIT).toList();
        if (!limits.isEmpty() && limits.stream().noneMatch(l -> l.isUnlimited() || v.compareTo(SEMVER.parse(l.version())) < 0)) {
            return false;
        }
        List<RangeEvent> sorted = new ArrayList<>(range.events());
        sorted.removeIf(x -> x.kind() == RangeEvent.Kind.LIMIT);
        sorted.sort(Comparator.comparing((RangeEvent x) -> x.isFromTheStart() ? null : SEMVER.parse(x.version()),
                Comparator.nullsFirst(Comparator.naturalOrder())));
        boolean vulnerable = false;
        for (RangeEvent evt : sorted) {
            if (evt.kind() == RangeEvent.Kind.INTRODUCED && (evt.isFromTheStart() || v.compareTo(SEMVER.parse(evt.version())) >= 0)) {
                vulnerable = true;
            } else if (evt.kind() == RangeEvent.Kind.FIXED && v.compareTo(SEMVER.parse(evt.version())) >= 0) {
                vulnerable = false;
            } else if (evt.kind() == RangeEvent.Kind.LAST_AFFECTED && v.compareTo(SEMVER.parse(evt.version())) > 0) {
                vulnerable = false;
            }
        }
        return vulnerable;
    }

    @Test
    void theSchemaExamples() {
        AffectedRange everything = range(e(RangeEvent.Kind.INTRODUCED, "0"));
        assertThat(affected(everything, "0.0.1")).isTrue();
        assertThat(affected(everything, "99.0.0")).isTrue();

        AffectedRange fixed = range(e(RangeEvent.Kind.INTRODUCED, "0"), e(RangeEvent.Kind.FIXED, "1.0.2"));
        assertThat(affected(fixed, "1.0.1")).isTrue();
        assertThat(affected(fixed, "1.0.2")).isFalse();

        AffectedRange two = range(e(RangeEvent.Kind.INTRODUCED, "1.0.0"), e(RangeEvent.Kind.FIXED, "1.0.2"),
                e(RangeEvent.Kind.INTRODUCED, "3.0.0"), e(RangeEvent.Kind.FIXED, "3.2.5"));
        assertThat(affected(two, "0.9.0")).isFalse();
        assertThat(affected(two, "1.0.0")).isTrue();
        assertThat(affected(two, "2.0.0")).isFalse();
        assertThat(affected(two, "3.2.4")).isTrue();
        assertThat(affected(two, "3.2.5")).isFalse();

        AffectedRange lastAffected = range(e(RangeEvent.Kind.INTRODUCED, "0"), e(RangeEvent.Kind.LAST_AFFECTED, "2.1.214"));
        assertThat(affected(lastAffected, "2.1.214")).isTrue();
        assertThat(affected(lastAffected, "2.1.215")).isFalse();

        AffectedRange limited = range(e(RangeEvent.Kind.INTRODUCED, "1.0.0"), e(RangeEvent.Kind.LIMIT, "2.0.0"));
        assertThat(affected(limited, "1.9.9")).isTrue();
        assertThat(affected(limited, "2.0.0")).isFalse();
        assertThat(affected(range(e(RangeEvent.Kind.INTRODUCED, "1.0.0"), e(RangeEvent.Kind.LIMIT, "*")), "9.0.0")).isTrue();
    }

    @Test
    void eventsGivenOutOfOrderAreSortedFirst() {
        AffectedRange shuffled = range(e(RangeEvent.Kind.FIXED, "3.2.5"), e(RangeEvent.Kind.INTRODUCED, "1.0.0"),
                e(RangeEvent.Kind.INTRODUCED, "3.0.0"), e(RangeEvent.Kind.FIXED, "1.0.2"));
        assertThat(affected(shuffled, "1.0.1")).isTrue();
        assertThat(affected(shuffled, "2.0.0")).isFalse();
        assertThat(affected(shuffled, "3.1.0")).isTrue();
    }

    /** A property test without a framework: random event lists over a small version line, every version checked. */
    @Test
    void agreesWithTheSchemaPseudocodeOnRandomRanges() {
        List<String> line = new ArrayList<>();
        for (int major = 0; major < 4; major++) {
            for (int minor = 0; minor < 4; minor++) {
                line.add(major + "." + minor + ".0-rc.1");
                line.add(major + "." + minor + ".0");
                line.add(major + "." + minor + ".1");
            }
        }
        Random random = new Random(20260101);
        RangeEvent.Kind[] kinds = RangeEvent.Kind.values();
        for (int trial = 0; trial < 3000; trial++) {
            List<RangeEvent> events = new ArrayList<>();
            events.add(random.nextInt(3) == 0 ? e(RangeEvent.Kind.INTRODUCED, "0")
                    : e(RangeEvent.Kind.INTRODUCED, line.get(random.nextInt(line.size()))));
            int extra = random.nextInt(6);
            for (int i = 0; i < extra; i++) {
                RangeEvent.Kind kind = kinds[random.nextInt(kinds.length)];
                String version = kind == RangeEvent.Kind.LIMIT && random.nextInt(4) == 0 ? "*" : line.get(random.nextInt(line.size()));
                events.add(e(kind, version));
            }
            AffectedRange r = range(events.toArray(RangeEvent[]::new));
            for (String v : line) {
                assertThat(affected(r, v)).as("%s at %s", r, v).isEqualTo(osvPseudocode(r, v));
            }
        }
    }
}
