package io.drydock.inventory.os;

import io.drydock.inventory.AnalysisWarning;
import io.drydock.inventory.Analyzer;
import io.drydock.inventory.InstalledPackage;
import io.drydock.layer.EntryContent;
import io.drydock.layer.LayerEntry;
import io.drydock.layer.LayerInfo;
import io.drydock.layer.LayerReader;
import io.drydock.layer.LayerVisitor;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Runs analyzers over real layer tars, the way the layer pass does: one LayerReader pass, wanted files only. */
final class LayerHarness {

    static final LayerInfo LAYER = new LayerInfo(0, "sha256:" + "ab".repeat(32), null, "test layer");

    private LayerHarness() {
    }

    /** What each analyzer returned, by analyzer id. */
    record Results(Map<String, Analyzer.Result> byAnalyzer) {
        Analyzer.Result of(String analyzerId) {
            Analyzer.Result r = byAnalyzer.get(analyzerId);
            if (r == null) {
                throw new IllegalArgumentException("no analyzer " + analyzerId + " ran; ran " + byAnalyzer.keySet());
            }
            return r;
        }

        List<InstalledPackage> packages(String analyzerId) {
            return of(analyzerId).packages();
        }

        List<AnalysisWarning> warnings(String analyzerId) {
            return of(analyzerId).warnings();
        }

        Optional<InstalledPackage> find(String analyzerId, String name) {
            return packages(analyzerId).stream().filter(p -> p.name().equals(name)).findFirst();
        }

        InstalledPackage get(String analyzerId, String name) {
            return find(analyzerId, name).orElseThrow(() -> new AssertionError("no package " + name + " from "
                    + analyzerId + "; got " + packages(analyzerId).stream().map(InstalledPackage::name).toList()));
        }
    }

    static Results analyze(byte[] layer, Analyzer... analyzers) {
        return analyze(new ByteArrayInputStream(layer), analyzers);
    }

    static Results analyze(Path blob, Analyzer... analyzers) {
        try (InputStream in = Files.newInputStream(blob)) {
            return analyze(in, analyzers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Results analyze(InputStream blob, Analyzer... analyzers) {
        List<Analyzer.Collector> collectors = new ArrayList<>();
        for (Analyzer a : analyzers) {
            collectors.add(a.start());
        }
        new LayerReader().read(blob, "test-image", LAYER, new LayerVisitor() {
            @Override
            public void entry(LayerEntry entry, EntryContent content) throws IOException {
                if (!entry.isRegularFile()) {
                    return;
                }
                Analyzer.Collector chosen = null;
                for (int i = 0; i < analyzers.length; i++) {
                    if (analyzers[i].wants(entry.path(), entry)) {
                        if (chosen != null) {
                            throw new AssertionError("two OS analyzers want " + entry.path());
                        }
                        chosen = collectors.get(i);
                    }
                }
                if (chosen != null) {
                    chosen.file(entry, content);
                }
            }
        });
        Map<String, Analyzer.Result> results = new LinkedHashMap<>();
        for (int i = 0; i < analyzers.length; i++) {
            results.put(analyzers[i].id(), collectors.get(i).finish());
        }
        return new Results(results);
    }

    /** A plain tar built in memory; entries keep the order they are added in. */
    static final class Tar {
        private static final Date MTIME = Date.from(Instant.parse("2024-05-01T12:00:00Z"));
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final TarArchiveOutputStream out;

        Tar() {
            out = new TarArchiveOutputStream(bytes, StandardCharsets.UTF_8.name());
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        }

        Tar file(String path, String content) {
            return file(path, content.getBytes(StandardCharsets.UTF_8));
        }

        Tar file(String path, byte[] content) {
            TarArchiveEntry e = new TarArchiveEntry(path, TarConstants.LF_NORMAL);
            e.setMode(0644);
            e.setModTime(MTIME);
            e.setSize(content.length);
            return put(e, content);
        }

        Tar file(String path, Path content) {
            try {
                return file(path, Files.readAllBytes(content));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Tar symlink(String path, String target) {
            TarArchiveEntry e = new TarArchiveEntry(path, TarConstants.LF_SYMLINK);
            e.setLinkName(target);
            e.setModTime(MTIME);
            return put(e, null);
        }

        private Tar put(TarArchiveEntry e, byte[] content) {
            try {
                out.putArchiveEntry(e);
                if (content != null) {
                    out.write(content);
                }
                out.closeArchiveEntry();
                return this;
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }

        byte[] build() {
            try {
                out.finish();
                out.close();
                return bytes.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A test resource under inventory/os/ as text. */
    static String resource(String name) {
        try (InputStream in = LayerHarness.class.getResourceAsStream("/inventory/os/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("missing test resource inventory/os/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
