package io.drydock.vulndb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.drydock.DrydockException;
import io.drydock.vulndb.osv.AdvisorySource;
import io.drydock.vulndb.version.InvalidVersionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A DB built from the real advisories in src/test/resources/vulndb, queried for known answers. */
class VulnDbTest {
    private static final Instant BUILT = Instant.parse("2026-11-24T08:00:00Z");

    @TempDir
    static Path dir;
    static BuildResult build;
    static VulnDb db;

    @BeforeAll
    static void buildFromRealData() throws IOException {
        build = VulnDbBuilder.to(dir.resolve("vulndb.db"))
                .clock(Clock.fixed(BUILT, ZoneOffset.UTC))
                .add(AdvisorySource.of(TestData.osv()))
                .add(AdvisorySource.of(TestData.debianChangelogOsv()))
                .add(AdvisorySource.of(TestData.alpineSecDb()))
                .add(AdvisorySource.of(TestData.hostile()))
                .build();
        db = VulnDb.open(build.path());
    }

    private static List<String> ids(List<AdvisoryMatch> matches) {
        return matches.stream().map(m -> m.advisory().id()).toList();
    }

    @Test
    void log4ShellAffects2141AndNot2171() {
        List<AdvisoryMatch> matches = db.query("Maven", "", "org.apache.logging.log4j:log4j-core", "2.14.1");
        AdvisoryMatch log4shell = matches.stream().filter(m -> m.advisory().id().equals("GHSA-jfh8-c2jp-5v3q")).findFirst().orElseThrow();
        assertThat(log4shell.advisory().aliases()).contains("CVE-2021-44228");
        assertThat(log4shell.reason().range().events()).extracting(RangeEvent::version).containsExactly("2.13.0", "2.15.0");
        assertThat(log4shell.explanation())
                .isEqualTo("2.14.1 is at or above introduced 2.13.0 and below fixed 2.15.0 (ECOSYSTEM range, maven versions)");
        assertThat(log4shell.severities()).anySatisfy(s -> assertThat(s.score()).isEqualTo(10.0));
        assertThat(log4shell.affected().fixedVersions()).containsExactly("2.15.0");
        // the other log4j 2.x advisories of December 2021 affect 2.14.1 too
        assertThat(ids(matches)).contains("GHSA-7rjr-3q55-vv33", "GHSA-p6xc-xr62-6r2g", "GHSA-8489-44mv-ggj8");

        List<AdvisoryMatch> fixed = db.query("Maven", "", "org.apache.logging.log4j:log4j-core", "2.17.1");
        assertThat(fixed).noneMatch(m -> m.advisory().aliases().contains("CVE-2021-44228"));
        assertThat(ids(fixed)).doesNotContain("GHSA-jfh8-c2jp-5v3q", "GHSA-8489-44mv-ggj8");
    }

    @Test
    void lodashPrototypePollution() {
        assertThat(db.query("npm", "", "lodash", "4.17.15"))
                .anySatisfy(m -> assertThat(m.advisory().aliases()).contains("CVE-2020-8203"));
        assertThat(db.query("npm", "", "lodash", "4.17.21"))
                .noneSatisfy(m -> assertThat(m.advisory().aliases()).contains("CVE-2020-8203"));
    }

    @Test
    void debianSecurityAdvisoryBeforeAndAfterItsFix() {
        assertThat(ids(db.query("Debian", "7", "nginx", "1.2.1-2.2+wheezy2"))).containsExactly("DSA-3029-1");
        assertThat(ids(db.query("Debian", "7", "nginx", "1.2.1-2.2"))).containsExactly("DSA-3029-1");
        assertThat(db.query("Debian", "7", "nginx", "1.2.1-2.2+wheezy3")).isEmpty();
        assertThat(db.query("Debian", "7", "nginx", "1.2.1-2.2+wheezy3.1")).isEmpty();
        // filed under Debian 7 only
        assertThat(db.query("Debian", "12", "nginx", "1.2.1-2.2")).isEmpty();
    }

    @Test
    void debianChangelogRecordsBeforeAndAfterTheirFix() {
        // CVE-2023-4911 (Looney Tunables) was fixed in glibc 2.36-9+deb12u3
        assertThat(db.query("Debian", "12", "glibc", "2.36-9+deb12u2"))
                .anySatisfy(m -> assertThat(m.advisory().id()).isEqualTo("TEST-DEB-CVE-2023-4911-glibc"));
        assertThat(db.query("Debian", "12", "glibc", "2.36-9+deb12u3"))
                .noneSatisfy(m -> assertThat(m.advisory().id()).isEqualTo("TEST-DEB-CVE-2023-4911-glibc"));
        // an epoch-less bookworm version is far below a newer upstream release
        assertThat(db.query("Debian", "12", "glibc", "2.37-1")).noneSatisfy(m ->
                assertThat(m.advisory().id()).isEqualTo("TEST-DEB-CVE-2023-4911-glibc"));
    }

    @Test
    void alpineSecDbFixes() {
        assertThat(db.query("Alpine", "v3.11", "ansible", "2.9.2-r0"))
                .anySatisfy(m -> assertThat(m.advisory().aliases()).contains("CVE-2019-14904"));
        assertThat(db.query("Alpine", "3.11.6", "ansible", "2.9.3-r0"))
                .noneSatisfy(m -> assertThat(m.advisory().aliases()).contains("CVE-2019-14904"));
        // -r revisions count: the fixed version is 2.9.3-r0, so the same upstream with an older revision cannot exist
        // but a pre-release of it is still affected
        assertThat(db.query("Alpine", "3.11", "ansible", "2.9.3_rc1-r0"))
                .anySatisfy(m -> assertThat(m.advisory().aliases()).contains("CVE-2019-14904"));
    }

    @Test
    void withdrawnAdvisoriesNeverMatch() {
        // GHSA-7fhm-mqm4-2wp7 (minimist < 1.2.2) was withdrawn on 2020-04-03
        List<AdvisoryMatch> minimist = db.query("npm", "", "minimist", "1.2.0");
        assertThat(ids(minimist)).doesNotContain("GHSA-7fhm-mqm4-2wp7").isNotEmpty();
        assertThat(db.advisory("GHSA-7fhm-mqm4-2wp7")).hasValueSatisfying(a -> assertThat(a.isWithdrawn()).isTrue());
        // GHSA-wrr7-33fx-rcvj (jackson-databind) likewise
        assertThat(ids(db.query("Maven", "", "com.fasterxml.jackson.core:jackson-databind", "2.9.5")))
                .doesNotContain("GHSA-wrr7-33fx-rcvj").isNotEmpty();
    }

    @Test
    void unfixedDistroPackagesCarryTheirStates() {
        AdvisoryMatch m = db.query("Debian", "12", "test-unfixed", "9.9-1").get(0);
        assertThat(m.advisory().id()).isEqualTo("TEST-DEB-STATES");
        assertThat(m.affected().fixState()).isEqualTo(FixState.UNFIXED);
        assertThat(m.affected().states()).extracting(StateNote::state).containsExactly("no-dsa");
        assertThat(m.severities()).extracting(Severity::type, Severity::value).first().isEqualTo(tuple("urgency", "low"));
        assertThat(m.explanation()).isEqualTo("9.9-1 is in a range introduced at 0 (every earlier version) with no fix (ECOSYSTEM range, dpkg versions)");
    }

    @Test
    void theDetailsAreStoredAndReadBack() {
        Advisory a = db.advisory("GHSA-jfh8-c2jp-5v3q").orElseThrow();
        assertThat(a.details()).contains("JNDI");
        assertThat(a.references()).anySatisfy(r -> assertThat(r.url()).isEqualTo("https://nvd.nist.gov/vuln/detail/CVE-2021-44228"));
        assertThat(a.affected()).hasSize(3);
        assertThat(a.databaseSpecific()).contains("\"github_reviewed\":true");
        assertThat(db.advisory("GHSA-none")).isEmpty();
    }

    @Test
    void aVersionTheSchemeCannotReadIsAnError() {
        assertThatThrownBy(() -> db.query("npm", "", "lodash", "not a version"))
                .isInstanceOf(InvalidVersionException.class).hasMessageContaining("not a valid npm version");
        assertThat(db.query("npm", "", "no-such-package", "not a version")).isEmpty();
        assertThatThrownBy(() -> db.query("Hackage", "", "aeson", "1.0")).isInstanceOf(DrydockException.class)
                .hasMessageContaining("unsupported ecosystem");
    }

    @Test
    void metadataNamesSourcesCountsAndSkips() {
        DbMetadata meta = db.metadata();
        assertThat(meta.builtAt()).isEqualTo(BUILT);
        assertThat(meta.schemaVersion()).isEqualTo(Schema.VERSION);
        assertThat(meta.advisories()).isEqualTo(build.advisories()).isGreaterThan(1300);
        assertThat(meta.sources()).extracting(SourceReport::kind)
                .containsExactly("osv-directory", "osv-directory", "alpine-secdb", "osv-directory");
        SourceReport osv = meta.sources().get(0);
        assertThat(osv.recordsRead()).isEqualTo(144);
        assertThat(osv.stored()).isEqualTo(144);
        assertThat(osv.newestModified()).isNotNull();
        assertThat(meta.sources().get(1).stored()).isEqualTo(163);
        SourceReport hostile = meta.sources().get(3);
        assertThat(hostile.recordsRead()).isEqualTo(7);
        assertThat(hostile.stored()).isEqualTo(2);
        assertThat(hostile.skippedRecords()).isEqualTo(5);
        assertThat(hostile.reasons()).containsKeys("invalid JSON", "unknown range type", "unparseable version",
                "not an OSV record", "unsupported ecosystem: Hackage");
        assertThat(hostile.sampleWarnings()).anyMatch(w -> w.startsWith("TEST-invalid-json.json: not valid JSON"));
        assertThat(meta.hasSkips()).isTrue();
        assertThat(meta.bytes()).isEqualTo(build.bytes());
    }

    @Test
    void stalenessAgainstTheAcceptedAge() {
        Staleness fresh = db.staleness(Staleness.DEFAULT_MAX_AGE, Clock.fixed(BUILT.plus(Duration.ofDays(2)), ZoneOffset.UTC));
        assertThat(fresh.stale()).isFalse();
        Staleness old = db.staleness(Staleness.DEFAULT_MAX_AGE, Clock.fixed(BUILT.plus(Duration.ofDays(6)), ZoneOffset.UTC));
        assertThat(old.stale()).isTrue();
        assertThat(old.message()).contains("6 days", "older than the accepted 5 days", "drydock db update");
    }

    @Test
    void theFileIsSmallerThanAPlainZipOfTheSameJson() throws IOException {
        // the secdb is YAML, not JSON: compare a DB of the JSON sources with a zip of those files
        Path target = dir.resolve("json-only.db");
        BuildResult jsonOnly = VulnDbBuilder.to(target).add(AdvisorySource.of(TestData.osv()))
                .add(AdvisorySource.of(TestData.debianChangelogOsv())).build();
        long zip = TestData.zipJson(dir.resolve("json.zip"), List.of(TestData.osv(), TestData.debianChangelogOsv()));
        System.out.printf("real JSON: DB %,d bytes, plain zip %,d bytes (%.0f%%)%n", jsonOnly.bytes(), zip, 100.0 * jsonOnly.bytes() / zip);
        assertThat(jsonOnly.bytes()).isLessThanOrEqualTo(zip);
    }

    @Test
    void missingOrForeignFilesAreClearErrors() throws IOException {
        assertThatThrownBy(() -> VulnDb.open(dir.resolve("absent.db"))).hasMessageContaining("no advisory DB at");
        Path foreign = Files.writeString(dir.resolve("foreign.db"), "not sqlite at all, just some text that is long enough");
        assertThatThrownBy(() -> VulnDb.open(foreign)).isInstanceOf(DrydockException.class);
    }
}
