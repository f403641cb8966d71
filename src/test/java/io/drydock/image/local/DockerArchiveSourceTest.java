package io.drydock.image.local;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.DrydockException;
import io.drydock.image.Descriptor;
import io.drydock.image.Digest;
import io.drydock.image.ImageManifest;
import io.drydock.image.ImageResolver;
import io.drydock.image.LayerRef;
import io.drydock.image.ManifestCodec;
import io.drydock.image.MediaTypes;
import io.drydock.image.Platform;
import io.drydock.image.ResolvedImage;
import io.drydock.image.local.Fixtures.SampleImage;
import io.drydock.image.local.Fixtures.TestTar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.drydock.image.local.Fixtures.readBlob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Classic {@code docker save} archives, built entry by entry the way Docker lays them out. */
class DockerArchiveSourceTest {
    @TempDir
    Path dir;

    /** Docker's v1 layer IDs: directory names unrelated to content. */
    static final String ID_BASE = "a".repeat(64);
    static final String ID_APP = "b".repeat(64);
    static final String ID_SHARED_BASE = "c".repeat(64);
    static final String ID_SHARED_APP = "d".repeat(64);

    record Layer(byte[] tar, Digest diffId) {
    }

    static Layer layer(LayerBuilder builder) throws IOException {
        byte[] tar = Fixtures.uncompressedLayer(builder);
        return new Layer(tar, Digest.sha256(tar));
    }

    static ObjectNode image(String config, List<String> repoTags, String... layers) {
        ObjectNode node = Fixtures.JSON.createObjectNode();
        node.put("Config", config);
        ArrayNode tags = node.putArray("RepoTags");
        repoTags.forEach(tags::add);
        ArrayNode paths = node.putArray("Layers");
        for (String layer : layers) paths.add(layer);
        return node;
    }

    static byte[] manifestJson(ObjectNode... images) throws IOException {
        ArrayNode root = Fixtures.JSON.createArrayNode();
        for (ObjectNode image : images) root.add(image);
        return Fixtures.JSON.writeValueAsBytes(root);
    }

    final Layer base;
    final Layer app;
    final byte[] appConfig;
    final byte[] otherConfig;

    DockerArchiveSourceTest() throws IOException {
        base = layer(new LayerBuilder().file("etc/os-release", "ID=classic\n"));
        app = layer(new LayerBuilder().file("app/main", "main"));
        appConfig = Fixtures.config(List.of(base.diffId(), app.diffId()), List.of("ADD rootfs /", "COPY main /app"));
        otherConfig = Fixtures.config(List.of(base.diffId(), app.diffId()), List.of("ADD rootfs /", "COPY main /app # other"));
    }

    static String configName(byte[] config) {
        return Digest.sha256(config).hex() + ".json";
    }

    /**
     * Two images sharing both layers, deduplicated as docker save does: the second image's
     * layer.tar entries are a symlink and a hard link to the first's.
     */
    Path twoImageArchive() throws IOException {
        return new TestTar()
                .file(configName(appConfig), appConfig)
                .file(configName(otherConfig), otherConfig)
                .directory(ID_BASE).file(ID_BASE + "/VERSION", "1.0").file(ID_BASE + "/layer.tar", base.tar())
                .directory(ID_APP).file(ID_APP + "/layer.tar", app.tar())
                .directory(ID_SHARED_BASE).symlink(ID_SHARED_BASE + "/layer.tar", "../" + ID_BASE + "/layer.tar")
                .directory(ID_SHARED_APP).hardlink(ID_SHARED_APP + "/layer.tar", ID_APP + "/layer.tar")
                .file("manifest.json", manifestJson(
                        image(configName(appConfig), List.of("docker.io/library/app:1"), ID_BASE + "/layer.tar", ID_APP + "/layer.tar"),
                        image(configName(otherConfig), List.of("test/other:2", "test/other:latest"),
                                ID_SHARED_BASE + "/layer.tar", ID_SHARED_APP + "/layer.tar")))
                .file("repositories", "{}")
                .writeTo(dir.resolve("images.tar"));
    }

    @Test
    void synthesisesADockerManifestFromTheArchivesFiles() throws Exception {
        try (DockerArchiveSource source = DockerArchiveSource.open(twoImageArchive(), "app:1")) {
            ImageManifest manifest = (ImageManifest) source.manifest(null);
            assertThat(manifest.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
            assertThat(manifest.config()).isEqualTo(Descriptor.of(MediaTypes.DOCKER_CONFIG, Digest.sha256(appConfig), appConfig.length));
            assertThat(manifest.layers()).containsExactly(
                    Descriptor.of(DockerArchiveSource.DOCKER_LAYER, base.diffId(), base.tar().length),
                    Descriptor.of(DockerArchiveSource.DOCKER_LAYER, app.diffId(), app.tar().length));
            // The same bytes each time, so the digest is a stable name for the image.
            assertThat(source.manifest("docker.io/library/app:1").raw()).isEqualTo(manifest.raw());

            ResolvedImage resolved = ImageResolver.resolve(source, "app:1", Platform.LINUX_AMD64);
            assertThat(resolved.layers()).extracting(LayerRef::createdBy).containsExactly("ADD rootfs /", "COPY main /app");
            assertThat(readBlob(source, resolved.layers().get(1).descriptor())).isEqualTo(app.tar());
        }
    }

    @Test
    void selectsByNormalisedTagPositionOrDigest() throws Exception {
        try (DockerArchiveSource source = DockerArchiveSource.open(twoImageArchive())) {
            Digest other = source.manifest("test/other:2").digest();
            assertThat(source.manifest("docker.io/test/other:2").digest()).isEqualTo(other);
            assertThat(source.manifest("test/other").digest()).isEqualTo(other); // :latest is implied
            assertThat(source.manifest("@1").digest()).isEqualTo(other);
            assertThat(source.manifest(Digest.sha256(otherConfig).toString()).digest()).isEqualTo(other);
            assertThat(source.manifest(other.toString()).digest()).isEqualTo(other);
            assertThat(source.manifest("app:1").digest()).isNotEqualTo(other);
            assertThat(source.tags()).containsExactly("docker.io/library/app:1", "test/other:2, test/other:latest");
        }
    }

    @Test
    void layersSharedThroughSymlinksAndHardLinksReadAsTheSameBlobs() throws Exception {
        try (DockerArchiveSource source = DockerArchiveSource.open(twoImageArchive())) {
            ResolvedImage app1 = ImageResolver.resolve(source, "app:1", Platform.LINUX_AMD64);
            ResolvedImage other = ImageResolver.resolve(source, "test/other:2", Platform.LINUX_AMD64);
            assertThat(other.layers()).extracting(LayerRef::descriptor).isEqualTo(app1.layers().stream().map(LayerRef::descriptor).toList());
            assertThat(other.config().diffIds()).isEqualTo(List.of(base.diffId(), app.diffId()));
            assertThat(readBlob(source, other.layers().get(0).descriptor())).isEqualTo(base.tar());
            assertThat(readBlob(source, other.layers().get(1).descriptor())).isEqualTo(app.tar());
        }
    }

    @Test
    void withoutAReferenceSeveralImagesAreAnErrorListingThem() throws Exception {
        try (DockerArchiveSource source = DockerArchiveSource.open(twoImageArchive())) {
            assertThatThrownBy(() -> source.manifest(null))
                    .isInstanceOf(DrydockException.class)
                    .hasMessageContaining("holds 2 images")
                    .hasMessageContaining("docker.io/library/app:1; test/other:2");
            assertThatThrownBy(() -> source.manifest("app:2"))
                    .isInstanceOf(DrydockException.class)
                    .hasMessageContaining("docker-archive:" + dir.resolve("images.tar").toAbsolutePath())
                    .hasMessageContaining("no image tagged 'app:2'")
                    .hasMessageContaining("available: docker.io/library/app:1");
            assertThatThrownBy(() -> source.manifest("@5"))
                    .isInstanceOf(DrydockException.class)
                    .hasMessageContaining("holds 2");
        }
    }

    @Test
    void gzipLayersAreRecognisedByTheirMagicBytes() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        BuiltLayer built = new LayerBuilder().file("etc/os-release", "ID=gz\n").writeTo(gz);
        byte[] config = Fixtures.config(List.of(built.diffId()), List.of("ADD rootfs /"));
        Path tar = new TestTar()
                .file(configName(config), config)
                .file(ID_BASE + "/layer.tar", gz.toByteArray())
                .file("manifest.json", manifestJson(image(configName(config), List.of("gz:1"), ID_BASE + "/layer.tar")))
                .writeTo(dir.resolve("gz.tar"));
        try (DockerArchiveSource source = DockerArchiveSource.open(tar)) {
            ResolvedImage resolved = ImageResolver.resolve(source, null, Platform.LINUX_AMD64);
            assertThat(resolved.layers()).singleElement().satisfies(l -> {
                assertThat(l.descriptor()).isEqualTo(built.descriptor(MediaTypes.DOCKER_LAYER_GZIP));
                assertThat(l.diffId()).isEqualTo(built.diffId());
            });
        }
    }

    @Test
    void layerPathsOutsideTheArchiveAreRefused() throws Exception {
        Path climbing = new TestTar()
                .file(configName(appConfig), appConfig)
                .file("manifest.json", manifestJson(image(configName(appConfig), List.of("app:1"), "../../etc/passwd", ID_APP + "/layer.tar")))
                .writeTo(dir.resolve("climbing.tar"));
        assertThatThrownBy(() -> DockerArchiveSource.open(climbing))
                .isInstanceOf(DrydockException.class)
                .hasMessageContaining(climbing.toAbsolutePath() + "!manifest.json image 0 Layers[0]")
                .hasMessageContaining("'../../etc/passwd'")
                .hasMessageContaining("not a path inside the archive");

        Path absolute = new TestTar()
                .file("manifest.json", manifestJson(image("/etc/shadow", List.of("app:1"))))
                .writeTo(dir.resolve("absolute.tar"));
        assertThatThrownBy(() -> DockerArchiveSource.open(absolute))
                .isInstanceOf(DrydockException.class)
                .hasMessageContaining("Config is '/etc/shadow'");

        Path linkOut = new TestTar()
                .file(configName(appConfig), appConfig)
                .symlink(ID_BASE + "/layer.tar", "../../../etc/passwd")
                .file(ID_APP + "/layer.tar", app.tar())
                .file("manifest.json", manifestJson(image(configName(appConfig), List.of("app:1"), ID_BASE + "/layer.tar", ID_APP + "/layer.tar")))
                .writeTo(dir.resolve("link-out.tar"));
        try (DockerArchiveSource source = DockerArchiveSource.open(linkOut)) {
            assertThatThrownBy(() -> source.manifest("app:1"))
                    .isInstanceOf(DrydockException.class)
                    .hasMessageContaining("link '" + ID_BASE + "/layer.tar'")
                    .hasMessageContaining("outside the archive");
        }
    }

    @Test
    void contentThatContradictsItsNameOrTheConfigIsRefused() throws Exception {
        Path misnamed = new TestTar()
                .file(configName(otherConfig), appConfig)
                .file(ID_BASE + "/layer.tar", base.tar())
                .file(ID_APP + "/layer.tar", app.tar())
                .file("manifest.json", manifestJson(image(configName(otherConfig), List.of("app:1"), ID_BASE + "/layer.tar", ID_APP + "/layer.tar")))
                .writeTo(dir.resolve("misnamed.tar"));
        try (DockerArchiveSource source = DockerArchiveSource.open(misnamed)) {
            assertThatThrownBy(() -> source.manifest(null))
                    .isInstanceOf(DrydockException.class)
                    .hasMessageContaining("config " + configName(otherConfig))
                    .hasMessageContaining("its name says " + Digest.sha256(otherConfig));
        }

        byte[] corrupt = app.tar().clone();
        corrupt[600] ^= 0x01;
        Path corrupted = new TestTar()
                .file(configName(appConfig), appConfig)
                .file(ID_BASE + "/layer.tar", base.tar())
                .file(ID_APP + "/layer.tar", corrupt)
                .file("manifest.json", manifestJson(image(configName(appConfig), List.of("app:1"), ID_BASE + "/layer.tar", ID_APP + "/layer.tar")))
                .writeTo(dir.resolve("corrupted.tar"));
        try (DockerArchiveSource source = DockerArchiveSource.open(corrupted)) {
            assertThatThrownBy(() -> source.manifest(null))
                    .isInstanceOf(DrydockException.class)
                    .hasMessageContaining("layer " + ID_APP + "/layer.tar")
                    .hasMessageContaining("diff_ids[1] is " + app.diffId());
        }

        Path wrongBlobName = new TestTar()
                .file(configName(appConfig), appConfig)
                .file("blobs/sha256/" + base.diffId().hex(), base.tar())
                .file("blobs/sha256/" + "e".repeat(64), app.tar())
                .file("manifest.json", manifestJson(image(configName(appConfig), List.of("app:1"),
                        "blobs/sha256/" + base.diffId().hex(), "blobs/sha256/" + "e".repeat(64))))
                .writeTo(dir.resolve("wrong-blob-name.tar"));
        try (DockerArchiveSource source = DockerArchiveSource.open(wrongBlobName)) {
            assertThatThrownBy(() -> source.manifest(null))
                    .isInstanceOf(DrydockException.class)
                    .hasMessageContaining("its name says sha256:" + "e".repeat(64));
        }
    }

    @Test
    void missingFilesAndBrokenManifestJsonAreNamed() throws Exception {
        Path missingLayer = new TestTar()
                .file(configName(appConfig), appConfig)
                .file(ID_BASE + "/layer.tar", base.tar())
                .file("manifest.json", manifestJson(image(configName(appConfig), List.of("app:1"), ID_BASE + "/layer.tar", ID_APP + "/layer.tar")))
                .writeTo(dir.resolve("missing.tar"));
        try (DockerArchiveSource source = DockerArchiveSource.open(missingLayer)) {
            assertThatThrownBy(() -> source.manifest(null))
                    .isInstanceOf(DrydockException.class)
                    .hasMessageContaining("layer 1 of app:1 (" + ID_APP + "/layer.tar) is missing from the archive");
        }

        Path broken = new TestTar().file("manifest.json", "[{\"Config\": ").writeTo(dir.resolve("broken.tar"));
        assertThatThrownBy(() -> DockerArchiveSource.open(broken))
                .isInstanceOf(DrydockException.class)
                .hasMessageContaining(broken.toAbsolutePath() + "!manifest.json is not valid JSON");

        Path neither = new TestTar().file("hello.txt", "hi").writeTo(dir.resolve("neither.tar"));
        assertThatThrownBy(() -> DockerArchiveSource.open(neither))
                .isInstanceOf(DrydockException.class)
                .hasMessageContaining("is not a docker archive");
    }

    @Test
    void anOciLayoutInsideTheArchiveIsPreferred() throws Exception {
        // Docker 25+ writes an OCI layout plus a manifest.json pointing into its blobs.
        Path layout = dir.resolve("layout");
        OciLayoutWriter writer = OciLayoutWriter.openOrCreate(layout);
        SampleImage image = Fixtures.writeSample(writer, null, "docker25");
        Files.write(layout.resolve("index.json"), ManifestCodec.writeIndex(MediaTypes.OCI_INDEX, List.of(
                image.manifestDescriptor().withAnnotations(Map.of(
                        OciLayoutReader.CONTAINERD_NAME, "docker.io/library/app:1",
                        OciLayoutReader.REF_NAME, "1"))), null).raw());
        Path tar = new TestTar()
                .tree(layout, "")
                .file("manifest.json", manifestJson(image("blobs/sha256/" + image.configDigest().hex(), List.of("app:1"),
                        "blobs/sha256/" + image.layer(0).digest().hex(), "blobs/sha256/" + image.layer(1).digest().hex())))
                .writeTo(dir.resolve("docker25.tar"));
        try (DockerArchiveSource source = DockerArchiveSource.open(tar, "app:1")) {
            ResolvedImage resolved = ImageResolver.resolve(source, null, Platform.LINUX_AMD64);
            assertThat(resolved.manifest().mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
            assertThat(resolved.digest()).isEqualTo(image.manifest().digest());
            assertThat(resolved.config().diffIds()).isEqualTo(image.diffIds());
            assertThat(readBlob(source, image.layer(0))).hasSize((int) image.layer(0).size());
            assertThat(source.tags()).containsExactly("1");
        }
    }
}
