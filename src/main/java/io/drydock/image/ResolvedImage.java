package io.drydock.image;

import java.util.List;

/**
 * A single-platform image, resolved from whatever the reference named. {@code top} is what the
 * reference pointed at: the index for a multi-arch image, otherwise the manifest itself.
 */
public record ResolvedImage(String name, Manifest top, ImageManifest manifest, ImageConfig config, List<LayerRef> layers) {
    public ResolvedImage {
        layers = List.copyOf(layers);
    }

    public Digest digest() {
        return manifest.digest();
    }

    public boolean fromIndex() {
        return top instanceof ImageIndex;
    }
}
