package io.drydock.fleet;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.drydock.DrydockException;
import io.drydock.inventory.Component;
import io.drydock.inventory.InstalledPackage;
import io.drydock.inventory.Inventory;
import io.drydock.inventory.OsRelease;
import io.drydock.layer.LayerInfo;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The inventory as the server stores it for re-matching: the OS release, the layers once, and per package only what
 * matching and the findings show (type, names, versions, layer, paths, purl, owner). File lists, licences and analyzer
 * properties are left out: they are most of an inventory's size and no match reads them. Written and read with
 * Jackson's streaming API because re-matching reads thousands of these a second.
 */
public final class InventoryCodec {
    static final int VERSION = 1;
    private static final JsonFactory JSON = new JsonFactory();

    private InventoryCodec() {
    }

    public static String encode(Inventory inv) {
        StringWriter out = new StringWriter(64 + inv.components().size() * 160);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("v", VERSION);
            g.writeStringField("image", inv.image());
            g.writeStringField("digest", inv.digest());
            if (inv.os() != null) {
                g.writeArrayFieldStart("os");
                g.writeString(inv.os().id());
                g.writeString(inv.os().versionId());
                g.writeString(inv.os().prettyName());
                g.writeString(inv.os().codename());
                g.writeEndArray();
            }
            g.writeArrayFieldStart("layers");
            for (LayerInfo l : inv.layers()) {
                g.writeStartArray();
                g.writeNumber(l.index());
                g.writeString(l.digest());
                g.writeString(l.diffId());
                g.writeString(l.createdBy());
                g.writeEndArray();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("c");
            for (Component c : inv.components()) {
                InstalledPackage p = c.pkg();
                g.writeStartArray();
                g.writeString(p.type());
                g.writeString(p.namespace());
                g.writeString(p.name());
                g.writeString(p.version());
                g.writeString(p.arch());
                g.writeString(p.sourceName());
                g.writeString(p.sourceVersion());
                g.writeNumber(c.layer().index());
                g.writeString(c.purl());
                g.writeString(c.ownedBy());
                for (String location : p.locations()) {
                    g.writeString(location);
                }
                g.writeEndArray();
            }
            g.writeEndArray();
            g.writeNumberField("warnings", inv.warnings().size());
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("writing to a string cannot fail", e);
        }
        return out.toString();
    }

    /** @param what names the stored inventory in errors (the image digest) */
    public static Inventory decode(String text, String what) {
        try (JsonParser p = JSON.createParser(text)) {
            expect(p.nextToken(), JsonToken.START_OBJECT, what);
            String image = null;
            String digest = null;
            OsRelease os = null;
            List<LayerInfo> layers = new ArrayList<>();
            List<Component> components = new ArrayList<>();
            int version = -1;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "v" -> version = p.getIntValue();
                    case "image" -> image = p.getValueAsString();
                    case "digest" -> digest = p.getValueAsString();
                    case "os" -> {
                        List<String> o = strings(p, what);
                        os = new OsRelease(o.get(0), o.get(1), o.get(2), o.get(3));
                    }
                    case "layers" -> {
                        expect(value, JsonToken.START_ARRAY, what);
                        while (p.nextToken() == JsonToken.START_ARRAY) {
                            p.nextToken();
                            int index = p.getIntValue();
                            List<String> rest = strings(p, what);
                            layers.add(new LayerInfo(index, rest.get(0), rest.get(1), rest.get(2)));
                        }
                    }
                    case "c" -> {
                        expect(value, JsonToken.START_ARRAY, what);
                        while (p.nextToken() == JsonToken.START_ARRAY) {
                            components.add(component(p, layers, what));
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (version != VERSION) {
                throw new DrydockException("the stored inventory of " + what + " has version " + version + ", not " + VERSION
                        + ": analyse the image again");
            }
            return new Inventory(image, digest, os, layers, components, List.of());
        } catch (IOException | RuntimeException e) {
            if (e instanceof DrydockException d) {
                throw d;
            }
            throw new DrydockException("the stored inventory of " + what + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static Component component(JsonParser p, List<LayerInfo> layers, String what) throws IOException {
        String[] s = new String[7];
        for (int i = 0; i < 7; i++) {
            p.nextToken();
            s[i] = p.getValueAsString();
        }
        p.nextToken();
        int layer = p.getIntValue();
        p.nextToken();
        String purl = p.getValueAsString();
        p.nextToken();
        String ownedBy = p.getValueAsString();
        List<String> locations = new ArrayList<>(1);
        while (p.nextToken() != JsonToken.END_ARRAY) {
            locations.add(p.getValueAsString());
        }
        if (layer < 0 || layer >= layers.size()) {
            throw new DrydockException("the stored inventory of " + what + " names layer " + layer + " of " + layers.size());
        }
        InstalledPackage pkg = new InstalledPackage(s[0], s[1], s[2], s[3], s[4], s[5], s[6], List.of(), locations, List.of(), null);
        return new Component(pkg, purl, layers.get(layer), ownedBy);
    }

    /** The rest of an array of strings (nulls kept), after its first token was read. */
    private static List<String> strings(JsonParser p, String what) throws IOException {
        List<String> out = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t == null) {
                throw new DrydockException("the stored inventory of " + what + " ends early");
            }
            out.add(t == JsonToken.VALUE_NULL ? null : p.getValueAsString());
        }
        return out;
    }

    private static void expect(JsonToken got, JsonToken wanted, String what) {
        if (got != wanted) {
            throw new DrydockException("the stored inventory of " + what + " is not what Drydock writes (expected " + wanted + ", found " + got + ")");
        }
    }
}
