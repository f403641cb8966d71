package io.drydock.vulndb.osv;

import io.drydock.DrydockException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.vulndb.Advisory;
import io.drydock.vulndb.AffectedPackage;
import io.drydock.vulndb.AffectedRange;
import io.drydock.vulndb.Ecosystems;
import io.drydock.vulndb.FixState;
import io.drydock.vulndb.PackageKey;
import io.drydock.vulndb.RangeEvent;
import io.drydock.vulndb.RangeType;
import io.drydock.vulndb.Reference;
import io.drydock.vulndb.Severities;
import io.drydock.vulndb.Severity;
import io.drydock.vulndb.StateNote;
import io.drydock.vulndb.cvss.InvalidCvssException;
import io.drydock.vulndb.version.VersionScheme;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads OSV records (https://ossf.github.io/osv-schema/) into {@link Advisory} values. Whatever Drydock cannot
 * evaluate is dropped with a counted reason: a record that is not valid JSON or has no id, an ecosystem Drydock
 * does not support, a GIT range, a range of unknown type, a range with a version the ecosystem cannot parse, an
 * unparseable entry of a {@code versions} list. A record left with no package Drydock can match is not returned.
 */
public final class OsvParser {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Fields of ecosystem_specific / database_specific that carry a package state. */
    private static final Set<String> STATE_FIELDS = Set.of("status", "state", "fix_state", "fix_status", "resolution");
    /** Fields that carry a rating of the vendor's own scale. */
    private static final Set<String> RATING_FIELDS = Set.of("severity", "urgency", "priority");
    /** Debian security tracker tags for a package that is affected but will not get a fix through a DSA. */
    private static final Set<String> DISTRO_STATES =
            Set.of("no-dsa", "postponed", "end-of-life", "ignored", "unimportant", "not-affected", "will-not-fix");

    private OsvParser() {
    }

    /**
     * Parses one record.
     *
     * @param where the file or zip entry, named in warnings
     * @return the advisory, or empty when the record was skipped (the log says why)
     */
    public static Optional<Advisory> parse(byte[] json, String where, IngestLog log) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            log.skipRecord(where, null, "invalid JSON", "not valid JSON: " + oneLine(e.getOriginalMessage()));
            return Optional.empty();
        } catch (IOException e) {
            log.skipRecord(where, null, "invalid JSON", "unreadable: " + DrydockException.reason(e));
            return Optional.empty();
        }
        return parse(root, where, log);
    }

    /** Parses one record already read as a JSON tree. */
    public static Optional<Advisory> parse(JsonNode root, String where, IngestLog log) {
        if (root == null || !root.isObject()) {
            log.skipRecord(where, null, "not an OSV record", "not a JSON object");
            return Optional.empty();
        }
        String id = text(root, "id");
        if (id == null || id.isBlank()) {
            log.skipRecord(where, null, "not an OSV record", "no \"id\"");
            return Optional.empty();
        }
        Instant modified = time(root, "modified", where, id, log);
        Instant published = time(root, "published", where, id, log);
        Instant withdrawn = time(root, "withdrawn", where, id, log);
        log.modified(modified);

        List<Severity> severities = new ArrayList<>(severityArray(root.get("severity"), "severity", where, id, log));
        JsonNode databaseSpecific = root.get("database_specific");
        if (databaseSpecific != null && databaseSpecific.isObject()) {
            severities.addAll(ratings(databaseSpecific, "database_specific"));
        }

        List<AffectedPackage> affected = new ArrayList<>();
        JsonNode affectedNode = root.get("affected");
        if (affectedNode != null && affectedNode.isArray()) {
            for (int i = 0; i < affectedNode.size(); i++) {
                affectedPackage(affectedNode.get(i), "affected[" + i + "]", where, id, log).ifPresent(affected::add);
            }
        }
        if (affected.isEmpty()) {
            log.skipRecord(where, id, "no package Drydock can match",
                    "no affected package with an ecosystem, range or version Drydock can evaluate; record skipped");
            return Optional.empty();
        }
        if (withdrawn != null) {
            log.count("withdrawn (stored, never matched)");
        }
        return Optional.of(new Advisory(id, modified, published, withdrawn, strings(root.get("aliases")),
                strings(root.get("related")), text(root, "summary"), text(root, "details"), severities,
                references(root.get("references")), affected,
                databaseSpecific != null && databaseSpecific.isObject() ? databaseSpecific.toString() : null));
    }

    private static Optional<AffectedPackage> affectedPackage(JsonNode node, String path, String where, String id, IngestLog log) {
        JsonNode pkg = node == null ? null : node.get("package");
        String osvEcosystem = pkg == null ? null : text(pkg, "ecosystem");
        String name = pkg == null ? null : text(pkg, "name");
        if (osvEcosystem == null || name == null || name.isBlank()) {
            log.warn(where, id, "affected entry without package", path + " has no package ecosystem and name; entry skipped");
            return Optional.empty();
        }
        Optional<String[]> split = Ecosystems.split(osvEcosystem);
        if (split.isEmpty()) {
            String ecosystemName = osvEcosystem.contains(":") ? osvEcosystem.substring(0, osvEcosystem.indexOf(':')) : osvEcosystem;
            log.count("unsupported ecosystem: " + ecosystemName);
            return Optional.empty();
        }
        String ecosystem = split.get()[0];
        PackageKey key = new PackageKey(ecosystem, split.get()[1], Ecosystems.normalizeName(ecosystem, name));
        VersionScheme own = Ecosystems.scheme(RangeType.ECOSYSTEM, ecosystem);

        List<AffectedRange> ranges = new ArrayList<>();
        boolean hadGitRange = false;
        JsonNode rangesNode = node.get("ranges");
        if (rangesNode != null && rangesNode.isArray()) {
            for (int r = 0; r < rangesNode.size(); r++) {
                JsonNode range = rangesNode.get(r);
                String rangePath = path + ".ranges[" + r + "]";
                String type = range == null ? null : text(range, "type");
                if ("GIT".equals(type)) {
                    hadGitRange = true;
                    log.count("GIT range skipped (needs the repository's commit graph)");
                    continue;
                }
                RangeType rangeType = "ECOSYSTEM".equals(type) ? RangeType.ECOSYSTEM : "SEMVER".equals(type) ? RangeType.SEMVER : null;
                if (rangeType == null) {
                    log.warn(where, id, "unknown range type", rangePath + " has range type " + quote(type) + "; range skipped");
                    continue;
                }
                range(range, rangeType, Ecosystems.scheme(rangeType, ecosystem), rangePath, where, id, log).ifPresent(ranges::add);
            }
        }

        List<String> versions = new ArrayList<>();
        JsonNode versionsNode = node.get("versions");
        if (versionsNode != null && versionsNode.isArray()) {
            for (JsonNode v : versionsNode) {
                String version = v.isTextual() ? v.asText() : v.toString();
                if (v.isTextual() && own.isValid(version)) {
                    versions.add(version);
                } else {
                    log.warn(where, id, "unparseable version",
                            path + ".versions has " + quote(version) + ", not a valid " + own.name() + " version; version skipped");
                }
            }
        }
        if (ranges.isEmpty() && versions.isEmpty()) {
            if (hadGitRange) {
                log.count("affected entry with GIT ranges only");
            } else {
                log.warn(where, id, "affected entry with nothing to evaluate",
                        path + " (" + key + ") has no range or version Drydock can evaluate; entry skipped");
            }
            return Optional.empty();
        }

        List<Severity> severities = new ArrayList<>(severityArray(node.get("severity"), path + ".severity", where, id, log));
        List<StateNote> states = new ArrayList<>();
        for (String field : List.of("ecosystem_specific", "database_specific")) {
            JsonNode extra = node.get(field);
            if (extra != null && extra.isObject()) {
                severities.addAll(ratings(extra, path + "." + field));
                states(extra, path + "." + field, states, 0);
            }
        }
        boolean fixed = ranges.stream().flatMap(r -> r.events().stream()).anyMatch(e -> e.kind() == RangeEvent.Kind.FIXED);
        return Optional.of(new AffectedPackage(key, pkg.hasNonNull("purl") ? pkg.get("purl").asText() : null, own.name(),
                ranges, versions, fixed ? FixState.FIXED : FixState.UNFIXED, states, severities));
    }

    private static Optional<AffectedRange> range(JsonNode range, RangeType type, VersionScheme scheme, String path,
            String where, String id, IngestLog log) {
        JsonNode eventsNode = range.get("events");
        if (eventsNode == null || !eventsNode.isArray() || eventsNode.isEmpty()) {
            log.warn(where, id, "range without events", path + " has no events; range skipped");
            return Optional.empty();
        }
        List<RangeEvent> events = new ArrayList<>();
        boolean introduced = false;
        for (int e = 0; e < eventsNode.size(); e++) {
            JsonNode event = eventsNode.get(e);
            String eventPath = path + ".events[" + e + "]";
            if (event == null || !event.isObject() || event.size() != 1) {
                log.warn(where, id, "malformed range event", eventPath + " must hold exactly one of introduced, fixed, last_affected, limit; range skipped");
                return Optional.empty();
            }
            Map.Entry<String, JsonNode> field = event.properties().iterator().next();
            RangeEvent.Kind kind = RangeEvent.Kind.fromOsvName(field.getKey());
            if (kind == null || !field.getValue().isTextual()) {
                log.warn(where, id, "malformed range event", eventPath + " has unknown event " + quote(field.getKey()) + "; range skipped");
                return Optional.empty();
            }
            RangeEvent ev = new RangeEvent(kind, field.getValue().asText());
            if (!ev.isFromTheStart() && !ev.isUnlimited() && !scheme.isValid(ev.version())) {
                log.warn(where, id, "unparseable version", eventPath + " " + kind.osvName() + " " + quote(ev.version())
                        + " is not a valid " + scheme.name() + " version; range skipped");
                return Optional.empty();
            }
            introduced |= kind == RangeEvent.Kind.INTRODUCED;
            events.add(ev);
        }
        if (!introduced) {
            log.warn(where, id, "range without introduced event", path + " has no introduced event, so nothing is affected; range skipped");
            return Optional.empty();
        }
        return Optional.of(new AffectedRange(type, events));
    }

    private static List<Severity> severityArray(JsonNode array, String path, String where, String id, IngestLog log) {
        List<Severity> out = new ArrayList<>();
        if (array == null || !array.isArray()) {
            return out;
        }
        for (int i = 0; i < array.size(); i++) {
            JsonNode s = array.get(i);
            String type = text(s, "type");
            String score = text(s, "score");
            if (type == null || score == null) {
                log.warn(where, id, "malformed severity", path + "[" + i + "] needs a type and a score; ignored");
                continue;
            }
            try {
                out.add(Severities.scored(type, score, path + "[" + i + "]"));
            } catch (InvalidCvssException e) {
                log.warn(where, id, "unscorable CVSS vector", path + "[" + i + "]: " + e.getMessage() + "; kept without a score");
                out.add(new Severity(type, score, null, null, path + "[" + i + "]"));
            }
        }
        return out;
    }

    /** Vendor ratings in a *_specific object: {@code severity}, {@code urgency}, {@code priority} as plain strings. */
    private static List<Severity> ratings(JsonNode object, String path) {
        List<Severity> out = new ArrayList<>();
        for (String field : RATING_FIELDS) {
            JsonNode v = object.get(field);
            if (v != null && v.isTextual() && !v.asText().isBlank()) {
                out.add(Severities.of(field, v.asText(), path + "." + field));
            }
        }
        out.sort((a, b) -> a.source().compareTo(b.source()));
        return out;
    }

    /** Package states in a *_specific object: named state fields, or a Debian tag as a value, two levels deep. */
    private static void states(JsonNode object, String path, List<StateNote> out, int depth) {
        Iterator<Map.Entry<String, JsonNode>> fields = object.properties().iterator();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            JsonNode v = f.getValue();
            String fieldPath = path + "." + f.getKey();
            if (v.isTextual()) {
                String value = v.asText();
                if (STATE_FIELDS.contains(f.getKey()) || DISTRO_STATES.contains(value.toLowerCase(Locale.ROOT))) {
                    out.add(new StateNote(value, fieldPath));
                }
            } else if (v.isObject() && depth < 1) {
                states(v, fieldPath, out, depth + 1);
            }
        }
    }

    private static List<Reference> references(JsonNode array) {
        List<Reference> out = new ArrayList<>();
        if (array != null && array.isArray()) {
            for (JsonNode r : array) {
                String url = text(r, "url");
                if (url != null) {
                    out.add(new Reference(text(r, "type"), url));
                }
            }
        }
        return out;
    }

    private static Instant time(JsonNode root, String field, String where, String id, IngestLog log) {
        String value = text(root, field);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException again) {
                log.warn(where, id, "bad timestamp", field + " " + quote(value) + " is not an RFC 3339 time; ignored");
                return null;
            }
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null && array.isArray()) {
            for (JsonNode n : array) {
                if (n.isTextual() && !n.asText().isBlank()) {
                    out.add(n.asText());
                }
            }
        }
        return out;
    }

    private static String text(JsonNode node, String field) {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode v = node.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    private static String quote(String s) {
        return s == null ? "(none)" : "\"" + s + "\"";
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ");
    }
}
