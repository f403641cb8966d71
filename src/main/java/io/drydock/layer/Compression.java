package io.drydock.layer;

import java.util.Locale;
import java.util.Optional;

/**
 * How a layer blob is compressed. {@link LayerReader} decides from the first bytes, never from the media type:
 * registries and build tools mislabel layers (a "tar+gzip" that is plain tar is common with older tooling), and
 * reading by content is what the Docker daemon does too.
 */
public enum Compression {
    NONE,
    GZIP,
    ZSTD;

    /** Bytes needed by {@link #detect}; enough for the longest magic number we recognise (xz). */
    static final int MAGIC_LENGTH = 6;

    /**
     * Identifies the compression from the first bytes of a blob.
     *
     * @return the compression, or empty when the bytes belong to a format that layers may not use (xz, bzip2);
     *         anything unrecognised is taken to be a plain tar and left to the tar parser to judge
     */
    static Optional<Compression> detect(byte[] head, int length) {
        if (startsWith(head, length, 0x1f, 0x8b)) {
            return Optional.of(GZIP);
        }
        if (startsWith(head, length, 0x28, 0xb5, 0x2f, 0xfd)) {
            return Optional.of(ZSTD);
        }
        if (startsWith(head, length, 0xfd, '7', 'z', 'X', 'Z', 0x00) || startsWith(head, length, 'B', 'Z', 'h')) {
            return Optional.empty();
        }
        return Optional.of(NONE);
    }

    /** Names a format that {@link #detect} rejected, for the error message. */
    static String describeUnsupported(byte[] head, int length) {
        return startsWith(head, length, 'B', 'Z', 'h') ? "bzip2" : "xz";
    }

    /**
     * The compression a media type declares, e.g. {@code application/vnd.oci.image.layer.v1.tar+zstd} or
     * {@code application/vnd.docker.image.rootfs.diff.tar.gzip}. Useful to report a mismatch with what
     * {@link LayerSummary#compression()} found; empty for media types that are not layer tars.
     */
    public static Optional<Compression> fromMediaType(String mediaType) {
        if (mediaType == null) {
            return Optional.empty();
        }
        String type = mediaType.toLowerCase(Locale.ROOT);
        int parameters = type.indexOf(';');
        if (parameters >= 0) {
            type = type.substring(0, parameters).trim();
        }
        if (type.endsWith("tar+gzip") || type.endsWith("tar.gzip") || type.endsWith("tar+gz")) {
            return Optional.of(GZIP);
        }
        if (type.endsWith("tar+zstd") || type.endsWith("tar.zstd")) {
            return Optional.of(ZSTD);
        }
        if (type.endsWith(".tar") || type.endsWith(".diff.tar")) {
            return Optional.of(NONE);
        }
        return Optional.empty();
    }

    /** The word used in error messages ("truncated gzip stream"). */
    String streamName() {
        return switch (this) {
            case NONE -> "tar";
            case GZIP -> "gzip";
            case ZSTD -> "zstd";
        };
    }

    private static boolean startsWith(byte[] head, int length, int... magic) {
        if (length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((head[i] & 0xff) != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
