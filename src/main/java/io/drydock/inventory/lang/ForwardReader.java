package io.drydock.inventory.lang;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * A stream read front to back with its position known, for formats whose headers say "the part you want is at
 * offset N": layer content cannot seek, but it can skip forward, and a parser that asks for offsets in increasing
 * order never needs more.
 */
final class ForwardReader {
    private final InputStream in;
    private final long size;
    private long position;

    ForwardReader(InputStream in, long size) {
        this.in = in;
        this.size = size;
    }

    long position() {
        return position;
    }

    /** Length of the whole stream, as the tar header gave it. */
    long size() {
        return size;
    }

    /** Moves forward to {@code offset}; the bytes in between are skipped, not kept. */
    void skipTo(long offset) throws IOException {
        if (offset < position) {
            throw new IllegalArgumentException("cannot go back from " + position + " to " + offset);
        }
        while (position < offset) {
            long skipped = in.skip(offset - position);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("stream ends at " + position + " bytes, before " + offset);
                }
                skipped = 1;
            }
            position += skipped;
        }
    }

    byte[] read(int length) throws IOException {
        byte[] bytes = new byte[length];
        int done = 0;
        while (done < length) {
            int n = in.read(bytes, done, length - done);
            if (n < 0) {
                throw new EOFException("stream ends at " + (position + done) + " bytes, before " + (position + length));
            }
            done += n;
        }
        position += length;
        return bytes;
    }
}
