package io.drydock.inventory;

import java.util.List;

/**
 * What the analyzers found in one layer, independent of every other layer, so it can be cached by
 * the layer's diffID. Besides packages it records which analyzed paths the layer wrote and what it
 * deleted, which is all the image-wide merge needs to know what survives.
 *
 * @param diffId         the layer's uncompressed digest (the cache key)
 * @param analyzerSet    the analyzer set's key ({@link Analyzers#key()}) the analysis was made with
 * @param os             the distribution the layer's release files name, or null
 * @param packages       packages read from this layer's files
 * @param analyzedPaths  every path the analyzers were given, package or not: a later layer that
 *                       rewrites a path replaces what lower layers had there
 * @param whiteouts      paths this layer deletes from lower layers
 * @param opaqueDirs     directories whose lower-layer content this layer hides
 * @param warnings       files that could not be read
 */
public record LayerAnalysis(String diffId, String analyzerSet, OsRelease os, List<InstalledPackage> packages,
                            List<String> analyzedPaths, List<String> whiteouts, List<String> opaqueDirs,
                            List<AnalysisWarning> warnings) {
    public LayerAnalysis {
        packages = List.copyOf(packages);
        analyzedPaths = List.copyOf(analyzedPaths);
        whiteouts = List.copyOf(whiteouts);
        opaqueDirs = List.copyOf(opaqueDirs);
        warnings = List.copyOf(warnings);
    }

    /** Whether this layer deletes {@code path} from the layers below it. */
    public boolean hides(String path) {
        for (String w : whiteouts) if (path.equals(w) || path.startsWith(w + "/")) return true;
        for (String d : opaqueDirs) if (d.isEmpty() || path.startsWith(d + "/")) return true;
        return false;
    }
}
