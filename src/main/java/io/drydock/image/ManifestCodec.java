package io.drydock.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.DrydockException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads and writes manifests, indexes and descriptors as JSON, keeping the exact bytes. */
public final class ManifestCodec {
    static final ObjectMapper JSON = new ObjectMapper();

    private ManifestCodec() {
    }

    /**
     * Parses manifest bytes. The media type comes from the body when present, else from the
     * Content-Type the server sent (umoci's manifests have none in the body).
     */
    public static Manifest parse(byte[] raw, String contentType, String where) {
        JsonNode root;
        try {
            root = JSON.readTree(raw);
        } catch (IOException e) {
            throw new DrydockException("manifest from " + where + " is not valid JSON: " + firstLine(e));
        }
        if (root == null || !root.isObject()) throw new DrydockException("manifest from " + where + " is not a JSON object");
        String mediaType = text(root, "mediaType");
        if (mediaType == null && contentType != null) mediaType = contentType.split(";")[0].trim();
        if (mediaType == null || mediaType.isEmpty() || mediaType.equals("application/json")) {
            mediaType = root.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
        }
        Digest digest = Digest.sha256(raw);
        try {
            if (root.path("schemaVersion").asInt() == 1) {
                throw new DrydockException("manifest from " + where + " uses Docker schema 1, which is deprecated and not supported");
            }
            if (MediaTypes.isIndex(mediaType) || (root.has("manifests") && !root.has("layers"))) {
                return new ImageIndex(mediaType, digest, raw, descriptors(root.path("manifests"), where, "manifests"),
                        stringMap(root.get("annotations")), optionalDescriptor(root.get("subject"), where, "subject"));
            }
            if (!root.has("config")) throw new DrydockException("manifest from " + where + " has no config descriptor");
            return new ImageManifest(mediaType, digest, raw, descriptor(root.get("config"), where, "config"),
                    descriptors(root.path("layers"), where, "layers"), stringMap(root.get("annotations")),
                    optionalDescriptor(root.get("subject"), where, "subject"), text(root, "artifactType"));
        } catch (DrydockException e) {
            if (e.getMessage().contains(where)) throw e;
            throw new DrydockException("manifest from " + where + ": " + e.getMessage());
        }
    }

    private static List<Descriptor> descriptors(JsonNode array, String where, String field) {
        if (array.isMissingNode() || array.isNull()) return List.of();
        if (!array.isArray()) throw new DrydockException("manifest from " + where + ": '" + field + "' is not an array");
        List<Descriptor> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) out.add(descriptor(array.get(i), where, field + "[" + i + "]"));
        return out;
    }

    private static Descriptor optionalDescriptor(JsonNode node, String where, String field) {
        return node == null || node.isNull() ? null : descriptor(node, where, field);
    }

    static Descriptor descriptor(JsonNode node, String where, String field) {
        if (!node.isObject()) throw new DrydockException("manifest from " + where + ": '" + field + "' is not an object");
        String digest = text(node, "digest");
        if (digest == null) throw new DrydockException("manifest from " + where + ": '" + field + "' has no digest");
        if (!node.path("size").isIntegralNumber() || node.path("size").asLong() < 0) {
            throw new DrydockException("manifest from " + where + ": '" + field + "' has no valid size");
        }
        Platform platform = null;
        JsonNode p = node.get("platform");
        if (p != null && p.isObject()) {
            platform = new Platform(text(p, "os"), text(p, "architecture"), text(p, "variant"), text(p, "os.version"));
        }
        return new Descriptor(text(node, "mediaType"), Digest.parse(digest), node.get("size").asLong(), platform,
                stringMap(node.get("annotations")), text(node, "artifactType"));
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    static Map<String, String> stringMap(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node != null && node.isObject()) node.properties().forEach(e -> {
            if (!e.getValue().isNull()) out.put(e.getKey(), e.getValue().asText());
        });
        return out;
    }

    static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl > 0 ? m.substring(0, nl) : m;
    }

    public static ObjectNode descriptorJson(Descriptor d) {
        ObjectNode n = JSON.createObjectNode();
        if (d.mediaType() != null) n.put("mediaType", d.mediaType());
        if (d.artifactType() != null) n.put("artifactType", d.artifactType());
        n.put("digest", d.digest().toString());
        n.put("size", d.size());
        if (d.platform() != null) {
            ObjectNode p = n.putObject("platform");
            p.put("architecture", d.platform().architecture());
            p.put("os", d.platform().os());
            if (d.platform().osVersion() != null) p.put("os.version", d.platform().osVersion());
            if (d.platform().variant() != null) p.put("variant", d.platform().variant());
        }
        if (!d.annotations().isEmpty()) {
            ObjectNode a = n.putObject("annotations");
            d.annotations().forEach(a::put);
        }
        return n;
    }

    /** Serialises a new image manifest; the result's digest is over the bytes written. */
    public static ImageManifest writeManifest(String mediaType, String artifactType, Descriptor config, List<Descriptor> layers,
                                              Map<String, String> annotations, Descriptor subject) {
        ObjectNode root = JSON.createObjectNode();
        root.put("schemaVersion", 2);
        root.put("mediaType", mediaType);
        if (artifactType != null) root.put("artifactType", artifactType);
        root.set("config", descriptorJson(config));
        ArrayNode arr = root.putArray("layers");
        layers.forEach(l -> arr.add(descriptorJson(l)));
        if (subject != null) root.set("subject", descriptorJson(subject));
        if (annotations != null && !annotations.isEmpty()) {
            ObjectNode a = root.putObject("annotations");
            annotations.forEach(a::put);
        }
        byte[] raw = toBytes(root);
        return (ImageManifest) parse(raw, mediaType, "a manifest Drydock wrote");
    }

    public static ImageIndex writeIndex(String mediaType, List<Descriptor> manifests, Map<String, String> annotations) {
        ObjectNode root = JSON.createObjectNode();
        root.put("schemaVersion", 2);
        root.put("mediaType", mediaType);
        ArrayNode arr = root.putArray("manifests");
        manifests.forEach(m -> arr.add(descriptorJson(m)));
        if (annotations != null && !annotations.isEmpty()) {
            ObjectNode a = root.putObject("annotations");
            annotations.forEach(a::put);
        }
        return (ImageIndex) parse(toBytes(root), mediaType, "an index Drydock wrote");
    }

    static byte[] toBytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
