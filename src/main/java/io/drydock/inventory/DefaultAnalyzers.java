package io.drydock.inventory;

import io.drydock.inventory.lang.LanguageAnalyzers;
import io.drydock.inventory.os.OsAnalyzers;

import java.util.ArrayList;
import java.util.List;

/** Every analyzer Drydock ships. */
public final class DefaultAnalyzers {
    private DefaultAnalyzers() {
    }

    public static Analyzers all() {
        List<Analyzer> all = new ArrayList<>(OsAnalyzers.all());
        all.addAll(LanguageAnalyzers.all());
        return new Analyzers(all);
    }
}
