package io.drydock.inventory.lang;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.inventory.Analyzer;
import io.drydock.layer.EntryContent;
import io.drydock.layer.LayerEntry;

import java.io.IOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * PHP packages Composer installed, from {@code vendor/composer/installed.json}: a plain array of packages
 * (Composer 1) or {@code {"packages": [...], "dev-package-names": [...]}} (Composer 2). Development packages are
 * installed too unless {@code --no-dev} was given, so they are reported, with property {@code dev}.
 */
public final class ComposerInstalledAnalyzer implements Analyzer {
    static final String TYPE = "composer";
    static final String INSTALLED_JSON = "vendor/composer/installed.json";
    /** Big applications' installed.json files are a few MiB. */
    public static final long DEFAULT_MAX_BYTES = 32L << 20;

    private final long maxBytes;

    public ComposerInstalledAnalyzer() {
        this(DEFAULT_MAX_BYTES);
    }

    /** @param maxBytes larger installed.json files are skipped with a warning */
    public ComposerInstalledAnalyzer(long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    @Override
    public String id() {
        return "composer";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public boolean wants(String path, LayerEntry entry) {
        return path.equals(INSTALLED_JSON) || path.endsWith("/" + INSTALLED_JSON);
    }

    @Override
    public Collector start() {
        Findings findings = new Findings(id());
        return new Collector() {
            @Override
            public void file(LayerEntry entry, EntryContent content) throws IOException {
                JsonFiles.read(entry, content, maxBytes, "installed.json", findings)
                        .ifPresent(json -> addPackages(json, entry.path(), findings));
            }

            @Override
            public Result finish() {
                return findings.result();
            }
        };
    }

    private static void addPackages(JsonNode root, String path, Findings findings) {
        JsonNode packages = root.isArray() ? root : root.get("packages");
        if (packages == null || !packages.isArray()) {
            findings.warn(path, "installed.json is neither a package array nor an object with a \"packages\" array;"
                    + " nothing read");
            return;
        }
        Set<String> devPackages = new HashSet<>(JsonFiles.texts(root.get("dev-package-names")));
        for (JsonNode pkg : packages) {
            String fullName = JsonFiles.text(pkg.get("name"));
            String version = JsonFiles.text(pkg.get("version"));
            int slash = fullName == null ? -1 : fullName.indexOf('/');
            if (version == null || slash <= 0 || slash == fullName.length() - 1) {
                continue; // Composer requires vendor/name; anything else is not an installed package
            }
            Map<String, String> properties = new LinkedHashMap<>();
            properties.put("dev", devPackages.contains(fullName) ? "true" : null);
            findings.add(TYPE, fullName.substring(0, slash), fullName.substring(slash + 1), version,
                    JsonFiles.texts(pkg.get("license")), path, properties);
        }
    }
}
