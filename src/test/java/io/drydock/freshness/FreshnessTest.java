package io.drydock.freshness;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.inventory.Inventory;
import io.drydock.inventory.OsRelease;
import io.drydock.scan.BaseImage;
import io.drydock.scan.Remediation;
import io.drydock.scan.ScanReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Freshness#assess} on a fixed day against the shipped data, and against data with gaps. */
class FreshnessTest {
    static final LocalDate TODAY = LocalDate.parse("2026-11-26");
    static final OsRelease BOOKWORM = new OsRelease("debian", "12", "Debian GNU/Linux 12 (bookworm)", "bookworm");
    static final String OLD = "sha256:" + "a".repeat(64);
    static final String NEW = "sha256:" + "b".repeat(64);

    static ScanReport report(OsRelease os, BaseImage base, Remediation rem) {
        return new ScanReport("registry.example/app:1", "sha256:" + "c".repeat(64), os, Instant.parse("2026-11-26T10:00:00Z"),
                null, base, List.of(), List.of(), 0, rem, List.of(), List.of(), 0);
    }

    static Inventory inventory(OsRelease os) {
        return new Inventory("registry.example/app:1", null, os, List.of(), List.of(), List.of());
    }

    static BaseImage base(String name, String digest) {
        return new BaseImage(1, name, digest, BaseImage.How.ANNOTATION, "from the annotations");
    }

    @Test
    void aMovedBaseIsBehindWithTheFindingsTheNewerBaseFixes() {
        Remediation rem = new Remediation(60, 42, NEW, "would fix 42 of 60", 3, List.of(), List.of(), "2026-09-01T12:30:00Z");
        FreshnessReport f = Freshness.assess(report(BOOKWORM, base("debian:12", OLD), rem), inventory(BOOKWORM), List.of(),
                EolData.embedded(), TODAY);
        FreshnessReport.BaseAge b = f.base();
        assertThat(b.behind()).isTrue();
        assertThat(b.builtOnDigest()).isEqualTo(OLD);
        assertThat(b.currentDigest()).isEqualTo(NEW);
        assertThat(b.newerBaseBuilt()).isEqualTo(LocalDate.parse("2026-09-01"));
        assertThat(b.daysBehind()).isEqualTo(86);
        assertThat(b.fixedByNewerBase()).isEqualTo(42);
        assertThat(b.baseFindings()).isEqualTo(60);
        assertThat(b.note()).contains("built on 2026-09-01 (86 days ago)").contains("fixes 42 of the 60");
        assertThat(f.dataDate()).isEqualTo(LocalDate.parse("2026-08-22"));
        assertThat(f.today()).isEqualTo(TODAY);
    }

    @Test
    void aBaseStillAtItsDigestIsCurrentAndAnUnknownBaseIsNoAnswer() {
        Remediation same = new Remediation(5, 0, OLD, "still at", 0, List.of(), List.of(), "2024-01-01T00:00:00Z");
        FreshnessReport.BaseAge current = Freshness.assess(report(BOOKWORM, base("debian:12", OLD), same), inventory(BOOKWORM),
                List.of(), EolData.embedded(), TODAY).base();
        assertThat(current.behind()).isFalse();
        assertThat(current.daysBehind()).isNull();

        Remediation unreachable = new Remediation(5, null, null, "could not check the current digest of debian:12: refused", 0,
                List.of(), List.of());
        FreshnessReport.BaseAge unknown = Freshness.assess(report(BOOKWORM, base("debian:12", OLD), unreachable), inventory(BOOKWORM),
                List.of(), EolData.embedded(), TODAY).base();
        assertThat(unknown.behind()).isNull();
        assertThat(unknown.note()).contains("refused");

        BaseImage guessed = new BaseImage(1, null, null, BaseImage.How.HEURISTIC, "guess");
        assertThat(Freshness.assess(report(BOOKWORM, guessed, unreachable), inventory(BOOKWORM), List.of(), EolData.embedded(), TODAY)
                .base()).isNull();
    }

    @Test
    void bookwormIsPastRegularSecuritySupportAndAnEolRuntimeIsEndOfLife() {
        FreshnessReport f = Freshness.assess(report(BOOKWORM, null, null), inventory(BOOKWORM),
                List.of("PATH=/usr/bin", "NODE_VERSION=18.19.0"), EolData.embedded(), TODAY);
        FreshnessReport.EolAnswer os = f.os();
        assertThat(os.status()).isEqualTo(EolData.Status.EXTENDED_SUPPORT_ONLY);
        assertThat(os.answer().eol()).isEqualTo(LocalDate.parse("2026-07-11"));
        assertThat(os.answer().extendedEnd()).isEqualTo(LocalDate.parse("2028-06-30"));
        assertThat(os.answer().latest()).isEqualTo("12.15");
        assertThat(f.runtimes()).singleElement().satisfies(r -> {
            assertThat(r.name()).isEqualTo("node");
            assertThat(r.status()).isEqualTo(EolData.Status.END_OF_LIFE);
            assertThat(r.answer().cycle()).isEqualTo("18");
            assertThat(r.answer().eol()).isEqualTo(LocalDate.parse("2025-04-30"));
            assertThat(r.answer().latest()).isEqualTo("18.20.8");
            assertThat(r.path()).isNull();
        });
        assertThat(f.warnings()).isEmpty();
    }

    @Test
    void unknownLinesAndDistributionsAreWarningsNotErrors() {
        OsRelease exotic = new OsRelease("wolfi", "20230201", null, null);
        FreshnessReport f = Freshness.assess(report(exotic, null, null), inventory(exotic), List.of("NODE_VERSION=99.1.0"),
                EolData.embedded(), TODAY);
        assertThat(f.os().status()).isEqualTo(EolData.Status.UNKNOWN_LINE);
        assertThat(f.runtimes()).singleElement().satisfies(r -> assertThat(r.status()).isEqualTo(EolData.Status.UNKNOWN_LINE));
        assertThat(f.warnings()).hasSize(2).anySatisfy(w -> assertThat(w).contains("wolfi").contains("2026-08-22"))
                .anySatisfy(w -> assertThat(w).contains("99.1.0").contains("release line not in the end-of-life data"));
        FreshnessReport none = Freshness.assess(report(null, null, null), inventory(null), List.of(), EolData.embedded(), TODAY);
        assertThat(none.os()).isNull();
        assertThat(none.runtimes()).isEmpty();
    }

    @Test
    void aLineWithoutAnEolDateIsUnknownDateWithAWarning(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("debian.md"), """
                ---
                title: Debian
                releases:
                  - releaseCycle: "12"
                    codename: "Bookworm"
                    releaseDate: 2023-06-10
                    latest: "12.15"
                    latestReleaseDate: 2026-07-11
                ---
                """);
        FreshnessReport f = Freshness.assess(report(BOOKWORM, null, null), inventory(BOOKWORM), List.of(), EolData.load(dir), TODAY);
        assertThat(f.os().status()).isEqualTo(EolData.Status.UNKNOWN_DATE);
        assertThat(f.warnings()).anySatisfy(w -> assertThat(w).contains("debian.md, release 12: no eol"));
        assertThat(f.dataDate()).isEqualTo(LocalDate.parse("2026-07-11"));
    }

    @Test
    void creationTimesOfImageConfigsAreRead() {
        assertThat(Freshness.day("2024-01-01T00:00:00Z")).isEqualTo(LocalDate.parse("2024-01-01"));
        assertThat(Freshness.day("2024-03-05T23:30:00.123456789-02:00")).isEqualTo(LocalDate.parse("2024-03-06"));
        assertThat(Freshness.day("garbage")).isNull();
        assertThat(Freshness.day(null)).isNull();
    }
}
