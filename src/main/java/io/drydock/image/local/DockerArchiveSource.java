package io.drydock.image.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.DrydockException;
import io.drydock.image.Descriptor;
import io.drydock.image.Digest;
import io.drydock.image.ImageConfig;
import io.drydock.image.ImageManifest;
import io.drydock.image.ImageReference;
import io.drydock.image.ImageSource;
import io.drydock.image.Manifest;
import io.drydock.image.ManifestCodec;
import io.drydock.image.MediaTypes;
import io.drydock.image.VerifyingInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code docker save} or skopeo {@code docker-archive:} tar. When the archive also carries an
 * OCI layout ({@code oci-layout} and {@code index.json}, which {@code docker save} writes since
 * Docker 25) that is read, exactly as {@link OciArchiveSource} would. Otherwise the classic
 * {@code manifest.json} is read: it has no manifest bytes, so a Docker schema 2 manifest is
 * synthesised whose blobs are the config and layer files, each digest being the SHA-256 of the
 * file (layers are hashed once per source and cached). Only uncompressed archives are read.
 */
public final class DockerArchiveSource implements ImageSource {
    /** Docker's media type for an uncompressed layer, which {@link MediaTypes} does not define. */
    public static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar";
    private static final long MAX_CONFIG_BYTES = 32L << 20;
    private static final long MAX_MANIFEST_JSON_BYTES = 16L << 20;
    private static final Pattern BLOB_PATH = Pattern.compile("blobs/sha256/([a-f0-9]{64})");
    private static final Pattern CONFIG_FILE_NAME = Pattern.compile("(?:.*/)?([a-f0-9]{64})\\.json");

    private final Path archive;
    private final String location;
    private final String defaultReference;
    private final TarArchiveFiles files;
    /** Set when the archive carries an OCI layout, which is then the only thing read. */
    private final OciLayoutReader ociLayout;
    private final List<ArchivedImage> images;

    // Filled lazily under the instance lock; blobEntries is also read without it.
    private final Map<String, HashedFile> hashedFiles = new HashMap<>();
    private final Map<Integer, ImageManifest> synthesised = new HashMap<>();
    private final Map<Digest, HashedFile> blobs = new ConcurrentHashMap<>();

    /** One element of manifest.json, with its paths checked to stay inside the archive. */
    private record ArchivedImage(int position, String config, List<String> repoTags, List<String> layers) {
        String describe() {
            return repoTags.isEmpty() ? "untagged image @" + position + " (" + config + ")" : String.join(", ", repoTags);
        }
    }

    /** A regular file of the archive as a blob: its entry, digest, size and sniffed media type. */
    private record HashedFile(String entry, Digest digest, long size, String mediaType) {
    }

    private DockerArchiveSource(Path archive, String defaultReference, TarArchiveFiles files, OciLayoutReader ociLayout,
                                List<ArchivedImage> images) {
        this.archive = archive;
        this.location = "docker-archive:" + archive;
        this.defaultReference = defaultReference;
        this.files = files;
        this.ociLayout = ociLayout;
        this.images = images;
    }

    /**
     * Opens the archive; {@code reference} (e.g. {@code app:1}, {@code @0} for the first image, a
     * digest, or null for the only image) is what {@code manifest(null)} reads.
     */
    public static DockerArchiveSource open(Path archive, String reference) {
        Path file = archive.toAbsolutePath().normalize();
        TarArchiveFiles files = TarArchiveFiles.open(file, "docker-archive");
        String location = "docker-archive:" + file;
        try {
            String defaultReference = OciLayoutSource.blankToNull(reference);
            if (OciLayoutReader.isLayout(files)) {
                return new DockerArchiveSource(file, defaultReference, files, new OciLayoutReader(files, location), List.of());
            }
            return new DockerArchiveSource(file, defaultReference, files, null, readManifestJson(files, location));
        } catch (IOException e) {
            DrydockException failure = new DrydockException(location + ": cannot read the archive: " + DrydockException.reason(e), e);
            OciArchiveSource.closeQuietly(files, failure);
            throw failure;
        } catch (RuntimeException e) {
            OciArchiveSource.closeQuietly(files, e);
            throw e;
        }
    }

    public static DockerArchiveSource open(Path archive) {
        return open(archive, null);
    }

    private static List<ArchivedImage> readManifestJson(TarArchiveFiles files, String location) throws IOException {
        String where = files.locate("manifest.json");
        long size = files.size("manifest.json");
        if (size < 0) {
            throw new DrydockException(location + " is not a docker archive: it has neither manifest.json nor an OCI layout"
                    + (files.size("repositories") >= 0 ? " (it looks like the pre-1.10 format, which is not supported)" : ""));
        }
        if (size > MAX_MANIFEST_JSON_BYTES) throw new DrydockException(where + " is " + size + " bytes, more than the limit of " + MAX_MANIFEST_JSON_BYTES);
        JsonNode root;
        try (InputStream in = files.open("manifest.json")) {
            root = OciLayoutReader.JSON.readTree(in.readNBytes((int) size));
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            String message = String.valueOf(e.getOriginalMessage());
            throw new DrydockException(where + " is not valid JSON: " + message);
        }
        if (root == null || !root.isArray()) throw new DrydockException(where + " is not a JSON array of images");
        List<ArchivedImage> images = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode node = root.get(i);
            String what = where + " image " + i;
            if (!node.isObject()) throw new DrydockException(what + " is not a JSON object");
            JsonNode config = node.get("Config");
            if (config == null || !config.isTextual()) throw new DrydockException(what + " has no Config path");
            List<String> repoTags = new ArrayList<>();
            for (JsonNode tag : node.path("RepoTags")) repoTags.add(tag.asText());
            JsonNode layers = node.get("Layers");
            if (layers == null || !layers.isArray()) throw new DrydockException(what + " has no Layers list");
            List<String> layerPaths = new ArrayList<>();
            for (int j = 0; j < layers.size(); j++) {
                layerPaths.add(insideArchive(layers.get(j).asText(), what + " Layers[" + j + "]"));
            }
            images.add(new ArchivedImage(i, insideArchive(config.asText(), what + " Config"), List.copyOf(repoTags), List.copyOf(layerPaths)));
        }
        return List.copyOf(images);
    }

    /** Normalises a path from manifest.json, refusing one that is absolute or climbs out of the archive. */
    private static String insideArchive(String path, String what) {
        String normalised = path.startsWith("/") ? null : TarArchiveFiles.normalise(path);
        if (normalised == null || normalised.isEmpty()) {
            throw new DrydockException(what + " is '" + path + "', which is not a path inside the archive");
        }
        return normalised;
    }

    /** The images' names: RepoTags for the classic format, index entry names for an OCI layout. */
    public List<String> tags() {
        if (ociLayout != null) return ociLayout.tags();
        return images.stream().map(ArchivedImage::describe).toList();
    }

    /** {@inheritDoc} A null or empty reference means the default reference, else the archive's only image. */
    @Override
    public Manifest manifest(String reference) {
        String wanted = reference == null || reference.isBlank() ? defaultReference : reference.strip();
        if (ociLayout != null) return ociLayout.manifest(wanted);
        return synthesise(select(wanted));
    }

    private ArchivedImage select(String wanted) {
        if (wanted == null) {
            if (images.size() == 1) return images.getFirst();
            if (images.isEmpty()) throw new DrydockException(location + " holds no images (its manifest.json is empty)");
            throw new DrydockException(location + " holds " + images.size() + " images; name one: " + String.join("; ", tags()));
        }
        if (wanted.matches("@[0-9]{1,9}")) {
            int position = Integer.parseInt(wanted.substring(1));
            if (position >= images.size()) {
                throw new DrydockException(location + " has no image " + wanted + "; it holds " + images.size());
            }
            return images.get(position);
        }
        if (wanted.startsWith("sha256:") || wanted.startsWith("sha512:")) {
            Digest digest;
            try {
                digest = Digest.parse(wanted);
            } catch (DrydockException e) {
                throw new DrydockException(location + ": " + e.getMessage(), e);
            }
            return selectByDigest(digest);
        }
        ImageReference requested;
        try {
            requested = ImageReference.parse(wanted);
        } catch (DrydockException e) {
            throw new DrydockException(location + ": " + e.getMessage(), e);
        }
        List<ArchivedImage> matches = images.stream()
                .filter(image -> image.repoTags().stream().anyMatch(tag -> sameNameAndTag(requested, tag)))
                .toList();
        if (matches.size() == 1) return matches.getFirst();
        if (matches.size() > 1) {
            throw new DrydockException(location + ": " + matches.size() + " images are tagged '" + wanted + "'; choose one with @0 .. @" + (images.size() - 1));
        }
        throw new DrydockException(location + " has no image tagged '" + wanted + "'; available: "
                + (images.isEmpty() ? "none" : String.join("; ", tags())));
    }

    private static boolean sameNameAndTag(ImageReference requested, String repoTag) {
        try {
            ImageReference candidate = ImageReference.parse(repoTag);
            return candidate.name().equals(requested.name()) && candidate.tag().equals(requested.tag());
        } catch (DrydockException e) {
            return false; // a malformed RepoTag names nothing that can be asked for
        }
    }

    /** A digest names an image by its config (Docker's image ID) or by its synthesised manifest. */
    private ArchivedImage selectByDigest(Digest digest) {
        for (ArchivedImage image : images) {
            if (hash(image.config(), "config of " + image.describe()).digest().equals(digest)) return image;
        }
        for (ArchivedImage image : images) {
            if (synthesise(image).digest().equals(digest)) return image;
        }
        throw new DrydockException(location + " has no image whose manifest or config digest is " + digest);
    }

    private synchronized ImageManifest synthesise(ArchivedImage image) {
        ImageManifest cached = synthesised.get(image.position());
        if (cached != null) return cached;
        String what = location + " image " + image.describe();
        HashedFile config = hash(image.config(), "config of " + image.describe());
        Digest named = digestFromName(image.config(), true);
        if (named != null && !named.equals(config.digest())) {
            throw new DrydockException(what + ": config " + image.config() + " has digest " + config.digest()
                    + " but its name says " + named + " (corrupt archive)");
        }
        if (config.size() > MAX_CONFIG_BYTES) {
            throw new DrydockException(what + ": config " + image.config() + " is " + config.size() + " bytes, more than the limit of " + MAX_CONFIG_BYTES);
        }
        ImageConfig parsedConfig = ImageConfig.parse(readVerified(config), what);
        List<Descriptor> layers = new ArrayList<>();
        for (int i = 0; i < image.layers().size(); i++) {
            String path = image.layers().get(i);
            HashedFile layer = hash(path, "layer " + i + " of " + image.describe());
            Digest layerNamed = digestFromName(path, false);
            if (layerNamed != null && !layerNamed.equals(layer.digest())) {
                throw new DrydockException(what + ": layer " + path + " has digest " + layer.digest() + " but its name says " + layerNamed + " (corrupt archive)");
            }
            // An uncompressed layer's digest is its diffID, which lets the config vouch for it.
            if (layer.mediaType().equals(DOCKER_LAYER) && parsedConfig.diffIds().size() == image.layers().size()
                    && !parsedConfig.diffIds().get(i).equals(layer.digest())) {
                throw new DrydockException(what + ": layer " + path + " has digest " + layer.digest()
                        + " but the config's diff_ids[" + i + "] is " + parsedConfig.diffIds().get(i) + " (corrupt archive)");
            }
            layers.add(Descriptor.of(layer.mediaType(), layer.digest(), layer.size()));
        }
        ImageManifest manifest = ManifestCodec.writeManifest(MediaTypes.DOCKER_MANIFEST, null,
                Descriptor.of(MediaTypes.DOCKER_CONFIG, config.digest(), config.size()), layers, null, null);
        synthesised.put(image.position(), manifest);
        return manifest;
    }

    /**
     * The SHA-256 a blob's file name claims: {@code blobs/sha256/<hex>}, or {@code <hex>.json} for a
     * config. Other names (Docker's {@code <v1 id>/layer.tar}) claim nothing.
     */
    private static Digest digestFromName(String path, boolean isConfig) {
        Matcher blob = BLOB_PATH.matcher(path);
        if (blob.matches()) return new Digest("sha256", blob.group(1));
        Matcher json = CONFIG_FILE_NAME.matcher(path);
        if (isConfig && json.matches()) return new Digest("sha256", json.group(1));
        return null;
    }

    /** Hashes the file {@code path} leads to (after links), once per entry, remembering it as a blob. */
    private synchronized HashedFile hash(String path, String what) {
        String entry = files.regularFile(path);
        if (entry == null) throw new DrydockException(location + ": " + what + " (" + path + ") is missing from the archive");
        HashedFile known = hashedFiles.get(entry);
        if (known != null) return known;
        MessageDigest sha256 = Hashing.sha256();
        byte[] head = new byte[4];
        int headLength = 0;
        long size = 0;
        try (InputStream in = files.open(entry)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                if (headLength < head.length) {
                    int take = Math.min(n, head.length - headLength);
                    System.arraycopy(buffer, 0, head, headLength, take);
                    headLength += take;
                }
                sha256.update(buffer, 0, n);
                size += n;
            }
        } catch (IOException e) {
            throw new DrydockException(location + ": reading " + what + " (" + path + ") failed: " + DrydockException.reason(e), e);
        }
        HashedFile hashed = new HashedFile(entry, Hashing.digest(sha256), size,
                sniffLayerType(head, headLength));
        hashedFiles.put(entry, hashed);
        blobs.putIfAbsent(hashed.digest(), hashed);
        return hashed;
    }

    private static String sniffLayerType(byte[] head, int length) {
        if (length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) return MediaTypes.DOCKER_LAYER_GZIP;
        // Docker has no zstd layer type of its own; registries and runtimes accept the OCI one in a Docker manifest.
        if (length >= 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5 && (head[2] & 0xff) == 0x2f && (head[3] & 0xff) == 0xfd) {
            return MediaTypes.OCI_LAYER_ZSTD;
        }
        return DOCKER_LAYER;
    }

    private byte[] readVerified(HashedFile file) {
        try (InputStream in = open(file)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new DrydockException(location + ": reading " + file.entry() + " failed: " + DrydockException.reason(e), e);
        }
    }

    private InputStream open(HashedFile file) throws IOException {
        // Verified again on every read: the file may have changed since it was hashed.
        return new VerifyingInputStream(files.open(file.entry()), file.digest(), file.size(), location + ": blob " + file.digest());
    }

    @Override
    public InputStream blob(Descriptor descriptor) {
        if (ociLayout != null) return ociLayout.blob(descriptor);
        Digest digest = descriptor.digest();
        HashedFile file = blobs.get(digest);
        if (file == null) {
            // Blobs become known as manifests are synthesised; a caller may ask before reading one.
            images.forEach(this::synthesise);
            file = blobs.get(digest);
        }
        if (file == null) throw new DrydockException(location + ": blob " + digest + " is not in the archive");
        if (descriptor.size() >= 0 && descriptor.size() != file.size()) {
            throw new DrydockException(location + ": blob " + digest + " is " + file.size() + " bytes but its descriptor declares " + descriptor.size());
        }
        try {
            return open(file);
        } catch (IOException e) {
            throw new DrydockException(location + ": cannot open blob " + digest + " (" + file.entry() + "): " + DrydockException.reason(e), e);
        }
    }

    @Override
    public String describe() {
        return location + (defaultReference != null ? ":" + defaultReference : "");
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
            throw new DrydockException(location + ": closing failed: " + DrydockException.reason(e), e);
        }
    }
}
