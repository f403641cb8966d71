package io.drydock.inventory.lang;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The main section of a {@code META-INF/MANIFEST.MF}. Parsed by hand because {@link java.util.jar.Manifest} rejects
 * lines over 512 bytes, and hand-written manifests in real jars have them; here a bad line is skipped, not fatal.
 */
final class JarManifest {
    private JarManifest() {
    }

    /** Attribute name to value, continuation lines joined; the first occurrence of a name wins. */
    static Map<String, String> mainAttributes(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        Map<String, String> attributes = new LinkedHashMap<>();
        String name = null;
        StringBuilder value = new StringBuilder();
        for (String line : text.split("\r\n|\r|\n", -1)) {
            if (line.startsWith(" ") && name != null) {
                value.append(line, 1, line.length());
                continue;
            }
            if (name != null) {
                attributes.putIfAbsent(name, value.toString().strip());
                name = null;
            }
            if (line.isEmpty()) {
                break; // the main section ends at the first blank line; per-entry sections follow
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                name = line.substring(0, colon).strip();
                value.setLength(0);
                value.append(line.substring(colon + 1).stripLeading());
            }
        }
        if (name != null) {
            attributes.putIfAbsent(name, value.toString().strip());
        }
        return attributes;
    }
}
