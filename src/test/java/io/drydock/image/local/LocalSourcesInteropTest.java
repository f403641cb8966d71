package io.drydock.image.local;

import io.drydock.image.Descriptor;
import io.drydock.image.Digest;
import io.drydock.image.ImageResolver;
import io.drydock.image.ImageSource;
import io.drydock.image.LayerRef;
import io.drydock.image.MediaTypes;
import io.drydock.image.Platform;
import io.drydock.image.ResolvedImage;
import io.drydock.image.local.Fixtures.SampleImage;
import io.drydock.image.local.Fixtures.TestTar;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.drydock.image.local.Fixtures.readBlob;
import static io.drydock.image.local.Fixtures.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Round trips through skopeo and umoci: what {@link OciLayoutWriter} writes, they read; what they
 * write, the three local sources read, and all three agree about the same image.
 */
class LocalSourcesInteropTest {
    @TempDir
    static Path work;
    static Path layoutDir;
    static SampleImage image;

    @BeforeAll
    static void writeLayout() {
        layoutDir = work.resolve("layout");
        image = Fixtures.writeSample(OciLayoutWriter.openOrCreate(layoutDir), "v1", "interop");
    }

    @Test
    void skopeoAndUmociReadTheWritersLayout() throws Exception {
        String inspect = run("skopeo", "inspect", "--raw", "oci:" + layoutDir + ":v1");
        assertThat(Digest.sha256(inspect.getBytes(java.nio.charset.StandardCharsets.UTF_8))).isEqualTo(image.manifest().digest());
        run("skopeo", "inspect", "oci:" + layoutDir + ":v1");
        assertThat(run("umoci", "ls", "--layout", layoutDir.toString()).lines()).contains("v1");
    }

    @Test
    void layoutOciArchiveAndDockerArchiveAgree() throws Exception {
        Path ociArchive = work.resolve("image-oci.tar");
        Path dockerArchive = work.resolve("image-docker.tar");
        run("skopeo", "--insecure-policy", "copy", "oci:" + layoutDir + ":v1", "oci-archive:" + ociArchive + ":v1");
        run("skopeo", "--insecure-policy", "copy", "oci:" + layoutDir + ":v1", "docker-archive:" + dockerArchive + ":test/app:1");

        try (ImageSource layout = OciLayoutSource.open(layoutDir, "v1");
             ImageSource archive = OciArchiveSource.open(ociArchive, "v1");
             ImageSource docker = DockerArchiveSource.open(dockerArchive, "test/app:1")) {
            ResolvedImage fromLayout = ImageResolver.resolve(layout, "v1", Platform.LINUX_AMD64);
            ResolvedImage fromArchive = ImageResolver.resolve(archive, "v1", Platform.LINUX_AMD64);
            // skopeo records the name as docker.io/test/app:1; both spellings must find it.
            ResolvedImage fromDocker = ImageResolver.resolve(docker, "docker.io/test/app:1", Platform.LINUX_AMD64);
            assertThat(ImageResolver.resolve(docker, "test/app:1", Platform.LINUX_AMD64).digest()).isEqualTo(fromDocker.digest());

            assertThat(fromLayout.digest()).isEqualTo(image.manifest().digest());
            assertThat(fromArchive.digest()).isEqualTo(fromLayout.digest());
            assertThat(fromDocker.manifest().mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
            for (ResolvedImage resolved : List.of(fromLayout, fromArchive, fromDocker)) {
                assertThat(resolved.manifest().config().digest()).as(resolved.name()).isEqualTo(image.configDigest());
                assertThat(resolved.config().diffIds()).as(resolved.name()).isEqualTo(image.diffIds());
                assertThat(resolved.layers()).extracting(LayerRef::diffId).isEqualTo(image.diffIds());
                assertThat(resolved.layers()).extracting(LayerRef::createdBy).isEqualTo(image.createdBy());
                assertThat(resolved.config().history()).hasSize(3);
            }
            // skopeo stores docker-archive layers uncompressed, so their digests are the diffIDs.
            assertThat(fromDocker.layers()).extracting(LayerRef::digest).isEqualTo(image.diffIds());
            assertThat(fromDocker.layers()).extracting(l -> l.descriptor().mediaType()).containsOnly(DockerArchiveSource.DOCKER_LAYER);

            // Every layer blob reads to its end through verification.
            for (ImageSource source : List.of(layout, archive, docker)) {
                ResolvedImage resolved = ImageResolver.resolve(source, null, Platform.LINUX_AMD64);
                for (LayerRef layer : resolved.layers()) {
                    assertThat(readBlob(source, layer.descriptor())).hasSize((int) layer.descriptor().size());
                }
            }
        }
    }

    @Test
    void layoutTarredWithDotSlashNamesReadsAsOciArchive() throws Exception {
        Path tar = new TestTar().tree(layoutDir, "./").writeTo(work.resolve("dot-slash.tar"));
        try (OciArchiveSource source = OciArchiveSource.open(tar)) {
            ResolvedImage resolved = ImageResolver.resolve(source, null, Platform.LINUX_AMD64);
            assertThat(resolved.digest()).isEqualTo(image.manifest().digest());
            assertThat(readBlob(source, image.layer(1))).hasSize((int) image.layer(1).size());
        }
    }

    @Test
    void umociBuiltImagesAreReadAndWrittenAlongside() throws Exception {
        Path layout = work.resolve("umoci-layout");
        Path rootfs = Files.createDirectories(work.resolve("umoci-rootfs/etc"));
        Files.writeString(rootfs.resolve("greeting"), "hello\n");
        run("umoci", "init", "--layout", layout.toString());
        run("umoci", "new", "--image", layout + ":base");
        // --rootless so the test needs no privileges; as root it changes nothing that matters here.
        run("umoci", "insert", "--rootless", "--image", layout + ":base", rootfs.getParent().toString(), "/");
        run("umoci", "config", "--image", layout + ":base", "--config.cmd", "/bin/true", "--tag", "configured");

        // umoci's manifests carry no mediaType in their body; the index entry's type stands in.
        try (OciLayoutSource source = OciLayoutSource.open(layout)) {
            assertThat(source.tags()).contains("base", "configured");
            ResolvedImage resolved = ImageResolver.resolve(source, "configured", Platform.LINUX_AMD64);
            assertThat(resolved.manifest().mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
            assertThat(resolved.config().cmd()).containsExactly("/bin/true");
            assertThat(resolved.layers()).singleElement().satisfies(layer -> assertThat(layer.createdBy()).startsWith("umoci insert"));
        }

        // Adding to a layout another tool made keeps its tags, and umoci then sees ours too.
        OciLayoutWriter writer = OciLayoutWriter.openOrCreate(layout);
        SampleImage ours = Fixtures.writeSample(writer, "drydock", "umoci");
        assertThat(run("umoci", "ls", "--layout", layout.toString()).lines()).contains("base", "configured", "drydock");
        run("umoci", "config", "--image", layout + ":drydock", "--config.user", "1000", "--tag", "drydock-user");
        try (OciLayoutSource source = OciLayoutSource.open(layout)) {
            ResolvedImage changed = ImageResolver.resolve(source, "drydock-user", Platform.LINUX_AMD64);
            assertThat(changed.config().user()).isEqualTo("1000");
            assertThat(changed.config().diffIds()).isEqualTo(ours.diffIds());
        }
    }

    @Test
    void skopeoCopiesAnIndexTheWriterBuilt() throws Exception {
        Path dir = work.resolve("multi");
        OciLayoutWriter writer = OciLayoutWriter.openOrCreate(dir);
        SampleImage amd64 = Fixtures.writeSample(writer, null, "amd64");
        Descriptor entry = new Descriptor(amd64.manifestDescriptor().mediaType(), amd64.manifestDescriptor().digest(),
                amd64.manifestDescriptor().size(), Platform.LINUX_AMD64, null, null);
        Descriptor index = writer.writeManifest(io.drydock.image.ManifestCodec.writeIndex(MediaTypes.OCI_INDEX, List.of(entry), null));
        writer.tag("multi", index);

        Path copy = work.resolve("multi-copy");
        run("skopeo", "--insecure-policy", "copy", "--all", "oci:" + dir + ":multi", "oci:" + copy + ":multi");
        try (OciLayoutSource source = OciLayoutSource.open(copy, "multi")) {
            ResolvedImage resolved = ImageResolver.resolve(source, source.defaultReference(), Platform.LINUX_AMD64);
            assertThat(resolved.fromIndex()).isTrue();
            assertThat(resolved.digest()).isEqualTo(amd64.manifest().digest());
        }
    }
}
