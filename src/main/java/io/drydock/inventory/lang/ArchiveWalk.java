package io.drydock.inventory.lang;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Streams one top-level Java archive, and the archives nested in it, in a single pass: no temporary files, no
 * archive held in memory, only the small metadata entries. Each archive's SHA-1 is computed from the bytes as they
 * pass. Whatever goes wrong becomes a warning naming the archive; what was found up to then is kept, marked partial.
 *
 * <p>One instance per top-level archive: the limits on decompressed bytes and entries count that archive and
 * everything nested in it, which is what a nested zip bomb inflates.
 */
final class ArchiveWalk {
    private static final int BUFFER_BYTES = 64 * 1024;
    private static final byte[] LOCAL_HEADER = {'P', 'K', 3, 4};
    /**
     * Executable jars (Spring Boot's "fully executable" layout) start with a launcher script; real ones are a few
     * KiB. A zip reader that finds no entry at the start would otherwise see nothing at all.
     */
    static final int MAX_PREFIX_BYTES = 1 << 20;

    private final JavaArchiveAnalyzer.Limits limits;
    private final Findings findings;
    private final List<ArchiveContents.Builder> started = new ArrayList<>();
    private final List<String> sha1s = new ArrayList<>();
    private final byte[] scratch = new byte[BUFFER_BYTES];
    private long decompressedBytes;
    private long entries;

    ArchiveWalk(JavaArchiveAnalyzer.Limits limits, Findings findings) {
        this.limits = limits;
        this.findings = findings;
    }

    /** Everything the archive at {@code path} and its nested archives revealed, outermost first. Never throws. */
    List<ArchiveContents> walk(InputStream content, String path) {
        try {
            walkArchive(content, path, 0);
        } catch (LimitExceeded e) {
            findings.warn(path, e.getMessage() + "; stopped reading, packages found so far are marked partial");
        } catch (IOException | RuntimeException e) {
            // RuntimeException too: the JDK's zip reader reports some malformed input (bad entry names, odd sizes)
            // with unchecked exceptions, and one bad archive must not fail the layer.
            findings.warn(path, "truncated or corrupt archive (" + describe(e)
                    + "); packages found before the problem are marked partial");
        }
        List<ArchiveContents> out = new ArrayList<>(started.size());
        for (int i = 0; i < started.size(); i++) {
            out.add(started.get(i).build(sha1s.get(i)));
        }
        return out;
    }

    private void walkArchive(InputStream in, String location, int depth) throws IOException {
        ArchiveContents.Builder contents = new ArchiveContents.Builder(location);
        int index = started.size();
        started.add(contents);
        sha1s.add(null);
        MessageDigest sha1 = newSha1();
        DigestInputStream hashed = new DigestInputStream(in, sha1);
        ZipInputStream zip = new CountingZipInputStream(fromFirstEntry(hashed), location);
        int entriesHere = 0;
        for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
            if (++entries > limits.maxEntries()) {
                throw new LimitExceeded("more than " + limits.maxEntries()
                        + " entries in the archive and the archives nested in it (the limit)");
            }
            entriesHere++;
            readEntry(zip, entry, contents, depth);
        }
        if (entriesHere == 0) {
            contents.markNotAnArchive();
            findings.warn(location, "not a zip archive: no entry found; skipped");
        }
        drain(hashed); // the central directory, which the zip reader stops before; the SHA-1 covers the whole file
        sha1s.set(index, HexFormat.of().formatHex(sha1.digest()));
    }

    private void readEntry(ZipInputStream zip, ZipEntry entry, ArchiveContents.Builder contents, int depth)
            throws IOException {
        String name = entry.getName();
        if (entry.isDirectory()) {
            return;
        }
        if (name.equalsIgnoreCase("META-INF/MANIFEST.MF")) {
            byte[] bytes = readMetadata(zip, contents.location() + "!/" + name);
            if (bytes != null) {
                contents.manifest(JarManifest.mainAttributes(bytes));
            }
        } else if (isPomProperties(name)) {
            byte[] bytes = readMetadata(zip, contents.location() + "!/" + name);
            if (bytes != null) {
                pomCoordinates(bytes).ifPresent(contents::addPom);
            }
        } else if (JavaArchives.isArchiveName(name)) {
            walkNested(zip, contents.location() + "!/" + name, depth + 1, contents);
        } else {
            drain(zip);
        }
    }

    private void walkNested(ZipInputStream outer, String location, int depth, ArchiveContents.Builder parent)
            throws IOException {
        if (depth > limits.maxNestingDepth()) {
            findings.warn(location, "archive nested " + depth + " levels deep, more than the limit of "
                    + limits.maxNestingDepth() + "; not opened, and the archive holding it is marked partial");
            parent.markPartial();
            drain(outer);
            return;
        }
        FailureRecordingInput guarded = new FailureRecordingInput(outer);
        try {
            walkArchive(guarded, location, depth);
        } catch (LimitExceeded e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            if (guarded.failure != null) {
                throw guarded.failure; // the enclosing archive itself is broken: its own reader reports that
            }
            findings.warn(location, "truncated or corrupt nested archive (" + describe(e)
                    + "); packages found before the problem are marked partial");
        }
        drain(outer); // whatever the nested reader left, e.g. after its entries ended early
    }

    /** A small entry read whole, or null with a warning if it is over the metadata limit. */
    private byte[] readMetadata(InputStream in, String location) throws IOException {
        byte[] buffer = new byte[Math.min(8192, limits.maxMetadataBytes() + 1)];
        int length = 0;
        while (true) {
            if (length == buffer.length) {
                if (buffer.length > limits.maxMetadataBytes()) {
                    findings.warn(location, "larger than " + limits.maxMetadataBytes()
                            + " bytes, the limit for archive metadata; ignored");
                    drain(in);
                    return null;
                }
                buffer = Arrays.copyOf(buffer, Math.min(buffer.length * 2, limits.maxMetadataBytes() + 1));
            }
            int n = in.read(buffer, length, buffer.length - length);
            if (n < 0) {
                return Arrays.copyOf(buffer, length);
            }
            length += n;
        }
    }

    private void drain(InputStream in) throws IOException {
        while (in.read(scratch) >= 0) {
            // counted (and hashed) by the streams underneath
        }
    }

    static boolean isPomProperties(String name) {
        return name.startsWith("META-INF/maven/") && name.endsWith("/pom.properties");
    }

    /** Coordinates from a pom.properties, when it names all three and none is an unresolved {@code ${...}}. */
    static Optional<ArchiveContents.PomCoordinates> pomCoordinates(byte[] bytes) {
        Properties properties = new Properties();
        try {
            properties.load(new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.ISO_8859_1));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty(); // a malformed unicode escape; such a file names nothing we can use
        }
        String groupId = usable(properties.getProperty("groupId"));
        String artifactId = usable(properties.getProperty("artifactId"));
        String version = usable(properties.getProperty("version"));
        if (groupId == null || artifactId == null || version == null) {
            return Optional.empty();
        }
        return Optional.of(new ArchiveContents.PomCoordinates(groupId, artifactId, version));
    }

    private static String usable(String value) {
        return value == null || value.isBlank() || value.contains("${") ? null : value.strip();
    }

    /**
     * The stream from its first zip local header on. Almost every archive starts with one; an executable jar starts
     * with a launcher script, which is skipped if the header follows within {@link #MAX_PREFIX_BYTES}.
     */
    private static InputStream fromFirstEntry(InputStream in) throws IOException {
        byte[] head = new byte[LOCAL_HEADER.length];
        int length = in.readNBytes(head, 0, head.length);
        if (length < head.length || Arrays.equals(head, LOCAL_HEADER)) {
            return new SequenceInputStream(new ByteArrayInputStream(head, 0, length), in);
        }
        byte[] prefix = Arrays.copyOf(head, 64 * 1024);
        int searched = 0;
        while (true) {
            int found = indexOf(prefix, searched, length, LOCAL_HEADER);
            searched = Math.max(0, length - LOCAL_HEADER.length + 1);
            if (found >= 0) {
                return new SequenceInputStream(new ByteArrayInputStream(prefix, found, length - found), in);
            }
            if (length >= MAX_PREFIX_BYTES) {
                return new SequenceInputStream(new ByteArrayInputStream(prefix, 0, length), in);
            }
            if (length == prefix.length) {
                prefix = Arrays.copyOf(prefix, Math.min(prefix.length * 2, MAX_PREFIX_BYTES + LOCAL_HEADER.length));
            }
            int n = in.read(prefix, length, prefix.length - length);
            if (n < 0) {
                return new SequenceInputStream(new ByteArrayInputStream(prefix, 0, length), in);
            }
            length += n;
        }
    }

    private static int indexOf(byte[] bytes, int from, int length, byte[] pattern) {
        outer:
        for (int i = from; i + pattern.length <= length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (bytes[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static MessageDigest newSha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every Java platform", e);
        }
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        String kind = e.getClass().getSimpleName();
        return message == null || message.isBlank() ? kind : kind + ": " + message;
    }

    /** A bound of {@link JavaArchiveAnalyzer.Limits} was exceeded; ends the walk of the whole top-level archive. */
    static final class LimitExceeded extends IOException {
        LimitExceeded(String message) {
            super(message);
        }
    }

    /** Counts what the zip reader inflates, for every archive level, against the walk's limit. */
    private final class CountingZipInputStream extends ZipInputStream {
        private final String location;

        CountingZipInputStream(InputStream in, String location) {
            // ISO-8859-1 for names without the UTF-8 flag: it decodes any byte, where UTF-8 throws on old archives.
            // Names flagged UTF-8 (everything the jar tool and Maven write) are still decoded as UTF-8.
            super(in, StandardCharsets.ISO_8859_1);
            this.location = location;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                decompressedBytes += n;
                if (decompressedBytes > limits.maxDecompressedBytes()) {
                    throw new LimitExceeded("more than " + limits.maxDecompressedBytes()
                            + " bytes decompressed from the archive and the archives nested in it (the limit; "
                            + "reached in " + location + ")");
                }
            }
            return n;
        }
    }

    /**
     * Remembers a failure of the enclosing archive's stream, so a nested archive's reader can tell "the nested
     * archive is corrupt" (warn, go on with the next entry) from "the enclosing one is" (stop).
     */
    private static final class FailureRecordingInput extends FilterInputStream {
        private IOException failure;

        FailureRecordingInput(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                return super.skip(n);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        @Override
        public void close() {
            // the enclosing archive's entry stays open for its own reader
        }
    }

}
