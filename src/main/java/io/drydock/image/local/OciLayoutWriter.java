package io.drydock.image.local;

import io.drydock.DrydockException;
import io.drydock.image.Descriptor;
import io.drydock.image.Digest;
import io.drydock.image.ImageIndex;
import io.drydock.image.ImageManifest;
import io.drydock.image.Manifest;
import io.drydock.image.ManifestCodec;
import io.drydock.image.MediaTypes;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes an OCI image layout directory that skopeo ({@code oci:}), umoci and {@link OciLayoutSource}
 * read. Every file appears whole or not at all: content goes to a temporary file, is flushed to
 * disk, then renamed into place, so a crash or a failed write never leaves a partial blob or
 * index.json. One writer per layout at a time: index.json updates are read-modify-write.
 */
public final class OciLayoutWriter {
    private static final byte[] OCI_LAYOUT = "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);
    /** The ref.name grammar of the OCI image layout spec. */
    private static final Pattern REF_NAME = Pattern.compile(
            "[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*(?:/[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*)*");

    /** Content produced by writing to a stream, such as a layer being compressed. */
    @FunctionalInterface
    public interface BlobContent {
        void writeTo(OutputStream out) throws IOException;
    }

    private final Path directory;

    private OciLayoutWriter(Path directory) {
        this.directory = directory;
    }

    /**
     * Opens the layout at {@code directory} for adding, creating it (and the directory) when it
     * does not exist. A directory that holds other files but no layout is refused, not taken over.
     */
    public static OciLayoutWriter openOrCreate(Path directory) {
        Path dir = directory.toAbsolutePath().normalize();
        try {
            if (Files.exists(dir) && !Files.isDirectory(dir)) throw new DrydockException("oci:" + dir + " exists and is not a directory");
            Files.createDirectories(dir);
            OciLayoutWriter writer = new OciLayoutWriter(dir);
            if (Files.exists(dir.resolve("oci-layout"))) {
                new OciLayoutReader(new DirectoryFiles(dir), "oci:" + dir); // refuses a broken layout with a clear message
            } else {
                try (Stream<Path> children = Files.list(dir)) {
                    if (children.findAny().isPresent()) {
                        throw new DrydockException("oci:" + dir + " is not empty and is not an OCI layout (no oci-layout file); refusing to write into it");
                    }
                }
                Files.createDirectories(dir.resolve("blobs").resolve("sha256"));
                writer.replaceFile(dir.resolve("index.json"), ManifestCodec.writeIndex(MediaTypes.OCI_INDEX, List.of(), Map.of()).raw());
                // Written last: readers take this file to mean the layout is complete.
                writer.replaceFile(dir.resolve("oci-layout"), OCI_LAYOUT);
            }
            return writer;
        } catch (IOException e) {
            throw new DrydockException("oci:" + dir + ": cannot create an OCI layout there: " + DrydockException.reason(e), e);
        }
    }

    public Path directory() {
        return directory;
    }

    /** Stores {@code content}; an identical blob already present is reused. */
    public StoredBlob writeBlob(byte[] content) {
        Digest digest = Digest.sha256(content);
        if (present(digest, content.length)) return new StoredBlob(digest, content.length);
        return writeBlob(out -> out.write(content));
    }

    /** Stores everything {@code content} yields (the caller closes it); an identical blob already present is reused. */
    public StoredBlob writeBlob(InputStream content) {
        return writeBlob(content::transferTo);
    }

    /** Stores what {@code content} writes, hashing it on the way to disk; an identical blob already present is reused. */
    public StoredBlob writeBlob(BlobContent content) {
        Path temp = null;
        try {
            Path blobs = directory.resolve("blobs");
            Files.createDirectories(blobs.resolve("sha256"));
            // In blobs/, not blobs/sha256/, so tools that list blobs/sha256 never see an unfinished one.
            temp = Files.createTempFile(blobs, ".tmp-", ".part");
            Hashing.CountingOutputStream hashing;
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                hashing = new Hashing.CountingOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16));
                content.writeTo(hashing);
                hashing.flush();
                channel.force(true);
            }
            Digest digest = hashing.digest();
            Path target = blobPath(digest);
            if (!present(digest, hashing.count())) moveIntoPlace(temp, target);
            return new StoredBlob(digest, hashing.count());
        } catch (IOException e) {
            throw new DrydockException("oci:" + directory + ": writing a blob failed: " + DrydockException.reason(e), e);
        } finally {
            deleteQuietly(temp);
        }
    }

    /** Stores a manifest or index under its digest and returns the descriptor to tag it with. */
    public Descriptor writeManifest(Manifest manifest) {
        StoredBlob stored = writeBlob(manifest.raw());
        if (!stored.digest().equals(manifest.digest())) {
            throw new DrydockException("oci:" + directory + ": manifest " + manifest.digest() + " hashes to " + stored.digest() + "; its bytes were changed");
        }
        return switch (manifest) {
            case ImageManifest m -> m.descriptor();
            case ImageIndex i -> Descriptor.of(i.mediaType(), i.digest(), i.raw().length);
        };
    }

    /**
     * Writes a linux/amd64 image of the given layers: a config with {@code containerConfig} as its {@code config},
     * one history entry per layer, and an OCI manifest with the annotations. For images Drydock builds itself (the
     * demo, test images).
     */
    public Descriptor writeImage(List<BuiltLayer> layers, List<String> createdBy, String created,
                                 com.fasterxml.jackson.databind.node.ObjectNode containerConfig, Map<String, String> annotations) {
        com.fasterxml.jackson.databind.node.ObjectNode config = containerConfig.objectNode();
        config.put("created", created);
        config.put("architecture", "amd64");
        config.put("os", "linux");
        config.set("config", containerConfig);
        com.fasterxml.jackson.databind.node.ObjectNode rootfs = config.putObject("rootfs");
        rootfs.put("type", "layers");
        com.fasterxml.jackson.databind.node.ArrayNode diffIds = rootfs.putArray("diff_ids");
        layers.forEach(l -> diffIds.add(l.diffId().toString()));
        com.fasterxml.jackson.databind.node.ArrayNode history = config.putArray("history");
        createdBy.forEach(cb -> history.addObject().put("created", created).put("created_by", cb));
        StoredBlob configBlob = writeBlob(config.toString().getBytes(StandardCharsets.UTF_8));
        ImageManifest manifest = ManifestCodec.writeManifest(MediaTypes.OCI_MANIFEST, null, configBlob.descriptor(MediaTypes.OCI_CONFIG),
                layers.stream().map(BuiltLayer::descriptor).toList(), annotations, null);
        return writeManifest(manifest);
    }

    /**
     * Points {@code tag} at a manifest or index already stored in the layout, replacing the entry
     * that had that tag. The descriptor's media type is required (index.json entries must carry it).
     */
    public synchronized void tag(String tag, Descriptor manifest) {
        if (tag == null || !REF_NAME.matcher(tag).matches()) {
            throw new DrydockException("oci:" + directory + ": '" + tag + "' is not a valid tag for an OCI layout (letters, digits and -._:@+/ between them)");
        }
        if (manifest.mediaType() == null) throw new DrydockException("oci:" + directory + ": cannot tag " + manifest.digest() + " as '" + tag + "' without a media type");
        if (!present(manifest.digest(), manifest.size())) {
            throw new DrydockException("oci:" + directory + ": cannot tag " + manifest.digest() + " as '" + tag + "': the layout"
                    + " has no blob of that digest and size " + manifest.size() + " (write the manifest first)");
        }
        ImageIndex current = new OciLayoutReader(new DirectoryFiles(directory), "oci:" + directory).index();
        List<Descriptor> entries = new ArrayList<>();
        for (Descriptor entry : current.manifests()) {
            if (!tag.equals(entry.annotations().get(OciLayoutReader.REF_NAME))) entries.add(entry);
        }
        Map<String, String> annotations = new LinkedHashMap<>(manifest.annotations());
        annotations.put(OciLayoutReader.REF_NAME, tag);
        entries.add(manifest.withAnnotations(annotations));
        byte[] index = ManifestCodec.writeIndex(MediaTypes.OCI_INDEX, entries, current.annotations()).raw();
        try {
            replaceFile(directory.resolve("index.json"), index);
        } catch (IOException e) {
            throw new DrydockException("oci:" + directory + ": updating index.json failed: " + DrydockException.reason(e), e);
        }
    }

    private Path blobPath(Digest digest) {
        // Safe to use as a path: Digest only admits known algorithms and lowercase hex.
        return directory.resolve("blobs").resolve(digest.algorithm()).resolve(digest.hex());
    }

    /** Whether the blob is already stored. A file of the wrong size is corrupt and will be replaced. */
    private boolean present(Digest digest, long size) {
        try {
            return Files.size(blobPath(digest)) == size;
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new DrydockException("oci:" + directory + ": cannot read " + blobPath(digest) + ": " + DrydockException.reason(e), e);
        }
    }

    /** Writes {@code content} to a temporary sibling of {@code target}, flushes it to disk and renames it over {@code target}. */
    private void replaceFile(Path target, byte[] content) throws IOException {
        Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName() + "-", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                OutputStream out = Channels.newOutputStream(channel);
                out.write(content);
                channel.force(true);
            }
            moveIntoPlace(temp, target);
        } finally {
            deleteQuietly(temp);
        }
    }

    private static void moveIntoPlace(Path temp, Path target) throws IOException {
        // createTempFile makes the file 0600; layouts are shared with other tools and users like any other file.
        try {
            Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its defaults apply
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteQuietly(Path temp) {
        if (temp == null) return;
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // The write itself is reported; a leftover temporary file is harmless and named as one.
        }
    }
}
