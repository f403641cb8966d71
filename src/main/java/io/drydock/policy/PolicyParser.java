package io.drydock.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.image.Digest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a policy file strictly: an unknown key, a value of the wrong type or a duplicated key is an error naming the
 * file and the key, because a policy that silently ignores a misspelt {@code maxSeverty:} passes images it was
 * written to stop.
 */
final class PolicyParser {

    private static final List<String> TOP_KEYS = List.of("apiVersion", "kind", "name", "rules");
    private static final List<String> RULE_KEYS = List.of("maxSeverity", "maxSeverityBase", "maxSeverityApp", "ignoreUnfixed",
            "allow", "bannedPackages", "requiredLabels", "nonRootUser", "maxBaseAge", "maxScanAge", "requireAttestations",
            "denyEolOs", "denyEolRuntime", "allowedBases");
    private static final List<String> EOL_KEYS = List.of("grace", "allowExtendedSupport");
    private static final List<String> ALLOW_KEYS = List.of("id", "reason", "expires");

    private final Path file;
    private final StrictYaml yaml;

    private PolicyParser(Path file) {
        this.file = file;
        this.yaml = new StrictYaml(file, "policy file");
    }

    static Policy read(Path file) {
        PolicyParser parser = new PolicyParser(file);
        return parser.parse(parser.yaml.bytes());
    }

    private Policy parse(byte[] bytes) {
        JsonNode root = yaml.parse(bytes);
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw yaml.error("", "the file is empty; a policy starts with apiVersion: " + Policy.API_VERSION);
        }
        if (!root.isObject()) {
            throw yaml.error("", "a policy is a map with apiVersion, kind, name and rules");
        }
        // the version first: a newer format's keys are better explained by its version than called unknown
        String apiVersion = yaml.requiredText(root, "", "apiVersion");
        if (!apiVersion.equals(Policy.API_VERSION)) {
            throw yaml.error("apiVersion", "'" + apiVersion + "' is not supported; this version of Drydock reads "
                    + Policy.API_VERSION);
        }
        String kind = yaml.requiredText(root, "", "kind");
        if (!kind.equals(Policy.KIND)) {
            throw yaml.error("kind", "'" + kind + "' is not " + Policy.KIND);
        }
        onlyKnownKeys(root, "", TOP_KEYS);
        String name = yaml.requiredText(root, "", "name");
        JsonNode rules = root.get("rules");
        if (rules == null || rules.isNull()) {
            throw yaml.error("rules", "missing; a policy without rules would pass every image (write rules: {} if that is meant)");
        }
        if (!rules.isObject()) {
            throw yaml.error("rules", "must be a map of rules");
        }
        return new Policy(name, file, Digest.sha256(bytes).toString(), rules(rules));
    }

    private Rules rules(JsonNode r) {
        onlyKnownKeys(r, "rules", RULE_KEYS);
        return new Rules(
                severity(r, "maxSeverity"), severity(r, "maxSeverityBase"), severity(r, "maxSeverityApp"),
                bool(r, "ignoreUnfixed"), allow(r.get("allow")),
                textList(r.get("bannedPackages"), "rules.bannedPackages", PackagePattern::new),
                requiredLabels(r.get("requiredLabels")), bool(r, "nonRootUser"),
                duration(r, "maxBaseAge"), duration(r, "maxScanAge"),
                List.copyOf(new LinkedHashSet<>(textList(r.get("requireAttestations"), "rules.requireAttestations",
                        AttestationKind::parse))),
                eolRule(r, "denyEolOs"), eolRule(r, "denyEolRuntime"), allowedBases(r.get("allowedBases")));
    }

    /** {@code true} (no grace), {@code false} or absent (not set), or a map with {@code grace} and {@code allowExtendedSupport}. */
    private Rules.EolRule eolRule(JsonNode rules, String key) {
        JsonNode v = rules.get(key);
        String where = "rules." + key;
        if (v == null || v.isNull() || v.isBoolean() && !v.booleanValue()) {
            return null;
        }
        if (v.isBoolean()) {
            return new Rules.EolRule(Duration.ZERO, false);
        }
        if (!v.isObject()) {
            throw yaml.error(where, "must be true, or a map with grace (e.g. 30d) and allowExtendedSupport, not " + StrictYaml.show(v));
        }
        onlyKnownKeys(v, where, EOL_KEYS);
        Duration grace = Duration.ZERO;
        JsonNode g = v.get("grace");
        if (g != null && g.isNumber()) {
            throw yaml.error(where + ".grace", g.asText() + " has no unit; write e.g. " + g.asText() + "d");
        }
        String text = yaml.text(v, where, "grace");
        if (text != null && !text.matches("0+[smhdw]?")) {
            grace = yaml.convert(text, where + ".grace", PolicyDuration::parse);
        }
        return new Rules.EolRule(grace, bool(v, "allowExtendedSupport", where));
    }

    /** A list of approved references, or {@code {catalogue: FILE}} with FILE relative to the policy file. */
    private Rules.AllowedBases allowedBases(JsonNode v) {
        String where = "rules.allowedBases";
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isArray()) {
            List<String> images = textList(v, where, text -> {
                try {
                    io.drydock.image.ImageReference.parse(text);
                } catch (io.drydock.DrydockException bad) {
                    throw new IllegalArgumentException("'" + text + "' is not an image reference: " + bad.getMessage());
                }
                return text;
            });
            if (images.isEmpty()) {
                throw yaml.error(where, "is empty; a list that approves no base would fail every image");
            }
            return new Rules.AllowedBases("inline", null, images);
        }
        if (!v.isObject()) {
            throw yaml.error(where, "must be a list of approved images, or a map with catalogue: FILE, not " + StrictYaml.show(v));
        }
        onlyKnownKeys(v, where, List.of("catalogue"));
        String name = yaml.requiredText(v, where, "catalogue");
        Path dir = file.toAbsolutePath().getParent();
        Path catalogueFile = dir == null ? Path.of(name) : dir.resolve(name);
        io.drydock.catalogue.Catalogue catalogue;
        try {
            catalogue = io.drydock.catalogue.Catalogue.read(catalogueFile);
        } catch (io.drydock.DrydockException bad) {
            throw yaml.error(where + ".catalogue", bad.getMessage());
        }
        return new Rules.AllowedBases(name, catalogue.digest(),
                catalogue.bases().stream().map(io.drydock.catalogue.Catalogue.Base::image).toList());
    }

    private SeverityLimit severity(JsonNode rules, String key) {
        String text = yaml.text(rules, "rules", key);
        return text == null ? null : yaml.convert(text, "rules." + key, SeverityLimit::parse);
    }

    private Duration duration(JsonNode rules, String key) {
        JsonNode v = rules.get(key);
        if (v != null && v.isNumber()) {
            throw yaml.error("rules." + key, v.asText() + " has no unit; write e.g. " + v.asText() + "d or " + v.asText() + "h");
        }
        String text = yaml.text(rules, "rules", key);
        return text == null ? null : yaml.convert(text, "rules." + key, PolicyDuration::parse);
    }

    private boolean bool(JsonNode rules, String key) {
        return bool(rules, key, "rules");
    }

    private boolean bool(JsonNode rules, String key, String where) {
        JsonNode v = rules.get(key);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw yaml.error(where + "." + key, "must be true or false, not " + StrictYaml.show(v));
        }
        return v.booleanValue();
    }

    private List<Rules.AllowEntry> allow(JsonNode list) {
        if (list == null || list.isNull()) {
            return List.of();
        }
        if (!list.isArray()) {
            throw yaml.error("rules.allow", "must be a list of entries with id, reason and expires");
        }
        List<Rules.AllowEntry> entries = new ArrayList<>();
        int n = 0;
        for (JsonNode e : list) {
            n++;
            String where = "rules.allow entry " + n;
            if (!e.isObject()) {
                throw yaml.error(where, "must be a map with id, reason and expires");
            }
            onlyKnownKeys(e, where, ALLOW_KEYS);
            String id = yaml.requiredText(e, where, "id");
            String reason = yaml.requiredText(e, where, "reason");
            String expires = yaml.text(e, where, "expires");
            entries.add(new Rules.AllowEntry(n, id, reason, expires == null ? null : yaml.date(expires, StrictYaml.join(where, "expires"))));
        }
        return entries;
    }

    /** A list of names, or a map of name to the regex its value must match in full (null or empty for any value). */
    private List<Rules.RequiredLabel> requiredLabels(JsonNode node) {
        String where = "rules.requiredLabels";
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (node.isArray()) {
            return textList(node, where, label -> new Rules.RequiredLabel(label, null));
        }
        if (!node.isObject()) {
            throw yaml.error(where, "must be a list of label names, or a map of label name to regex");
        }
        List<Rules.RequiredLabel> labels = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String regex = yaml.text(node, where, e.getKey());
            if (regex != null) {
                try {
                    Pattern.compile(regex);
                } catch (PatternSyntaxException bad) {
                    throw yaml.error(StrictYaml.join(where, e.getKey()), "'" + regex + "' is not a regular expression: " + bad.getDescription());
                }
            }
            labels.add(new Rules.RequiredLabel(e.getKey(), regex));
        }
        return labels;
    }

    private <T> List<T> textList(JsonNode node, String where, Function<String, T> convert) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw yaml.error(where, "must be a list, not " + StrictYaml.show(node));
        }
        List<T> out = new ArrayList<>();
        int n = 0;
        for (JsonNode v : node) {
            n++;
            if (!v.isValueNode() || v.isNull() || v.asText().isBlank()) {
                throw yaml.error(where + " item " + n, "must be a non-empty string, not " + StrictYaml.show(v));
            }
            out.add(yaml.convert(v.asText().strip(), where + " item " + n, convert));
        }
        return out;
    }

    private void onlyKnownKeys(JsonNode map, String where, List<String> allowed) {
        Set<String> known = Set.copyOf(allowed);
        for (Map.Entry<String, JsonNode> e : map.properties()) {
            String key = e.getKey();
            if (!known.contains(key)) {
                throw yaml.error(where, "unknown key '" + key + "' (allowed: " + String.join(", ", allowed) + ")");
            }
        }
    }
}
