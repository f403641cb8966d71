package io.drydock.inventory.sbom;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.inventory.Component;
import io.drydock.inventory.Inventory;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

/**
 * SPDX 2.3 JSON: the image is the described package and CONTAINS every package; an OS package
 * that installed a language package CONTAINS it too. The layer goes in each package's comment for
 * people, and with everything else SPDX has no field for (OS, layers, source package, locations)
 * in a Drydock annotation for {@link SbomReader} ({@link SpdxAnnotations}).
 */
public final class SpdxWriter implements SbomWriter {
    @Override
    public String name() {
        return "spdx";
    }

    @Override
    public String write(Inventory inv) {
        ObjectNode doc = CycloneDxWriter.JSON.createObjectNode();
        doc.put("spdxVersion", "SPDX-2.3");
        doc.put("dataLicense", "CC0-1.0");
        doc.put("SPDXID", "SPDXRef-DOCUMENT");
        doc.put("name", inv.image());
        doc.put("documentNamespace", "https://drydock.invalid/spdx/" + UUID.nameUUIDFromBytes((inv.digest() + "spdx").getBytes(StandardCharsets.UTF_8)));
        ObjectNode creation = doc.putObject("creationInfo");
        String created = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        creation.put("created", created);
        creation.putArray("creators").add("Tool: drydock-" + CycloneDxWriter.version());
        ArrayNode packages = doc.putArray("packages");
        ObjectNode image = packages.addObject();
        image.put("SPDXID", "SPDXRef-Image");
        image.put("name", inv.image());
        image.put("versionInfo", inv.digest());
        image.put("downloadLocation", "NOASSERTION");
        image.put("filesAnalyzed", false);
        image.put("primaryPackagePurpose", "CONTAINER");
        if (!inv.complete()) image.put("comment", "inventory incomplete: " + inv.warnings().size() + " files could not be read");
        image.putArray("annotations").add(SpdxAnnotations.annotation(created, SpdxAnnotations.IMAGE_PREFIX, SpdxAnnotations.ImageNote.of(inv)));
        Map<String, String> refs = CycloneDxWriter.refs(inv);
        Map<String, String> ids = new java.util.LinkedHashMap<>();
        int n = 0;
        for (Component c : inv.components()) {
            String id = "SPDXRef-Package-" + (++n);
            ids.put(refs.get(c.ref()), id);
            ObjectNode p = packages.addObject();
            p.put("SPDXID", id);
            p.put("name", c.pkg().namespace() != null ? c.pkg().namespace() + "/" + c.pkg().name() : c.pkg().name());
            p.put("versionInfo", c.pkg().version());
            p.put("downloadLocation", "NOASSERTION");
            p.put("filesAnalyzed", false);
            p.put("licenseConcluded", "NOASSERTION");
            p.put("licenseDeclared", "NOASSERTION");
            if (!c.pkg().licenses().isEmpty()) p.put("comment", "declared licenses: " + String.join(", ", c.pkg().licenses())
                    + "; layer " + c.layer().index() + " " + c.layer().digest());
            else p.put("comment", "layer " + c.layer().index() + " " + c.layer().digest()
                    + (c.layer().createdBy() != null ? " (" + c.layer().createdBy() + ")" : ""));
            if (c.pkg().sourceName() != null) p.put("sourceInfo", "source package " + c.pkg().sourceName()
                    + (c.pkg().sourceVersion() != null ? " " + c.pkg().sourceVersion() : ""));
            String sha1 = c.pkg().properties().get("sha1");
            if (sha1 != null && sha1.matches("[0-9a-f]{40}")) p.putArray("checksums").addObject().put("algorithm", "SHA1").put("checksumValue", sha1);
            ObjectNode ref = p.putArray("externalRefs").addObject();
            ref.put("referenceCategory", "PACKAGE-MANAGER");
            ref.put("referenceType", "purl");
            ref.put("referenceLocator", c.purl());
            p.putArray("annotations").add(SpdxAnnotations.annotation(created, SpdxAnnotations.PACKAGE_PREFIX, SpdxAnnotations.PackageNote.of(c)));
        }
        Map<String, String> ownerRefs = CycloneDxWriter.ownerRefs(inv, refs);
        ArrayNode rels = doc.putArray("relationships");
        rel(rels, "SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-Image");
        for (Component c : inv.components()) {
            String id = ids.get(refs.get(c.ref()));
            String ownerRef = c.ownedBy() == null ? null : ownerRefs.get(c.ownedBy());
            String owner = ownerRef == null ? null : ids.get(ownerRef);
            rel(rels, owner != null ? owner : "SPDXRef-Image", "CONTAINS", id);
        }
        return doc.toPrettyString();
    }

    private static void rel(ArrayNode rels, String from, String type, String to) {
        ObjectNode r = rels.addObject();
        r.put("spdxElementId", from);
        r.put("relationshipType", type);
        r.put("relatedSpdxElement", to);
    }
}
