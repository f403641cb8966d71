package io.drydock.layer;

import io.airlift.compress.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Builds layer blobs in memory for tests. */
final class TestLayers {

    static final String IMAGE = "registry.example/team/app:1.0";
    static final Instant MTIME = Instant.parse("2024-05-01T12:00:00Z");

    private TestLayers() {
    }

    static LayerInfo layer(int index) {
        return new LayerInfo(index, "sha256:" + String.valueOf((char) ('a' + index)).repeat(64), null,
                "RUN step " + index);
    }

    /** A tar under construction; entries keep the exact names given (leading '/' included). */
    static final class Tar {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final TarArchiveOutputStream out;

        Tar() {
            this(TarArchiveOutputStream.LONGFILE_POSIX);
        }

        Tar(int longFileMode) {
            out = new TarArchiveOutputStream(bytes, StandardCharsets.UTF_8.name());
            out.setLongFileMode(longFileMode);
            out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        }

        Tar dir(String name) {
            return put(entry(name, TarConstants.LF_DIR, 0755), null);
        }

        Tar file(String name, String content) {
            return file(name, content.getBytes(StandardCharsets.UTF_8), 0644);
        }

        Tar file(String name, byte[] content, int mode) {
            TarArchiveEntry e = entry(name, TarConstants.LF_NORMAL, mode);
            e.setSize(content.length);
            return put(e, content);
        }

        Tar symlink(String name, String target) {
            TarArchiveEntry e = entry(name, TarConstants.LF_SYMLINK, 0777);
            e.setLinkName(target);
            return put(e, null);
        }

        Tar hardlink(String name, String target) {
            TarArchiveEntry e = entry(name, TarConstants.LF_LINK, 0644);
            e.setLinkName(target);
            return put(e, null);
        }

        Tar fifo(String name) {
            return put(entry(name, TarConstants.LF_FIFO, 0600), null);
        }

        /** Whiteout of {@code name} inside {@code directory} ("" for the root). */
        Tar whiteout(String directory, String name) {
            return file((directory.isEmpty() ? "" : directory + "/") + ".wh." + name, new byte[0], 0);
        }

        Tar opaque(String directory) {
            return file(directory + "/.wh..wh..opq", new byte[0], 0);
        }

        private static TarArchiveEntry entry(String name, byte type, int mode) {
            TarArchiveEntry e = new TarArchiveEntry(name, type, true);
            e.setMode(mode);
            e.setUserId(1000);
            e.setGroupId(100);
            e.setModTime(Date.from(MTIME));
            return e;
        }

        Tar put(TarArchiveEntry e, byte[] content) {
            try {
                out.putArchiveEntry(e);
                if (content != null) {
                    out.write(content);
                }
                out.closeArchiveEntry();
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            return this;
        }

        byte[] bytes() {
            try {
                out.finish();
                out.close();
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            return bytes.toByteArray();
        }
    }

    /** A global PAX header record ('g') carrying {@code key=value}, hand-made: commons-compress cannot write one. */
    static byte[] globalPaxHeader(String key, String value) {
        // A PAX record is "<length> key=value\n" where <length> counts its own digits too.
        String body = " " + key + "=" + value + "\n";
        int total = body.length() + 1;
        while (String.valueOf(total).length() + body.length() != total) {
            total++;
        }
        String content = total + body;
        byte[] header = new byte[512];
        ascii(header, 0, "pax_global_header");
        ascii(header, 100, "0000644");
        ascii(header, 108, "0000000");
        ascii(header, 116, "0000000");
        ascii(header, 124, String.format("%011o", content.length()));
        ascii(header, 136, "00000000000");
        header[156] = 'g';
        ascii(header, 257, "ustar");
        ascii(header, 263, "00");
        Arrays.fill(header, 148, 156, (byte) ' ');
        int sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        ascii(header, 148, String.format("%06o", sum));
        header[154] = 0;
        byte[] data = new byte[(content.length() + 511) / 512 * 512];
        ascii(data, 0, content);
        return concat(header, data);
    }

    private static void ascii(byte[] target, int offset, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, target, offset, bytes.length);
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] zstd(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream z = new ZstdOutputStream(out)) {
            z.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** Everything a visitor saw, in order, as short strings easy to compare. */
    static final class Recorder implements LayerVisitor {
        final List<String> events = new ArrayList<>();
        final List<LayerEntry> entries = new ArrayList<>();
        final List<String> contents = new ArrayList<>();

        @Override
        public void entry(LayerEntry entry, EntryContent content) throws IOException {
            entries.add(entry);
            events.add(entry.type() + " " + entry.path()
                    + (entry.linkTarget() == null ? "" : " -> " + entry.linkTarget()));
            if (entry.isRegularFile()) {
                contents.add(new String(content.readAllBytes(), StandardCharsets.UTF_8));
            }
        }

        @Override
        public void whiteout(String path) {
            events.add("WHITEOUT " + path);
        }

        @Override
        public void opaqueDirectory(String directory) {
            events.add("OPAQUE " + directory);
        }
    }
}
