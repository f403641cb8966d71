package io.drydock.inventory.os;

import io.drydock.inventory.Analyzer;

import java.util.List;

/**
 * The analyzers for the operating system part of an image: which distribution it is and which packages its
 * package manager installed. Their wanted paths do not overlap, so one layer pass can feed them all.
 */
public final class OsAnalyzers {
    private OsAnalyzers() {
    }

    /** One of each, with default limits. */
    public static List<Analyzer> all() {
        return List.of(new OsReleaseAnalyzer(), new DpkgAnalyzer(), new ApkAnalyzer(), new RpmAnalyzer());
    }
}
