package io.drydock.layer;

import java.util.Objects;

/**
 * Identifies one layer of an image: where it sits in the stack and what built it.
 *
 * @param index     position in the image, 0 for the bottom layer
 * @param digest    digest of the blob as stored in the registry (for example {@code sha256:…}); names the layer
 *                  in errors
 * @param diffId    digest of the uncompressed tar from the image config, or null when unknown
 * @param createdBy the history entry's {@code created_by} for this layer, or null when the config has none
 */
public record LayerInfo(int index, String digest, String diffId, String createdBy) {
    public LayerInfo {
        if (index < 0) {
            throw new IllegalArgumentException("layer index must not be negative: " + index);
        }
        Objects.requireNonNull(digest, "digest");
    }

    /** How errors name this layer: the digest, then the position, so users can match it to {@code docker history}. */
    public String displayName() {
        return digest + " (index " + index + ")";
    }
}
