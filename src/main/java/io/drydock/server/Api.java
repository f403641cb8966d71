package io.drydock.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.fleet.Fleet;
import io.drydock.fleet.FleetMatcher;
import io.drydock.fleet.ImageFacts;
import io.drydock.scan.Finding;
import io.drydock.scan.Origin;
import io.drydock.scan.Upgrades;
import io.drydock.store.AdmissionRecord;
import io.drydock.store.AuditEntry;
import io.drydock.store.FindingCounts;
import io.drydock.store.FleetOverview;
import io.drydock.store.ImageFilter;
import io.drydock.store.ImageSummary;
import io.drydock.store.Job;
import io.drydock.store.LineageEdge;
import io.drydock.store.Page;
import io.drydock.store.RunningContainer;
import io.drydock.store.Store;
import io.drydock.store.StoredImage;
import io.drydock.store.TrackedBase;
import io.drydock.store.VulnHit;
import io.drydock.store.VulnSummary;
import io.drydock.vulndb.DbMetadata;
import io.drydock.watch.BaseUpdateLoop;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The REST API's resources as JSON documents (described in {@code server/openapi.yaml}). The dashboard renders the
 * same documents, so what a page shows is what the API says.
 */
final class Api {
    static final ObjectMapper JSON = new ObjectMapper();

    private final Store store;
    private final Fleet fleet;
    private final String policySummary;

    Api(Store store, Fleet fleet, String policySummary) {
        this.store = store;
        this.fleet = fleet;
        this.policySummary = policySummary;
    }

    ObjectNode overview() {
        FleetOverview o = store.overview();
        ObjectNode n = JSON.createObjectNode();
        n.put("images", o.images());
        n.put("matchedImages", o.matchedImages());
        n.put("workloads", o.workloads());
        n.put("runningContainers", o.runningContainers());
        n.set("findings", counts(o.findings()));
        n.set("advisoryDb", advisoryDb());
        return n;
    }

    static ObjectNode counts(FindingCounts c) {
        ObjectNode n = JSON.createObjectNode();
        n.put("total", c.total());
        n.put("critical", c.critical());
        n.put("high", c.high());
        n.put("medium", c.medium());
        n.put("low", c.low());
        n.put("other", c.other());
        n.put("base", c.base());
        n.put("application", c.application());
        n.put("fixable", c.fixable());
        n.put("baseUpdateOnly", c.baseFixable());
        return n;
    }

    ObjectNode advisoryDb() {
        DbMetadata m = fleet.db().matcher().db().metadata();
        ObjectNode n = JSON.createObjectNode();
        n.put("builtAt", m.builtAt().toString());
        n.put("advisories", m.advisories());
        n.put("packages", m.packages());
        ArrayNode sources = n.putArray("sources");
        m.sources().forEach(s -> sources.add(s.location()));
        n.put("matchedVersion", store.setting("advisories.version").orElse(null));
        ObjectNode jobs = n.putObject("rematching");
        store.jobCounts().forEach((k, v) -> {
            if (k.startsWith(Fleet.REMATCH + "/")) {
                jobs.put(k.substring(Fleet.REMATCH.length() + 1).toLowerCase(Locale.ROOT), v);
            }
        });
        return n;
    }

    ObjectNode images(ImageFilter filter, int offset, int limit) {
        Page<ImageSummary> page = store.imageSummaries(filter, offset, limit);
        ArrayNode items = JSON.createArrayNode();
        page.items().forEach(i -> items.add(summary(i)));
        return page(items, page.offset(), page.limit(), page.total());
    }

    static ObjectNode page(ArrayNode items, int offset, int limit, long total) {
        ObjectNode n = JSON.createObjectNode();
        n.set("items", items);
        n.put("offset", offset);
        n.put("limit", limit);
        n.put("total", total);
        return n;
    }

    private static ObjectNode summary(ImageSummary i) {
        ObjectNode n = JSON.createObjectNode();
        n.put("digest", i.digest());
        n.put("reference", i.reference());
        n.put("repository", i.repository());
        n.put("analyzedAt", i.analyzedAt().toString());
        n.put("matchedAt", i.matchedAt() == null ? null : i.matchedAt().toString());
        n.set("counts", counts(i.counts()));
        return n;
    }

    /** One image: its findings matched now with the current DB, attributed, with the remediation. */
    ObjectNode image(String digest, ImageFilter filter) {
        StoredImage image = store.image(digest).orElseThrow(() -> new ApiException(404, "no image " + digest + " is stored"));
        ImageSummary s = store.imageSummary(digest).orElseThrow();
        FleetMatcher matcher = fleet.db().matcher();
        List<Finding> all = matcher.findings(image);
        List<Finding> shown = all.stream().filter(f -> keep(f, filter)).toList();
        ImageFacts facts = FleetMatcher.facts(image);
        ObjectNode n = summary(s);
        ObjectNode base = n.putObject("base");
        if (facts != null && facts.base() != null) {
            base.put("name", facts.base().name());
            base.put("digest", facts.base().digest());
            base.put("layers", facts.base().layers());
            base.put("how", facts.base().how().label());
            base.put("note", facts.base().note());
            base.put("currentDigest", facts.currentBaseDigest());
            if (facts.fixedByRebuild() != null) {
                base.put("fixedByRebuild", facts.fixedByRebuild());
            }
            base.put("rebuildNote", facts.rebuildNote());
        }
        ArrayNode findings = n.putArray("findings");
        for (Finding f : shown) {
            findings.add(finding(f));
        }
        n.put("findingsShown", shown.size());
        ObjectNode remediation = n.putObject("remediation");
        long inBase = all.stream().filter(f -> f.origin() == Origin.BASE).count();
        remediation.put("baseFindings", inBase);
        remediation.put("applicationFindings", all.size() - inBase);
        remediation.put("summary", remediationSummary(all, facts));
        List<Upgrades.Upgrade> upgrades = Upgrades.of(all, matcher.db());
        ArrayNode app = remediation.putArray("applicationUpgrades");
        ArrayNode inBaseUpgrades = remediation.putArray("baseUpgrades");
        for (Upgrades.Upgrade u : upgrades) {
            ObjectNode un = (u.origin() == Origin.BASE ? inBaseUpgrades : app).addObject();
            un.put("package", u.pkg().name());
            un.put("purl", u.pkg().purl());
            un.put("version", u.pkg().version());
            un.put("upgradeTo", u.smallestFixingVersion());
            un.set("fixes", strings(u.fixes()));
            un.set("unfixed", strings(u.unfixed()));
        }
        ObjectNode signature = n.putObject("signature");
        signature.put("signatures", facts == null ? 0 : facts.signatures());
        signature.set("attestations", strings(facts == null ? List.of() : facts.attestations()));
        n.set("workloads", workloads(store.running(digest)));
        ArrayNode history = n.putArray("history");
        for (AuditEntry a : store.history(digest)) {
            history.add(audit(a));
        }
        return n;
    }

    static String remediationSummary(List<Finding> all, ImageFacts facts) {
        long inBase = all.stream().filter(f -> f.origin() == Origin.BASE).count();
        long app = all.size() - inBase;
        String baseName = facts != null && facts.base() != null && facts.base().name() != null ? facts.base().name() : "the base image";
        StringBuilder s = new StringBuilder();
        s.append(inBase).append(" finding(s) are in ").append(baseName);
        if (facts != null && facts.fixedByRebuild() != null && facts.currentBaseDigest() != null) {
            s.append("; rebuilding on its current digest would fix ").append(facts.fixedByRebuild()).append(" of them");
        } else {
            s.append(" (").append(all.stream().filter(f -> f.origin() == Origin.BASE && f.isFixable()).count())
                    .append(" have a fixed version: a base update fixes them)");
        }
        s.append(". ").append(app).append(" finding(s) need application changes");
        s.append(" (").append(all.stream().filter(f -> f.origin() == Origin.APPLICATION && f.isFixable()).count()).append(" fixable).");
        return s.toString();
    }

    private static boolean keep(Finding f, ImageFilter filter) {
        if (filter.severity() != null && !severityBucket(f.severity().label()).equals(filter.severity())) {
            return false;
        }
        if (filter.fixable() != null && f.isFixable() != filter.fixable()) {
            return false;
        }
        return filter.origin() == null || f.origin().label().equals(filter.origin());
    }

    static String severityBucket(String severity) {
        return switch (severity) {
            case "CRITICAL", "HIGH", "MEDIUM", "LOW" -> severity;
            default -> "OTHER";
        };
    }

    static ObjectNode finding(Finding f) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", f.id());
        n.set("aliases", strings(f.aliases()));
        n.put("severity", f.severity().label());
        n.put("severitySource", f.severitySource());
        if (f.cvssScore() != null) {
            n.put("cvssScore", f.cvssScore());
        }
        n.put("package", f.pkg().name());
        n.put("version", f.pkg().version());
        n.put("purl", f.pkg().purl());
        n.put("type", f.pkg().type());
        n.set("paths", strings(f.pkg().paths()));
        n.put("origin", f.origin().label());
        n.put("status", f.status());
        n.set("fixedVersions", strings(f.fixedVersions()));
        n.put("summary", f.summary());
        ObjectNode layer = n.putObject("layer");
        layer.put("index", f.layer().index());
        layer.put("digest", f.layer().digest());
        layer.put("createdBy", f.layer().createdBy());
        return n;
    }

    ObjectNode vulns(ImageFilter filter, int offset, int limit) {
        Page<VulnSummary> page = store.vulns(filter, offset, limit);
        ArrayNode items = JSON.createArrayNode();
        for (VulnSummary v : page.items()) {
            ObjectNode n = items.addObject();
            n.put("id", v.vulnId());
            n.put("severity", v.severity());
            n.put("images", v.images());
            n.put("fixableImages", v.fixable());
            n.put("inBase", v.inBase());
            n.put("inApplication", v.inApplication());
        }
        return page(items, page.offset(), page.limit(), page.total());
    }

    /** A vulnerability: every image it hits, with the remedy for each, and the workloads running those images. */
    ObjectNode vuln(String id) {
        List<VulnHit> hits = store.hitsOf(id);
        if (hits.isEmpty()) {
            throw new ApiException(404, "no stored image has " + id);
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("id", id);
        n.put("severity", hits.stream().map(VulnHit::severity).min(Api::bySeverity).orElse("UNKNOWN"));
        fleet.db().matcher().db().advisory(id).ifPresent(a -> n.put("summary", a.summary()));
        ArrayNode images = n.putArray("images");
        Map<String, RunningContainer> workloads = new LinkedHashMap<>();
        Map<String, List<VulnHit>> byImage = new TreeMap<>();
        hits.forEach(h -> byImage.computeIfAbsent(h.digest(), k -> new ArrayList<>()).add(h));
        for (Map.Entry<String, List<VulnHit>> e : byImage.entrySet()) {
            StoredImage image = store.image(e.getKey()).orElse(null);
            ImageFacts facts = image == null ? null : FleetMatcher.facts(image);
            List<RunningContainer> running = store.running(e.getKey());
            for (VulnHit h : e.getValue()) {
                ObjectNode i = images.addObject();
                i.put("digest", h.digest());
                i.put("reference", image == null ? null : image.reference());
                i.put("package", h.pkg());
                i.put("version", h.version());
                i.put("origin", h.origin());
                i.put("severity", h.severity());
                i.put("fixedVersions", h.fixed());
                i.put("remedy", remedy(h, facts));
                i.set("workloads", workloads(running));
            }
            running.forEach(r -> workloads.putIfAbsent(r.workload(), r));
        }
        ArrayNode w = n.putArray("workloads");
        workloads.values().forEach(r -> w.add(workload(r)));
        return n;
    }

    private static int bySeverity(String a, String b) {
        List<String> order = List.of("CRITICAL", "HIGH", "MEDIUM", "LOW", "NEGLIGIBLE", "UNKNOWN");
        return Integer.compare(order.indexOf(a), order.indexOf(b));
    }

    static String remedy(VulnHit h, ImageFacts facts) {
        if (h.origin().equals("base")) {
            String base = facts != null && facts.base() != null && facts.base().name() != null ? facts.base().name() : "the base image";
            return h.fixed() == null ? "no fix yet: wait for a new release of " + base
                    : "update the base: rebuild on a newer " + base + " that ships " + h.pkg() + " " + h.fixed();
        }
        return h.fixed() == null ? "no fixed version of " + h.pkg() + " yet" : "update the application: " + h.pkg() + " to " + h.fixed();
    }

    private static ArrayNode workloads(List<RunningContainer> running) {
        ArrayNode out = JSON.createArrayNode();
        Map<String, RunningContainer> seen = new LinkedHashMap<>();
        running.forEach(r -> seen.putIfAbsent(r.workload(), r));
        seen.values().forEach(r -> out.add(workload(r)));
        return out;
    }

    private static ObjectNode workload(RunningContainer r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("kind", r.workloadKind());
        n.put("namespace", r.namespace());
        n.put("name", r.workloadName());
        return n;
    }

    /** Running workloads with their containers, optionally in one namespace. */
    ObjectNode workloadList(String namespace) {
        Map<String, ObjectNode> byWorkload = new LinkedHashMap<>();
        for (RunningContainer r : store.running(null)) {
            if (namespace != null && !namespace.equals(r.namespace())) {
                continue;
            }
            ObjectNode w = byWorkload.computeIfAbsent(r.workload(), k -> {
                ObjectNode n = workload(r);
                n.putArray("containers");
                return n;
            });
            ObjectNode c = ((ArrayNode) w.get("containers")).addObject();
            c.put("pod", r.pod());
            c.put("container", r.container());
            c.put("image", r.image());
            c.put("digest", r.digest());
        }
        ArrayNode items = JSON.createArrayNode();
        byWorkload.values().forEach(items::add);
        return page(items, 0, items.size(), items.size());
    }

    /** The lineage graph: tracked bases with their current digests, edges (outdated when the base's tag moved on). */
    ObjectNode lineage() {
        Map<String, String> current = new TreeMap<>();
        for (TrackedBase b : store.trackedBases()) {
            if (b.digest() != null) {
                current.put(b.reference(), b.digest());
            }
        }
        ObjectNode n = JSON.createObjectNode();
        ArrayNode bases = n.putArray("trackedBases");
        store.trackedBases().forEach(b -> bases.addObject().put("reference", b.reference()).put("digest", b.digest())
                .put("changedAt", b.changedAt() == null ? null : b.changedAt().toString()));
        ArrayNode edges = n.putArray("edges");
        for (LineageEdge e : store.edges()) {
            ObjectNode en = edges.addObject();
            en.put("image", e.image());
            en.put("base", e.base());
            en.put("kind", e.kind().name().toLowerCase(Locale.ROOT));
            en.put("source", e.source().name().toLowerCase(Locale.ROOT));
            en.put("imageDigest", e.imageDigest());
            en.put("baseDigest", e.baseDigest());
            String now = current.get(e.base());
            en.put("outdated", e.baseDigest() != null && now != null && !now.equals(e.baseDigest()));
        }
        ArrayNode runs = n.putArray("workloads");
        for (RunningContainer r : store.running(null)) {
            runs.addObject().put("kind", r.workloadKind()).put("namespace", r.namespace()).put("name", r.workloadName())
                    .put("image", r.image()).put("digest", r.digest());
        }
        return n;
    }

    /** The base-update loop's steps (rebuilds, validations, rollouts, rollbacks) with their audit trails, newest first. */
    ObjectNode rollouts(int limit) {
        // every step of the base-update loop in the store: this server's, or a drydock watch's on the same store
        List<Job> jobs = new ArrayList<>(store.jobs(null).stream().filter(j -> BaseUpdateLoop.KINDS.contains(j.kind())).toList());
        jobs.sort((a, b) -> b.updatedAt().compareTo(a.updatedAt()));
        ArrayNode items = JSON.createArrayNode();
        Set<String> subjects = new java.util.LinkedHashSet<>();
        for (Job j : jobs.subList(0, Math.min(limit, jobs.size()))) {
            ObjectNode n = items.addObject();
            n.put("id", j.id());
            n.put("kind", j.kind());
            n.put("key", j.key());
            n.put("state", j.state().name().toLowerCase(Locale.ROOT));
            n.put("attempts", j.attempts());
            n.put("result", j.result());
            n.put("updatedAt", j.updatedAt().toString());
            String subject = j.key().contains("|") ? j.key().substring(0, j.key().indexOf('|')) : j.key();
            subjects.add(subject.contains("@") && !subject.contains("@sha256:") ? subject.substring(0, subject.indexOf('@')) : subject);
        }
        ArrayNode events = JSON.createArrayNode();
        List<AuditEntry> all = new ArrayList<>();
        subjects.forEach(s -> all.addAll(store.history(s)));
        all.sort((a, b) -> b.at().compareTo(a.at()));
        for (AuditEntry a : all.subList(0, Math.min(all.size(), limit))) {
            events.add(audit(a));
        }
        ObjectNode n = page(items, 0, limit, jobs.size());
        n.set("events", events);
        return n;
    }

    static ObjectNode audit(AuditEntry a) {
        ObjectNode n = JSON.createObjectNode();
        n.put("subject", a.subject());
        n.put("at", a.at().toString());
        n.put("action", a.action());
        n.put("message", a.message());
        return n;
    }

    ObjectNode history(String subject) {
        ArrayNode items = JSON.createArrayNode();
        store.history(subject).forEach(a -> items.add(audit(a)));
        return page(items, 0, items.size(), items.size());
    }

    ObjectNode admissions(int limit, boolean deniedOnly) {
        ArrayNode items = JSON.createArrayNode();
        for (AdmissionRecord r : store.admissions(limit, deniedOnly)) {
            ObjectNode n = items.addObject();
            n.put("id", r.id());
            n.put("at", r.at().toString());
            n.put("uid", r.uid());
            n.put("namespace", r.namespace());
            n.put("kind", r.kind());
            n.put("name", r.name());
            n.put("allowed", r.allowed());
            n.put("message", r.message());
            try {
                n.set("images", JSON.readTree(r.images()));
            } catch (java.io.IOException e) {
                n.putArray("images");
            }
        }
        return page(items, 0, limit, items.size());
    }

    ObjectNode policies() {
        ObjectNode n = JSON.createObjectNode();
        n.put("summary", policySummary);
        return n;
    }

    ObjectNode jobs() {
        ObjectNode n = JSON.createObjectNode();
        store.jobCounts().forEach(n::put);
        return n;
    }

    static ArrayNode strings(List<String> values) {
        ArrayNode a = JSON.createArrayNode();
        values.forEach(a::add);
        return a;
    }

    static JsonNode tree(Object o) {
        return JSON.valueToTree(o);
    }
}
