package io.drydock.vulndb.osv;

import io.drydock.vulndb.Advisory;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * An osv.dev export ({@code https://osv-vulnerabilities.storage.googleapis.com/<ECOSYSTEM>/all.zip}), read as a
 * stream entry by entry, never unpacked to disk. Decompression is metered against {@link ZipLimits}: an archive
 * that expands past them is a zip bomb, reported and no longer read (the records before it are kept).
 */
public final class OsvZipSource implements AdvisorySource {
    private static final long RATIO_CHECK_FROM = 1L << 20;

    private final Path zip;
    private final ZipLimits limits;

    public OsvZipSource(Path zip, ZipLimits limits) {
        this.zip = zip;
        this.limits = limits;
    }

    @Override
    public String kind() {
        return "osv-zip";
    }

    @Override
    public String location() {
        return zip.toString();
    }

    @Override
    public void read(Consumer<Advisory> sink, IngestLog log) throws IOException {
        String archive = zip.getFileName().toString();
        try (CountingInputStream compressed = new CountingInputStream(new BufferedInputStream(Files.newInputStream(zip), 1 << 16));
                ZipInputStream in = new ZipInputStream(compressed)) {
            long entries = 0;
            long total = 0;
            byte[] buffer = new byte[1 << 16];
            ZipEntry entry;
            while ((entry = nextEntry(in, archive, log)) != null) {
                if (entry.isDirectory()) {
                    continue;
                }
                String where = archive + "!" + entry.getName();
                if (++entries > limits.maxEntries()) {
                    log.skipRecord(where, null, "zip bomb", "more than " + limits.maxEntries()
                            + " entries; archive treated as a zip bomb, reading stopped");
                    return;
                }
                if (!entry.getName().toLowerCase(Locale.ROOT).endsWith(".json")) {
                    log.count("non-JSON entry in archive");
                    continue;
                }
                long compressedAtStart = compressed.count();
                ByteArrayOutputStream record = new ByteArrayOutputStream(8192);
                int n;
                try {
                    while ((n = in.read(buffer)) > 0) {
                        record.write(buffer, 0, n);
                        total += n;
                        String bomb = bomb(record.size(), total, compressed.count() - compressedAtStart);
                        if (bomb != null) {
                            log.recordRead();
                            log.skipRecord(where, null, "zip bomb", bomb + "; archive treated as a zip bomb, reading stopped");
                            return;
                        }
                    }
                } catch (ZipException e) {
                    log.recordRead();
                    log.skipRecord(where, null, "corrupt archive", "cannot inflate: " + e.getMessage() + "; reading stopped");
                    return;
                }
                OsvFileSource.readBytes(record.toByteArray(), where, sink, log);
            }
            if (entries == 0) {
                log.skipRecord(archive, null, "not a zip archive", "no entries found; not an osv.dev export");
            }
        }
    }

    private static ZipEntry nextEntry(ZipInputStream in, String archive, IngestLog log) throws IOException {
        try {
            return in.getNextEntry();
        } catch (ZipException e) {
            log.skipRecord(archive, null, "corrupt archive", "not a readable zip: " + e.getMessage() + "; reading stopped");
            return null;
        }
    }

    private String bomb(long entryBytes, long totalBytes, long compressedBytes) {
        if (entryBytes > limits.maxEntryBytes()) {
            return "entry expands past " + limits.maxEntryBytes() + " bytes";
        }
        if (totalBytes > limits.maxTotalBytes()) {
            return "archive expands past " + limits.maxTotalBytes() + " bytes";
        }
        // the buffered reader runs ahead of the inflater, so the compressed count is an upper bound
        if (entryBytes > RATIO_CHECK_FROM && entryBytes > limits.maxRatio() * Math.max(1, compressedBytes)) {
            return "entry expands more than " + limits.maxRatio() + " times";
        }
        return null;
    }

    /** Counts the compressed bytes the inflater has pulled from the file. */
    private static final class CountingInputStream extends FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }
    }
}
