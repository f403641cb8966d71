package io.drydock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.image.local.BuiltLayer;
import io.drydock.image.local.LayerBuilder;
import io.drydock.image.local.OciLayoutWriter;
import io.drydock.testing.TestImages;
import io.drydock.testing.TestRegistry;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code drydock freshness} and the freshness section of {@code drydock scan}: the demo image, whose base tag has
 * moved since it was built; the real bookworm fixture from a registry; images with an end-of-life and an unknown
 * node; and newer end-of-life data installed by {@code db update --eol}. The CLI judges on today's date, so the
 * assertions hold on any day after the shipped data's (Debian 12's regular security support ended 2026-07-11).
 */
class FreshnessCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path home;
    @TempDir
    static Path layouts;
    static String demoApp;
    static String oldNode;
    static String futureNode;

    record Run(int exit, String out, String err) {
    }

    static Run run(Path home, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--home";
        all[args.length + 1] = home.toString();
        int exit = Main.run(all, new PrintWriter(out), new PrintWriter(err));
        return new Run(exit, out.toString(), err.toString());
    }

    static Run run(String... args) {
        return run(home, args);
    }

    @BeforeAll
    static void images() {
        Path demo = layouts.resolve("demo");
        DemoImage.build(demo);
        demoApp = "oci:" + demo + ":app";
        Path node = layouts.resolve("node");
        OciLayoutWriter layout = OciLayoutWriter.openOrCreate(node);
        BuiltLayer os = new LayerBuilder()
                .file("usr/lib/os-release", resource("/demo/base/usr/lib/os-release"), 0644)
                .symlink("etc/os-release", "../usr/lib/os-release")
                .writeTo(layout);
        layout.tag("old", image(layout, os, nodeLayer(layout, 18, 19, 0)));
        layout.tag("future", image(layout, os, nodeLayer(layout, 99, 1, 0)));
        oldNode = "oci:" + node + ":old";
        futureNode = "oci:" + node + ":future";
    }

    /** The header node's official builds install, as node 18.19.0's {@code include/node/node_version.h} has it. */
    static BuiltLayer nodeLayer(OciLayoutWriter layout, int major, int minor, int patch) {
        String header = """
                #ifndef SRC_NODE_VERSION_H_
                #define SRC_NODE_VERSION_H_

                #define NODE_MAJOR_VERSION %d
                #define NODE_MINOR_VERSION %d
                #define NODE_PATCH_VERSION %d

                #define NODE_VERSION_IS_LTS 1
                #define NODE_VERSION_LTS_CODENAME "Hydrogen"

                #define NODE_VERSION_IS_RELEASE 1

                #endif  // SRC_NODE_VERSION_H_
                """.formatted(major, minor, patch);
        return new LayerBuilder().file("usr/local/include/node/node_version.h", header.getBytes(StandardCharsets.UTF_8), 0644)
                .writeTo(layout);
    }

    static io.drydock.image.Descriptor image(OciLayoutWriter layout, BuiltLayer os, BuiltLayer node) {
        var config = JSON.createObjectNode();
        config.putArray("Env").add("PATH=/usr/local/bin:/usr/bin:/bin");
        return layout.writeImage(List.of(os, node), List.of("os", "COPY node /usr/local"), "2024-01-01T00:00:00Z", config, Map.of());
    }

    static byte[] resource(String name) {
        try (InputStream in = FreshnessCommandTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        } catch (Exception e) {
            throw new IllegalStateException(name, e);
        }
    }

    @Test
    void demoImageIsBehindItsMovedBaseAndOnDebianPastRegularSupport() throws Exception {
        Run table = run("freshness", demoApp);
        assertThat(table.exit()).as(table.err()).isZero();
        assertThat(table.out()).contains("end-of-life data of 2026-08-22")
                .contains("is BEHIND: the tag has moved to").contains("the newer base was built on 2024-01-01 (")
                .contains("it fixes 42 of the image's")
                .contains("debian 12, line 12:").contains("2026-07-11").containsAnyOf("2028-06-30", "END OF LIFE")
                .contains("Runtimes:   none found")
                .doesNotContain("CVE-"); // the freshness report only

        Run json = run("freshness", demoApp, "--format", "json");
        assertThat(json.exit()).as(json.err()).isZero();
        JsonNode f = JSON.readTree(json.out()).get("freshness");
        assertThat(f.get("dataDate").asText()).isEqualTo("2026-08-22");
        JsonNode base = f.get("base");
        assertThat(base.get("behind").asBoolean()).isTrue();
        assertThat(base.get("fixedByNewerBase").asInt()).isEqualTo(42);
        assertThat(base.get("newerBaseBuilt").asText()).isEqualTo("2024-01-01");
        assertThat(base.get("daysBehind").asLong()).isGreaterThan(900);
        assertThat(base.get("currentDigest").asText()).isNotEqualTo(base.get("builtOnDigest").asText());
        JsonNode os = f.get("os");
        assertThat(os.get("product").asText()).isEqualTo("debian");
        assertThat(os.get("line").asText()).isEqualTo("12");
        assertThat(os.get("status").asText()).isIn("extended-support-only", "end-of-life");
        assertThat(os.get("eol").asText()).isEqualTo("2026-07-11");
        assertThat(os.get("extendedSupportEnd").asText()).isEqualTo("2028-06-30");
        assertThat(os.get("latest").asText()).isEqualTo("12.15");
    }

    @Test
    void theScanReportHasAFreshnessSectionInTableJsonAndSarif() throws Exception {
        Run table = run("scan", demoApp);
        assertThat(table.exit()).as(table.err()).isZero();
        assertThat(table.out()).contains("CVE-2023-4911").contains("Freshness (end-of-life data of 2026-08-22)").contains("is BEHIND");
        Run json = run("scan", demoApp, "--format", "json");
        JsonNode doc = JSON.readTree(json.out());
        assertThat(doc.get("freshness").get("base").get("fixedByNewerBase").asInt()).isEqualTo(42);
        assertThat(doc.get("remediation").get("currentBaseCreated")).as("not a JSON field").isNull();

        Run sarif = run("scan", oldNode, "--format", "sarif");
        assertThat(sarif.exit()).as(sarif.err()).isZero();
        JsonNode runNode = JSON.readTree(sarif.out()).get("runs").get(0);
        JsonNode result = null;
        for (JsonNode r : runNode.get("results")) {
            if (r.get("ruleId").asText().equals("drydock-eol-runtime")) result = r;
        }
        assertThat(result).as(sarif.out()).isNotNull();
        assertThat(result.get("level").asText()).isEqualTo("warning");
        assertThat(result.get("message").get("text").asText()).contains("node 18.19.0").contains("2025-04-30").contains("18.20.8");
        assertThat(result.get("locations").get(0).get("physicalLocation").get("artifactLocation").get("uri").asText())
                .isEqualTo("usr/local/include/node/node_version.h");
        int index = result.get("ruleIndex").asInt();
        assertThat(runNode.get("tool").get("driver").get("rules").get(index).get("id").asText()).isEqualTo("drydock-eol-runtime");
    }

    @Test
    void anEndOfLifeRuntimeIsReportedWithItsLineDateAndNewestPatch() throws Exception {
        Run table = run("freshness", oldNode);
        assertThat(table.exit()).as(table.err()).isZero();
        assertThat(table.out()).contains("node 18.19.0, line 18: END OF LIFE since 2025-04-30; newest patch 18.20.8")
                .contains("/usr/local/include/node/node_version.h").contains("Base image: not known by name");
        JsonNode node = JSON.readTree(run("freshness", oldNode, "--format", "json").out()).get("freshness").get("runtimes").get(0);
        assertThat(node.get("name").asText()).isEqualTo("node");
        assertThat(node.get("product").asText()).isEqualTo("nodejs");
        assertThat(node.get("status").asText()).isEqualTo("end-of-life");
        assertThat(node.get("eol").asText()).isEqualTo("2025-04-30");
        assertThat(node.get("latest").asText()).isEqualTo("18.20.8");
        assertThat(node.get("layer").asInt()).isEqualTo(1);
    }

    @Test
    void anUnknownRuntimeLineIsAWarningAndTheRestIsStillReported() throws Exception {
        Run table = run("freshness", futureNode);
        assertThat(table.exit()).as(table.err()).isZero();
        assertThat(table.out()).contains("node 99.1.0: release line unknown to the end-of-life data")
                .contains("Warnings:").contains("99.1.0: release line not in the end-of-life data of 2026-08-22")
                .contains("debian 12, line 12:");
        JsonNode f = JSON.readTree(run("freshness", futureNode, "--format", "json").out()).get("freshness");
        assertThat(f.get("runtimes").get(0).get("status").asText()).isEqualTo("unknown-line");
        assertThat(f.get("warnings").toString()).contains("99.1.0");
        assertThat(f.get("os").get("status").asText()).isIn("extended-support-only", "end-of-life");
    }

    @Test
    void theRealBookwormBaseFromARegistryIsPastRegularSecuritySupport(@TempDir Path other) throws Exception {
        try (TestRegistry registry = TestRegistry.open()) {
            registry.push(TestImages.ociRef("base"), "fresh/debian:12");
            String ref = registry.hostPort() + "/fresh/debian:12";
            Run json = run(other, "freshness", ref, "--format", "json");
            assertThat(json.exit()).as(json.err()).isZero();
            JsonNode os = JSON.readTree(json.out()).get("freshness").get("os");
            assertThat(os.get("name").asText()).isEqualTo("debian");
            assertThat(os.get("version").asText()).isEqualTo("12");
            assertThat(os.get("status").asText()).isIn("extended-support-only", "end-of-life");
            assertThat(os.get("eol").asText()).isEqualTo("2026-07-11");
            Run table = run(other, "freshness", ref);
            assertThat(table.out()).contains("debian 12, line 12: ").containsAnyOf("PAST REGULAR SECURITY SUPPORT since 2026-07-11",
                    "END OF LIFE since 2026-07-11").contains("end-of-life data of 2026-08-22");
        }
    }

    @Test
    void dbUpdateEolInstallsNewerDataAndRejectsABadDirectory(@TempDir Path tmp) throws Exception {
        Path own = tmp.resolve("home");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Run bad = run(own, "db", "update", "--eol", empty.toString());
        assertThat(bad.exit()).isEqualTo(3);
        assertThat(bad.err()).contains(empty.toString()).contains("no endoflife.date product files").doesNotContain("Exception");
        Run missing = run(own, "db", "update", "--eol", tmp.resolve("nope").toString());
        assertThat(missing.exit()).isEqualTo(3);
        assertThat(missing.err()).contains(tmp.resolve("nope").toString()).contains("not a directory");
        assertThat(own.resolve("eol")).doesNotExist();
        assertThat(own.resolve("db")).as("--eol alone does not build the advisory DB").doesNotExist();

        Path copy = Files.createDirectories(tmp.resolve("eol"));
        for (String line : new String(resource("/eol/index.txt"), StandardCharsets.UTF_8).lines().map(String::strip).toList()) {
            if (!line.isEmpty() && !line.startsWith("#")) Files.write(copy.resolve(line), resource("/eol/" + line));
        }
        Files.write(copy.resolve("SOURCE.md"), "snapshot of 2099-01-02\n".getBytes(StandardCharsets.UTF_8));
        String debian = Files.readString(copy.resolve("debian.md"));
        Files.writeString(copy.resolve("debian.md"), debian.replace("eol: 2026-07-11", "eol: 2099-07-11"));
        String node = Files.readString(copy.resolve("nodejs.md"));
        Files.writeString(copy.resolve("nodejs.md"), node.replace("    eol: 2025-04-30\n", "")); // line 18 loses its date
        Run good = run(own, "db", "update", "--eol", copy.toString());
        assertThat(good.exit()).as(good.err()).isZero();
        assertThat(good.out()).contains("installed the end-of-life data").contains("data of 2099-01-02");
        assertThat(good.err()).contains("nodejs.md, release 18: no eol");

        Run after = run(own, "freshness", oldNode, "--format", "json");
        assertThat(after.exit()).as(after.err()).isZero();
        JsonNode f = JSON.readTree(after.out()).get("freshness");
        assertThat(f.get("dataDate").asText()).isEqualTo("2099-01-02");
        assertThat(f.get("os").get("status").asText()).isEqualTo("supported");
        assertThat(f.get("os").get("eol").asText()).isEqualTo("2099-07-11");
        assertThat(f.get("runtimes").get(0).get("status").asText()).isEqualTo("unknown-date");
        assertThat(f.get("warnings").toString()).contains("no eol");
        Run text = run(own, "freshness", oldNode);
        assertThat(text.out()).contains("end-of-life data of 2099-01-02").contains("supported until 2099-07-11")
                .contains("node 18.19.0, line 18: end-of-life date unknown");

        Run again = run(own, "db", "update", "--eol", copy.toString());
        assertThat(again.exit()).as("replacing installed data").isZero();
        try (var list = Files.list(own)) {
            assertThat(list.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("eol"))).containsExactly("eol");
        }
    }
}
