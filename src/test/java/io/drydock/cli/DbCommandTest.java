package io.drydock.cli;

import io.drydock.freshness.EolArchive;
import io.drydock.freshness.EolData;
import io.drydock.image.Descriptor;
import io.drydock.image.ImageManifest;
import io.drydock.image.ImageReference;
import io.drydock.image.ManifestCodec;
import io.drydock.image.MediaTypes;
import io.drydock.image.registry.CredentialStore;
import io.drydock.image.registry.RegistryClient;
import io.drydock.testing.TestRegistry;
import io.drydock.vulndb.VulnDbArtifact;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** drydock db: offline build from the shipped advisories, status, query, and mirroring through a real registry. */
class DbCommandTest {
    @Test
    void updateQueryStatusPushPull(@TempDir Path tmp) throws Exception {
        Path home = tmp.resolve("home");
        CliTest.Run update = CliTest.run("db", "update", "--home", home.toString());
        assertThat(update.exit()).as(update.err()).isZero();
        assertThat(update.out()).contains("osv-directory").contains("alpine-secdb").containsPattern("\\d+ advisories for \\d+ packages");

        CliTest.Run log4j = CliTest.run("db", "query", "Maven", "org.apache.logging.log4j:log4j-core", "2.14.1", "--home", home.toString());
        assertThat(log4j.out()).contains("GHSA-jfh8-c2jp-5v3q (CVE-2021-44228)").contains("why: 2.14.1 is at or above introduced")
                .contains("fixed in: 2.15.0");
        CliTest.Run fixed = CliTest.run("db", "query", "Maven", "org.apache.logging.log4j:log4j-core", "2.17.1", "--home", home.toString());
        assertThat(fixed.out()).doesNotContain("CVE-2021-44228");
        CliTest.Run lodash = CliTest.run("db", "query", "npm", "lodash", "4.17.15", "--home", home.toString());
        assertThat(lodash.out()).contains("CVE-2020-8203");
        assertThat(CliTest.run("db", "query", "npm", "lodash", "4.17.21", "--home", home.toString()).out()).doesNotContain("CVE-2020-8203");
        CliTest.Run unknown = CliTest.run("db", "query", "Cobol", "x", "--home", home.toString());
        assertThat(unknown.exit()).isEqualTo(3);
        assertThat(unknown.err()).contains("unknown ecosystem 'Cobol'");

        CliTest.Run status = CliTest.run("db", "status", "--home", home.toString());
        assertThat(status.out()).contains("debian12-changelog-osv").contains("warnings");
        // The staleness gate: a DB built just now passes a 1-hour limit; a zero limit fails with exit 3.
        assertThat(CliTest.run("db", "status", "--db-max-age", "1h", "--home", home.toString()).exit()).isZero();
        CliTest.Run stale = CliTest.run("db", "status", "--db-max-age", "0s", "--home", home.toString());
        assertThat(stale.exit()).isEqualTo(3);
        assertThat(stale.err()).contains("--db-max-age 0s");

        try (TestRegistry registry = TestRegistry.open()) {
            String ref = registry.hostPort() + "/mirror/drydock-db:1";
            CliTest.Run push = CliTest.run("db", "push", ref, "--home", home.toString());
            assertThat(push.exit()).as(push.err()).isZero();
            Path other = tmp.resolve("other");
            CliTest.Run pull = CliTest.run("db", "update", "--source", "oci://" + ref, "--home", other.toString());
            assertThat(pull.exit()).as(pull.err()).isZero();
            assertThat(Files.readAllBytes(other.resolve("db/vulndb.sqlite"))).isEqualTo(Files.readAllBytes(home.resolve("db/vulndb.sqlite")));
            assertThat(CliTest.run("db", "query", "npm", "lodash", "4.17.15", "--home", other.toString()).out()).contains("CVE-2020-8203");
            // An image is not a DB: refused, and the installed DB stays.
            registry.push(io.drydock.testing.TestImages.ociRef("arm64"), "not/a-db:1");
            CliTest.Run wrong = CliTest.run("db", "pull", registry.hostPort() + "/not/a-db:1", "--home", other.toString());
            assertThat(wrong.exit()).isEqualTo(3);
            assertThat(wrong.err()).contains("is not a Drydock advisory DB artifact");
            assertThat(CliTest.run("db", "status", "--home", other.toString()).exit()).isZero();
        }
    }

    @Test
    void missingSourcesAndDbAreClearErrors(@TempDir Path home) {
        CliTest.Run noDb = CliTest.run("db", "status", "--home", home.toString());
        assertThat(noDb.exit()).isEqualTo(3);
        assertThat(noDb.err()).contains("run 'drydock db update' first");
        CliTest.Run missing = CliTest.run("db", "update", "--source", home.resolve("nope").toString(), "--home", home.toString());
        assertThat(missing.err()).contains("advisory source").contains("does not exist");
        CliTest.Run unreachable = CliTest.run("db", "update", "--source", "http://127.0.0.1:9/all.zip", "--home", home.toString());
        assertThat(unreachable.exit()).isEqualTo(3);
        assertThat(unreachable.err()).contains("cannot reach 127.0.0.1");
    }

    /** An osv.dev-style all.zip served over HTTP (a local server standing in for osv.dev's bucket). */
    @Test
    void updateFromAnAllZipUrl(@TempDir Path tmp) throws Exception {
        Path zip = tmp.resolve("all.zip");
        Path maven = Path.of(io.drydock.vulndb.EmbeddedAdvisories.class.getResource("/vulndb/embedded/osv/Maven").toURI());
        try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip)); var files = Files.list(maven)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                out.putNextEntry(new java.util.zip.ZipEntry(f.getFileName().toString()));
                out.write(Files.readAllBytes(f));
                out.closeEntry();
            }
        }
        var server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/Maven/all.zip", ex -> {
            byte[] body = Files.readAllBytes(zip);
            ex.sendResponseHeaders(200, body.length);
            try (var os = ex.getResponseBody()) {
                os.write(body);
            }
        });
        server.start();
        try {
            Path home = tmp.resolve("home");
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/Maven/all.zip";
            CliTest.Run update = CliTest.run("db", "update", "--source", url, "--home", home.toString());
            assertThat(update.exit()).as(update.err()).isZero();
            assertThat(update.out()).contains("osv-zip");
            assertThat(CliTest.run("db", "query", "Maven", "org.apache.logging.log4j:log4j-core", "2.14.1", "--home", home.toString()).out())
                    .contains("CVE-2021-44228");
            CliTest.Run missing = CliTest.run("db", "update", "--source", url.replace("Maven", "Nope"), "--home", home.toString());
            assertThat(missing.exit()).isEqualTo(3);
            assertThat(missing.err()).contains("HTTP 404");
            // The failed update kept the previous DB.
            assertThat(CliTest.run("db", "status", "--home", home.toString()).exit()).isZero();
        } finally {
            server.stop(0);
        }
    }

    /**
     * The end-of-life data in use travels with the DB artifact: installed from it on pull, as --eol DIR installs it;
     * an artifact without it (older Drydock) leaves the installed data alone; a bad one is refused, installing nothing.
     */
    @Test
    void endOfLifeDataTravelsWithTheDbArtifact(@TempDir Path tmp) throws Exception {
        Path home = tmp.resolve("home");
        assertThat(CliTest.run("db", "update", "--home", home.toString()).exit()).isZero();
        Path copy = copyOfEmbedded(tmp.resolve("eol"));
        Files.writeString(copy.resolve("SOURCE.md"), "snapshot of 2099-01-02\n");
        Files.writeString(copy.resolve("debian.md"), Files.readString(copy.resolve("debian.md")).replace("eol: 2026-07-11", "eol: 2099-07-11"));
        assertThat(CliTest.run("db", "update", "--eol", copy.toString(), "--home", home.toString()).exit()).isZero();
        LocalDate today = LocalDate.of(2026, 11, 26);
        Path db = home.resolve("db/vulndb.sqlite");

        try (TestRegistry registry = TestRegistry.open()) {
            RegistryClient client = new RegistryClient(CredentialStore.none(), RegistryClient.Options.defaults());
            String ref = registry.hostPort() + "/mirror/drydock-db:eol";
            CliTest.Run push = CliTest.run("db", "push", ref, "--home", home.toString());
            assertThat(push.exit()).as(push.err()).isZero();
            ImageManifest manifest = (ImageManifest) client.manifest(ImageReference.parse(ref));
            assertThat(manifest.layers()).extracting(Descriptor::mediaType).containsExactly(VulnDbArtifact.LAYER_TYPE, EolArchive.MEDIA_TYPE);

            Path other = tmp.resolve("other");
            CliTest.Run pull = CliTest.run("db", "update", "--source", "oci://" + ref, "--home", other.toString());
            assertThat(pull.exit()).as(pull.err()).isZero();
            assertThat(pull.out()).contains("installed the end-of-life data from the end-of-life data in " + ref).contains("data of 2099-01-02");
            EolData pulled = EolData.forHome(other);
            assertThat(pulled.origin()).isEqualTo(other.resolve("eol").toString());
            assertThat(pulled.snapshotDate()).isEqualTo(LocalDate.of(2099, 1, 2));
            assertThat(pulled.answer("debian", "12.5", today).eol()).isEqualTo(LocalDate.of(2099, 7, 11));
            assertThat(homeEntries(other)).containsExactlyInAnyOrder("db", "eol"); // no staging left

            // An older artifact, without the layer: the DB is pulled, the installed end-of-life data stays.
            String old = registry.hostPort() + "/mirror/drydock-db:old";
            VulnDbArtifact.push(client, ImageReference.parse(old), db);
            Path fresh = tmp.resolve("fresh");
            assertThat(CliTest.run("db", "update", "--source", "oci://" + old, "--home", fresh.toString()).exit()).isZero();
            assertThat(fresh.resolve("eol")).doesNotExist();
            CliTest.Run older = CliTest.run("db", "pull", old, "--home", other.toString());
            assertThat(older.exit()).as(older.err()).isZero();
            assertThat(older.out()).doesNotContain("end-of-life");
            assertThat(EolData.forHome(other).answer("debian", "12.5", today).eol()).isEqualTo(LocalDate.of(2099, 7, 11));

            // Bad layers are refused before anything is installed: a path out of the directory, data that does not
            // load, a layer that is not what its descriptor says.
            byte[] dbBefore = Files.readAllBytes(other.resolve("db/vulndb.sqlite"));
            Map<String, byte[]> traversal = Map.of("traversal", tarWith("../evil.md", "---\nreleases: []\n---\n"),
                    "invalid", EolArchive.pack(Map.of("debian.md", "no front matter".getBytes(StandardCharsets.UTF_8))));
            for (var bad : traversal.entrySet()) {
                String badRef = registry.hostPort() + "/mirror/drydock-db:" + bad.getKey();
                VulnDbArtifact.push(client, ImageReference.parse(badRef), db,
                        List.of(new VulnDbArtifact.ExtraLayer(EolArchive.MEDIA_TYPE, bad.getValue(), "eol.tar.gz")));
                for (Path target : List.of(other, tmp.resolve("new-" + bad.getKey()))) {
                    CliTest.Run refused = CliTest.run("db", "update", "--source", "oci://" + badRef, "--home", target.toString());
                    assertThat(refused.exit()).as(bad.getKey()).isEqualTo(3);
                    assertThat(refused.err()).contains("the end-of-life data in " + badRef)
                            .contains(bad.getKey().equals("traversal") ? "refused: the entry '../evil.md'" : "no YAML front matter")
                            .doesNotContain("Exception");
                    assertThat(target.getParent().resolve("evil.md")).doesNotExist();
                    assertThat(target.resolve("evil.md")).doesNotExist();
                }
                assertThat(filesUnder(tmp.resolve("new-" + bad.getKey()))).as("nothing installed").isEmpty();
                assertThat(Files.readAllBytes(other.resolve("db/vulndb.sqlite"))).isEqualTo(dbBefore);
                assertThat(homeEntries(other)).containsExactlyInAnyOrder("db", "eol");
                assertThat(EolData.forHome(other).answer("debian", "12.5", today).eol()).isEqualTo(LocalDate.of(2099, 7, 11));
            }

            // Tampered: the descriptor declares other bytes than the registry serves (the digest of one blob, the size
            // of another): the registry client's verification refuses it.
            ImageReference tamperedRef = ImageReference.parse(registry.hostPort() + "/mirror/drydock-db:tampered");
            ImageManifest good = (ImageManifest) client.manifest(ImageReference.parse(ref));
            Descriptor eolLayer = good.layers().get(1);
            List<Descriptor> layers = List.of(good.layers().get(0), Descriptor.of(EolArchive.MEDIA_TYPE, eolLayer.digest(), eolLayer.size() - 1));
            // (the same repository: its blobs are there already)
            client.pushManifest(tamperedRef, "tampered", ManifestCodec.writeManifest(MediaTypes.OCI_MANIFEST, VulnDbArtifact.ARTIFACT_TYPE,
                    good.config(), layers, Map.of(), null));
            Path tamperedHome = tmp.resolve("tampered");
            CliTest.Run tampered = CliTest.run("db", "update", "--source", "oci://" + tamperedRef, "--home", tamperedHome.toString());
            assertThat(tampered.exit()).as(tampered.out()).isEqualTo(3);
            assertThat(tampered.err()).contains(eolLayer.digest().toString()).contains("larger than");
            assertThat(filesUnder(tamperedHome)).as("nothing installed").isEmpty();
        }
    }

    private static Path copyOfEmbedded(Path dir) throws java.io.IOException {
        Files.createDirectories(dir);
        for (String name : EolArchive.filesInUse(dir.resolve("no-home")).keySet()) {
            try (var in = DbCommandTest.class.getResourceAsStream("/eol/" + name)) {
                Files.write(dir.resolve(name), in.readAllBytes());
            }
        }
        return dir;
    }

    /** A gzipped tar with one file, named as given (EolArchive.pack accepts only valid names). */
    private static byte[] tarWith(String name, String content) throws java.io.IOException {
        var bytes = new java.io.ByteArrayOutputStream();
        try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(new java.util.zip.GZIPOutputStream(bytes))) {
            var entry = new org.apache.commons.compress.archivers.tar.TarArchiveEntry(name);
            byte[] body = content.getBytes(StandardCharsets.UTF_8);
            entry.setSize(body.length);
            tar.putArchiveEntry(entry);
            tar.write(body);
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    /** The files (not folders) in a home. */
    private static List<Path> filesUnder(Path home) throws java.io.IOException {
        if (!Files.isDirectory(home)) return List.of();
        try (var walk = Files.walk(home)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    private static List<String> homeEntries(Path home) throws java.io.IOException {
        if (!Files.isDirectory(home)) return List.of();
        try (var list = Files.list(home)) {
            return list.map(p -> p.getFileName().toString()).filter(n -> !n.equals("eol-cache") && !n.equals("blobs")).toList();
        }
    }
}
