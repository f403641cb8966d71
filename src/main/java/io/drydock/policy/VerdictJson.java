package io.drydock.policy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.scan.report.Tool;
import java.time.Instant;

/**
 * A verdict as the body of an attestation predicate of type {@link Verdict#PREDICATE_TYPE}, documented field by field
 * in {@code docs/policy.md}. As in the scan report, every field is always present (null when unknown) and in the
 * same order, and instants are ISO-8601 in UTC. Signing wraps the predicate in an in-toto statement; this is only the
 * body.
 */
public final class VerdictJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private VerdictJson() {
    }

    public static String write(Verdict v) {
        return predicate(v).toPrettyString() + "\n";
    }

    public static ObjectNode predicate(Verdict v) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("passed", v.passed());
        ObjectNode policy = doc.putObject("policy");
        policy.put("apiVersion", Policy.API_VERSION);
        policy.put("name", v.policyName());
        policy.put("digest", v.policyDigest());
        ObjectNode image = doc.putObject("image");
        image.put("name", v.image());
        image.put("digest", v.imageDigest());
        doc.put("scannedAt", instant(v.scannedAt()));
        doc.put("evaluatedAt", instant(v.evaluatedAt()));
        ObjectNode evaluator = doc.putObject("evaluator");
        evaluator.put("name", Tool.CURRENT.name());
        evaluator.put("version", Tool.CURRENT.version());
        ArrayNode rules = doc.putArray("rules");
        for (Verdict.RuleResult r : v.rules()) {
            ObjectNode n = rules.addObject();
            n.put("rule", r.rule());
            n.put("setting", r.setting());
            n.put("passed", r.passed());
            n.put("explanation", r.explanation());
            ArrayNode items = n.putArray("items");
            r.items().forEach(i -> item(items.addObject(), i));
        }
        ArrayNode allowed = doc.putArray("allowed");
        for (Verdict.Allowed a : v.allowed()) {
            ObjectNode n = item(allowed.addObject(), a.finding());
            n.put("reason", a.reason());
            n.put("expires", a.expires() == null ? null : a.expires().toString());
        }
        ObjectNode requirements = doc.putObject("requirements");
        requirements.put("maxScanAge", v.requirements().maxScanAge() == null ? null : v.requirements().maxScanAge().toString());
        ArrayNode attestations = requirements.putArray("attestations");
        v.requirements().attestations().forEach(k -> attestations.add(k.label()));
        ArrayNode notes = doc.putArray("notes");
        v.notes().forEach(notes::add);
        return doc;
    }

    private static ObjectNode item(ObjectNode n, Verdict.Item i) {
        n.put("id", i.id());
        n.put("package", i.pkg());
        n.put("purl", i.purl());
        n.put("version", i.version());
        n.put("severity", i.severity() == null ? null : i.severity().label());
        n.put("origin", i.origin() == null ? null : i.origin().label());
        n.put("note", i.note());
        return n;
    }

    private static String instant(Instant i) {
        return i == null ? null : i.toString();
    }
}
