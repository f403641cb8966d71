package io.drydock;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/** How error messages name the kind of a JSON value that is not what was expected. */
public final class JsonKinds {
    private JsonKinds() {
    }

    /** {@code array}, {@code object}, {@code string}, {@code number}, {@code boolean} or {@code null}. */
    public static String of(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "array";
            case OBJECT -> "object";
            case STRING -> "string";
            case NUMBER -> "number";
            case BOOLEAN -> "boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    /** The kind with its article: "an array", "a string". */
    public static String withArticle(JsonNode node) {
        String k = of(node);
        return (k.equals("array") || k.equals("object") ? "an " : "a ") + k;
    }
}
