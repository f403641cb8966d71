package io.drydock.inventory.lang;

import io.drydock.inventory.AnalysisWarning;
import io.drydock.inventory.Analyzer;
import io.drydock.inventory.InstalledPackage;
import io.drydock.layer.LayerInfo;
import io.drydock.layer.LayerReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Feeds layers to one analyzer the way the inventory pass does: every wanted regular file, in tar order. */
final class LayerFeed {
    static final String IMAGE = "registry.example/lang-test:1";
    private static final Instant MTIME = Instant.parse("2024-05-01T12:00:00Z");

    private LayerFeed() {
    }

    static LayerInfo layer() {
        return new LayerInfo(0, "sha256:" + "c".repeat(64), null, "COPY . /");
    }

    /** Runs {@code analyzer} over a layer blob (tar, possibly gzip- or zstd-compressed). */
    static Analyzer.Result analyze(Analyzer analyzer, InputStream blob) {
        Analyzer.Collector collector = analyzer.start();
        new LayerReader().read(blob, IMAGE, layer(), (entry, content) -> {
            if (entry.isRegularFile() && analyzer.wants(entry.path(), entry)) {
                collector.file(entry, content);
            }
        });
        return collector.finish();
    }

    static Analyzer.Result analyze(Analyzer analyzer, byte[] layer) {
        return analyze(analyzer, new ByteArrayInputStream(layer));
    }

    static Analyzer.Result analyze(Analyzer analyzer, Path blob) {
        try (InputStream in = Files.newInputStream(blob)) {
            return analyze(analyzer, in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The paths of a layer's regular files that {@code analyzer} wants. */
    static List<String> wanted(Analyzer analyzer, InputStream blob) {
        List<String> paths = new ArrayList<>();
        new LayerReader().read(blob, IMAGE, layer(), (entry, content) -> {
            if (entry.isRegularFile() && analyzer.wants(entry.path(), entry)) {
                paths.add(entry.path());
            }
        });
        return paths;
    }

    static List<InstalledPackage> named(Analyzer.Result result, String name) {
        return result.packages().stream().filter(p -> p.name().equals(name)).toList();
    }

    static InstalledPackage only(Analyzer.Result result, String name) {
        List<InstalledPackage> found = named(result, name);
        if (found.size() != 1) {
            throw new AssertionError("expected exactly one package named " + name + " but found " + found
                    + " among " + result.packages());
        }
        return found.get(0);
    }

    static List<AnalysisWarning> warningsFor(Analyzer.Result result, String path) {
        return result.warnings().stream().filter(w -> w.path().equals(path)).toList();
    }

    static String sha1(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha1(Path file) {
        try {
            return sha1(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A test resource under {@code src/test/resources/inventory/lang/}. */
    static byte[] resource(String relative) {
        try (InputStream in = LayerFeed.class.getResourceAsStream("/inventory/lang/" + relative)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource inventory/lang/" + relative);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A layer tar built in memory; paths as they would appear in the image, without a leading '/'. */
    static final class Tar {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final TarArchiveOutputStream out;

        Tar() {
            out = new TarArchiveOutputStream(bytes, StandardCharsets.UTF_8.name());
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        }

        Tar file(String path, String content) {
            return file(path, utf8(content), 0644);
        }

        Tar file(String path, byte[] content) {
            return file(path, content, 0644);
        }

        Tar file(String path, byte[] content, int mode) {
            try {
                TarArchiveEntry entry = new TarArchiveEntry(path);
                entry.setSize(content.length);
                entry.setMode(0100000 | mode);
                entry.setModTime(Date.from(MTIME));
                out.putArchiveEntry(entry);
                out.write(content);
                out.closeArchiveEntry();
                return this;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** A copy of a file on disk. */
        Tar copy(String path, Path source, int mode) {
            try {
                return file(path, Files.readAllBytes(source), mode);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Every regular file under {@code directory}, at {@code prefix/<relative path>}, modes kept. */
        Tar tree(String prefix, Path directory) {
            try (Stream<Path> files = Files.walk(directory)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    String relative = directory.relativize(file).toString();
                    int mode = Files.isExecutable(file) ? 0755 : 0644;
                    copy(prefix.isEmpty() ? relative : prefix + "/" + relative, file, mode);
                }
                return this;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        byte[] bytes() {
            try {
                out.finish();
                return bytes.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
