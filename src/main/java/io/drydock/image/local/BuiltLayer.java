package io.drydock.image.local;

import io.drydock.image.Descriptor;
import io.drydock.image.Digest;
import io.drydock.image.MediaTypes;

/**
 * A gzip-compressed layer {@link LayerBuilder} wrote: the digest and size of the compressed blob
 * (for the manifest) and the digest of the uncompressed tar (the diffID, for the config).
 */
public record BuiltLayer(Digest digest, long size, Digest diffId) {
    /** The layer's descriptor as an OCI manifest lists it. */
    public Descriptor descriptor() {
        return descriptor(MediaTypes.OCI_LAYER_GZIP);
    }

    /** The layer's descriptor with another gzip layer type, e.g. {@link MediaTypes#DOCKER_LAYER_GZIP}. */
    public Descriptor descriptor(String mediaType) {
        return Descriptor.of(mediaType, digest, size);
    }
}
