package io.drydock.image.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.DrydockException;
import io.drydock.image.Descriptor;
import io.drydock.image.Digest;
import io.drydock.image.ImageIndex;
import io.drydock.image.ImageReference;
import io.drydock.image.Manifest;
import io.drydock.image.ManifestCodec;
import io.drydock.image.MediaTypes;
import io.drydock.image.VerifyingInputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The OCI image layout logic shared by the directory, the oci-archive and the newer docker-archive:
 * reading {@code oci-layout} and {@code index.json}, finding the entry a reference names, and
 * reading blobs verified against their digests. Immutable once opened, so safe to share.
 */
final class OciLayoutReader {
    static final String REF_NAME = "org.opencontainers.image.ref.name";
    static final String CONTAINERD_NAME = "io.containerd.image.name";
    /** The limit registries apply to manifests; anything larger is not a manifest. */
    static final long MAX_MANIFEST_BYTES = 4L << 20;
    static final long MAX_INDEX_JSON_BYTES = 16L << 20;
    static final ObjectMapper JSON = new ObjectMapper();

    private final LayoutFiles files;
    private final String location;
    private final ImageIndex index;

    /**
     * Reads and checks {@code oci-layout} and {@code index.json}. {@code location} names the layout
     * in messages, e.g. {@code oci:/images/app}.
     */
    OciLayoutReader(LayoutFiles files, String location) {
        this.files = files;
        this.location = location;
        checkLayoutVersion();
        this.index = readIndex();
    }

    /** Whether {@code files} holds an OCI layout at its root (both marker files present). */
    static boolean isLayout(LayoutFiles files) throws IOException {
        return files.size("oci-layout") >= 0 && files.size("index.json") >= 0;
    }

    private void checkLayoutVersion() {
        byte[] raw = readFile("oci-layout", 1 << 16);
        if (raw == null) throw new DrydockException(location + " is not an OCI image layout: " + files.locate("oci-layout") + " is missing");
        JsonNode root = parseJson(raw, "oci-layout");
        String version = root.path("imageLayoutVersion").asText("");
        if (!version.startsWith("1.")) {
            throw new DrydockException(files.locate("oci-layout") + ": unsupported imageLayoutVersion '" + version + "' (Drydock reads version 1.x)");
        }
    }

    private ImageIndex readIndex() {
        byte[] raw = readFile("index.json", MAX_INDEX_JSON_BYTES);
        if (raw == null) throw new DrydockException(location + " is not an OCI image layout: " + files.locate("index.json") + " is missing");
        parseJson(raw, "index.json");
        Manifest parsed = ManifestCodec.parse(raw, MediaTypes.OCI_INDEX, files.locate("index.json"));
        if (!(parsed instanceof ImageIndex idx)) {
            throw new DrydockException(files.locate("index.json") + " is an image manifest, not an image index");
        }
        return idx;
    }

    private JsonNode parseJson(byte[] raw, String path) {
        JsonNode root;
        try {
            root = JSON.readTree(raw);
        } catch (IOException e) {
            String message = String.valueOf(DrydockException.reason(e));
            int newline = message.indexOf('\n');
            throw new DrydockException(files.locate(path) + " is not valid JSON: " + (newline > 0 ? message.substring(0, newline) : message));
        }
        if (root == null || !root.isObject()) throw new DrydockException(files.locate(path) + " is not a JSON object");
        return root;
    }

    /** A small file read whole, or null when absent. */
    private byte[] readFile(String path, long limit) {
        try {
            long size = files.size(path);
            if (size < 0) return null;
            if (size > limit) throw new DrydockException(files.locate(path) + " is " + size + " bytes, more than the limit of " + limit);
            try (InputStream in = files.open(path)) {
                return in.readNBytes((int) size);
            }
        } catch (IOException e) {
            throw new DrydockException("cannot read " + files.locate(path) + ": " + DrydockException.reason(e), e);
        }
    }

    ImageIndex index() {
        return index;
    }

    /** How each index.json entry is named, in index order: its tag, else its containerd name, else its digest. */
    List<String> tags() {
        return index.manifests().stream().map(OciLayoutReader::displayName).toList();
    }

    private static String displayName(Descriptor d) {
        String name = d.annotations().get(REF_NAME);
        if (name == null) name = d.annotations().get(CONTAINERD_NAME);
        return name != null ? name : "(untagged " + d.digest() + ")";
    }

    /**
     * The manifest or index {@code reference} names: a tag, a digest, or null/empty for the layout's
     * only entry. An entry that is an index is returned as such; choosing a platform is the caller's job.
     */
    Manifest manifest(String reference) {
        Descriptor descriptor = find(reference);
        byte[] raw = readVerified(descriptor, MAX_MANIFEST_BYTES, "manifest");
        return ManifestCodec.parse(raw, descriptor.mediaType(), location + " manifest " + descriptor.digest());
    }

    /** The descriptor a reference names; digests not listed in index.json (children of an index) are looked up as blobs. */
    Descriptor find(String reference) {
        List<Descriptor> entries = index.manifests();
        if (reference == null || reference.isBlank()) {
            if (entries.size() == 1) return entries.getFirst();
            if (entries.isEmpty()) throw new DrydockException(location + " holds no images (its index.json is empty)");
            throw new DrydockException(location + " holds " + entries.size() + " images; name one: " + String.join(", ", tags()));
        }
        String wanted = reference.strip();
        Digest digest = digestOrNull(wanted.startsWith("@") ? wanted.substring(1) : wanted);
        if (digest != null) {
            for (Descriptor d : entries) {
                if (d.digest().equals(digest)) return d;
            }
            long size = blobSize(digest);
            if (size < 0) throw new DrydockException(location + " has no manifest " + digest + " (not in index.json and no such blob)");
            // Not listed in index.json: a child of an index. The body carries its own media type.
            return Descriptor.of(null, digest, size);
        }
        Descriptor match = findByName(wanted);
        if (match == null) {
            throw new DrydockException(location + " has no image tagged '" + wanted + "'; available: "
                    + (entries.isEmpty() ? "none" : String.join(", ", tags())));
        }
        return match;
    }

    /** A reference is a digest when it looks like one; a malformed one is an error rather than a tag. */
    private Digest digestOrNull(String text) {
        if (!text.startsWith("sha256:") && !text.startsWith("sha512:")) return null;
        try {
            return Digest.parse(text);
        } catch (DrydockException e) {
            throw new DrydockException(location + ": " + e.getMessage(), e);
        }
    }

    /**
     * Matches a tag against the entries' names, strictest first: the exact ref.name or containerd
     * name, then a containerd name ending in {@code :tag}, then both sides normalised as image
     * references (so {@code app:1} matches {@code docker.io/library/app:1}).
     */
    private Descriptor findByName(String wanted) {
        List<Predicate<Descriptor>> rules = new ArrayList<>();
        rules.add(d -> wanted.equals(d.annotations().get(REF_NAME)) || wanted.equals(d.annotations().get(CONTAINERD_NAME)));
        if (!wanted.contains("/") && !wanted.contains(":")) {
            rules.add(d -> endsWithTag(d.annotations().get(CONTAINERD_NAME), wanted));
        } else {
            String normalised = normalisedOrNull(wanted);
            if (normalised != null) {
                rules.add(d -> normalised.equals(normalisedOrNull(d.annotations().get(REF_NAME)))
                        || normalised.equals(normalisedOrNull(d.annotations().get(CONTAINERD_NAME))));
            }
        }
        for (Predicate<Descriptor> rule : rules) {
            List<Descriptor> matches = index.manifests().stream().filter(rule).toList();
            Set<Digest> distinct = matches.stream().map(Descriptor::digest).collect(Collectors.toCollection(LinkedHashSet::new));
            if (distinct.size() == 1) return matches.getFirst();
            if (distinct.size() > 1) {
                throw new DrydockException(location + ": '" + wanted + "' matches " + distinct.size() + " different images ("
                        + matches.stream().map(OciLayoutReader::fullName).distinct().collect(Collectors.joining(", "))
                        + "); use the full name or a digest");
            }
        }
        return null;
    }

    private static String fullName(Descriptor d) {
        String name = d.annotations().get(CONTAINERD_NAME);
        return (name != null ? name : displayName(d)) + "@" + d.digest();
    }

    private static boolean endsWithTag(String name, String tag) {
        return name != null && name.endsWith(":" + tag) && name.lastIndexOf(':') > name.lastIndexOf('/');
    }

    private static String normalisedOrNull(String name) {
        if (name == null || (!name.contains("/") && !name.contains(":"))) return null;
        try {
            ImageReference ref = ImageReference.parse(name);
            return ref.name() + ":" + ref.tag();
        } catch (DrydockException e) {
            return null;
        }
    }

    static String blobPath(Digest digest) {
        // Safe to use as a path: Digest only admits known algorithms and lowercase hex.
        return "blobs/" + digest.algorithm() + "/" + digest.hex();
    }

    private long blobSize(Digest digest) {
        try {
            return files.size(blobPath(digest));
        } catch (IOException e) {
            throw new DrydockException(location + ": cannot read blob " + digest + " at " + files.locate(blobPath(digest)) + ": " + DrydockException.reason(e), e);
        }
    }

    /** Opens a blob; the stream fails at its end unless size and digest match the descriptor. */
    InputStream blob(Descriptor descriptor) {
        Digest digest = descriptor.digest();
        String path = blobPath(digest);
        long actual = blobSize(digest);
        if (actual < 0) throw new DrydockException(location + ": blob " + digest + " is missing (no " + files.locate(path) + ")");
        if (descriptor.size() >= 0 && actual != descriptor.size()) {
            throw new DrydockException(location + ": blob " + digest + " is " + actual + " bytes but its descriptor declares "
                    + descriptor.size() + " (corrupt or truncated: " + files.locate(path) + ")");
        }
        try {
            return new VerifyingInputStream(files.open(path), digest, actual, location + ": blob " + digest);
        } catch (IOException e) {
            throw new DrydockException(location + ": cannot open blob " + digest + " at " + files.locate(path) + ": " + DrydockException.reason(e), e);
        }
    }

    private byte[] readVerified(Descriptor descriptor, long limit, String what) {
        if (descriptor.size() > limit) {
            throw new DrydockException(location + ": " + what + " " + descriptor.digest() + " declares " + descriptor.size()
                    + " bytes, more than the limit of " + limit);
        }
        try (InputStream in = blob(descriptor)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.max(descriptor.size(), 256));
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new DrydockException(location + ": reading " + what + " " + descriptor.digest() + " failed: " + DrydockException.reason(e), e);
        }
    }
}
