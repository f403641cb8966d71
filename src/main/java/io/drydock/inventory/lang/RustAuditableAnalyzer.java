package io.drydock.inventory.lang;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.inventory.Analyzer;
import io.drydock.layer.EntryContent;
import io.drydock.layer.LayerEntry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Rust crates compiled into binaries built with {@code cargo auditable}, which embeds the dependency tree as
 * zlib-compressed JSON ({@code {"packages": [{"name", "version", "source", "kind", "dependencies", "root"}]}}) in an
 * ELF section named {@code .dep-v0}.
 *
 * <p>The section is not loaded at run time (no SHF_ALLOC), so linkers put it among the sections after the loaded
 * segments, in front of the section header table at the end of the file. Only that tail is read: from the end of
 * the last loaded segment (at most {@link Limits#maxTailBytes} before the table) through the table. For a stripped
 * binary that is a few KiB; the table then names the section and its place.
 *
 * <p>Properties: {@code source} (crates.io, git, local, registry), {@code kind} (runtime, build, development),
 * {@code root} for the crate the binary was built from.
 */
public final class RustAuditableAnalyzer implements Analyzer {
    static final String TYPE = "cargo";
    static final String SECTION = ".dep-v0";

    /**
     * @param maxFileBytes ELF files larger than this are skipped with a warning
     * @param maxTailBytes bytes read in front of the section header table
     * @param maxJsonBytes the decompressed dependency tree may not be larger (a zlib bomb would be)
     */
    public record Limits(long maxFileBytes, long maxTailBytes, int maxJsonBytes) {
        /** Real dependency trees compress to a few KiB and inflate to well under a MiB. */
        public static final Limits DEFAULTS = new Limits(2L << 30, 16L << 20, 16 << 20);

        public Limits {
            if (maxFileBytes <= 0 || maxTailBytes <= 0 || maxTailBytes > Integer.MAX_VALUE / 2 || maxJsonBytes <= 0) {
                throw new IllegalArgumentException("limits must be positive: " + maxFileBytes + ", " + maxTailBytes
                        + ", " + maxJsonBytes);
            }
        }
    }

    private final Limits limits;
    private final ElfExtractor extractor = new Extractor();

    public RustAuditableAnalyzer() {
        this(Limits.DEFAULTS);
    }

    public RustAuditableAnalyzer(Limits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    @Override
    public String id() {
        return "rust-auditable";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public boolean wants(String path, LayerEntry entry) {
        return ExecutableFiles.isCandidate(path, entry);
    }

    @Override
    public Collector start() {
        Findings findings = new Findings(id());
        return new Collector() {
            @Override
            public void file(LayerEntry entry, EntryContent content) throws IOException {
                ExecutableFiles.read(entry, content, List.of(extractor), Map.of(extractor, findings), findings);
            }

            @Override
            public Result finish() {
                return findings.result();
            }
        };
    }

    /** For {@link ExecutableAnalyzer}, which shares one pass over each executable with other extractors. */
    ElfExtractor extractor() {
        return extractor;
    }

    /** One section header: where its name starts in the name table, where its bytes are. */
    private record Section(long nameOffset, long offset, long size) {
    }

    private final class Extractor implements ElfExtractor {
        @Override
        public String id() {
            return RustAuditableAnalyzer.this.id();
        }

        @Override
        public long maxFileBytes() {
            return limits.maxFileBytes();
        }

        @Override
        public List<ElfImage.FileRange> ranges(ElfImage elf) {
            long tableStart = elf.sectionHeaderOffset();
            long tableEnd = tableEnd(elf);
            if (tableEnd < 0) {
                return List.of();
            }
            long loadedEnd = 0;
            for (ElfImage.Segment segment : elf.segments()) {
                if (segment.isLoad() && segment.end() > loadedEnd && segment.end() <= elf.fileSize()) {
                    loadedEnd = segment.end();
                }
            }
            long tailStart = Math.min(tableStart, Math.max(loadedEnd, tableStart - limits.maxTailBytes()));
            return List.of(new ElfImage.FileRange(tailStart, tableEnd));
        }

        @Override
        public void extract(ElfImage elf, ElfRegions regions, String path, Findings findings) {
            long tableEnd = tableEnd(elf);
            if (tableEnd < 0) {
                return;
            }
            ElfImage.Bytes table = regions.numbers(elf.sectionHeaderOffset(), (int) (tableEnd - elf.sectionHeaderOffset()));
            if (table == null || elf.sectionNamesIndex() >= elf.sectionCount()) {
                return;
            }
            Section names = section(elf, table, elf.sectionNamesIndex());
            byte[] nameTable = names.size() > Integer.MAX_VALUE ? null : regions.bytes(names.offset(), (int) names.size());
            if (nameTable == null) {
                return; // the name table lies outside the tail read; no cargo-auditable binary is laid out so
            }
            for (int i = 0; i < elf.sectionCount(); i++) {
                Section section = section(elf, table, i);
                if (SECTION.equals(name(nameTable, section.nameOffset()))) {
                    readDependencyTree(section, regions, path, findings);
                    return;
                }
            }
        }

        private void readDependencyTree(Section section, ElfRegions regions, String path, Findings findings) {
            byte[] compressed = section.size() > Integer.MAX_VALUE ? null
                    : regions.bytes(section.offset(), (int) section.size());
            if (compressed == null) {
                findings.warn(path, "section " + SECTION + " (" + section.size() + " bytes at offset "
                        + section.offset() + ") lies outside the last " + limits.maxTailBytes()
                        + " bytes before the section table, which is all this analyzer reads; not read");
                return;
            }
            Optional<byte[]> json = inflate(compressed, path, findings);
            if (json.isEmpty()) {
                return;
            }
            JsonFiles.parse(json.get(), path, "the " + SECTION + " dependency tree", findings)
                    .ifPresent(root -> addPackages(root, path, findings));
        }

        private Optional<byte[]> inflate(byte[] compressed, String path, Findings findings) {
            Inflater inflater = new Inflater();
            try {
                inflater.setInput(compressed);
                ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(compressed.length * 8, 1 << 20));
                byte[] buffer = new byte[64 * 1024];
                while (!inflater.finished()) {
                    int n = inflater.inflate(buffer);
                    if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                        findings.warn(path, "section " + SECTION + " ends before its compressed data does; not read");
                        return Optional.empty();
                    }
                    out.write(buffer, 0, n);
                    if (out.size() > limits.maxJsonBytes()) {
                        findings.warn(path, "section " + SECTION + " inflates to more than " + limits.maxJsonBytes()
                                + " bytes, the limit; not read");
                        return Optional.empty();
                    }
                }
                return Optional.of(out.toByteArray());
            } catch (DataFormatException e) {
                findings.warn(path, "section " + SECTION + " is not zlib data (" + e.getMessage() + "); not read");
                return Optional.empty();
            } finally {
                inflater.end();
            }
        }
    }

    /**
     * End of the section header table, or -1 when the file has none or one that cannot be real: entries are 64
     * bytes (40 for 32-bit files), and even 65535 of them fit in a few MiB.
     */
    private static long tableEnd(ElfImage elf) {
        long start = elf.sectionHeaderOffset();
        int minimum = elf.is64() ? 64 : 40;
        if (start <= 0 || elf.sectionCount() == 0 || elf.sectionHeaderSize() < minimum
                || elf.sectionHeaderSize() > 256) {
            return -1;
        }
        long end = start + (long) elf.sectionCount() * elf.sectionHeaderSize();
        return end <= elf.fileSize() ? end : -1;
    }

    private static Section section(ElfImage elf, ElfImage.Bytes table, int index) {
        int at = index * elf.sectionHeaderSize();
        if (elf.is64()) {
            return new Section(table.u32(at), table.u64(at + 24), table.u64(at + 32));
        }
        return new Section(table.u32(at), table.u32(at + 16), table.u32(at + 20));
    }

    /** The NUL-terminated name at {@code offset} of the section name table. */
    private static String name(byte[] nameTable, long offset) {
        if (offset < 0 || offset >= nameTable.length) {
            return null;
        }
        int end = (int) offset;
        while (end < nameTable.length && nameTable[end] != 0) {
            end++;
        }
        return new String(nameTable, (int) offset, end - (int) offset, StandardCharsets.ISO_8859_1);
    }

    private static void addPackages(JsonNode root, String path, Findings findings) {
        JsonNode packages = root.get("packages");
        if (packages == null || !packages.isArray()) {
            findings.warn(path, "the " + SECTION + " dependency tree has no \"packages\" array; nothing read");
            return;
        }
        for (JsonNode pkg : packages) {
            String name = JsonFiles.text(pkg.get("name"));
            String version = JsonFiles.text(pkg.get("version"));
            if (name == null || version == null) {
                continue;
            }
            Map<String, String> properties = new LinkedHashMap<>();
            properties.put("source", JsonFiles.text(pkg.get("source")));
            properties.put("kind", JsonFiles.text(pkg.get("kind")));
            properties.put("root", pkg.path("root").asBoolean() ? "true" : null);
            findings.add(TYPE, null, name, version, List.of(), path, properties);
        }
    }
}
