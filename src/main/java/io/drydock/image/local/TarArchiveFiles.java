package io.drydock.image.local;

import io.drydock.DrydockException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link LayoutFiles} over an uncompressed tar file, read in place. Commons-compress's
 * {@link TarFile} parses the headers once (long names, PAX); content is then read with positional
 * reads on our own channel, because TarFile's entry streams share one channel position and so
 * cannot be read from two threads at once. Symbolic and hard links between entries are followed,
 * since {@code docker save} stores a layer shared by two images once and links to it.
 */
final class TarArchiveFiles implements LayoutFiles {
    private static final int MAX_LINK_HOPS = 16;

    private final Path archive;
    /** The archive as messages name it, e.g. {@code oci-archive:/images/app.tar}. */
    private final String name;
    private final FileChannel channel;
    private final Map<String, TarArchiveEntry> entries;

    private TarArchiveFiles(Path archive, String name, FileChannel channel, Map<String, TarArchiveEntry> entries) {
        this.archive = archive;
        this.name = name;
        this.channel = channel;
        this.entries = entries;
    }

    /** Opens {@code archive}; {@code transport} (e.g. {@code oci-archive}) only shapes the messages. */
    static TarArchiveFiles open(Path archive, String transport) {
        if (Files.isDirectory(archive)) {
            throw new DrydockException(transport + ":" + archive + " is a directory, not a tar file"
                    + (transport.equals("oci-archive") ? " (for an OCI layout directory use oci:" + archive + ")" : ""));
        }
        if (!Files.isRegularFile(archive)) throw new DrydockException(transport + ":" + archive + " does not exist");
        rejectCompressed(archive, transport);
        Map<String, TarArchiveEntry> entries = new HashMap<>();
        try (TarFile tar = new TarFile(archive)) {
            for (TarArchiveEntry entry : tar.getEntries()) {
                String name = normalise(entry.getName());
                // A later entry with the same name replaces an earlier one, as when tar extracts.
                if (name != null && !name.isEmpty()) entries.put(name, entry);
            }
        } catch (IOException | RuntimeException e) {
            throw new DrydockException(transport + ":" + archive + " is not a readable tar archive: " + DrydockException.reason(e), e);
        }
        if (entries.isEmpty()) throw new DrydockException(transport + ":" + archive + " is not a tar archive, or it is empty");
        try {
            return new TarArchiveFiles(archive, transport + ":" + archive, FileChannel.open(archive, StandardOpenOption.READ), Map.copyOf(entries));
        } catch (IOException e) {
            throw new DrydockException(transport + ":" + archive + ": cannot open: " + DrydockException.reason(e), e);
        }
    }

    /**
     * Refuses compressed archives up front with a message that says what to do: reading one would
     * mean decompressing from the start for every blob, as a compressed tar has no random access.
     */
    private static void rejectCompressed(Path archive, String transport) {
        byte[] head = new byte[6];
        int n;
        try (InputStream in = Files.newInputStream(archive)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new DrydockException(transport + ":" + archive + ": cannot read: " + DrydockException.reason(e), e);
        }
        String compression = null;
        if (n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) compression = "gzip";
        else if (n >= 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5 && (head[2] & 0xff) == 0x2f && (head[3] & 0xff) == 0xfd) compression = "zstd";
        else if (n >= 3 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h') compression = "bzip2";
        else if (n >= 6 && (head[0] & 0xff) == 0xfd && head[1] == '7' && head[2] == 'z' && head[3] == 'X' && head[4] == 'Z' && head[5] == 0) compression = "xz";
        if (compression != null) {
            throw new DrydockException(transport + ":" + archive + " is " + compression + "-compressed; Drydock reads "
                    + transport + " files as plain tar so it can seek to each blob. Decompress it first (e.g. "
                    + switch (compression) {
                        case "gzip" -> "gunzip";
                        case "zstd" -> "unzstd";
                        case "bzip2" -> "bunzip2";
                        default -> "unxz";
                    } + " -k <file>) and open the result.");
        }
    }

    /**
     * Normalises an entry name or a relative path inside the archive: drops {@code .} components,
     * empty components and leading slashes, applies {@code ..}. Returns null when the path climbs
     * above the archive root.
     */
    static String normalise(String path) {
        Deque<String> parts = new ArrayDeque<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) continue;
            if (part.equals("..")) {
                if (parts.isEmpty()) return null;
                parts.removeLast();
            } else {
                parts.addLast(part);
            }
        }
        return String.join("/", parts);
    }

    /**
     * The name of the regular-file entry that {@code path} leads to after following links, or null
     * when there is none. Two paths linking to one file give the same name, which lets callers hash
     * it once.
     */
    String regularFile(String path) {
        String current = normalise(path);
        for (int hop = 0; current != null && hop <= MAX_LINK_HOPS; hop++) {
            TarArchiveEntry entry = entries.get(current);
            if (entry == null) return null;
            if (entry.isSymbolicLink()) {
                String target = entry.getLinkName();
                if (target.startsWith("/")) throw linkOutside(current, target);
                int slash = current.lastIndexOf('/');
                String next = normalise((slash < 0 ? "" : current.substring(0, slash + 1)) + target);
                if (next == null) throw linkOutside(current, target);
                current = next;
            } else if (entry.isLink()) {
                // Hard link names are relative to the archive root.
                String next = normalise(entry.getLinkName());
                if (next == null) throw linkOutside(current, entry.getLinkName());
                current = next;
            } else {
                return entry.isFile() ? current : null;
            }
        }
        if (current == null) return null;
        throw new DrydockException(name + ": entry '" + path + "' goes through more than " + MAX_LINK_HOPS + " links (a link loop?)");
    }

    private DrydockException linkOutside(String entry, String target) {
        return new DrydockException(name + ": link '" + entry + "' points to '" + target + "', outside the archive");
    }

    @Override
    public long size(String path) {
        String name = regularFile(path);
        return name == null ? -1 : entries.get(name).getSize();
    }

    @Override
    public InputStream open(String path) throws IOException {
        String name = regularFile(path);
        if (name == null) throw new java.nio.file.NoSuchFileException(locate(path));
        TarArchiveEntry entry = entries.get(name);
        if (entry.isSparse()) throw new DrydockException(locate(path) + " is a sparse tar entry, which image archives never contain");
        return new SliceInputStream(channel, entry.getDataOffset(), entry.getSize(), locate(path));
    }

    @Override
    public String locate(String path) {
        return archive + "!" + path;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** A byte range of the archive, read with positional reads so that streams do not disturb each other. */
    private static final class SliceInputStream extends InputStream {
        private final FileChannel channel;
        private final long end;
        private final String where;
        private long position;

        SliceInputStream(FileChannel channel, long start, long length, String where) {
            this.channel = channel;
            this.position = start;
            this.end = start + length;
            this.where = where;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) return 0;
            if (position >= end) return -1;
            int wanted = (int) Math.min(length, end - position);
            int n = channel.read(ByteBuffer.wrap(buffer, offset, wanted), position);
            if (n < 0) throw new EOFException(where + ": the archive ends inside this entry (truncated file)");
            position += n;
            return n;
        }

        @Override
        public long skip(long n) {
            long skipped = Math.max(0, Math.min(n, end - position));
            position += skipped;
            return skipped;
        }

        @Override
        public int available() {
            return (int) Math.min(Integer.MAX_VALUE, end - position);
        }
    }
}
