package io.drydock.inventory.sbom;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.inventory.Component;
import io.drydock.inventory.Inventory;
import io.drydock.inventory.OsRelease;
import io.drydock.layer.LayerInfo;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The facts SPDX 2.3 has no field for (the layer that installed a package, its source package, the OS, the layer
 * list), carried as annotations of type OTHER whose comment is a fixed prefix and one line of JSON. An annotation
 * is the SPDX 2.x extension point that validators accept on every package, and JSON keeps lists, nulls and
 * {@code created_by} strings with any characters exact, which a key=value comment could not.
 * <p>
 * The JSON objects are this class's records, with null fields left out to keep a note per package short; fields
 * are only ever added, and the reader ignores fields it does not know, so an older Drydock still reads a newer
 * document.
 */
final class SpdxAnnotations {
    /** On the image package: {@link ImageNote}. */
    static final String IMAGE_PREFIX = "drydock:image ";
    /** On each package Drydock found: {@link PackageNote}. */
    static final String PACKAGE_PREFIX = "drydock:package ";

    /** Notes from a newer Drydock may have fields this one does not know. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private SpdxAnnotations() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record OsNote(String id, String versionId, String prettyName, String codename) {
        static OsNote of(OsRelease os) {
            return os == null ? null : new OsNote(os.id(), os.versionId(), os.prettyName(), os.codename());
        }

        OsRelease toOsRelease() {
            return new OsRelease(id, versionId, prettyName, codename);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record LayerNote(int index, String digest, String diffId, String createdBy) {
        static LayerNote of(LayerInfo l) {
            return new LayerNote(l.index(), l.digest(), l.diffId(), l.createdBy());
        }
    }

    /** {@code complete} is false when the analyzers could not read every file of the image. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ImageNote(OsNote os, List<LayerNote> layers, Boolean complete) {
        static ImageNote of(Inventory inv) {
            return new ImageNote(OsNote.of(inv.os()), inv.layers().stream().map(LayerNote::of).toList(), inv.complete());
        }
    }

    /** {@code layer} is an index into the image note's layers; {@code ownedBy} the purl of the OS package that installed this one. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record PackageNote(String type, String namespace, String name, String version, String arch, String sourceName,
                       String sourceVersion, List<String> licenses, List<String> locations, Map<String, String> properties,
                       Integer layer, String ownedBy) {
        static PackageNote of(Component c) {
            var p = c.pkg();
            return new PackageNote(p.type(), p.namespace(), p.name(), p.version(), p.arch(), p.sourceName(), p.sourceVersion(),
                    p.licenses(), p.locations(), new TreeMap<>(p.properties()), c.layer().index(), c.ownedBy());
        }
    }

    /** An SPDX annotation by this Drydock, dated like the document, whose comment is {@code prefix} and the note as JSON. */
    static ObjectNode annotation(String date, String prefix, Record note) {
        ObjectNode a = CycloneDxWriter.JSON.createObjectNode();
        a.put("annotationDate", date);
        a.put("annotationType", "OTHER");
        a.put("annotator", "Tool: drydock-" + CycloneDxWriter.version());
        try {
            a.put("comment", prefix + JSON.writeValueAsString(note));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        return a;
    }

    /** The comment of the element's first annotation that starts with {@code prefix}, without the prefix; null when none does. */
    static String find(JsonNode element, String prefix) {
        for (JsonNode a : element.path("annotations")) {
            JsonNode comment = a.path("comment");
            if (comment.isTextual() && comment.textValue().startsWith(prefix)) return comment.textValue().substring(prefix.length());
        }
        return null;
    }

    /** Parses a note; a note that is not the JSON this class writes is reported with {@code what} named. */
    static <T> T parse(String json, Class<T> type, SbomInput input, String what) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw input.error("the Drydock annotation of " + what + " is not valid: " + e.getOriginalMessage());
        }
    }
}
