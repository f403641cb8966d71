package io.drydock.vulndb.cvss;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads the "KEY:VALUE/KEY:VALUE" part of a vector, checking keys, values, duplicates and mandatory keys. */
final class Metrics {
    private Metrics() {
    }

    static Map<String, String> read(String vector, String body, Map<String, Set<String>> allowed, List<String> mandatory) {
        Map<String, String> values = new HashMap<>();
        if (body.isEmpty()) {
            throw new InvalidCvssException(vector, "no metrics");
        }
        for (String part : body.split("/", -1)) {
            int colon = part.indexOf(':');
            if (colon <= 0 || colon == part.length() - 1) {
                throw new InvalidCvssException(vector, "malformed metric \"" + part + "\"");
            }
            String key = part.substring(0, colon);
            String value = part.substring(colon + 1);
            Set<String> legal = allowed.get(key);
            if (legal == null) {
                throw new InvalidCvssException(vector, "unknown metric " + key);
            }
            if (!legal.contains(value)) {
                throw new InvalidCvssException(vector, "metric " + key + " cannot be " + value);
            }
            if (values.put(key, value) != null) {
                throw new InvalidCvssException(vector, "metric " + key + " given twice");
            }
        }
        for (String key : mandatory) {
            if (!values.containsKey(key)) {
                throw new InvalidCvssException(vector, "base metric " + key + " missing");
            }
        }
        return values;
    }
}
