package io.drydock.image.local;

import io.drydock.DrydockException;
import io.drydock.image.Descriptor;
import io.drydock.image.ImageIndex;
import io.drydock.image.ImageManifest;
import io.drydock.image.ImageResolver;
import io.drydock.image.Manifest;
import io.drydock.image.ManifestCodec;
import io.drydock.image.MediaTypes;
import io.drydock.image.Platform;
import io.drydock.image.ResolvedImage;
import io.drydock.image.local.Fixtures.SampleImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.drydock.image.local.Fixtures.readBlob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OciLayoutSourceTest {
    @TempDir
    Path dir;

    private Path blobFile(Descriptor d) {
        return dir.resolve("blobs").resolve(d.digest().algorithm()).resolve(d.digest().hex());
    }

    @Test
    void findsImagesByTagDigestOrAsTheOnlyEntry() {
        SampleImage image = Fixtures.writeSample(OciLayoutWriter.openOrCreate(dir), "v1", "a");
        OciLayoutSource source = OciLayoutSource.open(dir);
        assertThat(source.manifest("v1").digest()).isEqualTo(image.manifest().digest());
        assertThat(source.manifest(image.manifest().digest().toString()).digest()).isEqualTo(image.manifest().digest());
        assertThat(source.manifest("@" + image.manifest().digest()).digest()).isEqualTo(image.manifest().digest());
        assertThat(source.manifest(null).digest()).isEqualTo(image.manifest().digest());
        assertThat(source.manifest("").digest()).isEqualTo(image.manifest().digest());
        assertThat(source.describe()).isEqualTo("oci:" + dir.toAbsolutePath());
        assertThat(OciLayoutSource.open(dir, "v1").describe()).isEqualTo("oci:" + dir.toAbsolutePath() + ":v1");
    }

    @Test
    void aMissingTagIsAnErrorListingTheTags() {
        OciLayoutWriter writer = OciLayoutWriter.openOrCreate(dir);
        Fixtures.writeSample(writer, "v1", "a");
        Fixtures.writeSample(writer, "v2", "b");
        OciLayoutSource source = OciLayoutSource.open(dir);
        assertThatThrownBy(() -> source.manifest("v3"))
                .isInstanceOf(DrydockException.class)
                .hasMessageContaining("oci:" + dir.toAbsolutePath())
                .hasMessageContaining("'v3'")
                .hasMessageContaining("v1, v2");
        assertThatThrownBy(() -> source.manifest(null))
                .isInstanceOf(DrydockException.class)
                .hasMessageContaining("holds 2 images")
                .hasMessageContaining("v1, v2");
        // The default reference stands in for a missing one.
        assertThat(OciLayoutSource.open(dir, "v2").manifest(null).digest()).isEqualTo(source.manifest("v2").digest());
    }

    @Test
    void containerdNamesMatchByTagByShortNameAndByFullName() throws Exception {
        OciLayoutWriter writer = OciLayoutWriter.openOrCreate(dir);
        SampleImage app = Fixtures.writeSample(writer, null, "app");
        SampleImage other = Fixtures.writeSample(writer, null, "other");
        // As docker save (25+) and ctr export write index.json.
        Files.write(dir.resolve("index.json"), ManifestCodec.writeIndex(MediaTypes.OCI_INDEX, List.of(
                app.manifestDescriptor().withAnnotations(Map.of(OciLayoutReader.CONTAINERD_NAME, "docker.io/library/app:1")),
                other.manifestDescriptor().withAnnotations(Map.of(OciLayoutReader.CONTAINERD_NAME, "registry.example.com/team/other:2"))), null).raw());
        OciLayoutSource source = OciLayoutSource.open(dir);
        assertThat(source.manifest("1").digest()).isEqualTo(app.manifest().digest());
        assertThat(source.manifest("app:1").digest()).isEqualTo(app.manifest().digest());
        assertThat(source.manifest("docker.io/library/app:1").digest()).isEqualTo(app.manifest().digest());
        assertThat(source.manifest("registry.example.com/team/other:2").digest()).isEqualTo(other.manifest().digest());
        assertThat(source.manifest("2").digest()).isEqualTo(other.manifest().digest());
        assertThat(source.tags()).containsExactly("docker.io/library/app:1", "registry.example.com/team/other:2");
    }

    @Test
    void aTagOnTwoDifferentImagesIsAmbiguous() throws Exception {
        OciLayoutWriter writer = OciLayoutWriter.openOrCreate(dir);
        SampleImage app = Fixtures.writeSample(writer, null, "app");
        SampleImage other = Fixtures.writeSample(writer, null, "other");
        Files.write(dir.resolve("index.json"), ManifestCodec.writeIndex(MediaTypes.OCI_INDEX, List.of(
                app.manifestDescriptor().withAnnotations(Map.of(OciLayoutReader.CONTAINERD_NAME, "docker.io/library/app:1", OciLayoutReader.REF_NAME, "1")),
                other.manifestDescriptor().withAnnotations(Map.of(OciLayoutReader.CONTAINERD_NAME, "docker.io/library/other:1", OciLayoutReader.REF_NAME, "1"))), null).raw());
        OciLayoutSource source = OciLayoutSource.open(dir);
        assertThatThrownBy(() -> source.manifest("1"))
                .isInstanceOf(DrydockException.class)
                .hasMessageContaining("matches 2 different images")
                .hasMessageContaining("docker.io/library/other:1@");
        assertThat(source.manifest("other:1").digest()).isEqualTo(other.manifest().digest());
    }

    @Test
    void aTaggedIndexIsReturnedAsAnIndexAndItsChildrenAreFoundByDigest() {
        OciLayoutWriter writer = OciLayoutWriter.openOrCreate(dir);
        SampleImage amd64 = Fixtures.writeSample(writer, null, "amd64");
        SampleImage arm64 = Fixtures.writeSample(writer, null, "arm64");
        Descriptor amd = platformEntry(amd64, new Platform("linux", "amd64", null, null));
        Descriptor arm = platformEntry(arm64, new Platform("linux", "arm64", "v8", null));
        ImageIndex index = ManifestCodec.writeIndex(MediaTypes.OCI_INDEX, List.of(amd, arm), null);
        writer.tag("multi", writer.writeManifest(index));

        OciLayoutSource source = OciLayoutSource.open(dir);
        Manifest top = source.manifest("multi");
        assertThat(top).isInstanceOf(ImageIndex.class);
        assertThat(top.digest()).isEqualTo(index.digest());
        ResolvedImage resolved = ImageResolver.resolve(source, "multi", Platform.parse("linux/arm64"));
        assertThat(resolved.fromIndex()).isTrue();
        assertThat(resolved.digest()).isEqualTo(arm64.manifest().digest());
        assertThat(resolved.config().diffIds()).isEqualTo(arm64.diffIds());
    }

    private static Descriptor platformEntry(SampleImage image, Platform platform) {
        Descriptor d = image.manifestDescriptor();
        return new Descriptor(d.mediaType(), d.digest(), d.size(), platform, null, null);
    }

    @Test
    void aBlobAlteredOnDiskFailsNamingItsDigest() throws Exception {
        SampleImage image = Fixtures.writeSample(OciLayoutWriter.openOrCreate(dir), "v1", "a");
        Descriptor layer = image.layer(0);
        byte[] content = Files.readAllBytes(blobFile(layer));
        content[content.length / 2] ^= 0x01; // same size, different bytes
        Files.write(blobFile(layer), content);

        OciLayoutSource source = OciLayoutSource.open(dir, "v1");
        ResolvedImage resolved = ImageResolver.resolve(source, "v1", Platform.LINUX_AMD64); // manifest and config are intact
        assertThatThrownBy(() -> readBlob(source, resolved.layers().getFirst().descriptor()))
                .isInstanceOf(DrydockException.class)
                .hasMessageContaining("oci:" + dir.toAbsolutePath())
                .hasMessageContaining("does not match its digest " + layer.digest());
    }

    @Test
    void anAlteredConfigOrManifestFailsBeforeAnythingIsUsed() throws Exception {
        SampleImage image = Fixtures.writeSample(OciLayoutWriter.openOrCreate(dir), "v1", "a");
        Path config = blobFile(image.manifest().config());
        Files.writeString(config, Files.readString(config).replace("amd64", "arm64"));
        assertThatThrownBy(() -> ImageResolver.resolve(OciLayoutSource.open(dir), "v1", Platform.LINUX_AMD64))
                .isInstanceOf(DrydockException.class)
                .hasMessageContaining(image.configDigest().toString());

        Path manifest = blobFile(image.manifestDescriptor());
        Files.writeString(manifest, Files.readString(manifest).replace("\"schemaVersion\":2", "\"schemaVersion\":3"));
        assertThatThrownBy(() -> OciLayoutSource.open(dir).manifest("v1"))
                .isInstanceOf(DrydockException.class)
                .hasMessageContaining("does not match its digest " + image.manifest().digest());
    }

    @Test
    void aTruncatedBlobFailsBeforeReading() throws Exception {
        SampleImage image = Fixtures.writeSample(OciLayoutWriter.openOrCreate(dir), "v1", "a");
        Path layer = blobFile(image.layer(1));
        byte[] content = Files.readAllBytes(layer);
        Files.write(layer, java.util.Arrays.copyOf(content, content.length - 10));
        assertThatThrownBy(() -> OciLayoutSource.open(dir).blob(image.layer(1)))
                .isInstanceOf(DrydockException.class)
                .hasMessageContaining(image.layer(1).digest().toString())
                .hasMessageContaining("declares " + content.length);
    }

    @Test
    void aMissingBlobIsNamedWithTheLayout() throws Exception {
        SampleImage image = Fixtures.writeSample(OciLayoutWriter.openOrCreate(dir), "v1", "a");
        Files.delete(blobFile(image.layer(1)));
        assertThatThrownBy(() -> OciLayoutSource.open(dir).blob(image.layer(1)))
                .isInstanceOf(DrydockException.class)
                .hasMessageContaining("oci:" + dir.toAbsolutePath())
                .hasMessageContaining("blob " + image.layer(1).digest() + " is missing");

        Files.delete(blobFile(image.manifestDescriptor()));
        assertThatThrownBy(() -> OciLayoutSource.open(dir).manifest("v1"))
                .isInstanceOf(DrydockException.class)
                .hasMessageContaining(image.manifest().digest().toString())
                .hasMessageContaining("missing");
    }

    @Test
    void anUnknownDigestIsAnError() {
        Fixtures.writeSample(OciLayoutWriter.openOrCreate(dir), "v1", "a");
        String absent = "sha256:" + "0".repeat(64);
        assertThatThrownBy(() -> OciLayoutSource.open(dir).manifest(absent))
                .isInstanceOf(DrydockException.class)
                .hasMessageContaining("has no manifest " + absent);
        assertThatThrownBy(() -> OciLayoutSource.open(dir).manifest("sha256:../../etc/passwd"))
                .isInstanceOf(DrydockException.class)
                .hasMessageStartingWith("oci:" + dir.toAbsolutePath() + ": invalid digest");
    }

    @Test
    void brokenLayoutFilesAreNamedInTheError() throws Exception {
        Fixtures.writeSample(OciLayoutWriter.openOrCreate(dir), "v1", "a");
        Files.writeString(dir.resolve("index.json"), "{\"manifests\": [ oops");
        assertThatThrownBy(() -> OciLayoutSource.open(dir))
                .isInstanceOf(DrydockException.class)
                .hasMessageContaining(dir.toAbsolutePath().resolve("index.json").toString())
                .hasMessageContaining("not valid JSON");

        Files.writeString(dir.resolve("index.json"), "[]");
        assertThatThrownBy(() -> OciLayoutSource.open(dir))
                .isInstanceOf(DrydockException.class)
                .hasMessageContaining("index.json is not a JSON object");

        Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"x\",\"size\":1}]}");
        assertThatThrownBy(() -> OciLayoutSource.open(dir))
                .isInstanceOf(DrydockException.class)
                .hasMessageContaining("index.json")
                .hasMessageContaining("has no digest");

        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"2.0.0\"}");
        assertThatThrownBy(() -> OciLayoutSource.open(dir))
                .isInstanceOf(DrydockException.class)
                .hasMessageContaining("unsupported imageLayoutVersion '2.0.0'");

        Files.delete(dir.resolve("oci-layout"));
        assertThatThrownBy(() -> OciLayoutSource.open(dir))
                .isInstanceOf(DrydockException.class)
                .hasMessageContaining("is not an OCI image layout")
                .hasMessageContaining("oci-layout");
    }

    @Test
    void aFileOrMissingPathIsNotALayout() throws Exception {
        Path file = Files.writeString(dir.resolve("image.tar"), "x");
        assertThatThrownBy(() -> OciLayoutSource.open(file))
                .isInstanceOf(DrydockException.class)
                .hasMessageContaining("is a file")
                .hasMessageContaining("oci-archive:");
        assertThatThrownBy(() -> OciLayoutSource.open(dir.resolve("nope")))
                .isInstanceOf(DrydockException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void manifestsWithoutABodyMediaTypeTakeTheIndexEntrysType() throws Exception {
        OciLayoutWriter writer = OciLayoutWriter.openOrCreate(dir);
        SampleImage image = Fixtures.writeSample(writer, null, "a");
        // Like umoci: the same manifest, minus its mediaType field.
        String body = new String(image.manifest().raw(), java.nio.charset.StandardCharsets.UTF_8)
                .replace("\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",", "");
        ImageManifest bare = (ImageManifest) ManifestCodec.parse(body.getBytes(java.nio.charset.StandardCharsets.UTF_8), MediaTypes.OCI_MANIFEST, "test");
        writer.tag("bare", writer.writeManifest(bare));
        Manifest read = OciLayoutSource.open(dir).manifest("bare");
        assertThat(read.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
        assertThat(read.digest()).isEqualTo(bare.digest());
    }
}
