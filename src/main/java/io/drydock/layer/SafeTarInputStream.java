package io.drydock.layer;

import java.io.IOException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * commons-compress's tar parser with the checks it lacks for untrusted input:
 * <ul>
 * <li>it reads PAX headers, GNU long names and sparse maps into memory whole, and keeps global PAX headers for the
 * rest of the archive, so their sizes are capped;</li>
 * <li>it handles each PAX/GNU header record by calling itself recursively (1.28.0), so a run of a few thousand
 * header records, a few kilobytes of gzip, overflows the stack; the run length is capped;</li>
 * <li>it treats a stream that stops mid-header, or with no end-of-archive marker, as a normal end, which would
 * turn a truncated layer into a silently short one.</li>
 * </ul>
 */
final class SafeTarInputStream extends TarArchiveInputStream {

    /** Header records over one of the {@link LayerLimits#maxMetadataBytes()} bounds. */
    static final class MetadataTooLarge extends IOException {
        MetadataTooLarge(String message) {
            super(message);
        }
    }

    /**
     * Header records allowed in front of one entry. Real tars use at most four (global PAX, PAX, GNU long name,
     * GNU long link); the cap only has to stay far below what the recursion in commons-compress can survive.
     */
    static final int MAX_HEADER_RECORDS_PER_ENTRY = 32;

    /** The stream ended inside a 512-byte header record. */
    static final class TruncatedRecord extends IOException {
        TruncatedRecord() {
            super("stream ends inside a tar header");
        }
    }

    private final DecompressedInput input;
    private final int maxMetadataBytes;
    /** Bytes the header records of one entry may take: every record at its cap, plus plain headers and padding. */
    private final long headerBudget;
    private long globalPaxBytes;
    /** Depth of getNextEntry calls: commons-compress re-enters it once per header record. */
    private int nesting;
    private boolean sawEndMarker;
    private boolean endedWithoutMarker;
    private IOException failure;

    SafeTarInputStream(DecompressedInput input, int maxMetadataBytes) {
        // Lenient: real images carry odd numeric fields (negative mtimes, huge uids) that Docker accepts too.
        super(input, TarConstants.DEFAULT_BLKSIZE, TarConstants.DEFAULT_RCDSIZE, "UTF-8", true);
        this.input = input;
        this.maxMetadataBytes = maxMetadataBytes;
        this.headerBudget = 4L * maxMetadataBytes + 64 * 1024;
    }

    @Override
    public TarArchiveEntry getNextEntry() throws IOException {
        if (nesting == 0) {
            // Skip what the visitor left unread first, so the budget below covers header bytes only.
            if (getCurrentEntry() != null) {
                while (skip(Long.MAX_VALUE) > 0) {
                    // keep skipping
                }
            }
            input.limitReadsTo(input.position() + headerBudget);
        } else if (nesting > MAX_HEADER_RECORDS_PER_ENTRY) {
            throw remember(new MetadataTooLarge("more than " + MAX_HEADER_RECORDS_PER_ENTRY
                    + " PAX or GNU header records in a row"));
        }
        nesting++;
        try {
            return super.getNextEntry();
        } catch (IOException e) {
            if (input.readLimitReached()) {
                throw remember(new MetadataTooLarge("tar header records of one entry take more than "
                        + headerBudget + " bytes"));
            }
            throw e;
        } finally {
            if (--nesting == 0) {
                input.unlimitReads();
            }
        }
    }

    @Override
    protected byte[] readRecord() throws IOException {
        long before = input.position();
        byte[] record;
        try {
            record = super.readRecord();
        } catch (IOException e) {
            throw remember(e);
        }
        if (record == null) {
            long got = input.position() - before;
            if (!sawEndMarker) {
                if (got > 0) {
                    throw remember(new TruncatedRecord());
                }
                endedWithoutMarker = true;
            }
        } else if (!sawEndMarker && isEOFRecord(record)) {
            sawEndMarker = true;
        }
        return record;
    }

    @Override
    public int read(byte[] buf, int offset, int length) throws IOException {
        TarArchiveEntry entry = getCurrentEntry();
        if (entry != null && isMetadataRecord(entry) && entry.getSize() > maxMetadataBytes) {
            throw remember(new MetadataTooLarge("tar header record of " + entry.getSize()
                    + " bytes exceeds the limit of " + maxMetadataBytes + " bytes"));
        }
        int n;
        try {
            n = super.read(buf, offset, length);
        } catch (IOException e) {
            throw remember(e);
        }
        if (n > 0 && entry != null && entry.isGlobalPaxHeader()) {
            // Global headers stay in effect for the rest of the archive; each is capped, so cap their sum too.
            globalPaxBytes += n;
            if (globalPaxBytes > maxMetadataBytes) {
                throw remember(new MetadataTooLarge("global PAX headers take more than " + maxMetadataBytes
                        + " bytes"));
            }
        }
        return n;
    }

    private static boolean isMetadataRecord(TarArchiveEntry entry) {
        return entry.isPaxHeader() || entry.isGlobalPaxHeader() || entry.isGNULongNameEntry()
                || entry.isGNULongLinkEntry();
    }

    private IOException remember(IOException e) {
        if (failure == null) {
            failure = e;
        }
        return e;
    }

    /** True when the stream ended at a record boundary before any end-of-archive marker. */
    boolean endedWithoutMarker() {
        return endedWithoutMarker;
    }

    IOException failure() {
        return failure;
    }
}
