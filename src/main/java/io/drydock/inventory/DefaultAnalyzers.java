package io.drydock.inventory;

import io.drydock.inventory.lang.LanguageAnalyzers;
import io.drydock.inventory.os.OsAnalyzers;
import io.drydock.inventory.runtime.RuntimeAnalyzer;

import java.util.ArrayList;
import java.util.List;

/** Every analyzer Drydock ships. */
public final class DefaultAnalyzers {
    private DefaultAnalyzers() {
    }

    public static Analyzers all() {
        List<Analyzer> all = new ArrayList<>(OsAnalyzers.all());
        all.addAll(LanguageAnalyzers.all());
        // Runtimes' own files; the set's key (Analyzers#key) names it, so analyses cached without it are not reused.
        all.add(new RuntimeAnalyzer());
        return new Analyzers(all);
    }
}
