package io.drydock.inventory.lang;

import io.drydock.DrydockException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.layer.EntryContent;
import io.drydock.layer.LayerEntry;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads the JSON files the language analyzers parse whole, turning every problem into a warning naming the file. */
final class JsonFiles {
    /**
     * Thread-safe once configured. Jackson's default read constraints (nesting depth, string and number length) already
     * stop the pathological documents; the byte limit callers pass stops the merely huge ones before parsing.
     */
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonFiles() {
    }

    /**
     * The parsed document, or empty after a warning when the file is over {@code maxBytes} (or over what the layer
     * reader lets an analyzer hold in memory), is not JSON, or is empty.
     */
    static Optional<JsonNode> read(LayerEntry entry, EntryContent content, long maxBytes, String what,
                                   Findings findings) throws IOException {
        Optional<byte[]> bytes = SmallFiles.read(entry, content, maxBytes, what, findings);
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        return parse(bytes.get(), entry.path(), what, findings);
    }

    static Optional<JsonNode> parse(byte[] bytes, String path, String what, Findings findings) {
        try {
            JsonNode root = MAPPER.readTree(bytes);
            if (root == null || root.isMissingNode()) {
                findings.warn(path, what + " is empty; skipped");
                return Optional.empty();
            }
            return Optional.of(root);
        } catch (JsonProcessingException e) {
            findings.warn(path, what + " is not valid JSON (" + describe(e) + "); skipped");
            return Optional.empty();
        } catch (IOException e) {
            findings.warn(path, what + " could not be parsed (" + DrydockException.reason(e) + "); skipped");
            return Optional.empty();
        }
    }

    /** Jackson's message without the source excerpt it appends, plus where in the file the problem is. */
    private static String describe(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        return e.getOriginalMessage() + where;
    }

    /** The text of a string node, or null for anything else (absent, null, number, object). */
    static String text(JsonNode node) {
        return node != null && node.isTextual() && !node.asText().isBlank() ? node.asText().strip() : null;
    }

    /** Strings of an array node (or of a single string node); anything else yields nothing. */
    static List<String> texts(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node == null) {
            return out;
        }
        if (node.isTextual()) {
            addIfText(node, out);
        } else if (node.isArray()) {
            node.forEach(element -> addIfText(element, out));
        }
        return out;
    }

    private static void addIfText(JsonNode node, List<String> out) {
        String text = text(node);
        if (text != null) {
            out.add(text);
        }
    }
}
