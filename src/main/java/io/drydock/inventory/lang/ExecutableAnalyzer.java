package io.drydock.inventory.lang;

import io.drydock.inventory.Analyzer;
import io.drydock.layer.EntryContent;
import io.drydock.layer.LayerEntry;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Go modules ({@link GoBinaryAnalyzer}) and Rust crates ({@link RustAuditableAnalyzer}) from ELF executables, in
 * one pass over each. Both would want every executable, and a file wanted by two analyzers has to be held in memory
 * whole to be read twice; together they read each ELF file's headers once, then the ranges either needs, and skip
 * the rest. Warnings carry the name of the part that raised them ({@code go-binary}, {@code rust-auditable}), or this
 * analyzer's for a file neither could read.
 */
public final class ExecutableAnalyzer implements Analyzer {
    private final GoBinaryAnalyzer go;
    private final RustAuditableAnalyzer rust;

    public ExecutableAnalyzer() {
        this(new GoBinaryAnalyzer(), new RustAuditableAnalyzer());
    }

    public ExecutableAnalyzer(GoBinaryAnalyzer go, RustAuditableAnalyzer rust) {
        this.go = go;
        this.rust = rust;
    }

    @Override
    public String id() {
        return "executable";
    }

    /** Changes whenever either part's does (versions only grow). */
    @Override
    public int version() {
        return go.version() + rust.version();
    }

    @Override
    public boolean wants(String path, LayerEntry entry) {
        return ExecutableFiles.isCandidate(path, entry);
    }

    @Override
    public Collector start() {
        List<ElfExtractor> extractors = List.of(go.extractor(), rust.extractor());
        Map<ElfExtractor, Findings> findings = new LinkedHashMap<>();
        extractors.forEach(e -> findings.put(e, new Findings(e.id())));
        Findings fileFindings = new Findings(id());
        return new Collector() {
            @Override
            public void file(LayerEntry entry, EntryContent content) throws IOException {
                ExecutableFiles.read(entry, content, extractors, findings, fileFindings);
            }

            @Override
            public Result finish() {
                Findings all = new Findings(id());
                findings.values().forEach(all::addAll);
                all.addAll(fileFindings);
                return all.result();
            }
        };
    }
}
