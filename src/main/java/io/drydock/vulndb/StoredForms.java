package io.drydock.vulndb;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * How advisory parts are written into DB columns: short JSON arrays for what matching reads (ranges, severities,
 * states), zlib-compressed JSON for what only a report shows (details, references, database_specific) and for
 * long version lists. The forms are private to the DB file; the schema version covers them.
 */
final class StoredForms {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A preset deflate dictionary of text common in advisories (reference URL prefixes, advisory boilerplate, the
     * JSON keys of these forms): a record of a few hundred bytes compresses well only if its first words are
     * already "seen". Shipped with Drydock, not stored in the file; its digest is, so that a reader with another
     * dictionary refuses the file instead of misreading it.
     */
    private static final byte[] DICTIONARY = loadDictionary();
    static final String DICTIONARY_ID = digest(DICTIONARY);

    private StoredForms() {
    }

    // ---- ranges: [["E", "i", "0", "f", "2.15.0"], ["S", …]] ------------------------------------------------------

    static String ranges(List<AffectedRange> ranges) {
        ArrayNode out = JSON.createArrayNode();
        for (AffectedRange r : ranges) {
            ArrayNode a = out.addArray();
            a.add(r.type() == RangeType.ECOSYSTEM ? "E" : "S");
            for (RangeEvent e : r.events()) {
                a.add(switch (e.kind()) {
                    case INTRODUCED -> "i";
                    case FIXED -> "f";
                    case LAST_AFFECTED -> "l";
                    case LIMIT -> "m";
                });
                a.add(e.version());
            }
        }
        return out.toString();
    }

    static List<AffectedRange> ranges(String stored) {
        List<AffectedRange> out = new ArrayList<>();
        for (JsonNode a : read(stored)) {
            RangeType type = a.get(0).asText().equals("E") ? RangeType.ECOSYSTEM : RangeType.SEMVER;
            List<RangeEvent> events = new ArrayList<>();
            for (int i = 1; i + 1 < a.size(); i += 2) {
                RangeEvent.Kind kind = switch (a.get(i).asText()) {
                    case "i" -> RangeEvent.Kind.INTRODUCED;
                    case "f" -> RangeEvent.Kind.FIXED;
                    case "l" -> RangeEvent.Kind.LAST_AFFECTED;
                    default -> RangeEvent.Kind.LIMIT;
                };
                events.add(new RangeEvent(kind, a.get(i + 1).asText()));
            }
            out.add(new AffectedRange(type, events));
        }
        return out;
    }

    // ---- severities: [["CVSS_V3", "CVSS:3.1/…", "severity[0]"], …] ------------------------------------------------
    // Scores and ratings are not stored: they follow from the vector or label and are recomputed when read.

    static String severities(List<Severity> severities) {
        if (severities.isEmpty()) {
            return null;
        }
        ArrayNode out = JSON.createArrayNode();
        for (Severity s : severities) {
            out.addArray().add(s.type()).add(s.value()).add(s.source());
        }
        return out.toString();
    }

    static List<Severity> severities(String stored) {
        List<Severity> out = new ArrayList<>();
        if (stored == null) {
            return out;
        }
        for (JsonNode a : read(stored)) {
            out.add(Severities.shared(a.get(0).asText(), a.get(1).asText(), a.get(2).asText()));
        }
        return out;
    }

    // ---- states: [["no-dsa", "affected[0].database_specific.status"], …] -----------------------------------------

    static String states(List<StateNote> states) {
        if (states.isEmpty()) {
            return null;
        }
        ArrayNode out = JSON.createArrayNode();
        for (StateNote s : states) {
            out.addArray().add(s.state()).add(s.source());
        }
        return out.toString();
    }

    static List<StateNote> states(String stored) {
        List<StateNote> out = new ArrayList<>();
        if (stored != null) {
            for (JsonNode a : read(stored)) {
                out.add(new StateNote(a.get(0).asText(), a.get(1).asText()));
            }
        }
        return out;
    }

    // ---- id lists: space-separated (OSV ids never contain spaces) ---------------------------------------------

    static String ids(List<String> ids) {
        return ids.isEmpty() ? null : String.join(" ", ids);
    }

    static List<String> ids(String stored) {
        return stored == null || stored.isEmpty() ? List.of() : List.of(stored.split(" "));
    }

    // ---- what only a report needs: {"d": details, "r": [[type, url]…], "x": database_specific} -----------------
    // Written as one JSON line per advisory into shared blocks (see ExtraBlocks), compressed a block at a time.

    record Extra(String details, List<Reference> references, String databaseSpecific) {
    }

    static String extra(Advisory a) {
        ObjectNode o = JSON.createObjectNode();
        if (!a.details().isEmpty()) {
            o.put("d", a.details());
        }
        if (!a.references().isEmpty()) {
            ArrayNode refs = o.putArray("r");
            for (Reference r : a.references()) {
                refs.addArray().add(r.type()).add(r.url());
            }
        }
        if (a.databaseSpecific() != null) {
            o.put("x", a.databaseSpecific());
        }
        return o.isEmpty() ? null : o.toString();
    }

    static Extra extra(String json) {
        if (json == null) {
            return new Extra("", List.of(), null);
        }
        JsonNode o = read(json);
        List<Reference> refs = new ArrayList<>();
        if (o.has("r")) {
            for (JsonNode r : o.get("r")) {
                refs.add(new Reference(r.get(0).isNull() ? null : r.get(0).asText(), r.get(1).asText()));
            }
        }
        return new Extra(o.has("d") ? o.get("d").asText() : "", refs, o.has("x") ? o.get("x").asText() : null);
    }

    /** Many advisories' extra lines in one compressed block: one line each (JSON escapes every newline). */
    static byte[] block(List<String> lines) {
        return deflate(String.join("\n", lines), Deflater.BEST_SPEED);
    }

    static String line(byte[] block, int index) {
        String text = inflate(block);
        int start = 0;
        for (int i = 0; i < index; i++) {
            start = text.indexOf('\n', start) + 1;
            if (start == 0) {
                throw new IllegalStateException("extra block has no line " + index);
            }
        }
        int end = text.indexOf('\n', start);
        return text.substring(start, end < 0 ? text.length() : end);
    }

    // ---- version lists: plain JSON when short, zlib when long ------------------------------------------------

    static byte[] versions(List<String> versions) {
        if (versions.isEmpty()) {
            return null;
        }
        ArrayNode a = JSON.createArrayNode();
        versions.forEach(a::add);
        return deflate(a.toString());
    }

    static List<String> versions(byte[] stored) {
        List<String> out = new ArrayList<>();
        if (stored != null) {
            for (JsonNode v : read(inflate(stored))) {
                out.add(v.asText());
            }
        }
        return out;
    }

    // ---- plumbing -----------------------------------------------------------------------------------------------

    static byte[] deflate(String text) {
        return deflate(text, Deflater.DEFAULT_COMPRESSION);
    }

    static byte[] deflate(String text, int level) {
        byte[] input = text.getBytes(StandardCharsets.UTF_8);
        Deflater deflater = new Deflater(level);
        try {
            deflater.setDictionary(DICTIONARY);
            deflater.setInput(input);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, input.length / 3));
            byte[] buffer = new byte[8192];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    static String inflate(byte[] compressed) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(compressed);
            ByteArrayOutputStream out = new ByteArrayOutputStream(compressed.length * 4);
            byte[] buffer = new byte[8192];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && inflater.needsDictionary()) {
                    inflater.setDictionary(DICTIONARY);
                    continue;
                }
                if (n == 0 && inflater.needsInput()) {
                    throw new IllegalStateException("truncated compressed column");
                }
                out.write(buffer, 0, n);
            }
            return out.toString(StandardCharsets.UTF_8);
        } catch (DataFormatException e) {
            throw new IllegalStateException("corrupt compressed column", e);
        } finally {
            inflater.end();
        }
    }

    private static byte[] loadDictionary() {
        try (InputStream in = StoredForms.class.getResourceAsStream("/vulndb/deflate-dictionary.txt")) {
            if (in == null) {
                throw new IllegalStateException("missing resource vulndb/deflate-dictionary.txt");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String digest(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt JSON column: " + e.getOriginalMessage(), e);
        }
    }
}
