package io.drydock.vulndb.osv;

/**
 * How much an archive may expand to before it is treated as a zip bomb and reading stops.
 *
 * @param maxEntries entries in the archive
 * @param maxEntryBytes decompressed bytes of one entry (an OSV record is kilobytes)
 * @param maxTotalBytes decompressed bytes of all entries together
 * @param maxRatio decompressed bytes per compressed byte of one entry, checked once the entry passes 1 MiB
 */
public record ZipLimits(long maxEntries, long maxEntryBytes, long maxTotalBytes, long maxRatio) {
    /** Generous for osv.dev's exports (the largest, all ecosystems together, holds about a million records). */
    public static final ZipLimits DEFAULT = new ZipLimits(5_000_000, 64L << 20, 32L << 30, 200);
}
