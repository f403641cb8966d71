package io.drydock.inventory.os;

import io.drydock.inventory.AnalysisWarning;
import io.drydock.inventory.InstalledPackage;
import io.drydock.testing.HostTools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class RpmAnalyzerTest {

    private static RpmFixtures rpm;

    @TempDir
    Path temp;

    @BeforeAll
    static void buildDatabases() {
        rpm = RpmFixtures.get();
    }

    /** The packages rpm itself lists, as the analyzer should report them from {@code location}. */
    private static void assertSameAsRpm(List<InstalledPackage> packages, String location) {
        assertThat(packages).extracting(InstalledPackage::name)
                .containsExactlyElementsOf(rpm.installed.stream().map(RpmFixtures.Installed::name).toList());
        for (RpmFixtures.Installed expected : rpm.installed) {
            InstalledPackage p = packages.stream().filter(x -> x.name().equals(expected.name())).findFirst()
                    .orElseThrow();
            assertThat(p.type()).isEqualTo("rpm");
            assertThat(p.version()).as(p.name()).isEqualTo(expected.evr());
            assertThat(p.arch()).as(p.name()).isEqualTo(expected.arch());
            assertThat(p.licenses()).as(p.name()).containsExactly(expected.license());
            assertThat(p.ownedFiles()).as(p.name()).containsExactlyElementsOf(expected.files());
            assertThat(p.locations()).containsExactly(location);
            assertThat(p.sourceName() + "-" + p.sourceVersion().replaceFirst("^\\d+:", "") + ".src.rpm")
                    .as(p.name()).isEqualTo(expected.sourceRpm());
        }
    }

    @Test
    void sqliteDatabaseReadsAsRpmDoes() {
        LayerHarness.Results r = LayerHarness.analyze(new LayerHarness.Tar()
                .file("var/lib/rpm/rpmdb.sqlite", rpm.sqlite)
                .file("var/lib/rpm/rpmdb.sqlite-shm", new byte[32768])
                .file("var/lib/rpm/rpmdb.sqlite-wal", new byte[0])
                .build(), new RpmAnalyzer());

        assertThat(r.warnings("rpm")).isEmpty();
        assertSameAsRpm(r.packages("rpm"), "var/lib/rpm/rpmdb.sqlite");

        InstalledPackage hello = r.get("rpm", "hello-drydock");
        assertThat(hello.version()).isEqualTo("2:1.4.2-3.el9");
        assertThat(hello.arch()).isEqualTo("noarch");
        assertThat(hello.sourceName()).isEqualTo("hello-drydock");
        assertThat(hello.sourceVersion()).isEqualTo("2:1.4.2-3.el9");
        assertThat(hello.licenses()).containsExactly("MIT AND (GPL-2.0-or-later OR BSD-3-Clause)");
        assertThat(hello.ownedFiles()).containsExactly("usr/bin/hello-drydock", "usr/share/hello-drydock/data.txt");
        assertThat(hello.properties()).containsEntry("epoch", "2");

        InstalledPackage libs = r.get("rpm", "toolkit-libs");
        assertThat(libs.version()).isEqualTo("0.9.1-7.fc40");
        assertThat(libs.sourceName()).isEqualTo("toolkit");
        assertThat(libs.sourceVersion()).isEqualTo("0.9.1-7.fc40");
        assertThat(libs.properties()).isEmpty();
        assertThat(r.get("rpm", "toolkit").ownedFiles()).hasSize(301).contains("usr/share/toolkit/data/entry-300.txt");
    }

    /** Default pages; 512-byte pages (every header in overflow chains); checksummed pages (index at byte 32). */
    @ParameterizedTest
    @ValueSource(strings = {"", "db_pagesize=512", "chksum=1"})
    void berkeleyDbReadsAsRpmDoes(String loadOption) throws IOException {
        Path dbDir = Files.createDirectories(temp.resolve("bdb"));
        Path packages = dbDir.resolve("Packages");
        RpmFixtures.berkeleyDb(packages, rpm.blobs, loadOption.isEmpty() ? new String[0] : new String[] {loadOption});
        // rpm's own read-only Berkeley DB backend must see the same packages, or the fixture proves nothing. That
        // backend assumes 26-byte page headers, so it cannot check the checksummed variant (libdb itself reads it).
        if (!loadOption.startsWith("chksum")) {
            Path rpmCommand = HostTools.require("rpm", "rpm");
            assertThat(RpmFixtures.query(rpmCommand, List.of("--define", "_db_backend bdb_ro", "--dbpath",
                    dbDir.toString()))).isEqualTo(rpm.installed);
        }

        LayerHarness.Results r = LayerHarness.analyze(new LayerHarness.Tar()
                .file("var/lib/rpm/Packages", packages).build(), new RpmAnalyzer());

        assertThat(r.warnings("rpm")).isEmpty();
        assertSameAsRpm(r.packages("rpm"), "var/lib/rpm/Packages");
    }

    @Test
    void ndbReadsTheSameHeaders() {
        LayerHarness.Results r = LayerHarness.analyze(new LayerHarness.Tar()
                .file("usr/lib/sysimage/rpm/Packages.db", RpmFixtures.ndb(rpm.blobs)).build(), new RpmAnalyzer());

        assertThat(r.warnings("rpm")).isEmpty();
        assertSameAsRpm(r.packages("rpm"), "usr/lib/sysimage/rpm/Packages.db");
    }

    @Test
    void everyDatabaseDirectoryIsRead() {
        LayerHarness.Results r = LayerHarness.analyze(new LayerHarness.Tar()
                .file("usr/share/rpm/rpmdb.sqlite", rpm.sqlite)
                .file("usr/lib/sysimage/rpm/rpmdb.sqlite", rpm.sqlite)
                .file("opt/rpm/rpmdb.sqlite", rpm.sqlite)
                .build(), new RpmAnalyzer());

        assertThat(r.packages("rpm")).extracting(p -> p.locations().get(0)).containsOnly(
                "usr/share/rpm/rpmdb.sqlite", "usr/lib/sysimage/rpm/rpmdb.sqlite").hasSize(2 * rpm.installed.size());
    }

    @Test
    void changesStillInTheWriteAheadLogAreSeen() throws IOException, SQLException {
        Path db = temp.resolve("rpmdb.sqlite");
        Files.copy(rpm.sqlite, db);
        long removed = rpm.installed.get(0).headerNumber();
        byte[] mainFile;
        byte[] wal;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode = WAL");
            s.execute("PRAGMA wal_autocheckpoint = 0");
            s.executeUpdate("DELETE FROM Packages WHERE hnum = " + removed);
            // Copied while the connection is open, as an image build would leave them: the delete is only in the WAL.
            mainFile = Files.readAllBytes(db);
            wal = Files.readAllBytes(temp.resolve("rpmdb.sqlite-wal"));
        }
        assertThat(wal).isNotEmpty();

        LayerHarness.Results withWal = LayerHarness.analyze(new LayerHarness.Tar()
                .file("var/lib/rpm/rpmdb.sqlite", mainFile)
                .file("var/lib/rpm/rpmdb.sqlite-wal", wal).build(), new RpmAnalyzer());
        LayerHarness.Results walFirst = LayerHarness.analyze(new LayerHarness.Tar()
                .file("var/lib/rpm/rpmdb.sqlite-wal", wal)
                .file("var/lib/rpm/rpmdb.sqlite", mainFile).build(), new RpmAnalyzer());
        LayerHarness.Results withoutWal = LayerHarness.analyze(new LayerHarness.Tar()
                .file("var/lib/rpm/rpmdb.sqlite", mainFile).build(), new RpmAnalyzer());

        String removedName = rpm.installed.get(0).name();
        assertThat(withoutWal.packages("rpm")).extracting(InstalledPackage::name).contains(removedName);
        assertThat(withWal.packages("rpm")).extracting(InstalledPackage::name)
                .hasSize(rpm.installed.size() - 1).doesNotContain(removedName);
        assertThat(walFirst.packages("rpm")).isEqualTo(withWal.packages("rpm"));
        assertThat(withWal.warnings("rpm")).isEmpty();
    }

    @Test
    void writeAheadLogWithoutItsDatabaseIsAWarning() {
        LayerHarness.Results r = LayerHarness.analyze(new LayerHarness.Tar()
                .file("var/lib/rpm/rpmdb.sqlite-wal", new byte[4096]).build(), new RpmAnalyzer());

        assertThat(r.packages("rpm")).isEmpty();
        assertThat(r.warnings("rpm")).singleElement().satisfies(w -> {
            assertThat(w.path()).isEqualTo("var/lib/rpm/rpmdb.sqlite-wal");
            assertThat(w.message()).contains("rpmdb.sqlite is not in this layer");
        });
    }

    @Test
    void truncatedHeaderIsSkippedWithAWarningAndTheOthersStay() throws IOException, SQLException {
        Path db = temp.resolve("rpmdb.sqlite");
        Files.copy(rpm.sqlite, db);
        RpmFixtures.Installed victim = rpm.installed.get(1);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE Packages SET blob = substr(blob, 1, 300) WHERE hnum = " + victim.headerNumber());
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        LayerHarness.Results r = LayerHarness.analyze(new LayerHarness.Tar()
                .file("var/lib/rpm/rpmdb.sqlite", db).build(), new RpmAnalyzer());

        assertThat(r.packages("rpm")).extracting(InstalledPackage::name)
                .hasSize(rpm.installed.size() - 1).doesNotContain(victim.name());
        assertThat(r.warnings("rpm")).singleElement().satisfies(w -> {
            assertThat(w.analyzer()).isEqualTo("rpm");
            assertThat(w.path()).isEqualTo("var/lib/rpm/rpmdb.sqlite");
            assertThat(w.message()).startsWith("header " + victim.headerNumber() + " is truncated");
        });
    }

    @Test
    void garbageDatabasesGiveWarningsAndAGoodOneBesideThemIsStillRead() {
        byte[] garbage = new byte[64 * 1024];
        new Random(7).nextBytes(garbage);
        LayerHarness.Results r = LayerHarness.analyze(new LayerHarness.Tar()
                .file("var/lib/rpm/Packages", garbage)
                .file("var/lib/rpm/Packages.db", garbage)
                .file("usr/share/rpm/rpmdb.sqlite", garbage)
                .file("var/lib/rpm/rpmdb.sqlite", new byte[0])
                .file("usr/lib/sysimage/rpm/rpmdb.sqlite", rpm.sqlite)
                .build(), new RpmAnalyzer());

        assertSameAsRpm(r.packages("rpm"), "usr/lib/sysimage/rpm/rpmdb.sqlite");
        Map<String, String> warnings = new TreeMap<>();
        r.warnings("rpm").forEach(w -> warnings.put(w.path(), w.message()));
        assertThat(warnings).containsOnlyKeys("var/lib/rpm/Packages", "var/lib/rpm/Packages.db",
                "usr/share/rpm/rpmdb.sqlite", "var/lib/rpm/rpmdb.sqlite");
        assertThat(warnings.get("var/lib/rpm/Packages")).contains("not a Berkeley DB hash database");
        assertThat(warnings.get("var/lib/rpm/Packages.db")).contains("not an rpm ndb database");
        assertThat(warnings.get("usr/share/rpm/rpmdb.sqlite")).contains("cannot be read as an SQLite database");
        // An empty file is a valid, empty SQLite database to SQLite; it just has no Packages table.
        assertThat(warnings.get("var/lib/rpm/rpmdb.sqlite")).contains("without a Packages table");
    }

    @Test
    void brokenBlobsInsideValidContainersAreSkippedOneByOne() throws IOException {
        Map<Long, byte[]> blobs = new TreeMap<>(rpm.blobs);
        long victim = rpm.installed.get(0).headerNumber();
        blobs.put(victim, Arrays.copyOf(blobs.get(victim), 100));
        Path packages = temp.resolve("Packages");
        RpmFixtures.berkeleyDb(packages, blobs);

        byte[] ndb = RpmFixtures.ndb(rpm.blobs);
        ndb[4096 + 16 + 40] ^= 0x5A; // a byte inside the first blob's header data: its checksum no longer matches

        LayerHarness.Results r = LayerHarness.analyze(new LayerHarness.Tar()
                .file("var/lib/rpm/Packages", packages)
                .file("usr/lib/sysimage/rpm/Packages.db", ndb).build(), new RpmAnalyzer());

        String victimName = rpm.installed.get(0).name();
        assertThat(r.packages("rpm")).filteredOn(p -> p.locations().get(0).equals("var/lib/rpm/Packages"))
                .extracting(InstalledPackage::name).hasSize(rpm.installed.size() - 1).doesNotContain(victimName);
        assertThat(r.packages("rpm")).filteredOn(p -> p.locations().get(0).endsWith("Packages.db"))
                .extracting(InstalledPackage::name).hasSize(rpm.installed.size() - 1).doesNotContain(victimName);
        assertThat(r.warnings("rpm")).satisfiesExactly(
                w -> {
                    assertThat(w.path()).isEqualTo("var/lib/rpm/Packages");
                    assertThat(w.message()).startsWith("header " + victim + " is truncated");
                },
                w -> {
                    assertThat(w.path()).isEqualTo("usr/lib/sysimage/rpm/Packages.db");
                    assertThat(w.message()).startsWith("package " + victim + " (slot 2)").contains("Adler-32");
                });
    }

    @Test
    void databasesOverTheSizeLimitAreSkippedAndCopiesAreCleanedUp() throws IOException {
        Path scratch = Files.createDirectories(temp.resolve("scratch"));
        long size = Files.size(rpm.sqlite);
        RpmAnalyzer small = new RpmAnalyzer(scratch, size - 1);
        byte[] ndb = RpmFixtures.ndb(rpm.blobs);
        assertThat((long) ndb.length).isLessThan(size);

        LayerHarness.Results r = LayerHarness.analyze(new LayerHarness.Tar()
                .file("var/lib/rpm/rpmdb.sqlite", rpm.sqlite)
                .file("usr/lib/sysimage/rpm/Packages.db", ndb)
                .file("usr/share/rpm/rpmdb.sqlite-wal", new byte[10]).build(), small);

        assertThat(r.packages("rpm")).extracting(p -> p.locations().get(0))
                .containsOnly("usr/lib/sysimage/rpm/Packages.db");
        assertThat(r.warnings("rpm")).extracting(AnalysisWarning::path)
                .containsExactly("var/lib/rpm/rpmdb.sqlite", "usr/share/rpm/rpmdb.sqlite-wal");
        assertThat(r.warnings("rpm").get(0).message()).contains("is " + size + " bytes, more than the " + (size - 1));
        try (Stream<Path> left = Files.list(scratch)) {
            assertThat(left).as("temporary copies left behind").isEmpty();
        }
    }

    @Test
    void publicKeysAreNotPackages() throws IOException, SQLException, RpmHeader.MalformedHeader {
        Path db = temp.resolve("rpmdb.sqlite");
        Files.copy(rpm.sqlite, db, StandardCopyOption.REPLACE_EXISTING);
        byte[] renamed = renameInBlob(rpm.blobs.get(rpm.installed.get(0).headerNumber()), rpm.installed.get(0).name(),
                "gpg-pubkey");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             var insert = c.prepareStatement("INSERT INTO Packages (hnum, blob) VALUES (?, ?)")) {
            insert.setLong(1, 1000);
            insert.setBytes(2, renamed);
            insert.executeUpdate();
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            }
        }
        assertThat(RpmHeader.parse(renamed).name()).isEqualTo("gpg-pubkey");

        LayerHarness.Results r = LayerHarness.analyze(new LayerHarness.Tar()
                .file("var/lib/rpm/rpmdb.sqlite", db).build(), new RpmAnalyzer());

        assertThat(r.packages("rpm")).hasSize(rpm.installed.size()).noneMatch(p -> p.name().equals("gpg-pubkey"));
    }

    /** Overwrites the first NUL-terminated {@code from} with {@code to} (no longer), so no offset in the header moves. */
    private static byte[] renameInBlob(byte[] blob, String from, String to) {
        byte[] copy = blob.clone();
        byte[] needle = (from + "\0").getBytes(StandardCharsets.UTF_8);
        byte[] replacement = (to + "\0").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i + needle.length <= copy.length; i++) {
            if (Arrays.equals(copy, i, i + needle.length, needle, 0, needle.length)) {
                System.arraycopy(replacement, 0, copy, i, replacement.length);
                return copy;
            }
        }
        throw new IllegalArgumentException("no " + from + " in the blob");
    }
}
