package io.drydock.cli;

import io.drydock.testing.TestRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

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
}
