package io.drydock.server.harbor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.oas.OpenApi30;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Harbor's published scanner API document ({@code src/test/resources/harbor}, copied unchanged from
 * goharbor/pluggable-scanner-spec) as JSON Schemas, read with networknt's OpenAPI 3.0 dialect: a component schema is
 * addressed as {@code …yaml#/components/schemas/Name} and its {@code $ref}s resolve inside the same document.
 *
 * <p>The published schemas are open: no field is required and unknown fields pass, so a misspelt field would go
 * unnoticed. Each body is therefore checked twice, against the document as published and against a strict reading
 * made from it in memory: every object that lists its properties allows no others, the report envelopes and their
 * items require the fields Harbor reads, and {@code VulnerabilityItem} gains {@code layer} ({@code digest},
 * {@code diff_id}), the one field outside the spec that Drydock writes (as Trivy's adapter does).
 */
final class HarborSpec {
    static final String DOCUMENT = "harbor/scanner-adapter-openapi-v1.2.yaml";
    private static final String PUBLISHED = "classpath:" + DOCUMENT;
    private static final String STRICT = "https://drydock.invalid/harbor/scanner-adapter-openapi-v1.2-strict.json";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final JsonSchemaFactory factory;
    private final SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    private final Map<String, JsonSchema> schemas = new ConcurrentHashMap<>();

    HarborSpec() {
        JsonNode strict = strict(read());
        factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4, b -> b
                .metaSchema(OpenApi30.getInstance())
                .defaultMetaSchemaIri(OpenApi30.getInstance().getIri())
                .schemaLoaders(loaders -> loaders.schemas(Map.of(STRICT, strict.toString()))));
    }

    /** The problems of {@code body} against component {@code name}, as published; empty when it conforms. */
    List<String> publishedErrors(String name, JsonNode body) {
        return errors(PUBLISHED, name, body);
    }

    /** The problems of {@code body} against the strict reading of component {@code name}. */
    List<String> strictErrors(String name, JsonNode body) {
        return errors(STRICT, name, body);
    }

    /** Both readings' problems, each prefixed with the reading. */
    List<String> errors(String name, JsonNode body) {
        List<String> out = new ArrayList<>();
        publishedErrors(name, body).forEach(e -> out.add("published: " + e));
        strictErrors(name, body).forEach(e -> out.add("strict: " + e));
        return out;
    }

    private List<String> errors(String document, String name, JsonNode body) {
        JsonSchema schema = schemas.computeIfAbsent(document + "#" + name,
                k -> factory.getSchema(SchemaLocation.of(document + "#/components/schemas/" + name), config));
        Set<ValidationMessage> messages = schema.validate(body);
        return messages.stream().map(ValidationMessage::toString).sorted().toList();
    }

    static JsonNode read() {
        try (InputStream in = HarborSpec.class.getClassLoader().getResourceAsStream(DOCUMENT)) {
            if (in == null) {
                throw new IllegalStateException(DOCUMENT + " is not on the test classpath");
            }
            return YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DOCUMENT, e);
        }
    }

    private static final Map<String, List<String>> REQUIRED = Map.of(
            "Scanner", List.of("name", "vendor", "version"),
            "HarborVulnerabilityReport", List.of("generated_at", "artifact", "scanner", "severity", "vulnerabilities"),
            "VulnerabilityItem", List.of("id", "package", "version", "severity", "description", "links"),
            "HarborSbomReport", List.of("generated_at", "artifact", "scanner", "media_type", "sbom"),
            "ErrorResponse", List.of("error"),
            "Error", List.of("message"),
            "Artifact", List.of("repository", "digest"),
            "ScannerCapability", List.of("type", "consumes_mime_types", "produces_mime_types"));

    private static JsonNode strict(JsonNode document) {
        ObjectNode copy = document.deepCopy();
        ObjectNode components = (ObjectNode) copy.path("components").path("schemas");
        closeObjects(components);
        REQUIRED.forEach((name, fields) -> {
            ArrayNode required = ((ObjectNode) components.get(name)).putArray("required");
            fields.forEach(required::add);
        });
        ObjectNode layer = ((ObjectNode) components.get("VulnerabilityItem").get("properties")).putObject("layer");
        layer.put("type", "object");
        layer.putArray("required").add("digest");
        ObjectNode props = layer.putObject("properties");
        props.putObject("digest").put("type", "string");
        props.putObject("diff_id").put("type", "string");
        layer.put("additionalProperties", false);
        return copy;
    }

    /** Every schema that lists its properties and says nothing of others allows no others; nested schemas too. */
    private static void closeObjects(ObjectNode components) {
        components.forEach(HarborSpec::close);
    }

    private static void close(JsonNode schema) {
        if (!(schema instanceof ObjectNode s)) {
            return;
        }
        if (s.get("properties") instanceof ObjectNode properties) {
            properties.forEach(HarborSpec::close);
            if (!s.has("additionalProperties")) {
                s.put("additionalProperties", false);
            }
        }
        close(s.get("items"));
        close(s.get("additionalProperties"));
        for (String combinator : List.of("allOf", "anyOf", "oneOf")) {
            if (s.get(combinator) instanceof ArrayNode alternatives) {
                alternatives.forEach(HarborSpec::close);
            }
        }
    }
}
