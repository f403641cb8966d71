package io.drydock.admission;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.DrydockException;
import io.drydock.policy.StrictYaml;
import io.drydock.image.Digest;
import io.drydock.policy.PolicyDuration;
import io.drydock.sign.Attestations;
import io.drydock.sign.SigningKeys;
import io.drydock.sign.Verifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads an admission policy strictly: an unknown key, a wrong type or a duplicated key is an error naming the file
 * and the key, because a misspelt {@code expires:} would exempt an image forever and a misspelt {@code mode:} could
 * turn enforcement into a warning nobody reads.
 */
final class AdmissionPolicyParser {

    private static final List<String> TOP_KEYS = List.of("apiVersion", "kind", "drydockNamespace", "pinning",
            "podSpecKinds", "rules", "default", "namespaces", "exemptions");
    private static final List<String> RULE_KEYS = List.of("images", "keys", "threshold", "attestations", "maxAge",
            "requirePassingVerdict", "mode");
    private static final List<String> KIND_KEYS = List.of("group", "kind", "podSpec");
    private static final List<String> NAMESPACE_KEYS = List.of("mode", "pinning");
    private static final List<String> EXEMPTION_KEYS = List.of("namespaceSelector", "images", "reason", "expires");
    private static final List<String> SELECTOR_KEYS = List.of("matchLabels");

    private final Path file;
    private final StrictYaml yaml;

    private AdmissionPolicyParser(Path file) {
        this.file = file;
        this.yaml = new StrictYaml(file, "admission policy file");
    }

    static AdmissionPolicy read(Path file) {
        AdmissionPolicyParser parser = new AdmissionPolicyParser(file);
        return parser.parse(parser.yaml.bytes());
    }

    private AdmissionPolicy parse(byte[] bytes) {
        JsonNode root = yaml.parse(bytes);
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw yaml.error("", "the file is empty; an admission policy starts with apiVersion: " + AdmissionPolicy.API_VERSION);
        }
        if (!root.isObject()) {
            throw yaml.error("", "an admission policy is a map with apiVersion, kind, rules and default");
        }
        // the version first: a newer format's keys are better explained by its version than called unknown
        String apiVersion = yaml.requiredText(root, "", "apiVersion");
        if (!apiVersion.equals(AdmissionPolicy.API_VERSION)) {
            throw yaml.error("apiVersion", "'" + apiVersion + "' is not supported; this version of Drydock reads " + AdmissionPolicy.API_VERSION);
        }
        String kind = yaml.requiredText(root, "", "kind");
        if (!kind.equals(AdmissionPolicy.KIND)) {
            throw yaml.error("kind", "'" + kind + "' is not " + AdmissionPolicy.KIND);
        }
        onlyKnownKeys(root, "", TOP_KEYS);
        String drydockNamespace = yaml.text(root, "", "drydockNamespace");
        JsonNode defaultNode = root.get("default");
        if (defaultNode == null || defaultNode.isNull()) {
            throw yaml.error("default", "missing; the rule for images no other rule matches must be written out");
        }
        List<AdmissionPolicy.ImageRule> rules = new ArrayList<>();
        int n = 0;
        for (JsonNode r : list(root.get("rules"), "rules")) {
            rules.add(rule(r, "rules[" + n++ + "]", false));
        }
        return new AdmissionPolicy(file, Digest.sha256(bytes).toString(),
                drydockNamespace == null ? AdmissionPolicy.DEFAULT_DRYDOCK_NAMESPACE : drydockNamespace,
                podSpecKinds(root.get("podSpecKinds")), rules, rule(defaultNode, "default", true),
                namespaces(root.get("namespaces")), exemptions(root.get("exemptions")), bool(root, "", "pinning", true));
    }

    private AdmissionPolicy.ImageRule rule(JsonNode r, String where, boolean isDefault) {
        if (!r.isObject()) {
            throw yaml.error(where, "must be a map with images, keys and mode");
        }
        onlyKnownKeys(r, where, isDefault ? RULE_KEYS.subList(1, RULE_KEYS.size()) : RULE_KEYS);
        List<ImagePattern> images = null;
        if (!isDefault) {
            images = patterns(r.get("images"), where + ".images");
            if (images.isEmpty()) {
                throw yaml.error(where + ".images", "required: the image patterns this rule is for");
            }
        }
        List<Verifier.TrustedKey> keys = new ArrayList<>();
        List<String> keyPaths = texts(r.get("keys"), where + ".keys", Function.identity());
        if (keyPaths.isEmpty()) {
            throw yaml.error(where + ".keys", "required: the public keys that may sign (an image nobody may sign cannot be verified)");
        }
        for (int i = 0; i < keyPaths.size(); i++) {
            Path key = resolve(keyPaths.get(i));
            try {
                keys.add(new Verifier.TrustedKey(keyPaths.get(i), SigningKeys.readPublic(key)));
            } catch (DrydockException bad) {
                throw yaml.error(where + ".keys[" + i + "]", bad.getMessage());
            }
        }
        int threshold = 1;
        JsonNode t = r.get("threshold");
        if (t != null && !t.isNull()) {
            if (!t.isIntegralNumber()) {
                throw yaml.error(where + ".threshold", "must be a whole number, not " + StrictYaml.show(t));
            }
            threshold = t.intValue();
            if (threshold < 1 || threshold > keys.size()) {
                throw yaml.error(where + ".threshold", threshold + " is not between 1 and the number of keys (" + keys.size() + ")");
            }
        }
        Set<Attestations> attestations = EnumSet.noneOf(Attestations.class);
        attestations.addAll(texts(r.get("attestations"), where + ".attestations", Attestations::parse));
        boolean requirePassingVerdict = bool(r, where, "requirePassingVerdict", false);
        if (requirePassingVerdict) {
            // a pass can only be read from the verdict attestation, so asking for one requires the other
            attestations.add(Attestations.VERDICT);
        }
        Duration maxAge = null;
        JsonNode age = r.get("maxAge");
        if (age != null && age.isNumber()) {
            throw yaml.error(where + ".maxAge", age.asText() + " has no unit; write e.g. " + age.asText() + "h or " + age.asText() + "d");
        }
        String ageText = yaml.text(r, where, "maxAge");
        if (ageText != null) {
            maxAge = yaml.convert(ageText, where + ".maxAge", PolicyDuration::parse);
        }
        String modeText = yaml.text(r, where, "mode");
        AdmissionMode mode = modeText == null ? AdmissionMode.ENFORCE : yaml.convert(modeText, where + ".mode", AdmissionMode::parse);
        return new AdmissionPolicy.ImageRule(where, images, keys, threshold, attestations, maxAge, requirePassingVerdict, mode);
    }

    private List<PodSpecLocation> podSpecKinds(JsonNode node) {
        List<PodSpecLocation> out = new ArrayList<>();
        int n = 0;
        for (JsonNode k : list(node, "podSpecKinds")) {
            String where = "podSpecKinds[" + n++ + "]";
            if (!k.isObject()) {
                throw yaml.error(where, "must be a map with group, kind and podSpec");
            }
            onlyKnownKeys(k, where, KIND_KEYS);
            String group = yaml.text(k, where, "group");
            String kind = yaml.requiredText(k, where, "kind");
            String pointer = yaml.requiredText(k, where, "podSpec");
            out.add(yaml.convert(pointer, where + ".podSpec", p -> new PodSpecLocation(group, kind, p)));
        }
        return out;
    }

    private Map<String, AdmissionPolicy.NamespaceSettings> namespaces(JsonNode node) {
        Map<String, AdmissionPolicy.NamespaceSettings> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw yaml.error("namespaces", "must be a map of namespace name to its settings");
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String where = "namespaces." + e.getKey();
            JsonNode s = e.getValue();
            if (!s.isObject()) {
                throw yaml.error(where, "must be a map with mode and/or pinning");
            }
            onlyKnownKeys(s, where, NAMESPACE_KEYS);
            String modeText = yaml.text(s, where, "mode");
            AdmissionMode mode = modeText == null ? null : yaml.convert(modeText, where + ".mode", AdmissionMode::parse);
            Boolean pinning = s.has("pinning") && !s.get("pinning").isNull() ? bool(s, where, "pinning", true) : null;
            out.put(e.getKey(), new AdmissionPolicy.NamespaceSettings(mode, pinning));
        }
        return out;
    }

    private List<AdmissionPolicy.Exemption> exemptions(JsonNode node) {
        List<AdmissionPolicy.Exemption> out = new ArrayList<>();
        int n = 0;
        for (JsonNode e : list(node, "exemptions")) {
            String where = "exemptions[" + n++ + "]";
            if (!e.isObject()) {
                throw yaml.error(where, "must be a map with namespaceSelector and/or images, reason and expires");
            }
            onlyKnownKeys(e, where, EXEMPTION_KEYS);
            Map<String, String> labels = null;
            JsonNode selector = e.get("namespaceSelector");
            if (selector != null && !selector.isNull()) {
                String sw = where + ".namespaceSelector";
                if (!selector.isObject()) {
                    throw yaml.error(sw, "must be a map with matchLabels");
                }
                onlyKnownKeys(selector, sw, SELECTOR_KEYS);
                labels = matchLabels(selector.get("matchLabels"), sw + ".matchLabels");
            }
            List<ImagePattern> images = e.has("images") && !e.get("images").isNull() ? patterns(e.get("images"), where + ".images") : null;
            if (images != null && images.isEmpty()) {
                throw yaml.error(where + ".images", "must name at least one image pattern");
            }
            if (labels == null && images == null) {
                throw yaml.error(where, "needs namespaceSelector or images: an exemption for everything would switch the gate off");
            }
            String reason = yaml.requiredText(e, where, "reason");
            String expires = yaml.requiredText(e, where, "expires");
            out.add(new AdmissionPolicy.Exemption(where, labels, images, reason, yaml.date(expires, where + ".expires")));
        }
        return out;
    }

    private Map<String, String> matchLabels(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            throw yaml.error(where, "required");
        }
        if (!node.isObject() || node.isEmpty()) {
            throw yaml.error(where, "must be a non-empty map of label to value (an empty selector would select every namespace)");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw yaml.error(where + "." + e.getKey(), "must be a single value, not " + StrictYaml.show(e.getValue()));
            }
            labels.put(e.getKey(), e.getValue().asText());
        }
        return labels;
    }

    /** One pattern or a list of them. */
    private List<ImagePattern> patterns(JsonNode node, String where) {
        if (node != null && node.isTextual()) {
            return List.of(yaml.convert(node.textValue(), where, ImagePattern::parse));
        }
        return texts(node, where, ImagePattern::parse);
    }

    private Path resolve(String keyPath) {
        Path p = Path.of(keyPath);
        Path dir = file.toAbsolutePath().getParent();
        // relative to the policy, so the policy and its keys move together (a ConfigMap mounted as a directory)
        return p.isAbsolute() || dir == null ? p : dir.resolve(p);
    }

    private List<JsonNode> list(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw yaml.error(where, "must be a list, not " + StrictYaml.show(node));
        }
        List<JsonNode> out = new ArrayList<>();
        node.forEach(out::add);
        return out;
    }

    /** A list of non-empty strings, each converted. */
    private <T> List<T> texts(JsonNode node, String where, Function<String, T> convert) {
        List<T> out = new ArrayList<>();
        int i = 0;
        for (JsonNode v : list(node, where)) {
            String at = where + "[" + i++ + "]";
            if (!v.isValueNode() || v.isNull() || v.asText().isBlank()) {
                throw yaml.error(at, "must be a non-empty string, not " + StrictYaml.show(v));
            }
            out.add(yaml.convert(v.asText().strip(), at, convert));
        }
        return out;
    }

    private boolean bool(JsonNode map, String where, String key, boolean absent) {
        JsonNode v = map.get(key);
        if (v == null || v.isNull()) {
            return absent;
        }
        if (!v.isBoolean()) {
            throw yaml.error(StrictYaml.join(where, key), "must be true or false, not " + StrictYaml.show(v));
        }
        return v.booleanValue();
    }

    private void onlyKnownKeys(JsonNode map, String where, List<String> allowed) {
        for (Map.Entry<String, JsonNode> e : map.properties()) {
            if (!allowed.contains(e.getKey())) {
                throw yaml.error(StrictYaml.join(where, e.getKey()), "unknown key (allowed: " + String.join(", ", allowed) + ")");
            }
        }
    }
}
