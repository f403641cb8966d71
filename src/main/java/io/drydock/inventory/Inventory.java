package io.drydock.inventory;

import io.drydock.layer.LayerInfo;

import java.util.List;

/**
 * Everything installed in one image. {@code complete} is false when any file could not be read:
 * a partial inventory says so, and its warnings name the files.
 */
public record Inventory(String image, String digest, OsRelease os, List<LayerInfo> layers, List<Component> components,
                        List<AnalysisWarning> warnings) {
    public Inventory {
        layers = List.copyOf(layers);
        components = List.copyOf(components);
        warnings = List.copyOf(warnings);
    }

    public boolean complete() {
        return warnings.isEmpty();
    }
}
