package io.drydock.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Checks what build-images.sh produced against the bytes on disk, not against remembered values. */
class TestImagesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void buildsEveryOutput() {
        Path dir = TestImages.fixtures();
        for (String name : List.of("oci/index.json", "oci/oci-layout", "multi/index.json", "multi/oci-layout",
                "app-docker.tar", "app-oci.tar", "rootfs-dpkg-query.txt", "manifest.txt", ".complete")) {
            assertThat(dir.resolve(name)).as(name).isRegularFile().isNotEmptyFile();
        }
    }

    @Test
    void completeMarkerHoldsTheScriptHashAndACachedRunIsInstant() throws Exception {
        Path script = TestImages.script();
        String hash = sha256Hex(Files.readAllBytes(script));
        assertThat(Files.readString(TestImages.fixtures().resolve(".complete")).strip()).isEqualTo(hash);
        assertThat(TestImages.value("script.sha256")).isEqualTo(hash);

        long start = System.nanoTime();
        HostTools.Result again = HostTools.run(Duration.ofMinutes(1),
                List.of("bash", script.toString(), TestImages.fixtures().toString()));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(again.output()).isEmpty();
        assertThat(took).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void tagsPointAtManifestsWhoseBlobsMatchTheirDigests() throws Exception {
        Map<String, String> tags = tags(TestImages.ociLayout());
        assertThat(tags.keySet()).containsExactlyInAnyOrder("base", "app", "arm64");
        for (String tag : tags.keySet()) {
            String manifestDigest = tags.get(tag);
            assertThat(TestImages.manifestDigest(tag)).as(tag).isEqualTo(manifestDigest);
            JsonNode manifest = readVerifiedBlob(TestImages.ociLayout(), manifestDigest);
            assertThat(manifest.path("config").path("digest").asText()).isEqualTo(TestImages.value(tag + ".config"));
            readVerifiedBlob(TestImages.ociLayout(), TestImages.value(tag + ".config"));
            List<String> layers = new ArrayList<>();
            manifest.path("layers").forEach(l -> layers.add(l.path("digest").asText()));
            assertThat(layers).isEqualTo(TestImages.layerDigests(tag));
            for (String layer : layers) {
                Path blob = TestImages.blob(layer);
                assertThat("sha256:" + sha256Hex(Files.readAllBytes(blob))).isEqualTo(layer);
                assertThat(Files.size(blob)).isEqualTo(Long.parseLong(TestImages.value(
                        tag + ".layer." + layers.indexOf(layer) + ".size")));
            }
        }
    }

    @Test
    void appIsBasePlusOneLayerWithTheVulnerableLibraries() throws Exception {
        List<String> base = TestImages.layerDigests("base");
        List<String> app = TestImages.layerDigests("app");
        assertThat(base).hasSize(1);
        assertThat(app).hasSize(base.size() + 1).startsWith(base.toArray(String[]::new));

        JsonNode config = readVerifiedBlob(TestImages.ociLayout(), TestImages.value("app.config"));
        assertThat(config.path("os").asText()).isEqualTo("linux");
        assertThat(config.path("architecture").asText()).isEqualTo("amd64");
        assertThat(config.path("config").path("User").asText()).isEqualTo("1000");
        assertThat(strings(config.path("config").path("Env"))).contains("FOO=bar");
        assertThat(strings(config.path("config").path("Entrypoint"))).containsExactly("java");
        assertThat(strings(config.path("config").path("Cmd"))).containsExactly("-jar", "/app/app.jar");
        assertThat(config.path("config").path("Labels").path("org.opencontainers.image.title").asText())
                .isEqualTo("drydock-test-app");
        List<String> createdBy = new ArrayList<>();
        config.path("history").forEach(h -> createdBy.add(h.path("created_by").asText()));
        assertThat(createdBy.get(0)).isEqualTo("debootstrap --variant=minbase bookworm");
        assertThat(createdBy.get(1)).isEqualTo("COPY app /app");
        assertThat(strings(config.path("rootfs").path("diff_ids"))).isEqualTo(TestImages.diffIds("app"));

        String topLayer = TestImages.blob(app.get(app.size() - 1)).toString();
        HostTools.Result listing = HostTools.runChecked("listing the app layer", Duration.ofMinutes(1),
                List.of("tar", "-tzf", topLayer));
        assertThat(listing.output().lines()).contains("app/lib/log4j-core-2.14.1.jar",
                "app/node_modules/lodash/package.json");
        HostTools.Result pkg = HostTools.runChecked("reading lodash's package.json", Duration.ofMinutes(1),
                List.of("tar", "-xzOf", topLayer, "app/node_modules/lodash/package.json"));
        assertThat(JSON.readTree(pkg.output()).path("version").asText()).isEqualTo("4.17.15");
    }

    @Test
    void baseIsADebianBookwormRootfs() throws Exception {
        JsonNode config = readVerifiedBlob(TestImages.ociLayout(), TestImages.value("base.config"));
        assertThat(strings(config.path("config").path("Cmd"))).containsExactly("/bin/bash");
        assertThat(config.path("history")).hasSize(1);

        List<String> packages = Files.readAllLines(TestImages.dpkgQueryOutput(), StandardCharsets.UTF_8);
        assertThat(packages).hasSize(TestImages.intValue("base.packages"));
        assertThat(packages).allSatisfy(line -> assertThat(line.split("\t")).hasSize(3));
        assertThat(packages).anySatisfy(line -> assertThat(line).startsWith("bash\t5.2").endsWith("\tinstall ok installed"));
        assertThat(packages).anySatisfy(line -> assertThat(line).startsWith("base-files\t12."));

        HostTools.Result release = HostTools.runChecked("reading os-release from the base layer", Duration.ofMinutes(1),
                List.of("tar", "-xzOf", TestImages.blob(TestImages.layerDigests("base").get(0)).toString(),
                        "usr/lib/os-release"));
        assertThat(release.output()).contains("VERSION_CODENAME=bookworm");
    }

    @Test
    void multiIsAnIndexOverAppAndArm64() throws Exception {
        Map<String, String> tags = tags(TestImages.multiLayout());
        assertThat(tags).containsOnlyKeys("multi");
        assertThat(tags.get("multi")).isEqualTo(TestImages.value("multi.index"));
        JsonNode index = readVerifiedBlob(TestImages.multiLayout(), tags.get("multi"));
        assertThat(index.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.index.v1+json");
        assertThat(index.path("manifests")).hasSize(2);
        JsonNode amd = index.path("manifests").get(0);
        JsonNode arm = index.path("manifests").get(1);
        assertThat(amd.path("digest").asText()).isEqualTo(TestImages.manifestDigest("app"));
        assertThat(amd.path("platform").path("architecture").asText()).isEqualTo("amd64");
        assertThat(arm.path("digest").asText()).isEqualTo(TestImages.manifestDigest("arm64"));
        assertThat(arm.path("platform").path("architecture").asText()).isEqualTo("arm64");
        assertThat(arm.path("platform").path("variant").asText()).isEqualTo("v8");

        // Every blob both images need is in the multi layout itself.
        for (JsonNode entry : index.path("manifests")) {
            JsonNode manifest = readVerifiedBlob(TestImages.multiLayout(), entry.path("digest").asText());
            assertThat(Files.size(blobIn(TestImages.multiLayout(), entry.path("digest").asText())))
                    .isEqualTo(entry.path("size").asLong());
            assertThat(blobIn(TestImages.multiLayout(), manifest.path("config").path("digest").asText())).isRegularFile();
            manifest.path("layers").forEach(l ->
                    assertThat(blobIn(TestImages.multiLayout(), l.path("digest").asText())).isRegularFile());
        }
        JsonNode armConfig = readVerifiedBlob(TestImages.ociLayout(), TestImages.value("arm64.config"));
        assertThat(armConfig.path("architecture").asText()).isEqualTo("arm64");
        assertThat(armConfig.path("variant").asText()).isEqualTo("v8");
    }

    @Test
    void archivesHoldTheAppImage() throws Exception {
        HostTools.Result docker = HostTools.runChecked("reading the docker-archive manifest", Duration.ofMinutes(1),
                List.of("tar", "-xOf", TestImages.dockerArchive().toString(), "manifest.json"));
        JsonNode entry = JSON.readTree(docker.output()).get(0);
        assertThat(strings(entry.path("RepoTags"))).containsExactly(TestImages.value("app-docker.repotag"));
        assertThat(entry.path("Layers")).hasSize(TestImages.intValue("app.layers"));
        assertThat("sha256:" + entry.path("Config").asText().replace(".json", ""))
                .isEqualTo(TestImages.value("app-docker.config"));

        HostTools.Result oci = HostTools.runChecked("reading the oci-archive index", Duration.ofMinutes(1),
                List.of("tar", "-xOf", TestImages.ociArchive().toString(), "index.json"));
        JsonNode m = JSON.readTree(oci.output()).path("manifests").get(0);
        assertThat(m.path("digest").asText()).isEqualTo(TestImages.manifestDigest("app"));
        assertThat(m.path("annotations").path("org.opencontainers.image.ref.name").asText()).isEqualTo("app");
    }

    // ---------------------------------------------------------------------------------------------

    private static Map<String, String> tags(Path layout) throws IOException {
        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        Map<String, String> tags = new java.util.LinkedHashMap<>();
        index.path("manifests").forEach(m ->
                tags.put(m.path("annotations").path("org.opencontainers.image.ref.name").asText(), m.path("digest").asText()));
        return tags;
    }

    private static Path blobIn(Path layout, String digest) {
        return layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
    }

    private static JsonNode readVerifiedBlob(Path layout, String digest) throws IOException {
        byte[] bytes = Files.readAllBytes(blobIn(layout, digest));
        assertThat("sha256:" + sha256Hex(bytes)).as("content of blob " + digest).isEqualTo(digest);
        return JSON.readTree(bytes);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
