package io.drydock.bench;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 3's memory target: an image with 1,000,000 small files inventories within a 512 MB heap. */
@Tag("bench")
class ManyFilesInventoryBenchmark {
    @Test
    void millionFilesIn512MegabytesOfHeap() throws Exception {
        Path dir = Files.createTempDirectory("drydock-many-files");
        try {
            Path layer = dir.resolve("layer.tar.gz");
            writeLayer(layer, 1_000_000);
            String java = ProcessHandle.current().info().command().orElse("java");
            String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            long start = System.nanoTime();
            Process p = new ProcessBuilder(java, "-Xmx512m", "-cp", classpath, ManyFilesProbe.class.getName(), layer.toString(), dir.resolve("oci").toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(600, TimeUnit.SECONDS)).isTrue();
            System.out.printf("BENCH 1,000,000-file image inventoried with -Xmx512m in %.1f s: %s%n", (System.nanoTime() - start) / 1e9, out.trim());
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).contains("packages=1000");
        } finally {
            BenchSupport.deleteTree(dir);
        }
    }

    /** 999,000 one-line text files plus 1,000 npm packages, so analyzers have work among the noise. */
    static void writeLayer(Path file, int files) throws Exception {
        try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(file), 1 << 16) {{ def.setLevel(Deflater.BEST_SPEED); }};
             TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (int i = 0; i < files; i++) {
                boolean pkg = i % 1000 == 0;
                String name = pkg ? "app/node_modules/pkg" + i + "/package.json" : "data/d" + (i / 1000) + "/f" + i + ".txt";
                byte[] body = pkg ? ("{\"name\":\"pkg" + i + "\",\"version\":\"1.0." + i + "\",\"license\":\"MIT\"}").getBytes(StandardCharsets.UTF_8)
                        : ("line " + i + "\n").getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry e = new TarArchiveEntry(name);
                e.setSize(body.length);
                tar.putArchiveEntry(e);
                tar.write(body);
                tar.closeArchiveEntry();
            }
        }
    }
}
