package io.drydock.layer;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * The compressed blob as the decompressor sees it: counts bytes, remembers the first failure of the underlying
 * stream (so it can be reported as a source failure rather than as corrupt data) and lets the reader look at the
 * first bytes without consuming them.
 */
final class SourceInput extends InputStream {

    private final InputStream in;
    private final byte[] head = new byte[Compression.MAGIC_LENGTH];
    private int headPosition;
    private int headLength;
    private long count;
    private boolean endReached;
    private IOException failure;

    SourceInput(InputStream in) {
        this.in = Objects.requireNonNull(in, "blob");
    }

    /** Reads up to {@link Compression#MAGIC_LENGTH} bytes that later reads will return again. */
    byte[] peekHead() throws IOException {
        while (headLength < head.length) {
            int n = readUnderlying(head, headLength, head.length - headLength);
            if (n < 0) {
                break;
            }
            headLength += n;
        }
        return head;
    }

    int headLength() {
        return headLength;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (headPosition < headLength) {
            int n = Math.min(len, headLength - headPosition);
            System.arraycopy(head, headPosition, b, off, n);
            headPosition += n;
            return n;
        }
        return readUnderlying(b, off, len);
    }

    private int readUnderlying(byte[] b, int off, int len) throws IOException {
        if (failure != null) {
            throw failure;
        }
        int n;
        try {
            n = in.read(b, off, len);
        } catch (IOException e) {
            failure = e;
            throw e;
        }
        if (n < 0) {
            endReached = true;
        } else {
            count += n;
        }
        return n;
    }

    /**
     * Claims a byte is available until the end has been seen. On JDK 21, GZIPInputStream only looks for a further
     * gzip member when {@code available() > 0}; network streams often answer 0 between members, which would end a
     * multi-member layer early without any error.
     */
    @Override
    public int available() throws IOException {
        if (headPosition < headLength) {
            return headLength - headPosition;
        }
        if (endReached || failure != null) {
            return 0;
        }
        int available = in.available();
        return available > 0 ? available : 1;
    }

    /** Leaves the blob open: it belongs to the caller, and closing the decompressor must not close it. */
    @Override
    public void close() {
    }

    long count() {
        return count;
    }

    boolean endReached() {
        return endReached;
    }

    IOException failure() {
        return failure;
    }
}
