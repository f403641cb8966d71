package io.drydock.image.local;

import io.drydock.DrydockException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Builds a gzip-compressed tar layer from files given in code or taken from a directory. The
 * output depends only on the entries: they are written sorted by path, with mtime 0, uid and gid 0
 * and no user names, so the same content always gives the same digest (on the same JDK, whose
 * deflater fixes the compressed bytes). Missing parent directories are added with mode 0755, as
 * real layers list them. Hard links are written after all other entries, since a tar hard link
 * must follow its target.
 */
public final class LayerBuilder {
    private static final int DIRECTORY_MODE = 0755;
    private static final int FILE_MODE = 0644;

    private enum Kind { FILE, DIRECTORY, SYMLINK, HARDLINK }

    /** One entry; a file's content is either {@code bytes} or the file at {@code source}, read when written. */
    private record Entry(String path, Kind kind, int mode, byte[] bytes, Path source, String linkTarget, boolean implicit) {
    }

    private final Map<String, Entry> entries = new TreeMap<>();

    public LayerBuilder() {
    }

    /** A layer holding the tree under {@code root} (not {@code root} itself), with its modes, files and symlinks. */
    public static LayerBuilder fromDirectory(Path root) {
        return new LayerBuilder().addDirectory(root, "");
    }

    public LayerBuilder file(String path, byte[] content, int mode) {
        return add(new Entry(checkedPath(path), Kind.FILE, mode, content.clone(), null, null, false));
    }

    /** A text file (UTF-8) with mode 0644. */
    public LayerBuilder file(String path, String content) {
        return file(path, content.getBytes(StandardCharsets.UTF_8), FILE_MODE);
    }

    public LayerBuilder directory(String path, int mode) {
        return add(new Entry(checkedPath(path), Kind.DIRECTORY, mode, null, null, null, false));
    }

    public LayerBuilder symlink(String path, String target) {
        return add(new Entry(checkedPath(path), Kind.SYMLINK, 0777, null, null, target, false));
    }

    /** A hard link to {@code target}, a regular file of this layer. */
    public LayerBuilder hardlink(String path, String target) {
        return add(new Entry(checkedPath(path), Kind.HARDLINK, FILE_MODE, null, null, checkedPath(target), false));
    }

    /**
     * Adds the tree under {@code root} at {@code prefix} ("" for the layer root). Symlinks are
     * stored as links, not followed; other special files are refused.
     */
    public LayerBuilder addDirectory(Path root, String prefix) {
        String base = prefix.isEmpty() ? "" : checkedPath(prefix) + "/";
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted().toList()) {
                if (path.equals(root)) continue;
                String name = base + root.relativize(path).toString().replace('\\', '/');
                BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (attributes.isSymbolicLink()) {
                    symlink(name, Files.readSymbolicLink(path).toString());
                } else if (attributes.isDirectory()) {
                    directory(name, modeOf(path, DIRECTORY_MODE));
                } else if (attributes.isRegularFile()) {
                    add(new Entry(checkedPath(name), Kind.FILE, modeOf(path, FILE_MODE), null, path, null, false));
                } else {
                    throw new DrydockException("layer: " + path + " is neither a file, a directory nor a symlink");
                }
            }
        } catch (IOException e) {
            throw new DrydockException("layer: cannot read " + root + ": " + DrydockException.reason(e), e);
        }
        return this;
    }

    private static int modeOf(Path path, int fallback) throws IOException {
        if (!Files.getFileStore(path).supportsFileAttributeView("posix")) return fallback;
        int mode = 0;
        for (PosixFilePermission permission : Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).permissions()) {
            mode |= 1 << (8 - permission.ordinal()); // the enum runs OWNER_READ (0400) .. OTHERS_EXECUTE (0001)
        }
        return mode;
    }

    /** Strips leading {@code /} and {@code ./}; refuses {@code ..} so a layer cannot write outside its root. */
    private static String checkedPath(String path) {
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) continue;
            if (part.equals("..")) throw new DrydockException("layer: path '" + path + "' contains '..'");
            parts.add(part);
        }
        if (parts.isEmpty()) throw new DrydockException("layer: path '" + path + "' names the layer root");
        return String.join("/", parts);
    }

    private LayerBuilder add(Entry entry) {
        String path = entry.path();
        Entry existing = entries.get(path);
        if (existing != null && !(existing.implicit() && entry.kind() == Kind.DIRECTORY)) {
            throw new DrydockException("layer: '" + path + "' is added twice"
                    + (existing.implicit() ? " (it is already a directory holding other entries)" : ""));
        }
        for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
            String parent = path.substring(0, slash);
            Entry known = entries.get(parent);
            if (known == null) {
                entries.put(parent, new Entry(parent, Kind.DIRECTORY, DIRECTORY_MODE, null, null, null, true));
            } else if (known.kind() != Kind.DIRECTORY) {
                throw new DrydockException("layer: '" + path + "' is inside '" + parent + "', which is not a directory");
            }
        }
        entries.put(path, entry);
        return this;
    }

    /** Writes the compressed layer to {@code out} (left open) and returns its digests. */
    public BuiltLayer writeTo(OutputStream out) {
        checkHardlinks();
        Hashing.CountingOutputStream compressed = new Hashing.CountingOutputStream(out);
        Hashing.CountingOutputStream uncompressed;
        try {
            GZIPOutputStream gzip = new GZIPOutputStream(compressed, 1 << 16);
            uncompressed = new Hashing.CountingOutputStream(gzip);
            TarArchiveOutputStream tar = new TarArchiveOutputStream(uncompressed, StandardCharsets.UTF_8.name());
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            tar.setAddPaxHeadersForNonAsciiNames(true);
            for (Entry entry : entries.values()) {
                if (entry.kind() != Kind.HARDLINK) writeEntry(tar, entry);
            }
            for (Entry entry : entries.values()) {
                if (entry.kind() == Kind.HARDLINK) writeEntry(tar, entry);
            }
            tar.finish();
            gzip.finish();
            compressed.flush();
        } catch (IOException e) {
            throw new DrydockException("layer: writing the layer failed: " + DrydockException.reason(e), e);
        }
        return new BuiltLayer(compressed.digest(), compressed.count(), uncompressed.digest());
    }

    /** Writes the layer into {@code layout} as a blob and returns its digests. */
    public BuiltLayer writeTo(OciLayoutWriter layout) {
        BuiltLayer[] built = new BuiltLayer[1];
        StoredBlob stored = layout.writeBlob(out -> built[0] = writeTo(out));
        if (!stored.digest().equals(built[0].digest())) throw new IllegalStateException("layer digest changed between hashing and storing");
        return built[0];
    }

    private void checkHardlinks() {
        for (Entry entry : entries.values()) {
            if (entry.kind() != Kind.HARDLINK) continue;
            Entry target = entries.get(entry.linkTarget());
            if (target == null || target.kind() != Kind.FILE) {
                throw new DrydockException("layer: hard link '" + entry.path() + "' points to '" + entry.linkTarget() + "', which is not a file of this layer");
            }
        }
    }

    private static void writeEntry(TarArchiveOutputStream tar, Entry entry) throws IOException {
        TarArchiveEntry header = switch (entry.kind()) {
            case DIRECTORY -> new TarArchiveEntry(entry.path() + "/", TarConstants.LF_DIR);
            case FILE -> new TarArchiveEntry(entry.path(), TarConstants.LF_NORMAL);
            case SYMLINK -> new TarArchiveEntry(entry.path(), TarConstants.LF_SYMLINK);
            case HARDLINK -> new TarArchiveEntry(entry.path(), TarConstants.LF_LINK);
        };
        header.setMode(entry.mode() & 07777);
        header.setModTime(0);
        header.setIds(0, 0);
        header.setUserName("");
        header.setGroupName("");
        if (entry.linkTarget() != null) header.setLinkName(entry.linkTarget());
        if (entry.kind() != Kind.FILE) {
            tar.putArchiveEntry(header);
            tar.closeArchiveEntry();
            return;
        }
        if (entry.bytes() != null) {
            header.setSize(entry.bytes().length);
            tar.putArchiveEntry(header);
            tar.write(entry.bytes());
        } else {
            long size = Files.size(entry.source());
            header.setSize(size);
            tar.putArchiveEntry(header);
            try (InputStream in = Files.newInputStream(entry.source())) {
                long copied = in.transferTo(tar);
                if (copied != size) throw new IOException(entry.source() + " changed size while it was being added");
            }
        }
        tar.closeArchiveEntry();
    }
}
