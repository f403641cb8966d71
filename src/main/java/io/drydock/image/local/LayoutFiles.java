package io.drydock.image.local;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * Read access to the files of an image layout or archive, by slash-separated path relative to its
 * root. A directory and a tar file look the same through it, so the OCI layout logic exists once.
 * Implementations must allow several streams to be read at once, from different threads.
 */
interface LayoutFiles extends Closeable {
    /** The size of the regular file at {@code path}, or -1 when there is none. */
    long size(String path) throws IOException;

    /** Opens the regular file at {@code path}; the caller has checked that it exists. */
    InputStream open(String path) throws IOException;

    /** Where {@code path} is, for messages: {@code /dir/index.json} or {@code /x.tar!index.json}. */
    String locate(String path);

    @Override
    default void close() throws IOException {
    }
}
