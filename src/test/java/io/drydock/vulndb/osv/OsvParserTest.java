package io.drydock.vulndb.osv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.drydock.vulndb.Advisory;
import io.drydock.vulndb.AffectedPackage;
import io.drydock.vulndb.FixState;
import io.drydock.vulndb.IngestWarning;
import io.drydock.vulndb.PackageKey;
import io.drydock.vulndb.RangeEvent;
import io.drydock.vulndb.RangeType;
import io.drydock.vulndb.Severity;
import io.drydock.vulndb.SourceReport;
import io.drydock.vulndb.StateNote;
import io.drydock.vulndb.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OsvParserTest {
    private final List<IngestWarning> warnings = new ArrayList<>();
    private final IngestLog log = new IngestLog("test", "osv-file", "test", Instant.EPOCH, warnings::add);

    private Optional<Advisory> parse(String relative) throws IOException {
        log.recordRead();
        return OsvParser.parse(Files.readAllBytes(TestData.resource(relative)), relative, log);
    }

    private Optional<Advisory> parseText(String json) {
        log.recordRead();
        return OsvParser.parse(json.getBytes(StandardCharsets.UTF_8), "inline.json", log);
    }

    @Test
    void log4ShellAsGitHubPublishesIt() throws IOException {
        Advisory a = parse("osv/Maven/GHSA-jfh8-c2jp-5v3q.json").orElseThrow();
        assertThat(a.id()).isEqualTo("GHSA-jfh8-c2jp-5v3q");
        assertThat(a.aliases()).containsExactly("CVE-2021-44228");
        assertThat(a.summary()).isEqualTo("Remote code injection in Log4j");
        assertThat(a.details()).contains("Log4j versions prior to 2.16.0");
        assertThat(a.modified()).isEqualTo(Instant.parse("2022-03-25T20:56:18Z"));
        assertThat(a.published()).isEqualTo(Instant.parse("2021-12-10T00:40:56Z"));
        assertThat(a.withdrawn()).isNull();
        assertThat(a.references()).isNotEmpty();
        assertThat(a.severities()).extracting(Severity::type, Severity::score, Severity::rating, Severity::source)
                .contains(tuple("CVSS_V3", 10.0, "CRITICAL", "severity[0]"))
                .contains(tuple("severity", null, "CRITICAL", "database_specific.severity"));
        assertThat(a.affected()).hasSize(3).allSatisfy(p -> {
            assertThat(p.key()).isEqualTo(new PackageKey("Maven", "", "org.apache.logging.log4j:log4j-core"));
            assertThat(p.scheme()).isEqualTo("maven");
            assertThat(p.fixState()).isEqualTo(FixState.FIXED);
        });
        assertThat(a.affected().get(0).ranges().get(0).events())
                .containsExactly(new RangeEvent(RangeEvent.Kind.INTRODUCED, "2.13.0"), new RangeEvent(RangeEvent.Kind.FIXED, "2.15.0"));
        assertThat(a.affected()).flatMap(AffectedPackage::fixedVersions).containsExactly("2.15.0", "2.3.1", "2.12.2");
        assertThat(warnings).isEmpty();
    }

    @Test
    void debianAdvisoryIsFiledUnderItsRelease() throws IOException {
        Advisory a = parse("osv/Debian/DSA-3029-1.json").orElseThrow();
        assertThat(a.affected()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo(new PackageKey("Debian", "7", "nginx"));
            assertThat(p.scheme()).isEqualTo("dpkg");
            assertThat(p.fixedVersions()).containsExactly("1.2.1-2.2+wheezy3");
        });
    }

    @Test
    void distroStatesAndUrgenciesAreKeptWithTheirSource() throws IOException {
        Advisory a = parse("hostile/TEST-DEB-STATES.json").orElseThrow();
        AffectedPackage bookworm = a.affected().get(0);
        assertThat(bookworm.key()).isEqualTo(new PackageKey("Debian", "12", "test-unfixed"));
        assertThat(bookworm.fixState()).isEqualTo(FixState.UNFIXED);
        assertThat(bookworm.states()).containsExactly(new StateNote("no-dsa", "affected[0].database_specific.status"));
        assertThat(bookworm.severities()).containsExactly(
                new Severity("urgency", "low", null, "LOW", "affected[0].ecosystem_specific.urgency"));
        AffectedPackage bullseye = a.affected().get(1);
        assertThat(bullseye.fixState()).isEqualTo(FixState.FIXED);
        assertThat(bullseye.states()).isEmpty();
    }

    @Test
    void invalidJsonIsSkippedAndNamed() throws IOException {
        assertThat(parse("hostile/TEST-invalid-json.json")).isEmpty();
        assertThat(warnings).singleElement().satisfies(w -> {
            assertThat(w.location()).isEqualTo("hostile/TEST-invalid-json.json");
            assertThat(w.reason()).isEqualTo("invalid JSON");
        });
        assertThat(log.report().skippedRecords()).isEqualTo(1);
    }

    @Test
    void aRecordWithoutIdIsSkipped() throws IOException {
        assertThat(parse("hostile/TEST-no-id.json")).isEmpty();
        assertThat(log.report().reasons()).containsEntry("not an OSV record", 1L);
    }

    @Test
    void unknownRangeTypesAreDroppedAndTheRestKept() throws IOException {
        Advisory a = parse("hostile/TEST-unknown-range-type.json").orElseThrow();
        assertThat(a.affected()).singleElement().satisfies(p -> assertThat(p.ranges()).singleElement()
                .satisfies(r -> assertThat(r.type()).isEqualTo(RangeType.SEMVER)));
        assertThat(warnings).singleElement().satisfies(w -> {
            assertThat(w.recordId()).isEqualTo("TEST-UNKNOWN-RANGE-TYPE");
            assertThat(w.reason()).isEqualTo("unknown range type");
            assertThat(w.message()).contains("affected[0].ranges[0]", "\"TIMESTAMP\"");
        });
    }

    @Test
    void unparseableVersionsAreDroppedAndARecordLeftWithNothingIsSkipped() throws IOException {
        assertThat(parse("hostile/TEST-unparseable-version.json")).isEmpty();
        SourceReport report = log.report();
        assertThat(report.reasons()).containsEntry("unparseable version", 3L).containsEntry("no package Drydock can match", 1L);
        assertThat(warnings).extracting(IngestWarning::message)
                .anyMatch(m -> m.contains("fixed \"1.x.not-a-version\" is not a valid npm version"))
                .anyMatch(m -> m.contains("\"abc-1\", not a valid dpkg version"));
        assertThat(report.skippedRecords()).isEqualTo(1);
    }

    @Test
    void gitRangesAndUnsupportedEcosystemsAreCountedNotStored() throws IOException {
        assertThat(parse("hostile/TEST-git-only.json")).isEmpty();
        assertThat(parse("hostile/TEST-unsupported-ecosystem.json")).isEmpty();
        assertThat(log.report().reasons())
                .containsEntry("GIT range skipped (needs the repository's commit graph)", 1L)
                .containsEntry("affected entry with GIT ranges only", 1L)
                .containsEntry("unsupported ecosystem: Hackage", 1L)
                .containsEntry("no package Drydock can match", 2L);
    }

    @Test
    void cvssV2AndV4AreScoredAndUnscorableVectorsKeptWithoutScore() {
        Advisory a = parseText("""
                {"id": "TEST-SEVERITIES", "modified": "2026-01-01T00:00:00.123+02:00",
                 "severity": [
                   {"type": "CVSS_V2", "score": "AV:N/AC:L/Au:N/C:P/I:P/A:P"},
                   {"type": "CVSS_V4", "score": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"},
                   {"type": "CVSS_V3", "score": "CVSS:3.1/AV:N"},
                   {"type": "Ubuntu", "score": "medium"}],
                 "affected": [{"package": {"ecosystem": "PyPI", "name": "Test_Pkg"},
                   "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
                   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "1.0"}, {"last_affected": "1.4.post2"}]}]}]}
                """).orElseThrow();
        assertThat(a.modified()).isEqualTo(Instant.parse("2025-12-31T22:00:00.123Z"));
        assertThat(a.severities()).extracting(Severity::score).containsExactly(7.5, 9.3, null, null);
        assertThat(a.severities().get(3).rating()).isEqualTo("MEDIUM");
        AffectedPackage p = a.affected().get(0);
        assertThat(p.key()).isEqualTo(new PackageKey("PyPI", "", "test-pkg"));
        assertThat(p.severities()).singleElement().satisfies(s -> {
            assertThat(s.score()).isEqualTo(9.8);
            assertThat(s.source()).isEqualTo("affected[0].severity[0]");
        });
        assertThat(p.fixState()).isEqualTo(FixState.UNFIXED);
        assertThat(warnings).singleElement().satisfies(w -> assertThat(w.reason()).isEqualTo("unscorable CVSS vector"));
    }
}
