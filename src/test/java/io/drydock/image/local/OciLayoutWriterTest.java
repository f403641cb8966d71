package io.drydock.image.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.DrydockException;
import io.drydock.image.Descriptor;
import io.drydock.image.Digest;
import io.drydock.image.MediaTypes;
import io.drydock.image.local.Fixtures.SampleImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OciLayoutWriterTest {
    @TempDir
    Path dir;

    @Test
    void createsAnEmptyLayout() throws Exception {
        Path layout = dir.resolve("new/layout");
        OciLayoutWriter.openOrCreate(layout);
        assertThat(Fixtures.JSON.readTree(layout.resolve("oci-layout").toFile()).path("imageLayoutVersion").asText()).isEqualTo("1.0.0");
        JsonNode index = Fixtures.JSON.readTree(layout.resolve("index.json").toFile());
        assertThat(index.path("schemaVersion").asInt()).isEqualTo(2);
        assertThat(index.path("manifests").size()).isZero();
        assertThat(layout.resolve("blobs/sha256")).isDirectory();
        assertThat(OciLayoutSource.open(layout).tags()).isEmpty();
    }

    @Test
    void blobsAreStoredUnderTheirDigestOnceAndNoTemporaryFileRemains() throws Exception {
        OciLayoutWriter writer = OciLayoutWriter.openOrCreate(dir);
        byte[] content = "hello blob".getBytes(StandardCharsets.UTF_8);
        StoredBlob fromBytes = writer.writeBlob(content);
        StoredBlob fromStream = writer.writeBlob(new ByteArrayInputStream(content));
        StoredBlob fromWriter = writer.writeBlob(out -> out.write(content));
        assertThat(fromBytes).isEqualTo(new StoredBlob(Digest.sha256(content), content.length)).isEqualTo(fromStream).isEqualTo(fromWriter);
        Path stored = dir.resolve("blobs/sha256/" + fromBytes.digest().hex());
        assertThat(stored).hasBinaryContent(content);
        assertThat(Fixtures.leftovers(dir)).isEmpty();
        assertThat(fromBytes.descriptor(MediaTypes.OCI_CONFIG)).isEqualTo(Descriptor.of(MediaTypes.OCI_CONFIG, fromBytes.digest(), content.length));
    }

    @Test
    void aCorruptBlobOfTheWrongSizeIsReplaced() throws Exception {
        OciLayoutWriter writer = OciLayoutWriter.openOrCreate(dir);
        byte[] content = "the real content".getBytes(StandardCharsets.UTF_8);
        Path stored = dir.resolve("blobs/sha256/" + Digest.sha256(content).hex());
        Files.writeString(stored, "trunc");
        writer.writeBlob(new ByteArrayInputStream(content));
        assertThat(stored).hasBinaryContent(content);
    }

    @Test
    void aFailedWriteLeavesNothingBehind() {
        OciLayoutWriter writer = OciLayoutWriter.openOrCreate(dir);
        assertThatThrownBy(() -> writer.writeBlob(out -> {
            out.write(new byte[1000]);
            throw new IOException("source went away");
        })).isInstanceOf(DrydockException.class).hasMessageContaining("source went away");
        assertThat(dir.resolve("blobs/sha256")).isEmptyDirectory();
        assertThat(dir.resolve("blobs")).isDirectoryNotContaining(p -> p.getFileName().toString().startsWith("."));
    }

    @Test
    void taggingReplacesTheEntryWithTheSameTagAndKeepsOthers() throws Exception {
        OciLayoutWriter writer = OciLayoutWriter.openOrCreate(dir);
        SampleImage first = Fixtures.writeSample(writer, "latest", "one");
        SampleImage stable = Fixtures.writeSample(writer, "stable", "two");
        SampleImage second = Fixtures.writeSample(writer, "latest", "three");

        OciLayoutSource source = OciLayoutSource.open(dir);
        assertThat(source.tags()).containsExactly("stable", "latest");
        assertThat(source.manifest("latest").digest()).isEqualTo(second.manifest().digest());
        assertThat(source.manifest("stable").digest()).isEqualTo(stable.manifest().digest());
        assertThat(first.manifest().digest()).isNotEqualTo(second.manifest().digest());
        assertThat(Fixtures.leftovers(dir)).isEmpty();
    }

    @Test
    void taggingKeepsTheDescriptorsOwnAnnotationsAndPlatform() {
        OciLayoutWriter writer = OciLayoutWriter.openOrCreate(dir);
        SampleImage image = Fixtures.writeSample(writer, null, "a");
        Descriptor annotated = new Descriptor(image.manifestDescriptor().mediaType(), image.manifestDescriptor().digest(),
                image.manifestDescriptor().size(), io.drydock.image.Platform.LINUX_AMD64, Map.of("org.example.note", "kept"), null);
        writer.tag("v1", annotated);
        Descriptor entry = new OciLayoutReader(new DirectoryFiles(dir), "test").index().manifests().getFirst();
        assertThat(entry.annotations()).containsEntry("org.example.note", "kept").containsEntry(OciLayoutReader.REF_NAME, "v1");
        assertThat(entry.platform()).isEqualTo(io.drydock.image.Platform.LINUX_AMD64);
    }

    @Test
    void refusesBadTagsUnknownManifestsAndForeignDirectories() throws Exception {
        OciLayoutWriter writer = OciLayoutWriter.openOrCreate(dir.resolve("layout"));
        SampleImage image = Fixtures.writeSample(writer, null, "a");
        assertThatThrownBy(() -> writer.tag("bad tag", image.manifestDescriptor()))
                .isInstanceOf(DrydockException.class).hasMessageContaining("'bad tag' is not a valid tag");
        assertThatThrownBy(() -> writer.tag("../x", image.manifestDescriptor()))
                .isInstanceOf(DrydockException.class).hasMessageContaining("not a valid tag");
        Descriptor absent = Descriptor.of(MediaTypes.OCI_MANIFEST, Digest.sha256(new byte[]{1}), 1);
        assertThatThrownBy(() -> writer.tag("v1", absent))
                .isInstanceOf(DrydockException.class).hasMessageContaining("write the manifest first");
        Descriptor untyped = Descriptor.of(null, image.manifestDescriptor().digest(), image.manifestDescriptor().size());
        assertThatThrownBy(() -> writer.tag("v1", untyped))
                .isInstanceOf(DrydockException.class).hasMessageContaining("without a media type");

        Path foreign = Files.createDirectories(dir.resolve("foreign"));
        Files.writeString(foreign.resolve("notes.txt"), "mine");
        assertThatThrownBy(() -> OciLayoutWriter.openOrCreate(foreign))
                .isInstanceOf(DrydockException.class).hasMessageContaining("not empty and is not an OCI layout");
        assertThat(foreign).isDirectoryNotContaining(p -> !p.getFileName().toString().equals("notes.txt"));
    }

    @Test
    void reopeningALayoutKeepsItsContent() {
        SampleImage image = Fixtures.writeSample(OciLayoutWriter.openOrCreate(dir), "v1", "a");
        OciLayoutWriter again = OciLayoutWriter.openOrCreate(dir);
        Fixtures.writeSample(again, "v2", "b");
        assertThat(OciLayoutSource.open(dir).manifest("v1").digest()).isEqualTo(image.manifest().digest());
    }
}
