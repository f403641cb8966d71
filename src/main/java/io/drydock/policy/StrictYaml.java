package io.drydock.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.drydock.DrydockException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reading a YAML policy file strictly, for the validation policy and the admission policy alike: duplicate keys
 * are errors (a second limit could quietly loosen the first), and every error names the file and the key, as
 * {@code the policy file F: rules.allow entry 2, expires: '2027-13-01' is not a date (YYYY-MM-DD)}.
 */
public final class StrictYaml {
    private static final ObjectMapper YAML = new ObjectMapper(
            YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    private final Path file;
    private final String what;

    /** @param what how messages name the file, e.g. "policy file" */
    public StrictYaml(Path file, String what) {
        this.file = file;
        this.what = what;
    }

    public Path file() {
        return file;
    }

    /** The file's bytes (their digest identifies the policy). */
    public byte[] bytes() {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DrydockException("the " + what + " " + file + " does not exist");
        } catch (IOException e) {
            throw new DrydockException("cannot read the " + what + " " + file + ": " + DrydockException.reason(e));
        }
    }

    /** The document, or null for an empty file. */
    public JsonNode parse(byte[] bytes) {
        try {
            return YAML.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw error("", "not valid YAML: " + e.getOriginalMessage() + (e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
        } catch (IOException e) {
            throw new DrydockException("cannot read the " + what + " " + file + ": " + DrydockException.reason(e));
        }
    }

    public LocalDate date(String text, String where) {
        try {
            if (DATE.matcher(text).matches()) {
                return LocalDate.parse(text);
            }
        } catch (DateTimeParseException bad) {
            // falls through to the message every malformed date gets
        }
        throw error(where, "'" + text + "' is not a date (YYYY-MM-DD)");
    }

    /** A conversion whose IllegalArgumentException becomes an error naming the key. */
    public <T> T convert(String text, String where, Function<String, T> convert) {
        try {
            return convert.apply(text);
        } catch (IllegalArgumentException bad) {
            throw error(where, bad.getMessage());
        }
    }

    public String requiredText(JsonNode map, String where, String key) {
        String v = text(map, where, key);
        if (v == null) {
            throw error(join(where, key), "required");
        }
        return v;
    }

    /** A single value as text, null when absent, null or blank. */
    public String text(JsonNode map, String where, String key) {
        JsonNode v = map.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isValueNode()) {
            throw error(join(where, key), "must be a single value, not " + show(v));
        }
        String s = v.asText().strip();
        return s.isEmpty() ? null : s;
    }

    /** {@code rules.maxSeverity}, or after a numbered entry {@code rules.allow entry 2, expires}. */
    public static String join(String where, String key) {
        return where.isEmpty() ? key : where.contains(" ") ? where + ", " + key : where + "." + key;
    }

    public static String show(JsonNode v) {
        return v.isArray() ? "a list" : v.isObject() ? "a map" : v.isNull() ? "nothing" : "'" + v.asText() + "'";
    }

    public DrydockException error(String where, String message) {
        return new DrydockException("the " + what + " " + file + ": " + (where.isEmpty() ? "" : where + ": ") + message);
    }
}
