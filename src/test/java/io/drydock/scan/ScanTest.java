package io.drydock.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drydock.DrydockException;
import io.drydock.image.ImageResolver;
import io.drydock.image.Platform;
import io.drydock.image.ResolvedImage;
import io.drydock.image.local.LocalSources;
import io.drydock.image.ImageSpec;
import io.drydock.image.ImageSource;
import io.drydock.inventory.AnalysisCache;
import io.drydock.inventory.Component;
import io.drydock.inventory.DefaultAnalyzers;
import io.drydock.inventory.Inventorier;
import io.drydock.inventory.Inventory;
import io.drydock.layer.LayerReader;
import io.drydock.testing.TestImages;
import io.drydock.vulndb.EmbeddedAdvisories;
import io.drydock.vulndb.VulnDb;
import io.drydock.vulndb.VulnDbBuilder;
import io.drydock.vulndb.osv.AdvisorySource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference application image (a real debootstrap bookworm minbase, log4j-core 2.14.1 and lodash 4.17.15 in
 * the app layer) scanned against the real advisories shipped with Drydock, plus test records written here for the
 * cases that must not produce findings.
 */
class ScanTest {
    @TempDir
    static Path dir;
    static VulnDb db;
    static Inventory app;
    static String glibcSource;

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T00:00:00Z"), ZoneOffset.UTC);

    @BeforeAll
    static void build() throws Exception {
        app = inventory(TestImages.ociRef("app"));
        Component libc6 = app.components().stream().filter(c -> c.pkg().name().equals("libc6")).findFirst().orElseThrow();
        glibcSource = libc6.pkg().sourceVersion() != null ? libc6.pkg().sourceVersion() : libc6.pkg().version();
        Path extra = Files.createDirectories(dir.resolve("extra"));
        // must not match: fixed at exactly the installed version; withdrawn; another Debian release
        osv(extra, "TEST-FIXED-EQUAL", "Debian:12", "glibc", glibcSource, null, List.of("CVE-2099-0001"));
        osv(extra, "TEST-WITHDRAWN", "Maven", "org.apache.logging.log4j:log4j-core", null, "2026-01-01T00:00:00Z", List.of("CVE-2099-0002"));
        osv(extra, "TEST-OTHER-RELEASE", "Debian:11", "glibc", "99.0-1", null, List.of("CVE-2099-0003"));
        // must match, in the base: glibc below a fix that does not exist yet, with a Debian urgency
        osv(extra, "TEST-BASE-GLIBC", "Debian:12", "glibc", "99.0-1", null, List.of("CVE-2099-0004"));
        // the same flaw twice for lodash under two ids: must merge into one finding
        osv(extra, "TEST-LODASH-DUP", "npm", "lodash", "4.17.19", null, List.of("CVE-2020-8203"));
        Path dbFile = dir.resolve("vulndb.sqlite");
        VulnDbBuilder builder = VulnDbBuilder.to(dbFile);
        EmbeddedAdvisories.sources().forEach(builder::add);
        builder.add(AdvisorySource.of(extra));
        builder.build();
        db = VulnDb.open(dbFile);
    }

    @AfterAll
    static void close() {
        db.close();
    }

    static void osv(Path dir, String id, String ecosystem, String name, String fixed, String withdrawn, List<String> aliases) throws Exception {
        String events = fixed == null ? "{\"introduced\":\"0\"}" : "{\"introduced\":\"0\"},{\"fixed\":\"" + fixed + "\"}";
        String json = "{\"schema_version\":\"1.6.0\",\"id\":\"" + id + "\",\"modified\":\"2026-11-01T00:00:00Z\","
                + (withdrawn == null ? "" : "\"withdrawn\":\"" + withdrawn + "\",")
                + "\"aliases\":[" + aliases.stream().map(a -> "\"" + a + "\"").collect(Collectors.joining(",")) + "],"
                + "\"summary\":\"test record " + id + "\",\"affected\":[{\"package\":{\"ecosystem\":\"" + ecosystem + "\",\"name\":\"" + name + "\"},"
                + "\"ranges\":[{\"type\":\"ECOSYSTEM\",\"events\":[" + events + "]}]"
                + (ecosystem.startsWith("Debian") ? ",\"ecosystem_specific\":{\"urgency\":\"high\"}" : "") + "}]}";
        Files.writeString(dir.resolve(id + ".json"), json);
    }

    static Inventory inventory(String ref) {
        try (ImageSource source = LocalSources.open(ImageSpec.parse(ref))) {
            ResolvedImage img = ImageResolver.resolve(source, source.defaultReference(), Platform.LINUX_AMD64);
            return new Inventorier(DefaultAnalyzers.all(), new LayerReader(), AnalysisCache.inHome(dir.resolve("home"))).inventory(source, img);
        }
    }

    static ResolvedImage resolve(String ref) {
        try (ImageSource source = LocalSources.open(ImageSpec.parse(ref))) {
            return ImageResolver.resolve(source, source.defaultReference(), Platform.LINUX_AMD64);
        }
    }

    static final ImageAccess LOCAL = new ImageAccess() {
        @Override
        public ResolvedImage resolve(String reference) {
            return ScanTest.resolve(reference);
        }

        @Override
        public Inventory inventory(String reference) {
            return ScanTest.inventory(reference);
        }
    };

    static ScanReport scan(Inventory inv, String ref, String base, Gate gate, Matcher.Priority priority, Path known) {
        Scanner scanner = new Scanner(db, priority, LOCAL, new KnownBases(known), CLOCK);
        ResolvedImage img = resolve(ref);
        return scanner.scan(new Scanner.Target(ref, inv, BaseDetector.diffIds(img), img.manifest().annotations()), base, gate);
    }

    static Set<String> ids(List<Finding> findings, String pkg) {
        return findings.stream().filter(f -> f.pkg().name().endsWith(pkg)).map(Finding::id).collect(Collectors.toSet());
    }

    @Test
    void referenceImage() throws Exception {
        ScanReport r = scan(app, TestImages.ociRef("app"), TestImages.ociRef("base"), Gate.none(LocalDate.of(2026, 11, 25)),
                Matcher.Priority.PRECISE, dir.resolve("known1.json"));
        assertThat(r.base().how()).isEqualTo(BaseImage.How.FLAG);
        assertThat(r.base().layers()).isEqualTo(1);

        List<Finding> log4j = r.findings().stream().filter(f -> f.pkg().name().equals("org.apache.logging.log4j:log4j-core")).toList();
        assertThat(log4j).extracting(Finding::id)
                .containsExactlyInAnyOrder("CVE-2021-44228", "CVE-2021-45046", "CVE-2021-45105", "CVE-2021-44832");
        assertThat(log4j).allSatisfy(f -> {
            assertThat(f.origin()).isEqualTo(Origin.APPLICATION);
            assertThat(f.layer().index()).isEqualTo(1);
            assertThat(f.layer().createdBy()).isEqualTo("COPY app /app");
            assertThat(f.pkg().paths()).anyMatch(p -> p.endsWith("log4j-core-2.14.1.jar"));
            assertThat(f.status()).isEqualTo("fixed");
        });
        Map<String, List<String>> fixed = log4j.stream().collect(Collectors.toMap(Finding::id, Finding::fixedVersions));
        assertThat(fixed.get("CVE-2021-44228")).contains("2.15.0");
        assertThat(fixed.get("CVE-2021-45046")).contains("2.16.0");
        assertThat(fixed.get("CVE-2021-45105")).contains("2.17.0");
        assertThat(fixed.get("CVE-2021-44832")).contains("2.17.1");
        Finding log4shell = log4j.stream().filter(f -> f.id().equals("CVE-2021-44228")).findFirst().orElseThrow();
        assertThat(log4shell.aliases()).contains("GHSA-jfh8-c2jp-5v3q");
        assertThat(log4shell.severity()).isEqualTo(Rating.CRITICAL);
        assertThat(log4shell.severitySource()).contains("GHSA-jfh8-c2jp-5v3q").contains("database_specific");
        assertThat(log4shell.cvssScore()).isEqualTo(10.0);

        // lodash 4.17.15: every shipped lodash advisory whose range holds it, and none twice (TEST-LODASH-DUP merges)
        Set<String> lodash = ids(r.findings(), "lodash");
        assertThat(lodash).contains("CVE-2020-8203", "CVE-2021-23337", "CVE-2020-28500").doesNotContain("CVE-2019-10744", "CVE-2018-16487");
        assertThat(r.findings().stream().filter(f -> f.id().equals("CVE-2020-8203")).toList()).singleElement()
                .satisfies(f -> assertThat(f.advisories()).contains("TEST-LODASH-DUP").hasSize(2));
        assertThat(r.findings().stream().filter(f -> f.pkg().name().equals("lodash"))).allMatch(f -> f.origin() == Origin.APPLICATION);

        // Debian: the real changelog records give nothing for these source versions (each fix is older than the
        // installed version); the test record below a future fix is found, keyed by source package, in the base
        List<Finding> debian = r.findings().stream().filter(f -> f.pkg().type().equals("deb")).toList();
        assertThat(debian).extracting(Finding::id).containsOnly("CVE-2099-0004");
        assertThat(debian).allSatisfy(f -> {
            assertThat(f.origin()).isEqualTo(Origin.BASE);
            assertThat(f.layer().index()).isZero();
            assertThat(f.matchedAs().name()).isEqualTo("glibc");
            assertThat(f.matchedAs().release()).isEqualTo("12");
            assertThat(f.severity()).isEqualTo(Rating.HIGH);
            assertThat(f.severitySource()).contains("urgency").contains("vendor");
        });
        assertThat(debian).extracting(f -> f.pkg().name()).contains("libc6", "libc-bin");

        // must not: fixed version equal to the installed one, withdrawn advisory, another Debian release
        assertThat(r.findings()).extracting(Finding::id).doesNotContain("CVE-2099-0001", "CVE-2099-0002", "CVE-2099-0003");

        // remediation: the smallest log4j-core upgrade that fixes all four is 2.17.1
        Upgrades.Upgrade up = r.remediation().applicationUpgrades().stream()
                .filter(u -> u.pkg().name().equals("org.apache.logging.log4j:log4j-core")).findFirst().orElseThrow();
        assertThat(up.smallestFixingVersion()).isEqualTo("2.17.1");
        assertThat(r.remediation().applicationFindings()).isEqualTo(r.findings().stream().filter(f -> f.origin() == Origin.APPLICATION).count());
        assertThat(r.remediation().baseFindings()).isEqualTo(debian.size());
    }

    @Test
    void theDistributionJudgesAJarItInstalledUnlessAskedForBoth() throws Exception {
        Path layout = dir.resolve("owned");
        OwnedJarImage.build(layout);
        String ref = "oci:" + layout + ":owned";
        Inventory inv = inventory(ref);
        Component jar = inv.components().stream().filter(c -> c.pkg().type().equals("maven") && c.pkg().name().equals("log4j-core"))
                .findFirst().orElseThrow();
        assertThat(jar.ownedBy()).startsWith("pkg:deb/debian/liblog4j2-java");
        ScanReport precise = scan(inv, ref, null, Gate.none(LocalDate.of(2026, 11, 25)), Matcher.Priority.PRECISE, dir.resolve("known2.json"));
        assertThat(precise.findings()).noneMatch(f -> f.pkg().type().equals("maven"));
        ScanReport both = scan(inv, ref, null, Gate.none(LocalDate.of(2026, 11, 25)), Matcher.Priority.COMPREHENSIVE, dir.resolve("known2.json"));
        assertThat(ids(both.findings(), "log4j-core")).contains("CVE-2021-44228");
    }

    @Test
    void aBaseScannedBeforeIsRecognised() {
        Path known = dir.resolve("known3.json");
        scan(inventory(TestImages.ociRef("base")), TestImages.ociRef("base"), null, Gate.none(LocalDate.of(2026, 11, 25)),
                Matcher.Priority.PRECISE, known);
        ScanReport r = scan(app, TestImages.ociRef("app"), null, Gate.none(LocalDate.of(2026, 11, 25)), Matcher.Priority.PRECISE, known);
        assertThat(r.base().how()).isEqualTo(BaseImage.How.KNOWN_BASE);
        assertThat(r.base().name()).isEqualTo(TestImages.ociRef("base"));
        assertThat(r.base().layers()).isEqualTo(1);
    }

    @Test
    void withoutABaseTheSplitIsAHeuristicThatSaysSo() {
        ScanReport r = scan(app, TestImages.ociRef("app"), null, Gate.none(LocalDate.of(2026, 11, 25)), Matcher.Priority.PRECISE,
                dir.resolve("known4.json"));
        assertThat(r.base().how()).isEqualTo(BaseImage.How.HEURISTIC);
        assertThat(r.base().isGuess()).isTrue();
        assertThat(r.base().note()).contains("heuristic").contains("--base");
        assertThat(r.base().layers()).isEqualTo(1);
        assertThat(r.remediation().rebuildNote()).contains("--base");
        assertThat(r.remediation().fixedByRebuild()).isNull();
    }

    @Test
    void aBaseThatIsNotTheImagesBaseIsRefused() {
        assertThatThrownBy(() -> scan(app, TestImages.ociRef("app"), TestImages.ociRef("arm64"), Gate.none(LocalDate.of(2026, 11, 25)),
                Matcher.Priority.PRECISE, dir.resolve("known5.json")))
                .isInstanceOf(DrydockException.class).hasMessageContaining("is not the base of");
    }

    @Test
    void anAnnotatedBaseThatCannotBeReadFallsBackToTheHeuristicAndSaysWhy() {
        ImageAccess offline = new ImageAccess() {
            @Override
            public ResolvedImage resolve(String reference) {
                throw new DrydockException("registry 127.0.0.1:9 is unreachable");
            }

            @Override
            public Inventory inventory(String reference) {
                throw new DrydockException("registry 127.0.0.1:9 is unreachable");
            }
        };
        ResolvedImage img = resolve(TestImages.ociRef("app"));
        BaseImage base = new BaseDetector(offline, new KnownBases(dir.resolve("known6.json"))).detect(BaseDetector.diffIds(img),
                Map.of(BaseDetector.BASE_NAME, "127.0.0.1:9/library/debian:12", BaseDetector.BASE_DIGEST, "sha256:" + "a".repeat(64)),
                null, app);
        assertThat(base.how()).isEqualTo(BaseImage.How.HEURISTIC);
        assertThat(base.note()).contains("127.0.0.1:9/library/debian:12").contains("could not be read").contains("heuristic");
        assertThat(base.name()).isEqualTo("127.0.0.1:9/library/debian:12");
        // the remediation then cannot check for a newer base either, and says so instead of guessing
        Scanner scanner = new Scanner(db, Matcher.Priority.PRECISE, offline, new KnownBases(dir.resolve("known6.json")), CLOCK);
        ScanReport r = scanner.scan(new Scanner.Target("app", app, BaseDetector.diffIds(img),
                Map.of(BaseDetector.BASE_NAME, "127.0.0.1:9/library/debian:12")), null, Gate.none(LocalDate.of(2026, 11, 25)));
        assertThat(r.remediation().fixedByRebuild()).isNull();
        assertThat(r.remediation().rebuildNote()).contains("could not check the current digest").contains("unreachable");
    }

    @Test
    void pinningAnAnnotatedNameToItsDigest() {
        assertThat(BaseDetector.pinned("docker.io/library/debian:12", "sha256:ab")).isEqualTo("docker.io/library/debian@sha256:ab");
        assertThat(BaseDetector.pinned("127.0.0.1:5000/base", "sha256:ab")).isEqualTo("127.0.0.1:5000/base@sha256:ab");
        assertThat(BaseDetector.pinned("127.0.0.1:5000/base:1@sha256:old", "sha256:ab")).isEqualTo("127.0.0.1:5000/base:1@sha256:ab");
        assertThat(BaseDetector.pinned("oci:/tmp/layout:base", "sha256:ab")).isEqualTo("oci:/tmp/layout@sha256:ab");
    }
}
