package io.drydock.image;

import java.io.InputStream;

/**
 * Where images come from: a registry, an OCI layout directory, a docker or OCI archive. The code
 * above sees them alike; every implementation verifies what it returns against its digest.
 */
public interface ImageSource extends AutoCloseable {
    /** The manifest or index that {@code reference} (a tag or digest string) names. */
    Manifest manifest(String reference);

    /** Opens a blob; the stream fails with a {@link io.drydock.DrydockException} at EOF if the content does not match. */
    InputStream blob(Descriptor descriptor);

    /** How to name this source in messages, e.g. {@code oci:/path:tag}. */
    String describe();

    /** The reference (tag or digest) this source was opened for. */
    String defaultReference();

    @Override
    default void close() {
    }
}
