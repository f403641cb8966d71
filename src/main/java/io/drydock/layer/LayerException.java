package io.drydock.layer;

import io.drydock.DrydockException;
import java.util.Objects;

/**
 * A layer could not be read safely. The message names the image, the layer (digest and index) and, when one is
 * to blame, the tar entry, so it can be shown to a user as is.
 */
public class LayerException extends DrydockException {

    /** What went wrong, for callers that react differently (for example retry a download only when truncated). */
    public enum Problem {
        /** The compressed or tar stream ended early. */
        TRUNCATED,
        /** The bytes are not a valid gzip, zstd or tar stream. */
        CORRUPT,
        /** The layer uses a compression Drydock does not read (xz, bzip2). */
        UNSUPPORTED_FORMAT,
        /** An entry name climbs above the image root. */
        PATH_ESCAPE,
        /** A symlink or hard link points above the image root. */
        LINK_ESCAPE,
        /** A hard link points to nothing that exists below it, or to a directory. */
        DANGLING_HARDLINK,
        /** A {@link LayerLimits} bound was exceeded. */
        LIMIT_EXCEEDED,
        /** The uncompressed tar does not hash to the diffID in the image config. */
        DIFF_ID_MISMATCH,
        /** Reading the blob itself failed (network, disk). */
        SOURCE_FAILED,
        /** A {@link LayerVisitor} threw an {@link java.io.IOException} of its own. */
        VISITOR_FAILED
    }

    private final Problem problem;
    private final String image;
    private final LayerInfo layer;
    private final String entryPath;

    public LayerException(Problem problem, String image, LayerInfo layer, String entryPath, String detail) {
        this(problem, image, layer, entryPath, detail, null);
    }

    public LayerException(
            Problem problem, String image, LayerInfo layer, String entryPath, String detail, Throwable cause) {
        super(message(image, layer, detail), cause);
        this.problem = Objects.requireNonNull(problem, "problem");
        this.image = image;
        this.layer = layer;
        this.entryPath = entryPath;
    }

    private static String message(String image, LayerInfo layer, String detail) {
        return "layer " + (layer == null ? "?" : layer.displayName()) + " of " + image + ": " + detail;
    }

    public Problem problem() {
        return problem;
    }

    public String image() {
        return image;
    }

    public LayerInfo layer() {
        return layer;
    }

    /** The tar entry to blame, as it appeared in the tar; null when the problem is not tied to one entry. */
    public String entryPath() {
        return entryPath;
    }
}
