package io.drydock.image.local;

import io.drydock.DrydockException;
import io.drydock.image.Descriptor;
import io.drydock.image.ImageSource;
import io.drydock.image.Manifest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * An OCI image layout packed in a plain tar file, as skopeo's {@code oci-archive:} and
 * {@code buildah push oci-archive:} write it. Blobs are read in place, never extracted. Compressed
 * archives are refused with a message saying how to decompress them: serving blobs from a gzip
 * stream would mean decompressing from the start for every blob.
 */
public final class OciArchiveSource implements ImageSource {
    private final Path archive;
    private final String defaultReference;
    private final TarArchiveFiles files;
    private final OciLayoutReader layout;

    private OciArchiveSource(Path archive, String defaultReference, TarArchiveFiles files, OciLayoutReader layout) {
        this.archive = archive;
        this.defaultReference = defaultReference;
        this.files = files;
        this.layout = layout;
    }

    /** Opens the archive; {@code reference} (tag, digest, or null) is what {@code manifest(null)} reads. */
    public static OciArchiveSource open(Path archive, String reference) {
        Path file = archive.toAbsolutePath().normalize();
        TarArchiveFiles files = TarArchiveFiles.open(file, "oci-archive");
        try {
            if (files.size("oci-layout") < 0 && files.size("manifest.json") >= 0) {
                throw new DrydockException("oci-archive:" + file + " is a docker archive (it has manifest.json but no oci-layout); open it as docker-archive:" + file);
            }
            return new OciArchiveSource(file, OciLayoutSource.blankToNull(reference), files, new OciLayoutReader(files, "oci-archive:" + file));
        } catch (RuntimeException e) {
            closeQuietly(files, e);
            throw e;
        }
    }

    public static OciArchiveSource open(Path archive) {
        return open(archive, null);
    }

    static void closeQuietly(TarArchiveFiles files, RuntimeException failure) {
        try {
            files.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    /** The names of the layout's entries (tags where present), in index.json order. */
    public List<String> tags() {
        return layout.tags();
    }

    /** {@inheritDoc} A null or empty reference means the default reference, else the archive's only entry. */
    @Override
    public Manifest manifest(String reference) {
        return layout.manifest(reference == null || reference.isBlank() ? defaultReference : reference);
    }

    @Override
    public InputStream blob(Descriptor descriptor) {
        return layout.blob(descriptor);
    }

    @Override
    public String describe() {
        return "oci-archive:" + archive + (defaultReference != null ? ":" + defaultReference : "");
    }

    @Override
    public String defaultReference() {
        return defaultReference;
    }

    /** The archive file, as an absolute path. */
    public Path archive() {
        return archive;
    }

    /** Releases the archive's file handle; streams still open fail on their next read. */
    @Override
    public void close() {
        try {
            files.close();
        } catch (IOException e) {
            throw new DrydockException("oci-archive:" + archive + ": closing failed: " + DrydockException.reason(e), e);
        }
    }
}
