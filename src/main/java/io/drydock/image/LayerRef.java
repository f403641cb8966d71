package io.drydock.image;

/** One layer of a resolved image: its blob descriptor, uncompressed diffID, position and history. */
public record LayerRef(int index, Descriptor descriptor, Digest diffId, String createdBy) {
    public Digest digest() {
        return descriptor.digest();
    }
}
