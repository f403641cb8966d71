package io.drydock.inventory.lang;

import io.drydock.inventory.AnalysisWarning;
import io.drydock.inventory.Analyzer;
import io.drydock.inventory.InstalledPackage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What one collector gathered from one layer: packages and the warnings about files it could not fully read. */
final class Findings {
    private final String analyzer;
    private final List<InstalledPackage> packages = new ArrayList<>();
    private final List<AnalysisWarning> warnings = new ArrayList<>();

    Findings(String analyzer) {
        this.analyzer = analyzer;
    }

    /**
     * Adds a language package: no architecture, source package or owned files, which only OS packages have.
     * Null property values are dropped, so callers can pass optional facts without checking each.
     */
    void add(String type, String namespace, String name, String version, List<String> licenses, String location,
             Map<String, String> properties) {
        Map<String, String> kept = new LinkedHashMap<>();
        properties.forEach((key, value) -> {
            if (value != null) {
                kept.put(key, value);
            }
        });
        packages.add(new InstalledPackage(type, blankToNull(namespace), name, version, null, null, null, licenses,
                List.of(location), List.of(), kept));
    }

    void warn(String path, String message) {
        warnings.add(new AnalysisWarning(analyzer, path, message));
    }

    Analyzer.Result result() {
        return new Analyzer.Result(packages, null, warnings);
    }

    /** Adds everything another Findings gathered, keeping its analyzer name on the warnings. */
    void addAll(Findings other) {
        packages.addAll(other.packages);
        warnings.addAll(other.warnings);
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
