package io.drydock.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.DrydockException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The parts of an image configuration Drydock uses; {@code raw} keeps the exact bytes for rebasing. */
public record ImageConfig(String os, String architecture, String variant, String created, String user,
                          List<String> entrypoint, List<String> cmd, List<String> env, Map<String, String> labels,
                          String workingDir, List<Digest> diffIds, List<HistoryEntry> history, byte[] raw) {

    public record HistoryEntry(String created, String createdBy, String comment, boolean emptyLayer) {
    }

    public ImageConfig {
        entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
        cmd = cmd == null ? null : List.copyOf(cmd);
        env = List.copyOf(env);
        labels = Map.copyOf(labels);
        diffIds = List.copyOf(diffIds);
        history = List.copyOf(history);
    }

    public static ImageConfig parse(byte[] raw, String where) {
        JsonNode root;
        try {
            root = ManifestCodec.JSON.readTree(raw);
        } catch (IOException e) {
            throw new DrydockException("image config of " + where + " is not valid JSON: " + ManifestCodec.firstLine(e));
        }
        if (root == null || !root.isObject()) throw new DrydockException("image config of " + where + " is not a JSON object");
        JsonNode c = root.path("config");
        List<Digest> diffIds = new ArrayList<>();
        for (JsonNode d : root.path("rootfs").path("diff_ids")) {
            try {
                diffIds.add(Digest.parse(d.asText()));
            } catch (DrydockException e) {
                throw new DrydockException("image config of " + where + ": rootfs.diff_ids: " + e.getMessage());
            }
        }
        List<HistoryEntry> history = new ArrayList<>();
        for (JsonNode h : root.path("history")) {
            history.add(new HistoryEntry(ManifestCodec.text(h, "created"), ManifestCodec.text(h, "created_by"),
                    ManifestCodec.text(h, "comment"), h.path("empty_layer").asBoolean(false)));
        }
        return new ImageConfig(ManifestCodec.text(root, "os"), ManifestCodec.text(root, "architecture"),
                ManifestCodec.text(root, "variant"), ManifestCodec.text(root, "created"), ManifestCodec.text(c, "User"),
                stringList(c.get("Entrypoint")), stringList(c.get("Cmd")),
                stringList(c.get("Env")) == null ? List.of() : stringList(c.get("Env")),
                ManifestCodec.stringMap(c.get("Labels")), ManifestCodec.text(c, "WorkingDir"), diffIds, history, raw);
    }

    private static List<String> stringList(JsonNode node) {
        if (node == null || node.isNull() || !node.isArray()) return null;
        List<String> out = new ArrayList<>();
        node.forEach(n -> out.add(n.asText()));
        return out;
    }

    /**
     * The history entry that created each layer, in layer order. History entries marked
     * {@code empty_layer} created no layer; a config with too little history yields nulls.
     */
    public List<String> createdByPerLayer(int layerCount) {
        List<String> out = new ArrayList<>(layerCount);
        for (HistoryEntry h : history) {
            if (!h.emptyLayer() && out.size() < layerCount) out.add(h.createdBy());
        }
        while (out.size() < layerCount) out.add(null);
        return out;
    }

    public Platform platform() {
        return new Platform(os, architecture, variant, null);
    }
}
