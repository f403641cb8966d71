package io.drydock.inventory;

import io.drydock.DrydockException;
import io.drydock.image.ImageSource;
import io.drydock.image.LayerRef;
import io.drydock.image.ResolvedImage;
import io.drydock.layer.ImageLayers;
import io.drydock.layer.LayerInfo;
import io.drydock.layer.LayerReader;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Builds an image's inventory: analyses each layer (or takes it from the cache), then merges the
 * layers the way the runtime stacks them, so a package deleted later is gone and an upgraded one
 * is attributed to the layer that installed the present version.
 */
public final class Inventorier {
    private final Analyzers analyzers;
    private final LayerReader reader;
    private final AnalysisCache cache;

    public Inventorier(Analyzers analyzers, LayerReader reader, AnalysisCache cache) {
        this.analyzers = analyzers;
        this.reader = reader;
        this.cache = cache;
    }

    public Inventory inventory(ImageSource source, ResolvedImage image) {
        List<LayerInfo> infos = new ArrayList<>();
        List<LayerAnalysis> analyses = new ArrayList<>();
        for (LayerRef ref : image.layers()) {
            LayerInfo info = ImageLayers.info(ref);
            infos.add(info);
            analyses.add(analyse(source, image, ref, info));
        }
        return merge(image.name(), image.digest().toString(), infos, analyses);
    }

    private LayerAnalysis analyse(ImageSource source, ResolvedImage image, LayerRef ref, LayerInfo info) {
        String key = (ref.diffId() != null ? ref.diffId() : ref.digest()).toString();
        if (cache != null) {
            var cached = cache.get(key, analyzers.key());
            if (cached.isPresent()) return cached.get();
        }
        LayerAnalysis analysis;
        try (InputStream blob = source.blob(ref.descriptor())) {
            analysis = analyzers.analyze(reader, blob, image.name(), info);
        } catch (IOException e) {
            throw new DrydockException("reading layer " + info.displayName() + " of " + image.name() + " failed: " + DrydockException.reason(e), e);
        }
        // Only complete analyses are cached: a warning may come from a limit the user raises next time.
        if (cache != null && analysis.warnings().isEmpty()) cache.put(key, analysis);
        return analysis;
    }

    /** Where a package was read from: the file part of its first location ({@code a.jar!/b.jar} → {@code a.jar}). */
    static String fileOf(InstalledPackage p) {
        if (p.locations().isEmpty()) return "";
        String loc = p.locations().get(0);
        int bang = loc.indexOf('!');
        return bang < 0 ? loc : loc.substring(0, bang);
    }

    static Inventory merge(String image, String digest, List<LayerInfo> layers, List<LayerAnalysis> analyses) {
        OsRelease os = null;
        // For each analyzed path, the layer that wrote it last, as long as no later layer deleted it.
        Map<String, Integer> present = new LinkedHashMap<>();
        List<Map<String, List<InstalledPackage>>> byPath = new ArrayList<>();
        List<Set<String>> analyzed = new ArrayList<>();
        List<AnalysisWarning> warnings = new ArrayList<>();
        for (int i = 0; i < analyses.size(); i++) {
            LayerAnalysis a = analyses.get(i);
            if (a.os() != null) os = a.os();
            if (!a.whiteouts().isEmpty() || !a.opaqueDirs().isEmpty()) present.entrySet().removeIf(e -> a.hides(e.getKey()));
            for (String path : a.analyzedPaths()) present.put(path, i);
            analyzed.add(new HashSet<>(a.analyzedPaths()));
            Map<String, List<InstalledPackage>> m = new HashMap<>();
            for (InstalledPackage p : a.packages()) m.computeIfAbsent(fileOf(p), k -> new ArrayList<>()).add(p);
            byPath.add(m);
            for (AnalysisWarning w : a.warnings()) {
                warnings.add(new AnalysisWarning(w.analyzer(), w.path(), w.message() + " (layer " + layers.get(i).displayName() + ")"));
            }
        }
        List<Component> osComponents = new ArrayList<>();
        // One OS package can be listed by two databases (a leftover rpm Packages next to rpmdb.sqlite): count it once.
        Set<String> osSeen = new HashSet<>();
        List<InstalledPackage> langPackages = new ArrayList<>();
        List<LayerInfo> langLayers = new ArrayList<>();
        for (Map.Entry<String, Integer> e : present.entrySet()) {
            int top = e.getValue();
            for (InstalledPackage p : byPath.get(top).getOrDefault(e.getKey(), List.of())) {
                int installedIn = installedIn(p, e.getKey(), top, byPath, analyses, analyzed);
                if (p.isOsPackage()) {
                    InstalledPackage withFiles = p.ownedFiles().isEmpty() ? ownedFilesFromBelow(p, top, analyses) : p;
                    if (!osSeen.add(Purls.of(withFiles, os))) continue;
                    osComponents.add(new Component(withFiles, Purls.of(withFiles, os), layers.get(installedIn), null));
                } else {
                    langPackages.add(p);
                    langLayers.add(layers.get(installedIn));
                }
            }
        }
        Map<String, String> ownerOfFile = new HashMap<>();
        for (Component c : osComponents) for (String f : c.pkg().ownedFiles()) ownerOfFile.putIfAbsent(f, c.purl());
        List<Component> components = new ArrayList<>(osComponents);
        for (int i = 0; i < langPackages.size(); i++) {
            InstalledPackage p = langPackages.get(i);
            components.add(new Component(p, Purls.of(p, os), langLayers.get(i), ownerOfFile.get(fileOf(p))));
        }
        return new Inventory(image, digest, os, layers, components, warnings);
    }

    /**
     * The lowest layer, in the unbroken run below {@code top}, whose copy of {@code path} already
     * held this same package version: an upgrade starts a new run, an untouched rewrite does not.
     */
    private static int installedIn(InstalledPackage p, String path, int top, List<Map<String, List<InstalledPackage>>> byPath,
                                   List<LayerAnalysis> analyses, List<Set<String>> analyzed) {
        int layer = top;
        for (int j = top - 1; j >= 0; j--) {
            if (analyses.get(j + 1).hides(path) && !analyzed.get(j + 1).contains(path)) break;
            List<InstalledPackage> below = byPath.get(j).get(path);
            if (below == null) {
                if (analyzed.get(j).contains(path)) break;
                continue;
            }
            if (below.stream().noneMatch(q -> sameRelease(p, q))) break;
            layer = j;
        }
        return layer;
    }

    private static boolean sameRelease(InstalledPackage a, InstalledPackage b) {
        return a.type().equals(b.type()) && Objects.equals(a.namespace(), b.namespace()) && a.name().equals(b.name())
                && a.version().equals(b.version()) && Objects.equals(a.arch(), b.arch());
    }

    /** dpkg rewrites its status file for every install, but each package's file list only when that package changes. */
    private static InstalledPackage ownedFilesFromBelow(InstalledPackage p, int top, List<LayerAnalysis> analyses) {
        for (int j = top - 1; j >= 0; j--) {
            for (InstalledPackage q : analyses.get(j).packages()) {
                if (q.type().equals(p.type()) && q.name().equals(p.name()) && Objects.equals(q.arch(), p.arch()) && !q.ownedFiles().isEmpty()) {
                    return new InstalledPackage(p.type(), p.namespace(), p.name(), p.version(), p.arch(), p.sourceName(), p.sourceVersion(),
                            p.licenses(), p.locations(), q.ownedFiles(), p.properties());
                }
            }
        }
        return p;
    }
}
