package io.drydock.layer;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The bytes of the entry being visited, streamed straight from the layer. Valid only during
 * {@link LayerVisitor#entry}: the reader reuses one instance for the whole layer and moves on when the visitor
 * returns, skipping whatever was not read. Closing it does nothing; the reader owns the stream.
 */
public final class EntryContent extends InputStream {

    private final InputStream tar;
    private final LayerLimits limits;
    private final String image;
    private final LayerInfo layer;
    private LayerEntry entry;
    private boolean hasContent;
    private boolean active;

    EntryContent(InputStream tar, LayerLimits limits, String image, LayerInfo layer) {
        this.tar = tar;
        this.limits = limits;
        this.image = image;
        this.layer = layer;
    }

    /**
     * Content held in memory, for handing one file to several readers (or to a reader in a test).
     * Valid until the caller stops using it; {@link #fitsInMemory()} answers for {@code limits}.
     */
    public static EntryContent ofBytes(LayerEntry entry, byte[] bytes, LayerLimits limits, String image, LayerInfo layer) {
        EntryContent c = new EntryContent(new java.io.ByteArrayInputStream(bytes), limits, image, layer);
        c.begin(entry);
        return c;
    }

    void begin(LayerEntry entry) {
        this.entry = entry;
        this.hasContent = entry.type() == EntryType.FILE && entry.size() > 0;
        this.active = true;
    }

    void end() {
        active = false;
    }

    /** The entry this content belongs to. */
    public LayerEntry entry() {
        checkActive();
        return entry;
    }

    /** Whether {@link #readAllBytes()} will accept this entry under {@link LayerLimits#maxFileBytesInMemory()}. */
    public boolean fitsInMemory() {
        checkActive();
        return entry.size() <= limits.maxFileBytesInMemory();
    }

    @Override
    public int read() throws IOException {
        checkActive();
        return hasContent ? tar.read() : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        checkActive();
        if (!hasContent) {
            return len == 0 ? 0 : -1;
        }
        return tar.read(b, off, len);
    }

    @Override
    public long skip(long n) throws IOException {
        checkActive();
        return hasContent ? tar.skip(n) : 0;
    }

    @Override
    public int available() throws IOException {
        checkActive();
        return hasContent ? tar.available() : 0;
    }

    /**
     * The whole remaining content, for analysers that parse a file in memory.
     *
     * @throws LayerException (problem {@link LayerException.Problem#LIMIT_EXCEEDED}) when the file is larger than
     *                        {@link LayerLimits#maxFileBytesInMemory()}; check {@link #fitsInMemory()} first to skip
     *                        such files instead of failing the layer
     */
    @Override
    public byte[] readAllBytes() throws IOException {
        checkActive();
        if (!fitsInMemory()) {
            throw new LayerException(LayerException.Problem.LIMIT_EXCEEDED, image, layer, entry.path(),
                    "file '" + entry.path() + "' is " + entry.size() + " bytes, more than the "
                            + limits.maxFileBytesInMemory() + " an analyser may load into memory");
        }
        // Sized from the tar header rather than grown in chunks: large files are read with one copy.
        int remaining = hasContent ? tar.available() : 0;
        byte[] bytes = new byte[remaining];
        int done = 0;
        while (done < remaining) {
            int n = tar.read(bytes, done, remaining - done);
            if (n < 0) {
                throw new EOFException("content of '" + entry.path() + "' ends early");
            }
            done += n;
        }
        return bytes;
    }

    /** Does nothing: the layer stream stays open for the next entry. */
    @Override
    public void close() {
    }

    private void checkActive() {
        if (!active) {
            throw new IllegalStateException("entry content used after its visit ended"
                    + (entry == null ? "" : ": " + entry.path()));
        }
    }
}
