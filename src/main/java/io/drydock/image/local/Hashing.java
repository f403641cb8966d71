package io.drydock.image.local;

import io.drydock.image.Digest;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 for content that is hashed while it streams past. */
final class Hashing {
    private Hashing() {
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    /** Finishes {@code sha256} (which it resets) and returns the result as a digest. */
    static Digest digest(MessageDigest sha256) {
        return new Digest("sha256", HexFormat.of().formatHex(sha256.digest()));
    }

    /** Counts and hashes the bytes on their way to {@code out}; closing it flushes but leaves {@code out} open. */
    static final class CountingOutputStream extends FilterOutputStream {
        private final MessageDigest sha256 = sha256();
        private long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            sha256.update((byte) b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            sha256.update(b, off, len);
            count += len;
        }

        @Override
        public void close() throws IOException {
            flush();
        }

        long count() {
            return count;
        }

        /** The digest of everything written; call once, after the last write. */
        Digest digest() {
            return Hashing.digest(sha256);
        }
    }
}
