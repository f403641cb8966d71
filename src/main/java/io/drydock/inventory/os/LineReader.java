package io.drydock.inventory.os;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a stream into lines while holding at most {@code maxLineBytes} of any one line, so a package database
 * without newlines (or a single absurd field) cannot exhaust memory. Bytes are decoded as UTF-8 with malformed
 * sequences replaced: package databases are UTF-8 by convention, and a stray Latin-1 byte must not lose the package.
 */
final class LineReader {

    /** One line without its terminator ({@code \n} or {@code \r\n}). */
    record Line(String text, long bytes, boolean truncated) {
    }

    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;
    private boolean eof;
    private byte[] line = new byte[256];

    LineReader(InputStream in, int maxLineBytes) {
        if (maxLineBytes <= 0) {
            throw new IllegalArgumentException("maxLineBytes must be positive: " + maxLineBytes);
        }
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    /**
     * The next line, or null at the end of the stream. A line longer than the limit comes back with its first
     * {@code maxLineBytes} bytes and {@link Line#truncated()} set; the rest of it is skipped.
     */
    Line next() throws IOException {
        int kept = 0;
        long total = 0;
        boolean sawAnything = false;
        while (true) {
            if (position == limit && !fill()) {
                if (!sawAnything) {
                    return null;
                }
                return toLine(kept, total);
            }
            sawAnything = true;
            int start = position;
            int newline = -1;
            for (int i = position; i < limit; i++) {
                if (buffer[i] == '\n') {
                    newline = i;
                    break;
                }
            }
            int end = newline < 0 ? limit : newline;
            int length = end - start;
            total += length;
            int room = maxLineBytes - kept;
            int copy = Math.min(room, length);
            if (copy > 0) {
                ensureCapacity(kept + copy);
                System.arraycopy(buffer, start, line, kept, copy);
                kept += copy;
            }
            position = newline < 0 ? limit : newline + 1;
            if (newline >= 0) {
                return toLine(kept, total);
            }
        }
    }

    private Line toLine(int kept, long total) {
        int length = kept;
        if (total <= maxLineBytes && length > 0 && line[length - 1] == '\r') {
            length--;
        }
        return new Line(new String(line, 0, length, StandardCharsets.UTF_8), total, total > maxLineBytes);
    }

    private void ensureCapacity(int needed) {
        if (needed > line.length) {
            line = Arrays.copyOf(line, (int) Math.min(Math.max((long) line.length * 2, needed), maxLineBytes));
        }
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        int n = in.read(buffer, 0, buffer.length);
        if (n < 0) {
            eof = true;
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }
}
