package io.drydock.inventory.lang;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.inventory.Analyzer;
import io.drydock.layer.EntryContent;
import io.drydock.layer.LayerEntry;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * NuGet packages a .NET application was published with, from its {@code <app>.deps.json}: the {@code libraries}
 * entries of type {@code package}, keyed {@code Name/Version}. Entries of type {@code project} are the app's own
 * projects and {@code reference} entries are assemblies referenced by path; neither is a NuGet package.
 */
public final class DotnetDepsAnalyzer implements Analyzer {
    static final String TYPE = "nuget";
    /** Large ASP.NET apps have deps.json files of a few MiB. */
    public static final long DEFAULT_MAX_BYTES = 32L << 20;

    private final long maxBytes;

    public DotnetDepsAnalyzer() {
        this(DEFAULT_MAX_BYTES);
    }

    /** @param maxBytes larger deps.json files are skipped with a warning */
    public DotnetDepsAnalyzer(long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    @Override
    public String id() {
        return "dotnet-deps";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public boolean wants(String path, LayerEntry entry) {
        return path.endsWith(".deps.json") && !path.endsWith("/.deps.json") && !path.equals(".deps.json");
    }

    @Override
    public Collector start() {
        Findings findings = new Findings(id());
        return new Collector() {
            @Override
            public void file(LayerEntry entry, EntryContent content) throws IOException {
                JsonFiles.read(entry, content, maxBytes, "deps.json", findings)
                        .ifPresent(json -> addLibraries(json, entry.path(), findings));
            }

            @Override
            public Result finish() {
                return findings.result();
            }
        };
    }

    private static void addLibraries(JsonNode root, String path, Findings findings) {
        JsonNode libraries = root.get("libraries");
        if (libraries == null || !libraries.isObject()) {
            findings.warn(path, "deps.json has no \"libraries\" object; nothing read");
            return;
        }
        for (Map.Entry<String, JsonNode> library : libraries.properties()) {
            String key = library.getKey();
            int slash = key.indexOf('/');
            if (!"package".equals(JsonFiles.text(library.getValue().get("type"))) || slash <= 0
                    || slash == key.length() - 1) {
                continue;
            }
            Map<String, String> properties = new LinkedHashMap<>();
            properties.put("sha512", JsonFiles.text(library.getValue().get("sha512")));
            findings.add(TYPE, null, key.substring(0, slash), key.substring(slash + 1), List.of(), path, properties);
        }
    }
}
