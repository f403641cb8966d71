package io.drydock.inventory.lang;

import io.drydock.inventory.Analyzer;

import java.util.List;

/**
 * The analyzers for application packages: Maven, npm, PyPI, Go, Cargo, RubyGems, NuGet and Composer. Their wanted
 * files do not overlap (executables that are scripts or archives by name are left to the others), so one layer pass
 * feeds each file to at most one of them and never has to hold a file in memory to replay it.
 */
public final class LanguageAnalyzers {
    private LanguageAnalyzers() {
    }

    /** One of each, with default limits; Go and Rust binaries share {@link ExecutableAnalyzer}'s single pass. */
    public static List<Analyzer> all() {
        return List.of(new JavaArchiveAnalyzer(), new NpmAnalyzer(), new PythonAnalyzer(), new ExecutableAnalyzer(),
                new RubyGemspecAnalyzer(), new DotnetDepsAnalyzer(), new ComposerInstalledAnalyzer());
    }
}
