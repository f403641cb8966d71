package io.drydock.image.local;

import io.drydock.DrydockException;
import io.drydock.image.Descriptor;
import io.drydock.image.ImageSource;
import io.drydock.image.Manifest;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An OCI image layout directory ({@code oci-layout}, {@code index.json}, {@code blobs/<alg>/<hex>}),
 * as skopeo's {@code oci:} transport, umoci and {@code buildah push oci:} write it. Tags are the
 * index entries' {@code org.opencontainers.image.ref.name}; containerd-style
 * {@code io.containerd.image.name} annotations are matched too.
 */
public final class OciLayoutSource implements ImageSource {
    private final Path directory;
    private final String defaultReference;
    private final OciLayoutReader layout;

    private OciLayoutSource(Path directory, String defaultReference, OciLayoutReader layout) {
        this.directory = directory;
        this.defaultReference = defaultReference;
        this.layout = layout;
    }

    /** Opens the layout at {@code directory}; {@code reference} (tag, digest, or null) is what {@code manifest(null)} reads. */
    public static OciLayoutSource open(Path directory, String reference) {
        Path dir = directory.toAbsolutePath().normalize();
        if (Files.isRegularFile(dir)) {
            throw new DrydockException("oci:" + dir + " is a file, not a directory (for a tar of a layout use oci-archive:" + dir + ")");
        }
        if (!Files.isDirectory(dir)) throw new DrydockException("oci:" + dir + " does not exist");
        return new OciLayoutSource(dir, blankToNull(reference), new OciLayoutReader(new DirectoryFiles(dir), "oci:" + dir));
    }

    public static OciLayoutSource open(Path directory) {
        return open(directory, null);
    }

    static String blankToNull(String reference) {
        return reference == null || reference.isBlank() ? null : reference.strip();
    }

    /** The names of the layout's entries (tags where present), in index.json order. */
    public List<String> tags() {
        return layout.tags();
    }

    /** {@inheritDoc} A null or empty reference means the default reference, else the layout's only entry. */
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
        return "oci:" + directory + (defaultReference != null ? ":" + defaultReference : "");
    }

    @Override
    public String defaultReference() {
        return defaultReference;
    }

    public Path directory() {
        return directory;
    }
}
