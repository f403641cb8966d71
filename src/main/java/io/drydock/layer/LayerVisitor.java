package io.drydock.layer;

import java.io.IOException;
import java.util.Objects;

/**
 * Receives the entries of one layer, in tar order, from {@link LayerReader}. Implementations decide what to keep;
 * the reader itself keeps nothing, so memory use is whatever the visitors hold on to.
 */
@FunctionalInterface
public interface LayerVisitor {

    /**
     * Called for every entry except whiteouts and the root directory.
     *
     * @param content for regular files, the entry's bytes, valid only until this call returns; reading it is
     *                optional (unread bytes are skipped). Empty for every other type.
     */
    void entry(LayerEntry entry, EntryContent content) throws IOException;

    /** {@code path} (normalised) and everything under it is deleted from the layers below this one. */
    default void whiteout(String path) throws IOException {
    }

    /**
     * {@code directory} (normalised, "" for the root) is opaque: everything lower layers put under it is hidden,
     * whatever this layer adds under it stays, wherever in the layer the marker appears.
     */
    default void opaqueDirectory(String directory) throws IOException {
    }

    /**
     * A visitor that calls this one, then {@code next}, for every event. Only one of the two may read file content,
     * and it must be {@code next}: this one sees the stream first, and whatever it reads {@code next} will not.
     */
    default LayerVisitor andThen(LayerVisitor next) {
        Objects.requireNonNull(next, "next");
        LayerVisitor first = this;
        return new LayerVisitor() {
            @Override
            public void entry(LayerEntry entry, EntryContent content) throws IOException {
                first.entry(entry, content);
                next.entry(entry, content);
            }

            @Override
            public void whiteout(String path) throws IOException {
                first.whiteout(path);
                next.whiteout(path);
            }

            @Override
            public void opaqueDirectory(String directory) throws IOException {
                first.opaqueDirectory(directory);
                next.opaqueDirectory(directory);
            }
        };
    }
}
