package io.drydock.inventory;

import io.drydock.layer.EntryContent;
import io.drydock.layer.LayerEntry;
import io.drydock.layer.LayerInfo;
import io.drydock.layer.LayerReader;
import io.drydock.layer.LayerVisitor;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** A set of analyzers run together in one streaming pass per layer. */
public final class Analyzers {
    private final List<Analyzer> analyzers;
    private final String key;

    public Analyzers(List<Analyzer> analyzers) {
        this.analyzers = List.copyOf(analyzers);
        this.key = this.analyzers.stream().map(a -> a.id() + "@" + a.version()).sorted().collect(Collectors.joining(","));
    }

    public List<Analyzer> list() {
        return analyzers;
    }

    /** Identifies the analyzers and their versions; a cached analysis made with another key is stale. */
    public String key() {
        return key;
    }

    /** Reads one layer once, feeding each analyzer the files it wants. */
    public LayerAnalysis analyze(LayerReader reader, InputStream blob, String image, LayerInfo layer) {
        List<Analyzer.Collector> collectors = new ArrayList<>(analyzers.size());
        try {
            for (Analyzer a : analyzers) collectors.add(a.start());
            return analyze(reader, blob, image, layer, collectors);
        } finally {
            for (Analyzer.Collector c : collectors) c.close();
        }
    }

    private LayerAnalysis analyze(LayerReader reader, InputStream blob, String image, LayerInfo layer, List<Analyzer.Collector> collectors) {
        List<String> analyzedPaths = new ArrayList<>();
        List<String> whiteouts = new ArrayList<>();
        List<String> opaque = new ArrayList<>();
        List<AnalysisWarning> warnings = new ArrayList<>();
        reader.read(blob, image, layer, new LayerVisitor() {
            @Override
            public void entry(LayerEntry entry, EntryContent content) throws IOException {
                if (!entry.isRegularFile()) return;
                int first = -1;
                List<Integer> more = null;
                for (int i = 0; i < analyzers.size(); i++) {
                    if (!analyzers.get(i).wants(entry.path(), entry)) continue;
                    if (first < 0) first = i;
                    else (more == null ? more = new ArrayList<>() : more).add(i);
                }
                if (first < 0) return;
                analyzedPaths.add(entry.path());
                if (more == null) {
                    collectors.get(first).file(entry, content);
                    return;
                }
                // Several analyzers want the same file (e.g. Go and Rust both look at executables): the stream can be
                // read once, so the bytes are kept for the length of this call and replayed to each.
                if (!content.fitsInMemory()) {
                    warnings.add(new AnalysisWarning(analyzers.get(more.get(0)).id(), entry.path(), "file of " + entry.size()
                            + " bytes is over the in-memory limit; only the " + analyzers.get(first).id() + " analyzer read it"));
                    collectors.get(first).file(entry, content);
                    return;
                }
                byte[] bytes = content.readAllBytes();
                collectors.get(first).file(entry, EntryContent.ofBytes(entry, bytes, reader.limits(), image, layer));
                for (int i : more) collectors.get(i).file(entry, EntryContent.ofBytes(entry, bytes, reader.limits(), image, layer));
            }

            @Override
            public void whiteout(String path) {
                whiteouts.add(path);
            }

            @Override
            public void opaqueDirectory(String directory) {
                opaque.add(directory);
            }
        });
        OsRelease os = null;
        List<InstalledPackage> packages = new ArrayList<>();
        for (Analyzer.Collector c : collectors) {
            Analyzer.Result r = c.finish();
            if (r.os() != null) os = r.os();
            packages.addAll(r.packages());
            warnings.addAll(r.warnings());
        }
        return new LayerAnalysis(layer.diffId(), key, os, packages, analyzedPaths, whiteouts, opaque, warnings);
    }
}
