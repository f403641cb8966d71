package io.drydock.layer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * By hand only (tag "bench"): LayerReader streaming every byte of a realistic ~75 MB tar.gz against
 * {@code tar -xzf} of the same file. Project goal: at most 1.2 times tar's wall time.
 *
 * <pre>
 * /tmp/junit-run.sh /tmp/helperB "..." "..." --include-tag bench --select-class io.drydock.layer.LayerReaderBench
 * </pre>
 */
@Tag("bench")
class LayerReaderBench {

    private static final Path LAYER = Path.of(System.getProperty("drydock.bench.layer",
            System.getProperty("java.io.tmpdir") + "/drydock-bench-usr.tar.gz"));
    /** Python, Perl and Vim runtime files plus GCC's binaries: many small files and some large ones (about 75 MB). */
    private static final List<String> SOURCES = List.of(
            "usr/lib/python3.11", "usr/share/perl", "usr/share/vim", "usr/lib/gcc");
    private static final int ROUNDS = 5;

    @Test
    void readsEveryEntryWithinTwentyPercentOfTarXzf() throws Exception {
        ensureLayer();
        long size = Files.size(LAYER);
        System.out.printf("bench layer %s: %,d bytes compressed%n", LAYER, size);

        long bestTar = Long.MAX_VALUE;
        long bestReader = Long.MAX_VALUE;
        long bytes = 0;
        readAll(); // warm up the JIT, and the page cache for both contenders
        for (int round = 0; round < ROUNDS; round++) {
            // Alternate, so load from other processes on the machine hits both alike.
            bestTar = Math.min(bestTar, timeTarExtract());
            long start = System.nanoTime();
            bytes = readAll();
            bestReader = Math.min(bestReader, System.nanoTime() - start);
        }
        double ratio = (double) bestReader / bestTar;
        System.out.printf("tar -xzf: %,d ms; LayerReader (all content read): %,d ms for %,d uncompressed bytes"
                + " (%.0f MB/s); ratio %.2f%n", bestTar / 1_000_000, bestReader / 1_000_000, bytes,
                bytes / (bestReader / 1e9) / 1e6, ratio);
        assertThat(ratio).isLessThanOrEqualTo(1.2);
    }

    @Test
    void comparesGzipImplementations() throws Exception {
        ensureLayer();
        long jdk = Long.MAX_VALUE;
        long commons = Long.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            long start = System.nanoTime();
            try (InputStream in = new GZIPInputStream(Files.newInputStream(LAYER), 64 * 1024)) {
                drain(in);
            }
            jdk = Math.min(jdk, System.nanoTime() - start);
            start = System.nanoTime();
            try (InputStream in = GzipCompressorInputStream.builder()
                    .setInputStream(new BufferedInputStream(Files.newInputStream(LAYER), 64 * 1024))
                    .setDecompressConcatenated(true).get()) {
                drain(in);
            }
            commons = Math.min(commons, System.nanoTime() - start);
        }
        System.out.printf("gunzip only: java.util.zip.GZIPInputStream %,d ms,"
                + " commons GzipCompressorInputStream %,d ms%n", jdk / 1_000_000, commons / 1_000_000);
    }

    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[128 * 1024];
        while (in.read(buffer) >= 0) {
            // discard
        }
    }

    private static long readAll() throws IOException {
        long[] total = {0};
        byte[] buffer = new byte[64 * 1024];
        try (InputStream blob = Files.newInputStream(LAYER)) {
            new LayerReader().read(blob, "bench", new LayerInfo(0, "sha256:bench", null, null), (entry, content) -> {
                int n;
                while ((n = content.read(buffer)) >= 0) {
                    total[0] += n;
                }
            });
        }
        return total[0];
    }

    private static long timeTarExtract() throws Exception {
        Path target = Files.createTempDirectory("drydock-bench-x");
        try {
            long start = System.nanoTime();
            run("tar", "-xzf", LAYER.toString(), "-C", target.toString());
            return System.nanoTime() - start;
        } finally {
            deleteTree(target);
        }
    }

    private static void ensureLayer() throws Exception {
        if (Files.exists(LAYER)) {
            return;
        }
        List<String> command = new ArrayList<>(List.of("tar", "-czf", LAYER.toString(), "-C", "/"));
        SOURCES.stream().filter(source -> Files.isDirectory(Path.of("/", source))).forEach(command::add);
        run(command.toArray(String[]::new));
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(process.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command)).isZero();
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
