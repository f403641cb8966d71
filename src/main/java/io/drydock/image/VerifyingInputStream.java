package io.drydock.image;

import io.drydock.DrydockException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Passes bytes through while hashing them; at end of stream it checks size and digest and throws
 * if either is wrong, so a consumer can never finish reading unverified content without noticing.
 */
public final class VerifyingInputStream extends FilterInputStream {
    private final Digest expected;
    private final long expectedSize;
    private final String what;
    private final MessageDigest md;
    private long count;
    private boolean verified;
    private DrydockException failure;

    /** {@code expectedSize} &lt; 0 means the size is unknown and only the digest is checked. */
    public VerifyingInputStream(InputStream in, Digest expected, long expectedSize, String what) {
        super(in);
        this.expected = expected;
        this.expectedSize = expectedSize;
        this.what = what;
        this.md = expected.newMessageDigest();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = in.read(buf, off, len);
        if (n < 0) finish();
        else update(buf, off, n);
        return n;
    }

    private void update(byte[] buf, int off, int n) {
        md.update(buf, off, n);
        count += n;
        if (expectedSize >= 0 && count > expectedSize) {
            throw new DrydockException(what + " is larger than the " + expectedSize + " bytes its descriptor declares");
        }
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[(int) Math.min(n, 65536)];
        int r = read(buf, 0, buf.length);
        return Math.max(r, 0);
    }

    private void finish() {
        if (verified) return;
        // A failed check keeps failing: the digest state is gone once computed.
        if (failure != null) throw failure;
        if (expectedSize >= 0 && count != expectedSize) {
            failure = new DrydockException(what + " has " + count + " bytes but its descriptor declares " + expectedSize + " (truncated or corrupt)");
            throw failure;
        }
        byte[] actual = md.digest();
        if (!expected.matches(actual)) {
            failure = new DrydockException(what + " does not match its digest " + expected + " (got " + expected.algorithm() + ":"
                    + java.util.HexFormat.of().formatHex(actual) + ")");
            throw failure;
        }
        verified = true;
    }

    /** Reads to the end so the check runs even when the consumer stopped early. */
    public void drainAndVerify() throws IOException {
        byte[] buf = new byte[65536];
        while (read(buf, 0, buf.length) >= 0) {
            // reading is the point
        }
    }

    public Digest expectedDigest() {
        return expected;
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
