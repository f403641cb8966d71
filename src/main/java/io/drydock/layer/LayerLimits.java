package io.drydock.layer;

/**
 * Bounds on what one layer may cost to read. Layers come from registries we do not control, so every dimension
 * an attacker can inflate cheaply (decompressed size, entry count, header size) has a cap; exceeding one aborts
 * the read with a {@link LayerException} of problem {@link LayerException.Problem#LIMIT_EXCEEDED}.
 *
 * @param maxLayerBytes        decompressed bytes per layer, counting headers, padding and content nobody reads
 * @param maxEntries           tar entries per layer, whiteouts included
 * @param maxFileBytesInMemory largest file {@link EntryContent#readAllBytes()} will load for an analyser
 * @param maxMetadataBytes     largest PAX header or GNU long name/link record, and the most all global PAX headers
 *                             may take together; these are held in memory whole. The header records in front of
 *                             one entry (sparse maps included) may take at most four times this, plus 64 KiB
 */
public record LayerLimits(long maxLayerBytes, long maxEntries, long maxFileBytesInMemory, int maxMetadataBytes) {

    public static final long GIB = 1L << 30;
    public static final long MIB = 1L << 20;

    /** Big enough for real images (the largest public layers are a few GiB); small enough to stop a bomb. */
    public static final LayerLimits DEFAULTS = new LayerLimits(8 * GIB, 2_000_000, 256 * MIB, (int) MIB);

    public LayerLimits {
        requirePositive(maxLayerBytes, "maxLayerBytes");
        requirePositive(maxEntries, "maxEntries");
        requirePositive(maxFileBytesInMemory, "maxFileBytesInMemory");
        requirePositive(maxMetadataBytes, "maxMetadataBytes");
        if (maxFileBytesInMemory > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    "maxFileBytesInMemory must fit in a Java array: " + maxFileBytesInMemory);
        }
    }

    public static LayerLimits defaults() {
        return DEFAULTS;
    }

    public LayerLimits withMaxLayerBytes(long value) {
        return new LayerLimits(value, maxEntries, maxFileBytesInMemory, maxMetadataBytes);
    }

    public LayerLimits withMaxEntries(long value) {
        return new LayerLimits(maxLayerBytes, value, maxFileBytesInMemory, maxMetadataBytes);
    }

    public LayerLimits withMaxFileBytesInMemory(long value) {
        return new LayerLimits(maxLayerBytes, maxEntries, value, maxMetadataBytes);
    }

    public LayerLimits withMaxMetadataBytes(int value) {
        return new LayerLimits(maxLayerBytes, maxEntries, maxFileBytesInMemory, value);
    }

    private static void requirePositive(long value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }
}
