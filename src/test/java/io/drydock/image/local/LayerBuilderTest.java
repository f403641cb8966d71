package io.drydock.image.local;

import io.drydock.DrydockException;
import io.drydock.image.Digest;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LayerBuilderTest {
    @TempDir
    Path dir;

    private static byte[] build(LayerBuilder builder, BuiltLayer[] result) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        result[0] = builder.writeTo(out);
        return out.toByteArray();
    }

    private static Map<String, TarArchiveEntry> entries(byte[] compressed) throws IOException {
        Map<String, TarArchiveEntry> out = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(Fixtures.gunzip(compressed)))) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) out.put(e.getName(), e);
        }
        return out;
    }

    @Test
    void digestsDescribeTheCompressedAndUncompressedStreams() throws Exception {
        BuiltLayer[] result = new BuiltLayer[1];
        byte[] compressed = build(new LayerBuilder().file("etc/hostname", "box\n"), result);
        assertThat(result[0].digest()).isEqualTo(Digest.sha256(compressed));
        assertThat(result[0].size()).isEqualTo(compressed.length);
        assertThat(result[0].diffId()).isEqualTo(Digest.sha256(Fixtures.gunzip(compressed)));
        assertThat(result[0].descriptor().mediaType()).isEqualTo(io.drydock.image.MediaTypes.OCI_LAYER_GZIP);
    }

    @Test
    void theSameEntriesInAnyOrderGiveTheSameBytes() {
        BuiltLayer[] a = new BuiltLayer[1];
        BuiltLayer[] b = new BuiltLayer[1];
        byte[] first = build(new LayerBuilder().file("b.txt", "2").file("a/x", "1").symlink("c", "b.txt"), a);
        byte[] second = build(new LayerBuilder().symlink("c", "b.txt").file("a/x", "1").file("b.txt", "2"), b);
        assertThat(second).isEqualTo(first);
        assertThat(b[0]).isEqualTo(a[0]);
    }

    @Test
    void entriesAreSortedWithParentsAndNeutralOwnership() throws Exception {
        BuiltLayer[] result = new BuiltLayer[1];
        byte[] compressed = build(new LayerBuilder()
                .file("usr/bin/tool", "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8), 04755)
                .directory("usr", 0700)
                .symlink("bin", "usr/bin")
                .hardlink("usr/bin/tool2", "usr/bin/tool")
                .file("/./etc/passwd", "root:x:0:0::/root:/bin/sh\n"), result);
        Map<String, TarArchiveEntry> entries = entries(compressed);
        assertThat(entries.keySet()).containsExactly("bin", "etc/", "etc/passwd", "usr/", "usr/bin/", "usr/bin/tool", "usr/bin/tool2");
        assertThat(entries.get("usr/").getMode()).isEqualTo(0700);
        assertThat(entries.get("etc/").getMode()).isEqualTo(0755);
        assertThat(entries.get("usr/bin/tool").getMode()).isEqualTo(04755);
        assertThat(entries.get("bin").isSymbolicLink()).isTrue();
        assertThat(entries.get("bin").getLinkName()).isEqualTo("usr/bin");
        assertThat(entries.get("usr/bin/tool2").isLink()).isTrue();
        for (TarArchiveEntry e : entries.values()) {
            assertThat(e.getLongUserId()).isZero();
            assertThat(e.getLongGroupId()).isZero();
            assertThat(e.getUserName()).isEmpty();
            assertThat(e.getModTime().getTime()).isZero();
        }
    }

    @Test
    void longAndNonAsciiNamesSurvive() throws Exception {
        String longName = "deep/" + "segment".repeat(30) + "/file.txt";
        BuiltLayer[] result = new BuiltLayer[1];
        byte[] compressed = build(new LayerBuilder().file(longName, "x").file("naïve.txt", "y"), result);
        assertThat(entries(compressed)).containsKeys(longName, "naïve.txt");
    }

    @Test
    void refusesPathsThatLeaveTheLayerAndConflictingEntries() {
        assertThatThrownBy(() -> new LayerBuilder().file("../etc/passwd", "x"))
                .isInstanceOf(DrydockException.class).hasMessageContaining("'..'");
        assertThatThrownBy(() -> new LayerBuilder().file("a", "x").file("a", "y"))
                .isInstanceOf(DrydockException.class).hasMessageContaining("added twice");
        assertThatThrownBy(() -> new LayerBuilder().file("a", "x").file("a/b", "y"))
                .isInstanceOf(DrydockException.class).hasMessageContaining("not a directory");
        assertThatThrownBy(() -> new LayerBuilder().hardlink("b", "missing").writeTo(new ByteArrayOutputStream()))
                .isInstanceOf(DrydockException.class).hasMessageContaining("not a file of this layer");
    }

    @Test
    void readsADirectoryTreeWithModesAndSymlinks() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root/app"));
        Path script = Files.writeString(root.resolve("run.sh"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-x---"));
        Files.createSymbolicLink(root.resolve("start"), Path.of("run.sh"));
        BuiltLayer[] result = new BuiltLayer[1];
        byte[] compressed = build(LayerBuilder.fromDirectory(dir.resolve("root")), result);
        Map<String, TarArchiveEntry> entries = entries(compressed);
        assertThat(entries.keySet()).containsExactly("app/", "app/run.sh", "app/start");
        assertThat(entries.get("app/run.sh").getMode()).isEqualTo(0750);
        assertThat(entries.get("app/run.sh").getSize()).isEqualTo(10);
        assertThat(entries.get("app/start").getLinkName()).isEqualTo("run.sh");
    }

    @Test
    void writesIntoALayoutAsABlob() throws Exception {
        OciLayoutWriter layout = OciLayoutWriter.openOrCreate(dir.resolve("layout"));
        BuiltLayer layer = new LayerBuilder().file("f", "content").writeTo(layout);
        Path blob = dir.resolve("layout/blobs/sha256/" + layer.digest().hex());
        assertThat(blob).exists();
        assertThat(Digest.sha256(Files.readAllBytes(blob))).isEqualTo(layer.digest());
        assertThat(Digest.sha256(Fixtures.gunzip(Files.readAllBytes(blob)))).isEqualTo(layer.diffId());
        List<Path> leftovers = new ArrayList<>(Fixtures.leftovers(dir));
        assertThat(leftovers).isEmpty();
    }
}
