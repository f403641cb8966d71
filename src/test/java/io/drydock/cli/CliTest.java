package io.drydock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.cache.BlobCache;
import io.drydock.image.Digest;
import io.drydock.testing.TestImages;
import io.drydock.testing.TestRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line, in process and as separate processes, against the real registry and fixtures. */
class CliTest {
    static TestRegistry registry;
    static String app;

    record Run(int exit, String out, String err) {
    }

    @BeforeAll
    static void start() {
        registry = TestRegistry.open();
        registry.push(TestImages.ociRef("app"), "test/app:1");
        registry.pushMulti(TestImages.multiRef(), "test/multi:1");
        app = registry.hostPort() + "/test/app:1";
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void everyCommandAnswersHelpWithItsUsage() {
        List<String> paths = new ArrayList<>();
        collect(new picocli.CommandLine(new Main()), "", paths);
        assertThat(paths).contains("scan", "admission serve", "db update", "serve").hasSizeGreaterThan(30);
        for (String path : paths) {
            List<String> args = new ArrayList<>(List.of(path.split(" ")));
            args.add("--help");
            Run r = run(args.toArray(String[]::new));
            assertThat(r.exit()).as(path + " --help: " + r.err()).isZero();
            // a command with a header (help) prints it before the usage line
            assertThat(r.out()).as(path + " --help").contains("Usage: drydock " + path + " ").contains("-h, --help");
            assertThat(r.err()).as(path + " --help").isEmpty();
        }
    }

    private static void collect(picocli.CommandLine command, String prefix, List<String> paths) {
        command.getSubcommands().forEach((name, sub) -> {
            if (!sub.getCommandSpec().name().equals(name)) {
                return; // an alias
            }
            String path = prefix.isEmpty() ? name : prefix + " " + name;
            paths.add(path);
            collect(sub, path, paths);
        });
    }

    @Test
    void inspectTableAndJson(@TempDir Path home) throws Exception {
        Run table = run("inspect", app, "--home", home.toString());
        assertThat(table.exit()).isZero();
        assertThat(table.out()).contains("Digest       " + TestImages.value("app.manifest"))
                .contains("User         1000").contains("FOO=bar").contains("org.opencontainers.image.title=drydock-test-app")
                .contains("[java]").contains(TestImages.value("app.layer.1")).contains("debootstrap --variant=minbase bookworm");

        Run json = run("inspect", app, "--format", "json", "--home", home.toString());
        JsonNode n = new ObjectMapper().readTree(json.out());
        assertThat(n.path("schemaVersion").asInt()).isEqualTo(1);
        assertThat(n.path("digest").asText()).isEqualTo(TestImages.value("app.manifest"));
        assertThat(n.path("layers")).hasSize(2);
        assertThat(n.path("layers").get(1).path("diffId").asText()).isEqualTo(TestImages.value("app.diffid.1"));
        assertThat(n.path("config").path("entrypoint").get(0).asText()).isEqualTo("java");
        // Inspect downloads no layer: only the config blob is cached.
        assertThat(new BlobCache(home.resolve("blobs")).entries()).extracting(e -> e.digest().toString())
                .containsExactly(TestImages.value("app.config"));
    }

    @Test
    void inspectIndexListsPlatforms(@TempDir Path home) {
        Run r = run("inspect", registry.hostPort() + "/test/multi:1", "--home", home.toString());
        assertThat(r.out()).contains("Index digest  " + TestImages.value("multi.index")).contains("linux/amd64, linux/arm64/v8");
        Run arm = run("inspect", registry.hostPort() + "/test/multi:1", "--platform", "linux/arm64", "--home", home.toString());
        assertThat(arm.out()).contains("Platform      linux/arm64/v8");
        Run none = run("inspect", registry.hostPort() + "/test/multi:1", "--platform", "windows/amd64", "--home", home.toString());
        assertThat(none.exit()).isEqualTo(3);
        assertThat(none.err()).startsWith("drydock: error: ").contains("available: linux/amd64, linux/arm64/v8").doesNotContain("Exception");
    }

    @Test
    void sameImageFromEverySourceGivesSameDigestsAndFiles(@TempDir Path home) {
        String[] sources = {app, TestImages.ociRef("app"), "oci-archive:" + TestImages.ociArchive() + ":app",
                "docker-archive:" + TestImages.dockerArchive() + ":test/app:1"};
        List<JsonNode> inspected = new ArrayList<>();
        List<String> files = new ArrayList<>();
        for (String s : sources) {
            Run r = run("inspect", s, "--format", "json", "--home", home.toString());
            assertThat(r.exit()).as(s + ": " + r.err()).isZero();
            try {
                inspected.add(new ObjectMapper().readTree(r.out()));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            Run f = run("files", s, "--home", home.toString());
            assertThat(f.exit()).as(s + ": " + f.err()).isZero();
            files.add(f.out());
        }
        for (JsonNode n : inspected) {
            assertThat(n.path("config").path("digest").asText()).isEqualTo(TestImages.value("app.config"));
            assertThat(n.path("layers").findValuesAsText("diffId")).containsExactly(TestImages.value("app.diffid.0"), TestImages.value("app.diffid.1"));
        }
        // Registry, layout and OCI archive share the manifest; a docker archive has uncompressed layers, so only config and diffIDs agree.
        assertThat(inspected.subList(0, 3)).extracting(n -> n.path("digest").asText()).containsOnly(TestImages.value("app.manifest"));
        assertThat(files).allSatisfy(f -> assertThat(f).isEqualTo(files.get(0)));
        assertThat(files.get(0)).contains("/app/lib/log4j-core-2.14.1.jar").contains("/var/lib/dpkg/status");
    }

    @Test
    void filesShowsTheLayerThatWroteEachPath(@TempDir Path home) throws Exception {
        Run r = run("files", app, "/app/lib", "/usr/bin/bash", "--format", "json", "--home", home.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode files = new ObjectMapper().readTree(r.out()).path("files");
        JsonNode jar = null;
        JsonNode bash = null;
        for (JsonNode f : files) {
            if (f.path("path").asText().equals("/app/lib/log4j-core-2.14.1.jar")) jar = f;
            if (f.path("path").asText().equals("/usr/bin/bash")) bash = f;
        }
        assertThat(jar).isNotNull();
        assertThat(jar.path("layerIndex").asInt()).isEqualTo(1);
        assertThat(jar.path("layerDigest").asText()).isEqualTo(TestImages.value("app.layer.1"));
        assertThat(bash).isNotNull();
        assertThat(bash.path("layerIndex").asInt()).isZero();
        assertThat(bash.path("createdBy").asText()).contains("debootstrap");
    }

    @Test
    void errorsNameTheInputWithoutStackTraces(@TempDir Path home) {
        Run bad = run("inspect", "UPPER/Case", "--home", home.toString());
        assertThat(bad.exit()).isEqualTo(3);
        assertThat(bad.err()).isEqualTo("drydock: error: invalid image reference 'UPPER/Case': repository names must be lowercase\n");
        Run missing = run("inspect", registry.hostPort() + "/test/app:nope", "--home", home.toString());
        assertThat(missing.exit()).isEqualTo(3);
        assertThat(missing.err()).contains("manifest nope of " + registry.hostPort() + "/test/app not found").contains("MANIFEST_UNKNOWN");
        Run usage = run("inspect");
        assertThat(usage.exit()).isEqualTo(2);
        Run format = run("inspect", app, "--format", "xml", "--home", home.toString());
        assertThat(format.err()).contains("unknown --format 'xml'");
    }

    @Test
    void pullFillsTheCacheAndPrintsPlainProgressWhenPiped(@TempDir Path home) throws Exception {
        Run r = run("pull", app, "--home", home.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("fetching " + TestImages.value("app.layer.0")).doesNotContain("\r");
        assertThat(r.out()).contains("2 layers fetched");
        Run again = run("pull", app, "--home", home.toString());
        assertThat(again.out()).contains("0 layers fetched").contains("2 already cached");
        Run info = run("cache", "info", "--home", home.toString());
        assertThat(info.out()).contains("3 blobs");
        BlobCache cache = new BlobCache(home.resolve("blobs"));
        // The base layer was used longest ago, so it is the one pruned.
        Files.setLastModifiedTime(cache.path(Digest.parse(TestImages.value("app.layer.0"))),
                java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(3600)));
        Run prune = run("cache", "prune", "--max-size", "10MiB", "--home", home.toString());
        assertThat(prune.out()).contains("removed 1 blobs");
        assertThat(cache.entries()).extracting(e -> e.digest().toString())
                .containsExactlyInAnyOrder(TestImages.value("app.config"), TestImages.value("app.layer.1"));
    }

    /** Several processes pulling into one cache at once: every blob ends up whole and verified, no temporaries remain. */
    @Test
    void concurrentProcessesShareOneCache(@TempDir Path home) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<Process> processes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            processes.add(new ProcessBuilder(java, "-cp", classpath, "io.drydock.cli.Main", "pull", app, "--home", home.toString())
                    .redirectErrorStream(true).redirectOutput(home.resolve("out-" + i + ".txt").toFile()).start());
        }
        for (int i = 0; i < processes.size(); i++) {
            Process p = processes.get(i);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(Files.readString(home.resolve("out-" + i + ".txt"))).isZero();
        }
        BlobCache cache = new BlobCache(home.resolve("blobs"));
        assertThat(cache.entries()).hasSize(3);
        for (var e : cache.entries()) {
            assertThat(Digest.sha256(Files.readAllBytes(cache.path(e.digest())))).isEqualTo(e.digest());
        }
        try (Stream<Path> walk = Files.walk(home.resolve("blobs"))) {
            assertThat(walk.filter(p -> p.getFileName().toString().startsWith(".tmp-")).toList()).isEmpty();
        }
    }

    private static String withoutScanTime(String out) {
        return out.replaceAll("(?m)^Scanned: .*$", "Scanned: -");
    }

    @Test
    void demoBuildsAndInspectsItsImage(@TempDir Path home) {
        Run r = run("demo", "--home", home.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("/app/lib/log4j-core-2.14.1.jar").contains("/var/lib/dpkg/status").contains("COPY app /app")
                .contains("88 Debian packages in layer 0").contains("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1")
                .contains("pkg:npm/lodash@4.17.15");
        // the scan: real advisories, offline; the base/application split and the remediation advice
        assertThat(r.out()).contains("known from the image's OCI annotations").contains("Base image findings")
                .contains("Application findings").contains("CVE-2021-44228").contains("CVE-2023-4911")
                .containsPattern("\\d+ findings are in the base image; rebuilding on the current digest of \\S+ would fix \\d+ of them")
                .contains("org.apache.logging.log4j:log4j-core 2.14.1 -> 2.17.1");
        assertThat(home.resolve("demo/oci/index.json")).exists();
        // the second act: a real registry, the base updated, the app rebased, validated and rolled out
        String act2 = r.out().substring(r.out().indexOf("== 6."));
        assertThat(act2).containsPattern("the new base fixes (\\d+) of the image's \\1 base findings").contains("CVE-2023-4911")
                .contains("rebased").contains("validated and signed").contains("rolled-out")
                .contains("deployment \"web\" successfully rolled out")
                .containsPattern("Deployment shop/web runs 127\\.0\\.0\\.1:\\d+/demo/shop@sha256:[0-9a-f]{64}");
        assertThat(home.resolve("drydock.db")).as("the demo keeps its loop state out of the user's store").doesNotExist();
        // Deterministic: a second run writes the same digests and findings; only the scan's own time differs.
        Run again = run("demo", "--home", home.toString(), "--first-act-only");
        String firstAct = r.out().substring(0, r.out().indexOf("== 6."));
        assertThat(withoutScanTime(again.out())).startsWith(withoutScanTime(firstAct));
    }

    @Test
    void sbomInEveryFormat(@TempDir Path home) throws Exception {
        Run cdx = run("sbom", app, "--format", "cyclonedx", "--home", home.toString());
        assertThat(cdx.exit()).as(cdx.err()).isZero();
        assertThat(new org.cyclonedx.parsers.JsonParser().validate(cdx.out().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                org.cyclonedx.Version.VERSION_16)).isEmpty();
        assertThat(cdx.out()).contains("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1").contains("pkg:npm/lodash@4.17.15")
                .contains("pkg:deb/debian/libc6@");
        Run spdx = run("sbom", app, "--format", "spdx", "--home", home.toString());
        assertThat(new ObjectMapper().readTree(spdx.out()).path("spdxVersion").asText()).isEqualTo("SPDX-2.3");
        Path out = home.resolve("inv.json");
        Run json = run("sbom", app, "--format", "json", "-o", out.toString(), "--home", home.toString());
        assertThat(json.exit()).isZero();
        JsonNode inv = new ObjectMapper().readTree(out.toFile());
        assertThat(inv.path("complete").asBoolean()).isTrue();
        assertThat(inv.path("packages")).hasSize(TestImages.intValue("base.packages") + 2);
        Run table = run("sbom", app, "--home", home.toString());
        assertThat(table.out()).contains("layer 1 " + TestImages.value("app.layer.1")).contains("log4j-core").contains(TestImages.intValue("base.packages") + 2 + " packages");
    }
}
