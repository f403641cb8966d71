package io.drydock.inventory.os;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Positional reads of whole ranges, which FileChannel alone does not promise. */
final class FileReads {
    private FileReads() {
    }

    /** Fills {@code buffer} (cleared first) from {@code position}; the buffer is flipped for reading on return. */
    static void readFully(FileChannel file, ByteBuffer buffer, long position) throws IOException {
        buffer.clear();
        long at = position;
        while (buffer.hasRemaining()) {
            int n = file.read(buffer, at);
            if (n < 0) {
                throw new EOFException("file ends at " + at + " bytes, before " + (position + buffer.limit()));
            }
            at += n;
        }
        buffer.flip();
    }
}
