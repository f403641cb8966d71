package io.drydock.freshness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drydock.DrydockException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The end-of-life data layer: packed reproducibly, unpacked only as flat data files of bounded size. */
class EolArchiveTest {
    @TempDir
    Path tmp;

    @Test
    void theDataInUseRoundTrips() throws IOException {
        Map<String, byte[]> embedded = EolArchive.filesInUse(tmp.resolve("home"));
        assertThat(embedded).containsKeys("debian.md", "SOURCE.md", "LICENSE").doesNotContainKey("index.txt");
        byte[] packed = EolArchive.pack(embedded);
        assertThat(EolArchive.pack(embedded)).as("reproducible").isEqualTo(packed);
        Path out = tmp.resolve("out");
        assertThat(EolArchive.unpack(packed, out, "test")).isEqualTo(embedded.size());
        for (var e : embedded.entrySet()) assertThat(out.resolve(e.getKey())).hasBinaryContent(e.getValue());
        EolDataCacheTest.assertSameData(EolData.load(out), EolData.embedded());

        // Installed data is what a home uses once there is some (caches and other files stay behind).
        Path installed = EolDataCacheTest.copyOfEmbedded(tmp.resolve("home2/eol"));
        Files.writeString(installed.resolve("debian.md"), Files.readString(installed.resolve("debian.md")).replace("2026-07-11", "2099-07-11"));
        Files.writeString(installed.resolve(".parsed-abc.json"), "{}");
        Files.writeString(installed.resolve("notes.txt"), "x");
        Map<String, byte[]> inUse = EolArchive.filesInUse(tmp.resolve("home2"));
        assertThat(inUse).doesNotContainKeys(".parsed-abc.json", "notes.txt", "LICENSE");
        assertThat(new String(inUse.get("debian.md"), StandardCharsets.UTF_8)).contains("2099-07-11");
    }

    @Test
    void anythingButFlatDataFilesIsRefused() throws IOException {
        for (String name : new String[] {"../evil.md", "/etc/evil.md", "sub/debian.md", "index.txt", "Debian.md", ".parsed-x.json", "..md"}) {
            Path out = tmp.resolve("out-" + Math.abs(name.hashCode()));
            assertThatThrownBy(() -> EolArchive.unpack(tar(name, TarConstants.LF_NORMAL, "---\nreleases: []\n---\n"), out, "the layer"))
                    .isInstanceOf(DrydockException.class).hasMessageContaining("the layer: refused").hasMessageContaining(name);
            assertThat(tmp.getParent().resolve("evil.md")).doesNotExist();
            assertThat(list(out)).as(name).isEmpty();
        }
        assertThatThrownBy(() -> EolArchive.unpack(tar("debian.md", TarConstants.LF_SYMLINK, ""), tmp.resolve("link"), "the layer"))
                .isInstanceOf(DrydockException.class).hasMessageContaining("refused");
        assertThatThrownBy(() -> EolArchive.unpack("not a tar".getBytes(StandardCharsets.UTF_8), tmp.resolve("junk"), "the layer"))
                .isInstanceOf(DrydockException.class).hasMessageContaining("not a readable gzipped tar");
        // the same name twice
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            for (int i = 0; i < 2; i++) {
                TarArchiveEntry e = new TarArchiveEntry("debian.md");
                e.setSize(1);
                t.putArchiveEntry(e);
                t.write('x');
                t.closeArchiveEntry();
            }
        }
        assertThatThrownBy(() -> EolArchive.unpack(bytes.toByteArray(), tmp.resolve("dup"), "the layer"))
                .isInstanceOf(DrydockException.class).hasMessageContaining("twice");
        byte[] big = EolArchive.pack(Map.of("debian.md", new byte[(int) EolArchive.MAX_FILE + 1]));
        assertThatThrownBy(() -> EolArchive.unpack(big, tmp.resolve("big"), "the layer"))
                .isInstanceOf(DrydockException.class).hasMessageContaining("larger than");
        assertThatThrownBy(() -> EolArchive.unpack(EolArchive.pack(Map.of()), tmp.resolve("empty"), "the layer"))
                .isInstanceOf(DrydockException.class).hasMessageContaining("no end-of-life data files");
    }

    static byte[] tar(String name, byte type, String content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            TarArchiveEntry e = new TarArchiveEntry(name, type, true);
            byte[] body = content.getBytes(StandardCharsets.UTF_8);
            if (type == TarConstants.LF_SYMLINK) e.setLinkName("/etc/passwd");
            else e.setSize(body.length);
            t.putArchiveEntry(e);
            if (type != TarConstants.LF_SYMLINK) t.write(body);
            t.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    private static java.util.List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return java.util.List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }
}
