package io.drydock.image.local;

import io.drydock.image.Descriptor;
import io.drydock.image.Digest;

/** A blob as stored in a layout: everything a descriptor needs except the media type, which only the caller knows. */
public record StoredBlob(Digest digest, long size) {
    public Descriptor descriptor(String mediaType) {
        return Descriptor.of(mediaType, digest, size);
    }
}
