package io.drydock.bench;

import io.drydock.layer.LayerInfo;
import io.drydock.layer.LayerReader;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Run in a child JVM with a small heap: streams a generated gzip layer holding one file much larger
 * than the heap, reading all of it. Exit 0 proves the reader's memory does not grow with file or layer size.
 */
public final class LayerMemoryProbe {
    public static void main(String[] args) throws Exception {
        long fileSize = Long.parseLong(args[0]);
        PipedInputStream in = new PipedInputStream(1 << 16);
        PipedOutputStream pipe = new PipedOutputStream(in);
        Thread writer = Thread.ofPlatform().start(() -> {
            try (OutputStream gz = new GZIPOutputStream(pipe, 1 << 16);
                 TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                TarArchiveEntry e = new TarArchiveEntry("big/file.bin");
                e.setSize(fileSize);
                tar.putArchiveEntry(e);
                byte[] chunk = new byte[1 << 16];
                for (long done = 0; done < fileSize; done += chunk.length) {
                    tar.write(chunk, 0, (int) Math.min(chunk.length, fileSize - done));
                }
                tar.closeArchiveEntry();
            } catch (IOException ex) {
                throw new RuntimeException(ex);
            }
        });
        long[] read = {0};
        byte[] buf = new byte[8192];
        new LayerReader().read(in, "probe", new LayerInfo(0, "sha256:" + "0".repeat(64), null, null), (entry, content) -> {
            int n;
            while ((n = content.read(buf, 0, buf.length)) >= 0) read[0] += n;
        });
        writer.join();
        if (read[0] != fileSize) throw new IllegalStateException("read " + read[0] + " of " + fileSize);
        System.out.println("read " + read[0] + " bytes with max heap " + Runtime.getRuntime().maxMemory());
    }
}
