package io.drydock.layer;

import io.airlift.compress.zstd.ZstdInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Reads one layer blob (gzip, zstd or plain tar, recognised by content) in a single streaming pass, checks every
 * entry for paths and links that leave the image root, and hands entries to a {@link LayerVisitor}. Nothing is
 * written to disk and no entry is buffered whole: memory is a few buffers plus whatever the visitor keeps.
 *
 * <p>Every failure is a {@link LayerException} naming the image, the layer and, where one is to blame, the entry.
 * Instances are immutable and may be shared between threads; each {@link #read} call has its own state.
 */
public final class LayerReader {

    /** ".wh." prefix marks a whiteout; ".wh..wh..opq" marks an opaque directory (OCI image spec, layer changesets). */
    static final String WHITEOUT_PREFIX = ".wh.";
    static final String OPAQUE_MARKER = ".wh..wh..opq";
    /** Other ".wh..wh." names are AUFS bookkeeping (e.g. ".wh..wh.plnk"); Docker ignores them and so do we. */
    private static final String AUFS_META_PREFIX = ".wh..wh.";

    /**
     * Compressed-side read size, i.e. how much GZIPInputStream hands the inflater per native call. On the bench
     * layer its default of 512 bytes was 50-100% slower than 64 KiB; 8 KiB came within a few percent.
     */
    static final int COMPRESSED_BUFFER = 64 * 1024;
    /**
     * Uncompressed-side buffer. Visitors that read 8 KiB at a time ran about 25% faster over 128 KiB than over
     * 8 KiB, since each small read would otherwise be its own native inflate call; reads larger than this bypass it.
     */
    static final int UNCOMPRESSED_BUFFER = 128 * 1024;

    private final LayerLimits limits;
    private final boolean computeDiffId;

    public LayerReader() {
        this(LayerLimits.DEFAULTS, false);
    }

    public LayerReader(LayerLimits limits) {
        this(limits, false);
    }

    private LayerReader(LayerLimits limits, boolean computeDiffId) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.computeDiffId = computeDiffId;
    }

    /**
     * A reader that also hashes the uncompressed tar, reports it in {@link LayerSummary#diffId()} and, when the
     * {@link LayerInfo} carries a diffID, fails with {@link LayerException.Problem#DIFF_ID_MISMATCH} if they differ.
     * Costs one SHA-256 pass over the uncompressed bytes: about 20% more time on the bench layer.
     */
    public LayerReader verifyingDiffIds() {
        return new LayerReader(limits, true);
    }

    public LayerLimits limits() {
        return limits;
    }

    /**
     * Reads a layer from start to end.
     *
     * @param blob    the layer blob as stored in the registry; read to its end but not closed
     * @param image   how to name the image in error messages, e.g. {@code docker.io/library/debian:12}
     * @param layer   which layer this is
     * @param visitor receives every entry, whiteout and opaque marker in tar order
     * @throws LayerException when the layer is truncated, corrupt, unsafe or over a limit, or the visitor fails
     *                        with an IOException; unchecked exceptions from the visitor pass through unchanged
     */
    public LayerSummary read(InputStream blob, String image, LayerInfo layer, LayerVisitor visitor) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(visitor, "visitor");
        return new Pass(new SourceInput(blob), image, layer, visitor).run();
    }

    /** State of one read; the reader itself stays immutable. */
    private final class Pass {
        private final SourceInput source;
        private final String image;
        private final LayerInfo layer;
        private final LayerVisitor visitor;
        private Compression compression = Compression.NONE;
        private InputStream decompressor;
        private DecompressedInput uncompressed;
        private SafeTarInputStream tar;
        private MessageDigest digest;
        /** Raw name of the entry being processed, for error messages. */
        private String currentEntry;
        private long entries;

        Pass(SourceInput source, String image, LayerInfo layer, LayerVisitor visitor) {
            this.source = source;
            this.image = image;
            this.layer = layer;
            this.visitor = visitor;
        }

        LayerSummary run() {
            try {
                openStreams();
                EntryContent content = new EntryContent(tar, limits, image, layer);
                TarArchiveEntry tarEntry;
                while ((tarEntry = nextEntry()) != null) {
                    if (++entries > limits.maxEntries()) {
                        throw fail(LayerException.Problem.LIMIT_EXCEEDED, currentEntry,
                                "more than " + limits.maxEntries() + " entries (the configured limit)");
                    }
                    visit(tarEntry, content);
                }
                if (tar.endedWithoutMarker() && entries > 0) {
                    // A tar that stops at a record boundary without its two zero records was cut short: a gzip
                    // stream truncated exactly between members looks like that, and would otherwise read as complete.
                    throw fail(LayerException.Problem.TRUNCATED, null, "truncated " + compression.streamName()
                            + " stream: the tar has no end-of-archive marker (" + entries + " entries read)");
                }
                currentEntry = null;
                uncompressed.drain();
                return new LayerSummary(layer, compression, source.count(), uncompressed.total(), entries,
                        checkedDiffId());
            } catch (IOException e) {
                throw translate(e, false);
            } finally {
                closeDecompressor();
            }
        }

        /** Frees the inflater's native memory now rather than whenever the GC gets to it; the blob stays open. */
        private void closeDecompressor() {
            if (decompressor != null && decompressor != source) {
                try {
                    decompressor.close();
                } catch (IOException | RuntimeException e) {
                    // nothing useful to do: the read already succeeded or failed for a better reason
                }
            }
        }

        private void openStreams() throws IOException {
            byte[] head = source.peekHead();
            Optional<Compression> detected = Compression.detect(head, source.headLength());
            if (detected.isEmpty()) {
                throw fail(LayerException.Problem.UNSUPPORTED_FORMAT, null, "the layer is "
                        + Compression.describeUnsupported(head, source.headLength())
                        + "-compressed; only gzip, zstd and plain tar layers are supported");
            }
            compression = detected.get();
            try {
                decompressor = switch (compression) {
                    case NONE -> source;
                    case GZIP -> new GZIPInputStream(source, COMPRESSED_BUFFER);
                    case ZSTD -> new ZstdInputStream(source);
                };
            } catch (IOException e) {
                // GZIPInputStream reads the gzip header in its constructor
                throw translateDecompressor(new DecompressedInput.DecompressionFailure(e));
            }
            digest = computeDiffId ? newDigest() : null;
            uncompressed = new DecompressedInput(decompressor, UNCOMPRESSED_BUFFER, limits.maxLayerBytes(), digest);
            tar = new SafeTarInputStream(uncompressed, limits.maxMetadataBytes());
        }

        private TarArchiveEntry nextEntry() throws IOException {
            try {
                TarArchiveEntry next = tar.getNextEntry();
                currentEntry = next == null ? null : next.getName();
                return next;
            } catch (IOException e) {
                throw translate(e, false);
            } catch (RuntimeException e) {
                // commons-compress reports some malformed headers with unchecked exceptions
                throw translate(new IOException(e.getMessage(), e), false);
            }
        }

        private void visit(TarArchiveEntry tarEntry, EntryContent content) throws IOException {
            String rawName = tarEntry.getName();
            String path = LayerPaths.normalize(rawName);
            if (path == LayerPaths.ESCAPES) {
                throw fail(LayerException.Problem.PATH_ESCAPE, rawName,
                        "entry '" + rawName + "' climbs above the image root with '..'");
            }
            if (path.isEmpty()) {
                return; // the root directory itself ("./" or "/"): nothing to report
            }
            String name = path.substring(path.lastIndexOf('/') + 1);
            if (name.startsWith(WHITEOUT_PREFIX)) {
                visitWhiteout(rawName, path, name);
                return;
            }
            LayerEntry entry = toEntry(tarEntry, rawName, path);
            content.begin(entry);
            try {
                visitor.entry(entry, content);
            } catch (IOException e) {
                throw translate(e, true);
            } finally {
                content.end();
            }
            // A visitor may have caught a failure of the stream and carried on; the layer is still broken.
            IOException streamFailure = streamFailure();
            if (streamFailure != null) {
                throw translate(streamFailure, false);
            }
        }

        private void visitWhiteout(String rawName, String path, String name) throws IOException {
            String directory = LayerPaths.parent(path);
            try {
                if (name.equals(OPAQUE_MARKER)) {
                    visitor.opaqueDirectory(directory);
                } else if (!name.startsWith(AUFS_META_PREFIX)) {
                    String target = name.substring(WHITEOUT_PREFIX.length());
                    if (target.isEmpty() || target.equals(".") || target.equals("..")) {
                        // ".wh.." would delete the parent directory itself, ".wh..." its parent
                        throw fail(LayerException.Problem.PATH_ESCAPE, rawName,
                                "whiteout '" + rawName + "' does not name an entry of its directory");
                    }
                    visitor.whiteout(LayerPaths.child(directory, target));
                }
            } catch (IOException e) {
                throw translate(e, true);
            }
        }

        private LayerEntry toEntry(TarArchiveEntry tarEntry, String rawName, String path) {
            EntryType type = typeOf(tarEntry);
            String linkTarget = null;
            if (type == EntryType.SYMLINK) {
                linkTarget = tarEntry.getLinkName();
                if (LayerPaths.symlinkEscapes(path, linkTarget)) {
                    throw fail(LayerException.Problem.LINK_ESCAPE, rawName, "symlink '" + rawName + "' -> '"
                            + linkTarget + "' points above the image root");
                }
            } else if (type == EntryType.HARDLINK) {
                linkTarget = LayerPaths.normalize(tarEntry.getLinkName());
                if (linkTarget == LayerPaths.ESCAPES || linkTarget.isEmpty()) {
                    throw fail(LayerException.Problem.LINK_ESCAPE, rawName, "hard link '" + rawName + "' -> '"
                            + tarEntry.getLinkName() + "' points "
                            + (linkTarget == null ? "above the image root" : "at the image root"));
                }
            }
            long size = type == EntryType.FILE ? tarEntry.getRealSize() : 0;
            return new LayerEntry(path, type, size, tarEntry.getMode() & 07777, tarEntry.getLongUserId(),
                    tarEntry.getLongGroupId(), tarEntry.getLastModifiedTime().toInstant(), linkTarget);
        }

        /**
         * Classified by the type flag: commons-compress's isFile() also answers true for devices and FIFOs, and
         * their content (if any) must not reach analysers as a file.
         */
        private static EntryType typeOf(TarArchiveEntry tarEntry) {
            if (tarEntry.isSymbolicLink()) {
                return EntryType.SYMLINK;
            }
            if (tarEntry.isLink()) {
                return EntryType.HARDLINK;
            }
            if (tarEntry.isDirectory()) {
                return EntryType.DIRECTORY;
            }
            return switch (tarEntry.getLinkFlag()) {
                case TarConstants.LF_NORMAL, TarConstants.LF_OLDNORM, TarConstants.LF_CONTIG,
                        TarConstants.LF_GNUTYPE_SPARSE -> EntryType.FILE;
                default -> EntryType.OTHER;
            };
        }

        private String checkedDiffId() {
            if (digest == null) {
                return null;
            }
            String computed = digestPrefix() + HexFormat.of().formatHex(digest.digest());
            if (layer.diffId() != null && !layer.diffId().equals(computed)) {
                throw fail(LayerException.Problem.DIFF_ID_MISMATCH, null, "the uncompressed layer is " + computed
                        + " but the image config says its diffID is " + layer.diffId());
            }
            return computed;
        }

        private MessageDigest newDigest() {
            String algorithm = digestPrefix().equals("sha512:") ? "SHA-512" : "SHA-256";
            try {
                return MessageDigest.getInstance(algorithm);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(algorithm + " is required of every Java platform", e);
            }
        }

        private String digestPrefix() {
            return layer.diffId() != null && layer.diffId().startsWith("sha512:") ? "sha512:" : "sha256:";
        }

        private IOException streamFailure() {
            if (source.failure() != null) {
                return source.failure();
            }
            if (uncompressed.failure() != null) {
                return uncompressed.failure();
            }
            return tar.failure();
        }

        /**
         * Turns an IOException into the LayerException a user should see. The streams remember their first
         * failure, so the cause is found there rather than guessed from whichever wrapper the exception came through.
         */
        private LayerException translate(IOException e, boolean fromVisitor) {
            if (source.failure() != null) {
                return fail(LayerException.Problem.SOURCE_FAILED, currentEntry, "reading the blob failed after "
                        + source.count() + " bytes" + where() + ": " + source.failure().getMessage(),
                        source.failure());
            }
            if (uncompressed == null) {
                return fail(LayerException.Problem.CORRUPT, null, "unreadable layer: " + e.getMessage(), e);
            }
            IOException failure = uncompressed.failure();
            if (failure instanceof DecompressedInput.LimitExceeded) {
                return fail(LayerException.Problem.LIMIT_EXCEEDED, currentEntry, "the uncompressed layer is larger"
                        + " than the limit of " + limits.maxLayerBytes() + " bytes" + where(), failure);
            }
            if (failure instanceof DecompressedInput.DecompressionFailure decompression) {
                return translateDecompressor(decompression);
            }
            IOException tarFailure = tar.failure();
            if (tarFailure instanceof SafeTarInputStream.MetadataTooLarge) {
                return fail(LayerException.Problem.LIMIT_EXCEEDED, currentEntry, tarFailure.getMessage() + where(),
                        tarFailure);
            }
            if (tarFailure != null || !fromVisitor) {
                IOException cause = tarFailure != null ? tarFailure : e;
                if (uncompressed.endReached() || cause instanceof SafeTarInputStream.TruncatedRecord
                        || cause instanceof EOFException) {
                    return fail(LayerException.Problem.TRUNCATED, currentEntry, "truncated "
                            + compression.streamName() + " stream: the tar ends early" + where(), cause);
                }
                return fail(LayerException.Problem.CORRUPT, currentEntry,
                        "corrupt tar stream" + where() + ": " + cause.getMessage(), cause);
            }
            return fail(LayerException.Problem.VISITOR_FAILED, currentEntry,
                    "analysing entry '" + currentEntry + "' failed: " + e.getMessage(), e);
        }

        private LayerException translateDecompressor(DecompressedInput.DecompressionFailure failure) {
            IOException cause = (IOException) failure.getCause();
            if (source.failure() != null) {
                return translate(failure, false);
            }
            // Running out of input is EOFException from GZIPInputStream ("Unexpected end of ZLIB input stream") and
            // a plain IOException from aircompressor ("Not enough input bytes"). Bad data is a ZipException, or an
            // unchecked MalformedInputException from aircompressor, even when the input happens to be used up too.
            boolean malformed = cause instanceof ZipException || cause.getCause() instanceof RuntimeException;
            if (cause instanceof EOFException || (!malformed && source.endReached())) {
                return fail(LayerException.Problem.TRUNCATED, currentEntry, "truncated " + compression.streamName()
                        + " stream: the compressed data ends after " + source.count() + " bytes" + where(), cause);
            }
            return fail(LayerException.Problem.CORRUPT, currentEntry, "corrupt " + compression.streamName()
                    + " stream after " + source.count() + " compressed bytes" + where() + ": " + cause.getMessage(),
                    cause);
        }

        private String where() {
            return currentEntry == null ? "" : " (in entry '" + currentEntry + "')";
        }

        private LayerException fail(LayerException.Problem problem, String entry, String detail) {
            return fail(problem, entry, detail, null);
        }

        private LayerException fail(LayerException.Problem problem, String entry, String detail, Throwable cause) {
            return new LayerException(problem, image, layer, entry, detail, cause);
        }
    }
}
