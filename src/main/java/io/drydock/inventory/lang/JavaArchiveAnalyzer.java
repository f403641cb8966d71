package io.drydock.inventory.lang;

import io.drydock.inventory.Analyzer;
import io.drydock.layer.EntryContent;
import io.drydock.layer.LayerEntry;

import java.util.Objects;

/**
 * Maven packages in Java archives (jar, war, ear, par and the Jenkins jpi/hpi), including the archives nested in
 * them at any depth up to a limit: Spring Boot's {@code BOOT-INF/lib/*.jar}, a war's {@code WEB-INF/lib/*.jar},
 * an ear's wars. A nested archive's location is {@code outer.jar!/BOOT-INF/lib/inner.jar}.
 *
 * <p>Each archive is streamed once with its SHA-1 computed on the way; see {@link JavaArchiveIdentity} for how the
 * identity is chosen. Properties: {@code source} (pom.properties, manifest or filename), {@code sha1} (on the package
 * that is the archive itself), {@code embedded} (a library shaded into the archive), {@code partial} (the archive was
 * not read to its end, or held an archive that was not opened; a warning says why).
 */
public final class JavaArchiveAnalyzer implements Analyzer {

    /**
     * Bounds on one top-level archive together with everything nested in it.
     *
     * @param maxNestingDepth      archives nested deeper than this are not opened (the top level is depth 0)
     * @param maxDecompressedBytes bytes the zip readers may inflate, summed over all nesting levels
     * @param maxEntries           zip entries, summed over all nesting levels
     * @param maxMetadataBytes     largest manifest or pom.properties read
     */
    public record Limits(int maxNestingDepth, long maxDecompressedBytes, long maxEntries, int maxMetadataBytes) {
        /**
         * Spring Boot apps nest two deep, an ear's war's libraries three. Big real fat jars inflate to about a GiB
         * (counting the nested jars once stored and once inflated) with a few hundred thousand entries; the caps
         * sit well above that and bound a bomb to seconds of CPU.
         */
        public static final Limits DEFAULTS = new Limits(4, 4L << 30, 2_000_000, 1 << 20);

        public Limits {
            if (maxNestingDepth < 0 || maxDecompressedBytes <= 0 || maxEntries <= 0 || maxMetadataBytes <= 0) {
                throw new IllegalArgumentException("limits must be positive (depth may be 0): " + maxNestingDepth
                        + ", " + maxDecompressedBytes + ", " + maxEntries + ", " + maxMetadataBytes);
            }
        }
    }

    private final Limits limits;

    public JavaArchiveAnalyzer() {
        this(Limits.DEFAULTS);
    }

    public JavaArchiveAnalyzer(Limits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    @Override
    public String id() {
        return "java-archive";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public boolean wants(String path, LayerEntry entry) {
        return JavaArchives.isArchiveName(path) && entry.size() > 0;
    }

    @Override
    public Collector start() {
        Findings findings = new Findings(id());
        return new Collector() {
            @Override
            public void file(LayerEntry entry, EntryContent content) {
                for (ArchiveContents archive : new ArchiveWalk(limits, findings).walk(content, entry.path())) {
                    JavaArchiveIdentity.addPackages(archive, findings);
                }
            }

            @Override
            public Result finish() {
                return findings.result();
            }
        };
    }
}
