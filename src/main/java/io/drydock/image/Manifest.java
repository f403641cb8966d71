package io.drydock.image;

/**
 * A manifest as fetched: either an image manifest or an index. Both keep the exact bytes they were
 * parsed from, because the digest is over those bytes and signing and pushing must reuse them.
 */
public sealed interface Manifest permits ImageManifest, ImageIndex {
    String mediaType();

    Digest digest();

    byte[] raw();
}
