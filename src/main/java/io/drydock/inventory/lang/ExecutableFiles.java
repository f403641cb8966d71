package io.drydock.inventory.lang;

import io.drydock.layer.EntryContent;
import io.drydock.layer.LayerEntry;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reading executables for the {@link ElfExtractor}s: which files are worth opening, and one pass over each that
 * stops after four bytes for anything that is not ELF and otherwise reads only the ranges the extractors asked for.
 */
final class ExecutableFiles {
    /** The smallest ELF header (32-bit). */
    static final int MIN_ELF_BYTES = 52;
    /** Pseudo file systems; an image has no business shipping files there, and nothing in them is a program. */
    private static final List<String> NOT_PROGRAMS = List.of("proc/", "sys/", "dev/");
    /**
     * Files that are executable by mode but never ELF: scripts, sources and archives, many of them 0755 in npm and
     * pip trees. Leaving them out also keeps executables from overlapping other analyzers' files: the layer stream of
     * a file wanted twice must be held in memory to be read twice.
     */
    private static final Set<String> NOT_ELF_EXTENSIONS = Set.of("jar", "war", "ear", "par", "jpi", "hpi", "json",
            "js", "mjs", "cjs", "ts", "map", "py", "pyc", "pyi", "rb", "pl", "pm", "php", "sh", "bash", "txt", "md",
            "rst", "html", "htm", "css", "xml", "yaml", "yml", "toml", "lock", "gemspec", "properties", "conf", "cfg",
            "ini", "gz", "tgz", "zip", "xz", "bz2", "zst", "png", "jpg", "jpeg", "gif", "svg", "ico", "h", "c", "cc",
            "cpp", "go", "rs", "java", "class", "egg-info", "pem", "crt", "csv", "tsv");
    /** Python metadata files, which have no extension; the Python analyzer reads them. */
    private static final Set<String> NOT_ELF_NAMES = Set.of("METADATA", "PKG-INFO");

    private ExecutableFiles() {
    }

    /** A regular file with an execute bit, big enough for an ELF header, not obviously something else. */
    static boolean isCandidate(String path, LayerEntry entry) {
        if ((entry.mode() & 0111) == 0 || entry.size() < MIN_ELF_BYTES) {
            return false;
        }
        for (String prefix : NOT_PROGRAMS) {
            if (path.startsWith(prefix)) {
                return false;
            }
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (NOT_ELF_NAMES.contains(name)) {
            return false;
        }
        int dot = name.lastIndexOf('.');
        return dot <= 0 || !NOT_ELF_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /**
     * Reads one candidate for the given extractors.
     *
     * @param fileFindings where problems with the file itself (a broken ELF header) are reported
     * @param findings     where each extractor's packages and warnings go
     */
    static void read(LayerEntry entry, EntryContent content, List<ElfExtractor> extractors,
                     Map<ElfExtractor, Findings> findings, Findings fileFindings) throws IOException {
        if (entry.size() < MIN_ELF_BYTES) {
            return;
        }
        ForwardReader in = new ForwardReader(content, entry.size());
        byte[] magic = in.read(4);
        if (!ElfImage.hasMagic(magic)) {
            return;
        }
        List<ElfExtractor> active = new ArrayList<>();
        for (ElfExtractor extractor : extractors) {
            if (entry.size() > extractor.maxFileBytes()) {
                findings.get(extractor).warn(entry.path(), "ELF file of " + entry.size() + " bytes is over the limit of "
                        + extractor.maxFileBytes() + " bytes; not searched");
            } else {
                active.add(extractor);
            }
        }
        if (active.isEmpty()) {
            return;
        }
        ElfImage elf;
        try {
            elf = ElfImage.read(in, magic);
        } catch (ElfImage.MalformedElf e) {
            fileFindings.warn(entry.path(), "malformed ELF file (" + e.getMessage() + "); not searched");
            return;
        }
        List<ElfImage.FileRange> ranges = new ArrayList<>();
        for (ElfExtractor extractor : active) {
            ranges.addAll(extractor.ranges(elf));
        }
        ElfRegions regions = elf.collect(in, ranges);
        for (ElfExtractor extractor : active) {
            extractor.extract(elf, regions, entry.path(), findings.get(extractor));
        }
    }
}
