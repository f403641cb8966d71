package io.drydock.inventory.sbom;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.inventory.Component;
import io.drydock.inventory.Inventory;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * CycloneDX 1.6 JSON. The image is the metadata component; each package records the layer that
 * installed it and, for a language package an OS package installed, the bom-ref of that OS package
 * (as a property and as a dependency of the owner on it).
 */
public final class CycloneDxWriter implements SbomWriter {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public String name() {
        return "cyclonedx";
    }

    @Override
    public String write(Inventory inv) {
        return JSON.valueToTree(build(inv)).toPrettyString();
    }

    public ObjectNode build(Inventory inv) {
        ObjectNode bom = JSON.createObjectNode();
        bom.put("bomFormat", "CycloneDX");
        bom.put("specVersion", "1.6");
        // Same inventory, same serial number: the SBOM of an image is reproducible.
        bom.put("serialNumber", "urn:uuid:" + UUID.nameUUIDFromBytes((inv.digest() + "drydock-cdx").getBytes(StandardCharsets.UTF_8)));
        bom.put("version", 1);
        ObjectNode metadata = bom.putObject("metadata");
        metadata.put("timestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        ObjectNode tool = metadata.putObject("tools").putArray("components").addObject();
        tool.put("type", "application");
        tool.put("name", "drydock");
        tool.put("version", version());
        ObjectNode image = metadata.putObject("component");
        String imageRef = "image:" + inv.digest();
        image.put("bom-ref", imageRef);
        image.put("type", "container");
        image.put("name", inv.image());
        image.put("version", inv.digest());
        ArrayNode imageProps = image.putArray("properties");
        if (inv.os() != null) prop(imageProps, "drydock:os", inv.os().toString());
        for (var l : inv.layers()) {
            prop(imageProps, "drydock:layer:" + l.index() + ":digest", l.digest());
            if (l.diffId() != null) prop(imageProps, "drydock:layer:" + l.index() + ":diffID", l.diffId());
            if (l.createdBy() != null) prop(imageProps, "drydock:layer:" + l.index() + ":createdBy", l.createdBy());
        }
        if (!inv.complete()) prop(imageProps, "drydock:inventory:complete", "false");
        if (inv.os() != null) {
            ObjectNode os = bom.putArray("components").addObject();
            os.put("bom-ref", "os:" + inv.os().id() + "-" + inv.os().versionId());
            os.put("type", "operating-system");
            os.put("name", inv.os().id());
            os.put("version", inv.os().versionId());
            if (inv.os().prettyName() != null) os.put("description", inv.os().prettyName());
        }
        ArrayNode components = bom.has("components") ? (ArrayNode) bom.get("components") : bom.putArray("components");
        Map<String, List<String>> owns = new LinkedHashMap<>();
        Map<String, String> refs = refs(inv);
        Map<String, String> ownerRefs = ownerRefs(inv, refs);
        for (Component c : inv.components()) {
            ObjectNode n = components.addObject();
            n.put("bom-ref", refs.get(c.ref()));
            n.put("type", "library");
            if (c.pkg().namespace() != null) n.put("group", c.pkg().namespace());
            n.put("name", c.pkg().name());
            n.put("version", c.pkg().version());
            n.put("purl", c.purl());
            if (!c.pkg().licenses().isEmpty()) {
                ArrayNode lic = n.putArray("licenses");
                for (String l : c.pkg().licenses()) lic.addObject().putObject("license").put("name", l);
            }
            String sha1 = c.pkg().properties().get("sha1");
            if (sha1 != null && sha1.matches("[0-9a-f]{40}")) n.putArray("hashes").addObject().put("alg", "SHA-1").put("content", sha1);
            ArrayNode props = n.putArray("properties");
            prop(props, "drydock:package:type", c.pkg().type());
            for (String loc : c.pkg().locations()) prop(props, "drydock:location", loc);
            prop(props, "drydock:layer:index", String.valueOf(c.layer().index()));
            prop(props, "drydock:layer:digest", c.layer().digest());
            if (c.layer().diffId() != null) prop(props, "drydock:layer:diffID", c.layer().diffId());
            if (c.layer().createdBy() != null) prop(props, "drydock:layer:createdBy", c.layer().createdBy());
            if (c.pkg().sourceName() != null) prop(props, "drydock:source:name", c.pkg().sourceName());
            if (c.pkg().sourceVersion() != null) prop(props, "drydock:source:version", c.pkg().sourceVersion());
            if (c.pkg().arch() != null) prop(props, "drydock:arch", c.pkg().arch());
            c.pkg().properties().forEach((k, v) -> prop(props, "drydock:" + k, v));
            if (c.ownedBy() != null) {
                String ownerRef = ownerRefs.get(c.ownedBy());
                if (ownerRef != null) {
                    prop(props, "drydock:package:ownedBy", ownerRef);
                    owns.computeIfAbsent(ownerRef, k -> new java.util.ArrayList<>()).add(refs.get(c.ref()));
                }
            }
        }
        ArrayNode deps = bom.putArray("dependencies");
        ObjectNode top = deps.addObject();
        top.put("ref", imageRef);
        ArrayNode topDeps = top.putArray("dependsOn");
        for (Component c : inv.components()) if (c.ownedBy() == null) topDeps.add(refs.get(c.ref()));
        owns.forEach((owner, owned) -> {
            ObjectNode d = deps.addObject();
            d.put("ref", owner);
            ArrayNode on = d.putArray("dependsOn");
            owned.forEach(on::add);
        });
        return bom;
    }

    /** Unique bom-refs: the purl, suffixed when the same purl appears at several locations. */
    static Map<String, String> refs(Inventory inv) {
        Map<String, String> refs = new LinkedHashMap<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (Component c : inv.components()) {
            int n = seen.merge(c.purl(), 1, Integer::sum);
            refs.putIfAbsent(c.ref(), n == 1 ? c.purl() : c.purl() + "#" + n);
        }
        return refs;
    }

    /** OS package purl → its bom-ref, for the language packages it installed. */
    static Map<String, String> ownerRefs(Inventory inv, Map<String, String> refs) {
        Map<String, String> owners = new LinkedHashMap<>();
        for (Component o : inv.components()) if (o.pkg().isOsPackage()) owners.putIfAbsent(o.purl(), refs.get(o.ref()));
        return owners;
    }

    static void prop(ArrayNode props, String name, String value) {
        props.addObject().put("name", name).put("value", value);
    }

    static String version() {
        String v = CycloneDxWriter.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
