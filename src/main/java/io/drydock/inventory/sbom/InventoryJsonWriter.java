package io.drydock.inventory.sbom;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.inventory.AnalysisWarning;
import io.drydock.inventory.Component;
import io.drydock.inventory.Inventory;

/** Drydock's own inventory JSON (schemaVersion 1), documented in docs/inventory-json.md. */
public final class InventoryJsonWriter implements SbomWriter {
    @Override
    public String name() {
        return "json";
    }

    @Override
    public String write(Inventory inv) {
        ObjectNode root = CycloneDxWriter.JSON.createObjectNode();
        root.put("schemaVersion", 1);
        root.put("image", inv.image());
        root.put("digest", inv.digest());
        root.put("complete", inv.complete());
        if (inv.os() != null) {
            ObjectNode os = root.putObject("os");
            os.put("id", inv.os().id());
            os.put("versionId", inv.os().versionId());
            os.put("prettyName", inv.os().prettyName());
        } else {
            root.putNull("os");
        }
        ArrayNode layers = root.putArray("layers");
        inv.layers().forEach(l -> layers.addObject().put("index", l.index()).put("digest", l.digest()).put("diffId", l.diffId())
                .put("createdBy", l.createdBy()));
        ArrayNode pkgs = root.putArray("packages");
        for (Component c : inv.components()) {
            ObjectNode p = pkgs.addObject();
            p.put("type", c.pkg().type());
            p.put("namespace", c.pkg().namespace());
            p.put("name", c.pkg().name());
            p.put("version", c.pkg().version());
            p.put("purl", c.purl());
            p.put("arch", c.pkg().arch());
            p.put("sourceName", c.pkg().sourceName());
            p.put("sourceVersion", c.pkg().sourceVersion());
            ArrayNode lic = p.putArray("licenses");
            c.pkg().licenses().forEach(lic::add);
            ArrayNode loc = p.putArray("locations");
            c.pkg().locations().forEach(loc::add);
            p.put("layerIndex", c.layer().index());
            p.put("layerDigest", c.layer().digest());
            p.put("createdBy", c.layer().createdBy());
            p.put("ownedBy", c.ownedBy());
            p.put("ownedFiles", c.pkg().ownedFiles().size());
            ObjectNode props = p.putObject("properties");
            c.pkg().properties().forEach(props::put);
        }
        ArrayNode warnings = root.putArray("warnings");
        for (AnalysisWarning w : inv.warnings()) warnings.addObject().put("analyzer", w.analyzer()).put("path", w.path()).put("message", w.message());
        return root.toPrettyString();
    }
}
