package io.drydock.layer;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * The uncompressed tar stream between the decompressor and the tar parser. It is the one place every byte passes
 * through, read or skipped, so it enforces {@link LayerLimits#maxLayerBytes()} (a bomb stops after at most one
 * buffer past the limit), optionally hashes the tar for the diffID, and buffers so the tar parser's 512-byte
 * header reads do not each cross into native zlib.
 */
final class DecompressedInput extends InputStream {

    /** Thrown once the limit is passed; kept and rethrown so a visitor that swallows it cannot continue. */
    static final class LimitExceeded extends IOException {
        LimitExceeded(long limit) {
            super("more than " + limit + " uncompressed bytes");
        }
    }

    /** Wraps whatever the decompressor threw, so the reader can tell it from tar-level problems. */
    static final class DecompressionFailure extends IOException {
        DecompressionFailure(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** Reading past the position set by {@link #limitReadsTo}; not sticky, the tar layer turns it into its error. */
    static final class ReadLimitReached extends IOException {
        ReadLimitReached() {
            super("read limit reached");
        }
    }

    private final InputStream in;
    private final byte[] buffer;
    /** Absolute position reads may not pass; lets the tar layer bound what one entry's headers consume. */
    private long readLimit = Long.MAX_VALUE;
    private boolean readLimitReached;
    private final long limit;
    private final MessageDigest digest;
    private int position;
    private int filled;
    private long total;
    private boolean endReached;
    private IOException failure;

    DecompressedInput(InputStream in, int bufferSize, long limit, MessageDigest digest) {
        this.in = in;
        this.buffer = new byte[bufferSize];
        this.limit = limit;
        this.digest = digest;
    }

    /** Until {@link #unlimitReads}, reading beyond this absolute position fails with {@link ReadLimitReached}. */
    void limitReadsTo(long absolutePosition) {
        readLimit = absolutePosition;
    }

    void unlimitReads() {
        readLimit = Long.MAX_VALUE;
    }

    /** Whether a read ever hit {@link #limitReadsTo}, even if a caller wrapped the exception. */
    boolean readLimitReached() {
        return readLimitReached;
    }

    private int allowance(long wanted) throws ReadLimitReached {
        if (readLimit == Long.MAX_VALUE) {
            return (int) Math.min(wanted, Integer.MAX_VALUE);
        }
        long left = readLimit - position();
        if (left <= 0) {
            readLimitReached = true;
            throw new ReadLimitReached();
        }
        return (int) Math.min(Math.min(wanted, left), Integer.MAX_VALUE);
    }

    @Override
    public int read() throws IOException {
        if (position < filled && readLimit == Long.MAX_VALUE) {
            return buffer[position++] & 0xff;
        }
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        len = allowance(len);
        if (position < filled) {
            int n = Math.min(len, filled - position);
            System.arraycopy(buffer, position, b, off, n);
            position += n;
            return n;
        }
        if (len >= buffer.length) {
            // Large reads (file content) go straight into the caller's array: one copy fewer on the hot path.
            return readUnderlying(b, off, len);
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, filled);
        System.arraycopy(buffer, 0, b, off, n);
        position = n;
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = 0;
        while (skipped < n) {
            if (position == filled && !fill()) {
                break;
            }
            int step = Math.min(allowance(n - skipped), filled - position);
            position += step;
            skipped += step;
        }
        return skipped;
    }

    /** Consumes everything left, so a trailing bomb is caught and the diffID covers the whole stream. */
    void drain() throws IOException {
        while (skip(Long.MAX_VALUE) > 0) {
            // keep going until the end
        }
    }

    @Override
    public int available() {
        return filled - position;
    }

    private boolean fill() throws IOException {
        position = 0;
        filled = 0;
        int n = readUnderlying(buffer, 0, buffer.length);
        if (n < 0) {
            return false;
        }
        filled = n;
        return true;
    }

    private int readUnderlying(byte[] b, int off, int len) throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (endReached) {
            return -1;
        }
        // Never ask for more than one byte beyond the limit: a small limit must stop a bomb after little work.
        int request = (int) Math.min(len, limit - total + 1);
        int n;
        do {
            try {
                n = in.read(b, off, request);
            } catch (IOException e) {
                failure = new DecompressionFailure(e);
                throw failure;
            } catch (RuntimeException e) {
                // aircompressor reports some corrupt frames as unchecked exceptions
                failure = new DecompressionFailure(new IOException(e.getMessage(), e));
                throw failure;
            }
        } while (n == 0);
        if (n < 0) {
            endReached = true;
            return -1;
        }
        total += n;
        if (total > limit) {
            failure = new LimitExceeded(limit);
            throw failure;
        }
        if (digest != null) {
            digest.update(b, off, n);
        }
        return n;
    }

    /** Uncompressed bytes handed on so far (buffered but unread bytes excluded). */
    long position() {
        return total - (filled - position);
    }

    /** Uncompressed bytes taken from the decompressor, including what sits in the buffer. */
    long total() {
        return total;
    }

    boolean endReached() {
        return endReached;
    }

    IOException failure() {
        return failure;
    }
}
