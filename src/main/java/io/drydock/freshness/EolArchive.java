package io.drydock.freshness;

import io.drydock.DrydockException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * End-of-life data as one gzipped tar, the layer that travels with the advisory DB's OCI artifact: flat
 * {@code <product>.md} files, {@code SOURCE.md} and {@code LICENSE}. Packing is reproducible (sorted names, no
 * times or owners), so the same data gives the same digest. Unpacking accepts nothing else: no folders, links or
 * other names (so no path leaves the target directory), no duplicates, and bounded sizes.
 */
public final class EolArchive {
    public static final String MEDIA_TYPE = "application/vnd.drydock.eol.v1.tar+gzip";
    /** The largest packed layer read (endoflife.date's whole products folder packs to well under 1 MiB). */
    public static final long MAX_PACKED = 16L << 20;
    static final long MAX_FILE = 4L << 20;
    static final long MAX_TOTAL = 64L << 20;
    static final int MAX_FILES = 2_000;

    private EolArchive() {
    }

    /** The files of the data a home uses: those installed in {@code home/eol} if any, else those shipped in the jar. */
    public static Map<String, byte[]> filesInUse(Path home) {
        Path dir = home.resolve("eol");
        EolData.DataFiles files = Files.isDirectory(dir) ? EolData.readDirectory(dir) : EolData.embeddedFiles();
        if (!files.complete()) throw new DrydockException("cannot read all the end-of-life data in " + dir);
        return files.asMap();
    }

    /** A gzipped tar of {@code files} (name → bytes; names as {@link #unpack} accepts them). */
    public static byte[] pack(Map<String, byte[]> files) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            for (Map.Entry<String, byte[]> f : new TreeMap<>(files).entrySet()) {
                if (!EolData.isDataFileName(f.getKey())) throw new IllegalArgumentException("not an end-of-life data file: " + f.getKey());
                TarArchiveEntry e = new TarArchiveEntry(f.getKey());
                e.setSize(f.getValue().length);
                e.setModTime(0);
                e.setMode(0644);
                tar.putArchiveEntry(e);
                tar.write(f.getValue());
                tar.closeArchiveEntry();
            }
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Unpacks a gzipped tar into {@code dir} (created if absent, which must hold none of its names) and returns how
     * many files it wrote. Refuses, naming {@code what}, an archive that is not a gzipped tar or has anything but flat
     * {@code <product>.md}, {@code SOURCE.md} and {@code LICENSE} files, a name twice, or too much data.
     */
    public static int unpack(InputStream tarGz, Path dir, String what) {
        Set<String> seen = new HashSet<>();
        long total = 0;
        try {
            Files.createDirectories(dir);
            TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(tarGz));
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                String name = e.getName();
                boolean plainFile = e.getLinkFlag() == TarConstants.LF_NORMAL || e.getLinkFlag() == TarConstants.LF_OLDNORM;
                if (!plainFile || !EolData.isDataFileName(name)) {
                    throw new DrydockException(what + ": refused: the entry '" + printable(name) + "' is not a flat end-of-life"
                            + " data file (<product>.md, SOURCE.md or LICENSE)");
                }
                if (!seen.add(name)) throw new DrydockException(what + ": refused: '" + name + "' is in the archive twice");
                if (seen.size() > MAX_FILES) throw new DrydockException(what + ": refused: more than " + MAX_FILES + " files");
                if (e.getSize() > MAX_FILE) {
                    throw new DrydockException(what + ": refused: " + name + " is larger than " + (MAX_FILE >> 20) + " MiB");
                }
                Path target = dir.resolve(name);
                if (!target.getParent().equals(dir)) throw new DrydockException(what + ": refused: '" + name + "' leaves the directory");
                byte[] content = tar.readNBytes((int) MAX_FILE + 1);
                if (content.length > MAX_FILE) {
                    throw new DrydockException(what + ": refused: " + name + " is larger than " + (MAX_FILE >> 20) + " MiB");
                }
                total += content.length;
                if (total > MAX_TOTAL) throw new DrydockException(what + ": refused: more than " + (MAX_TOTAL >> 20) + " MiB unpacked");
                Files.write(target, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof DrydockException d) throw d;
            throw new DrydockException(what + ": not a readable gzipped tar of end-of-life data (" + DrydockException.reason(e) + ")", e);
        }
        if (seen.isEmpty()) throw new DrydockException(what + ": the archive holds no end-of-life data files");
        return seen.size();
    }

    /** {@link #unpack(InputStream, Path, String)} of bytes in memory. */
    public static int unpack(byte[] tarGz, Path dir, String what) {
        return unpack(new ByteArrayInputStream(tarGz), dir, what);
    }

    private static String printable(String name) {
        String s = name.replaceAll("\\p{Cntrl}", "?");
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }
}
