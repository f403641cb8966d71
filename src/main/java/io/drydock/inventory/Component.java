package io.drydock.inventory;

import io.drydock.layer.LayerInfo;

/**
 * A package in the image's final inventory: what an analyzer found, its purl, the layer that
 * installed the present version, and, for a language package whose files an OS package
 * installed, that OS package's purl (matching then prefers the distro's advisories).
 */
public record Component(InstalledPackage pkg, String purl, LayerInfo layer, String ownedBy) {
    public String ref() {
        return purl + (pkg.locations().isEmpty() ? "" : "#" + pkg.locations().get(0));
    }
}
