package io.drydock.inventory.os;

import io.drydock.inventory.AnalysisWarning;
import io.drydock.inventory.Analyzer;
import io.drydock.inventory.InstalledPackage;
import io.drydock.layer.EntryContent;
import io.drydock.layer.LayerEntry;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Alpine packages from apk's database, {@code lib/apk/db/installed}: one blank-line separated stanza per package of
 * single-letter {@code X:value} lines (apk-tools' "installed database" format). {@code F:} names a directory and the
 * {@code R:} lines after it the files the package owns there.
 */
public final class ApkAnalyzer implements Analyzer {

    static final String INSTALLED = "lib/apk/db/installed";

    /**
     * A stanza holds a line per owned file and per checksum; linux-firmware, the largest Alpine package, comes to a
     * few hundred KiB. Sixteen MiB leaves room without letting one stanza take the heap.
     */
    public static final long DEFAULT_MAX_STANZA_BYTES = 16L << 20;

    private final long maxStanzaBytes;

    public ApkAnalyzer() {
        this(DEFAULT_MAX_STANZA_BYTES);
    }

    /** @param maxStanzaBytes larger stanzas are skipped with a warning */
    public ApkAnalyzer(long maxStanzaBytes) {
        if (maxStanzaBytes <= 0) {
            throw new IllegalArgumentException("maxStanzaBytes must be positive: " + maxStanzaBytes);
        }
        this.maxStanzaBytes = maxStanzaBytes;
    }

    @Override
    public String id() {
        return "apk";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public boolean wants(String path, LayerEntry entry) {
        return path.equals(INSTALLED);
    }

    @Override
    public Collector start() {
        return new ApkCollector();
    }

    private final class ApkCollector implements Collector {
        private final List<InstalledPackage> packages = new ArrayList<>();
        private final List<AnalysisWarning> warnings = new ArrayList<>();

        @Override
        public void file(LayerEntry entry, EntryContent content) throws IOException {
            String path = entry.path();
            Paragraphs paragraphs = new Paragraphs(content, maxStanzaBytes);
            Paragraphs.Paragraph paragraph;
            while ((paragraph = paragraphs.next()) != null) {
                String where = "stanza " + paragraph.number() + " (line " + paragraph.firstLine() + ")";
                if (paragraph.oversized()) {
                    warn(path, where + " is larger than " + maxStanzaBytes + " bytes; skipped");
                    continue;
                }
                InstalledPackage pkg = toPackage(path, where, paragraph);
                if (pkg != null) {
                    packages.add(pkg);
                }
            }
        }

        private InstalledPackage toPackage(String path, String where, Paragraphs.Paragraph paragraph) {
            String name = null;
            String version = null;
            String arch = null;
            String origin = null;
            String license = null;
            String directory = "";
            Set<String> owned = new LinkedHashSet<>();
            List<String> lines = paragraph.lines();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.length() < 2 || line.charAt(1) != ':') {
                    warn(path, where + ": line " + (paragraph.firstLine() + i) + " is not an 'X:value' line; skipped");
                    return null;
                }
                String value = line.substring(2);
                switch (line.charAt(0)) {
                    case 'P' -> name = value;
                    case 'V' -> version = value;
                    case 'A' -> arch = value;
                    case 'o' -> origin = value;
                    case 'L' -> license = value;
                    case 'F' -> directory = value;
                    case 'R' -> owned.add(directory.isEmpty() ? value : directory + "/" + value);
                    default -> {
                        // checksums, sizes, dependencies, maintainer, ...: not part of the inventory
                    }
                }
            }
            if (name == null || name.isBlank()) {
                warn(path, where + " has no P: (package name) line; skipped");
                return null;
            }
            if (version == null || version.isBlank()) {
                warn(path, where + " (package " + DpkgAnalyzer.abbreviate(name) + ") has no V: (version) line; skipped");
                return null;
            }
            // apk builds every subpackage of an APKBUILD at the origin's version, so the source version is ours.
            String sourceName = origin == null || origin.isBlank() ? name : origin;
            List<String> licenses = license == null || license.isBlank() ? List.of() : List.of(license);
            return new InstalledPackage("apk", null, name, version, arch, sourceName, version, licenses,
                    List.of(path), List.copyOf(owned), Map.of());
        }

        @Override
        public Result finish() {
            return new Result(packages, null, warnings);
        }

        private void warn(String path, String message) {
            warnings.add(new AnalysisWarning(id(), path, message));
        }
    }
}
