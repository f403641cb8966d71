package io.drydock.inventory.os;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The fields of one deb822 paragraph (Debian Policy 5.1): {@code Name: value} lines, continuation lines starting
 * with a space or tab, field names compared case-insensitively.
 */
final class ControlFields {

    /** A paragraph that is not deb822; {@code problem} says which line and why. */
    static final class MalformedParagraph extends Exception {
        MalformedParagraph(String problem) {
            super(problem, null, false, false);
        }
    }

    private final Map<String, String> fields;

    private ControlFields(Map<String, String> fields) {
        this.fields = Collections.unmodifiableMap(fields);
    }

    /**
     * Parses the lines of one paragraph. A continuation line is appended to the field above it after a newline,
     * with its leading whitespace removed; the first line of a value is trimmed. A repeated field makes the
     * paragraph malformed, as it does for dpkg: which of the two values is meant cannot be known.
     */
    static ControlFields parse(Paragraphs.Paragraph paragraph) throws MalformedParagraph {
        Map<String, String> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        String current = null;
        StringBuilder value = null;
        List<String> lines = paragraph.lines();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith(" ") || line.startsWith("\t")) {
                if (current == null) {
                    throw new MalformedParagraph("line " + (paragraph.firstLine() + i)
                            + " continues a field but no field precedes it");
                }
                value.append('\n').append(line.strip());
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !isFieldName(line, colon)) {
                throw new MalformedParagraph("line " + (paragraph.firstLine() + i) + " is not a 'Field: value' line");
            }
            store(fields, current, value);
            current = line.substring(0, colon);
            if (fields.containsKey(current)) {
                throw new MalformedParagraph("line " + (paragraph.firstLine() + i) + " repeats the field '"
                        + current + "'");
            }
            value = new StringBuilder(line.substring(colon + 1).strip());
        }
        store(fields, current, value);
        return new ControlFields(fields);
    }

    private static void store(Map<String, String> fields, String name, StringBuilder value) {
        if (name != null) {
            fields.put(name, value.toString());
        }
    }

    /** Policy: printable US-ASCII except controls, space and colon, not starting with '#' or '-'. */
    private static boolean isFieldName(String line, int colon) {
        char first = line.charAt(0);
        if (first == '#' || first == '-') {
            return false;
        }
        for (int i = 0; i < colon; i++) {
            char c = line.charAt(i);
            if (c <= ' ' || c > '~') {
                return false;
            }
        }
        return true;
    }

    /** The value, or null when the field is absent. */
    String get(String name) {
        return fields.get(name);
    }

    /** The value's first line (the "synopsis" part of a multi-line field), or null when absent. */
    String firstLine(String name) {
        String value = fields.get(name);
        if (value == null) {
            return null;
        }
        int newline = value.indexOf('\n');
        return newline < 0 ? value : value.substring(0, newline);
    }

    boolean has(String name) {
        return fields.containsKey(name);
    }
}
