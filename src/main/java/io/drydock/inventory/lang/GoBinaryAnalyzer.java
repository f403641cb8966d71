package io.drydock.inventory.lang;

import io.drydock.inventory.Analyzer;
import io.drydock.layer.EntryContent;
import io.drydock.layer.LayerEntry;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Go modules compiled into ELF executables, from the build information the Go linker embeds (see
 * {@link GoBuildInfo}): the main module (version {@code (devel)} unless built from a tagged VCS checkout), every
 * dependency module (a {@code =>} replacement with a version stands in for the module it replaces), and the standard
 * library as package {@code stdlib} at the Go version, which is how advisories for the Go runtime are matched.
 *
 * <p>Cheap on images full of C programs: a file is dropped after four bytes unless it is ELF, and an ELF file is
 * read only for its headers and its writable data segments (kilobytes for C programs), which is where the linker
 * puts {@code .go.buildinfo}. Binaries carrying the Go build ID note also have their read-only data kept, because
 * pre-1.18 build info points there. The rest of every file is skipped, never held.
 *
 * <p>Properties: main module {@code goVersion} and {@code build.*} (GOOS, GOARCH, CGO_ENABLED, -buildmode,
 * vcs.*); dependencies {@code sum} and, when replaced, {@code replaces} (by a module version) or
 * {@code localReplacement} (by a directory, whose code the version no longer describes); stdlib {@code goVersion}.
 */
public final class GoBinaryAnalyzer implements Analyzer {
    static final String TYPE = "golang";
    /** The note the Go linker writes ({@code .note.go.buildid}): owner "Go", type 4. */
    static final String GO_NOTE_OWNER = "Go";
    static final int GO_BUILD_ID_NOTE_TYPE = 4;
    /** Build settings worth keeping; -ldflags is not among them, since {@code -X} flags can carry secrets. */
    static final List<String> KEPT_SETTINGS = List.of("GOOS", "GOARCH", "CGO_ENABLED", "-buildmode", "vcs",
            "vcs.revision", "vcs.time", "vcs.modified");

    /**
     * @param maxFileBytes ELF files larger than this are skipped with a warning
     * @param maxDataBytes bytes of data segments kept per binary; build info beyond them is not found
     */
    public record Limits(long maxFileBytes, long maxDataBytes) {
        /** The biggest Go binaries in the wild (Kubernetes, Terraform providers) are a few hundred MiB. */
        public static final Limits DEFAULTS = new Limits(2L << 30, 64L << 20);

        public Limits {
            if (maxFileBytes <= 0 || maxDataBytes <= 0 || maxDataBytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("limits must be positive (and data fit an array): "
                        + maxFileBytes + ", " + maxDataBytes);
            }
        }
    }

    private final Limits limits;
    private final ElfExtractor extractor = new Extractor();

    public GoBinaryAnalyzer() {
        this(Limits.DEFAULTS);
    }

    public GoBinaryAnalyzer(Limits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    @Override
    public String id() {
        return "go-binary";
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

    static boolean hasGoNote(ElfImage elf) {
        return elf.notes().stream()
                .anyMatch(n -> n.name().equals(GO_NOTE_OWNER) && n.type() == GO_BUILD_ID_NOTE_TYPE);
    }

    private final class Extractor implements ElfExtractor {
        @Override
        public String id() {
            return GoBinaryAnalyzer.this.id();
        }

        @Override
        public long maxFileBytes() {
            return limits.maxFileBytes();
        }

        @Override
        public List<ElfImage.FileRange> ranges(ElfImage elf) {
            List<ElfImage.FileRange> ranges = new ArrayList<>();
            long budget = limits.maxDataBytes();
            for (ElfImage.Segment segment : elf.segments()) {
                budget -= keep(segment, segment.isWritableData(), budget, ranges);
            }
            if (hasGoNote(elf)) {
                for (ElfImage.Segment segment : elf.segments()) {
                    budget -= keep(segment, segment.isReadOnlyData(), budget, ranges);
                }
            }
            return ranges;
        }

        private long keep(ElfImage.Segment segment, boolean wanted, long budget, List<ElfImage.FileRange> ranges) {
            if (!wanted || budget <= 0 || segment.offset() < 0 || segment.fileSize() <= 0) {
                return 0;
            }
            long length = Math.min(segment.fileSize(), budget);
            ranges.add(new ElfImage.FileRange(segment.offset(), segment.offset() + length));
            return length;
        }

        @Override
        public void extract(ElfImage elf, ElfRegions regions, String path, Findings findings) {
            long header = GoBuildInfo.find(elf, regions);
            if (header < 0) {
                long writable = elf.segments().stream().filter(ElfImage.Segment::isWritableData)
                        .mapToLong(ElfImage.Segment::fileSize).sum();
                if (hasGoNote(elf) && writable > limits.maxDataBytes()) {
                    findings.warn(path, "Go binary whose writable data (" + writable + " bytes) is over the limit of "
                            + limits.maxDataBytes() + " bytes searched; no build info found within it");
                }
                return; // not Go, or Go before 1.13, which embedded no build info
            }
            try {
                addPackages(GoBuildInfo.read(elf, regions, header), path, findings);
            } catch (GoBuildInfo.Unreadable e) {
                findings.warn(path, "Go build info unreadable: " + e.getMessage());
            }
        }
    }

    static void addPackages(GoBuildInfo info, String path, Findings findings) {
        if (info.main() != null) {
            Map<String, String> properties = new LinkedHashMap<>();
            properties.put("goVersion", info.goVersion());
            for (String key : KEPT_SETTINGS) {
                properties.put("build." + key, info.settings().get(key));
            }
            addModule(info.main().path(), info.main().version(), path, properties, findings);
        }
        for (GoBuildInfo.Module dep : info.deps()) {
            GoBuildInfo.Module replacement = dep.replacement();
            Map<String, String> properties = new LinkedHashMap<>();
            if (replacement != null && !isDirectory(replacement.path())) {
                properties.put("sum", Findings.blankToNull(replacement.sum()));
                properties.put("replaces", dep.path() + "@" + dep.version());
                addModule(replacement.path(), replacement.version(), path, properties, findings);
            } else {
                properties.put("sum", Findings.blankToNull(dep.sum()));
                properties.put("localReplacement", replacement == null ? null : replacement.path());
                addModule(dep.path(), dep.version(), path, properties, findings);
            }
        }
        GoBuildInfo.semanticVersion(info.goVersion()).ifPresent(version -> {
            Map<String, String> properties = new LinkedHashMap<>();
            properties.put("goVersion", info.goVersion());
            findings.add(TYPE, null, "stdlib", version, List.of(), path, properties);
        });
    }

    /**
     * Whether a replacement names a directory rather than a module: go.mod requires such paths to start with
     * {@code ./}, {@code ../} or be absolute. (The go command records their version as {@code (devel)} or nothing.)
     */
    static boolean isDirectory(String replacementPath) {
        return replacementPath.startsWith("./") || replacementPath.startsWith("../") || replacementPath.startsWith("/")
                || replacementPath.equals(".") || replacementPath.equals("..")
                || replacementPath.matches("[A-Za-z]:[\\\\/].*");
    }

    /** purl golang: namespace is the module path up to its last '/', name the last element. */
    private static void addModule(String modulePath, String version, String path, Map<String, String> properties,
                                  Findings findings) {
        int slash = modulePath.lastIndexOf('/');
        String namespace = slash > 0 ? modulePath.substring(0, slash) : null;
        String name = modulePath.substring(slash + 1);
        findings.add(TYPE, namespace, name, version.isEmpty() ? "(devel)" : version, List.of(), path, properties);
    }
}
