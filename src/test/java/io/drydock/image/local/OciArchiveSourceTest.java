package io.drydock.image.local;

import io.drydock.DrydockException;
import io.drydock.image.Descriptor;
import io.drydock.image.ImageResolver;
import io.drydock.image.Platform;
import io.drydock.image.local.Fixtures.SampleImage;
import io.drydock.image.local.Fixtures.TestTar;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPOutputStream;

import static io.drydock.image.local.Fixtures.readBlob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OciArchiveSourceTest {
    @TempDir
    Path dir;
    Path layout;
    SampleImage image;

    @BeforeEach
    void writeLayout() {
        layout = dir.resolve("layout");
        image = Fixtures.writeSample(OciLayoutWriter.openOrCreate(layout), "v1", "archive");
    }

    @Test
    void readsALayoutInsideATar() throws Exception {
        Path tar = new TestTar().tree(layout, "").writeTo(dir.resolve("image.tar"));
        try (OciArchiveSource source = OciArchiveSource.open(tar, "v1")) {
            assertThat(source.describe()).isEqualTo("oci-archive:" + tar.toAbsolutePath() + ":v1");
            assertThat(ImageResolver.resolve(source, "v1", Platform.LINUX_AMD64).digest()).isEqualTo(image.manifest().digest());
            assertThat(readBlob(source, image.layer(0))).isEqualTo(Files.readAllBytes(layout.resolve("blobs/sha256/" + image.layer(0).digest().hex())));
        }
    }

    @Test
    void blobsReadConcurrentlyFromSeveralThreads() throws Exception {
        Path tar = new TestTar().tree(layout, "./").writeTo(dir.resolve("image.tar"));
        try (OciArchiveSource source = OciArchiveSource.open(tar);
             ExecutorService pool = Executors.newFixedThreadPool(4)) {
            Descriptor[] blobs = {image.layer(0), image.layer(1), image.manifest().config(), image.manifestDescriptor()};
            java.util.List<Future<Integer>> reads = new java.util.ArrayList<>();
            for (int round = 0; round < 50; round++) {
                for (Descriptor blob : blobs) {
                    reads.add(pool.submit(() -> {
                        // Small reads interleave the threads' positions on the shared file.
                        try (InputStream in = source.blob(blob)) {
                            int total = 0;
                            byte[] buffer = new byte[7];
                            for (int n; (n = in.read(buffer)) >= 0; ) total += n;
                            return total;
                        }
                    }));
                }
            }
            for (int i = 0; i < reads.size(); i++) assertThat(reads.get(i).get()).isEqualTo((int) blobs[i % blobs.length].size());
        }
    }

    @Test
    void aCompressedArchiveIsRefusedWithAHint() throws Exception {
        Path tar = new TestTar().tree(layout, "").writeTo(dir.resolve("image.tar"));
        Path gz = dir.resolve("image.tar.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(tar, out);
        }
        assertThatThrownBy(() -> OciArchiveSource.open(gz))
                .isInstanceOf(DrydockException.class)
                .hasMessageContaining(gz.toAbsolutePath().toString())
                .hasMessageContaining("gzip-compressed")
                .hasMessageContaining("gunzip");
    }

    @Test
    void aMissingBlobOrTamperedBlobInTheArchiveIsNamed() throws Exception {
        String missing = "blobs/sha256/" + image.layer(1).digest().hex();
        Path tampered = layout.resolve("blobs/sha256/" + image.layer(0).digest().hex());
        byte[] content = Files.readAllBytes(tampered);
        content[20] ^= 0x40;
        Files.write(tampered, content);
        Files.delete(layout.resolve(missing));
        Path tar = new TestTar().tree(layout, "").writeTo(dir.resolve("image.tar"));
        try (OciArchiveSource source = OciArchiveSource.open(tar)) {
            assertThatThrownBy(() -> source.blob(image.layer(1)))
                    .isInstanceOf(DrydockException.class)
                    .hasMessageContaining("oci-archive:" + tar.toAbsolutePath())
                    .hasMessageContaining(image.layer(1).digest() + " is missing")
                    .hasMessageContaining(tar.toAbsolutePath() + "!" + missing);
            assertThatThrownBy(() -> readBlob(source, image.layer(0)))
                    .isInstanceOf(DrydockException.class)
                    .hasMessageContaining("does not match its digest " + image.layer(0).digest());
        }
    }

    @Test
    void notATarADirectoryAndADockerArchiveAreToldApart() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.tar"), "this is not a tar file at all, just text");
        assertThatThrownBy(() -> OciArchiveSource.open(junk))
                .isInstanceOf(DrydockException.class)
                .hasMessageContaining(junk.toAbsolutePath().toString())
                .hasMessageContaining("tar archive");
        assertThatThrownBy(() -> OciArchiveSource.open(layout))
                .isInstanceOf(DrydockException.class)
                .hasMessageContaining("is a directory")
                .hasMessageContaining("oci:" + layout.toAbsolutePath());
        Path docker = new TestTar().file("manifest.json", "[]").writeTo(dir.resolve("docker.tar"));
        assertThatThrownBy(() -> OciArchiveSource.open(docker))
                .isInstanceOf(DrydockException.class)
                .hasMessageContaining("docker-archive:");
        Path brokenIndex = new TestTar().file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}").file("index.json", "nope")
                .writeTo(dir.resolve("broken.tar"));
        assertThatThrownBy(() -> OciArchiveSource.open(brokenIndex))
                .isInstanceOf(DrydockException.class)
                .hasMessageContaining(brokenIndex.toAbsolutePath() + "!index.json is not valid JSON");
    }
}
