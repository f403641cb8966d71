package io.drydock.scan.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.freshness.EolData;
import io.drydock.freshness.FreshnessReport;
import io.drydock.inventory.OsRelease;
import io.drydock.layer.LayerInfo;
import io.drydock.scan.BaseImage;
import io.drydock.scan.Finding;
import io.drydock.scan.Origin;
import io.drydock.scan.Rating;
import io.drydock.scan.Remediation;
import io.drydock.scan.ScanReport;
import io.drydock.scan.Suppressed;
import io.drydock.scan.Upgrades;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Drydock's own JSON, documented field by field in {@code docs/scan-report.md}. Every field is always present
 * (null when unknown) and always in the same order, so that scripts need no existence checks and diffs of two
 * scans line up; instants are ISO-8601 in UTC.
 */
public record JsonReport() implements ReportWriter {
    static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String name() {
        return "json";
    }

    @Override
    public String write(ScanReport report) {
        return tree(report).toPrettyString() + "\n";
    }

    /**
     * One image: its document, as {@link #write(ScanReport)}. Several: {@code {"schemaVersion": 1, "reports": [...]}},
     * each element a one-image document; a reader tells the two apart by the {@code reports} field.
     */
    @Override
    public String write(List<ScanReport> reports) {
        ReportWriter.requireSome(reports);
        if (reports.size() == 1) {
            return write(reports.get(0));
        }
        ObjectNode all = JSON.createObjectNode();
        all.put("schemaVersion", ScanReport.SCHEMA_VERSION);
        ArrayNode array = all.putArray("reports");
        reports.forEach(r -> array.add(tree(r)));
        return all.toPrettyString() + "\n";
    }

    /** The one-image document, for formats that embed it (the cosign predicate's result). */
    public ObjectNode tree(ScanReport r) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("schemaVersion", ScanReport.SCHEMA_VERSION);
        ObjectNode tool = doc.putObject("tool");
        tool.put("name", Tool.CURRENT.name());
        tool.put("version", Tool.CURRENT.version());
        doc.put("target", r.target());
        doc.put("digest", r.digest());
        doc.put("scannedAt", instant(r.scannedAt()));
        doc.set("os", os(r.os()));
        doc.set("db", db(r.db()));
        doc.set("base", base(r.base()));
        doc.put("packages", r.packages());
        doc.set("summary", summary(r));
        ArrayNode findings = doc.putArray("findings");
        r.findings().forEach(f -> findings.add(finding(f)));
        ArrayNode suppressed = doc.putArray("suppressed");
        for (Suppressed s : r.suppressed()) {
            ObjectNode n = suppressed.addObject();
            n.put("by", s.by());
            n.put("reason", s.reason());
            n.set("finding", finding(s.finding()));
        }
        doc.put("filtered", r.filtered());
        doc.set("remediation", remediation(r.remediation()));
        strings(doc.putArray("notes"), r.notes());
        strings(doc.putArray("inventoryWarnings"), r.inventoryWarnings());
        doc.set("freshness", freshness(r.freshness()));
        return doc;
    }

    /** The {@code freshness} object (docs/scan-report.md), null when not assessed; also {@code drydock freshness --format json}. */
    public static ObjectNode freshness(FreshnessReport f) {
        if (f == null) {
            return null;
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("dataDate", f.dataDate() == null ? null : f.dataDate().toString());
        n.put("dataOrigin", f.dataOrigin());
        n.put("assessedOn", f.today() == null ? null : f.today().toString());
        FreshnessReport.BaseAge b = f.base();
        if (b == null) {
            n.putNull("base");
        } else {
            ObjectNode base = n.putObject("base");
            base.put("name", b.name());
            base.put("builtOnDigest", b.builtOnDigest());
            base.put("currentDigest", b.currentDigest());
            base.put("behind", b.behind());
            base.put("newerBaseBuilt", b.newerBaseBuilt() == null ? null : b.newerBaseBuilt().toString());
            base.put("daysBehind", b.daysBehind());
            base.put("baseFindings", b.baseFindings());
            base.put("fixedByNewerBase", b.fixedByNewerBase());
            base.put("note", b.note());
        }
        n.set("os", eol(f.os()));
        ArrayNode runtimes = n.putArray("runtimes");
        f.runtimes().forEach(r -> runtimes.add(eol(r)));
        strings(n.putArray("warnings"), f.warnings());
        return n;
    }

    private static ObjectNode eol(FreshnessReport.EolAnswer e) {
        if (e == null) {
            return null;
        }
        EolData.Answer a = e.answer();
        ObjectNode n = JSON.createObjectNode();
        n.put("name", e.name());
        n.put("version", e.version());
        n.put("product", a.product());
        n.put("line", a.cycle());
        n.put("status", status(a.status()));
        n.put("eol", a.eol() == null ? null : a.eol().toString());
        n.put("extendedSupportEnd", a.extendedEnd() == null ? null : a.extendedEnd().toString());
        n.put("latest", a.latest());
        n.put("latestInLine", a.latestInLine());
        n.put("evidence", e.evidence());
        n.put("path", e.path());
        n.put("layer", e.layer() < 0 ? null : e.layer());
        return n;
    }

    /** {@code supported}, {@code extended-support-only}, {@code end-of-life}, {@code unknown-line}, {@code unknown-date}. */
    static String status(EolData.Status status) {
        return status.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    private static ObjectNode os(OsRelease os) {
        if (os == null) {
            return null;
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("id", os.id());
        n.put("versionId", os.versionId());
        n.put("prettyName", os.prettyName());
        n.put("codename", os.codename());
        return n;
    }

    private static ObjectNode db(ScanReport.DbInfo db) {
        if (db == null) {
            return null;
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("builtAt", instant(db.builtAt()));
        strings(n.putArray("sources"), db.sources());
        return n;
    }

    private static ObjectNode base(BaseImage base) {
        if (base == null) {
            return null;
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("layers", base.layers());
        n.put("name", base.name());
        n.put("digest", base.digest());
        n.put("how", base.how() == null ? null : base.how().label());
        n.put("guess", base.isGuess());
        n.put("note", base.note());
        return n;
    }

    /** Counts a reader would otherwise compute: by severity (every level present, zeros included) and by origin. */
    private static ObjectNode summary(ScanReport r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("findings", r.findings().size());
        ObjectNode bySeverity = n.putObject("bySeverity");
        for (Rating level : Rating.values()) {
            bySeverity.put(level.label(), r.findings().stream().filter(f -> f.severity() == level).count());
        }
        ObjectNode byOrigin = n.putObject("byOrigin");
        for (Origin origin : Origin.values()) {
            byOrigin.put(origin.label(), r.findings().stream().filter(f -> f.origin() == origin).count());
        }
        n.put("fixable", r.findings().stream().filter(Finding::isFixable).count());
        n.put("suppressed", r.suppressed().size());
        n.put("filtered", r.filtered());
        return n;
    }

    static ObjectNode finding(Finding f) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", f.id());
        strings(n.putArray("aliases"), f.aliases());
        strings(n.putArray("advisories"), f.advisories());
        n.put("severity", f.severity().label());
        n.put("severitySource", f.severitySource());
        if (f.cvssScore() == null && f.cvssVector() == null) {
            n.putNull("cvss");
        } else {
            ObjectNode cvss = n.putObject("cvss");
            cvss.put("score", f.cvssScore());
            cvss.put("vector", f.cvssVector());
        }
        n.put("status", f.status());
        strings(n.putArray("fixedVersions"), f.fixedVersions());
        n.put("summary", f.summary());
        n.put("origin", f.origin() == null ? null : f.origin().label());
        n.set("package", pkg(f.pkg()));
        ObjectNode as = n.putObject("matchedAs");
        as.put("ecosystem", f.matchedAs().ecosystem());
        as.put("release", f.matchedAs().release());
        as.put("name", f.matchedAs().name());
        as.put("version", f.matchedAs().version());
        n.set("layer", layer(f.layer()));
        n.put("why", f.why());
        return n;
    }

    private static ObjectNode pkg(Finding.FoundPackage p) {
        ObjectNode n = JSON.createObjectNode();
        n.put("purl", p.purl());
        n.put("type", p.type());
        n.put("name", p.name());
        n.put("version", p.version());
        strings(n.putArray("paths"), p.paths());
        n.put("ownedBy", p.ownedBy());
        return n;
    }

    private static ObjectNode layer(LayerInfo l) {
        ObjectNode n = JSON.createObjectNode();
        n.put("index", l.index());
        n.put("digest", l.digest());
        n.put("diffId", l.diffId());
        n.put("createdBy", l.createdBy());
        return n;
    }

    private static ObjectNode remediation(Remediation rem) {
        if (rem == null) {
            return null;
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("baseFindings", rem.baseFindings());
        n.put("fixedByRebuild", rem.fixedByRebuild());
        n.put("currentBaseDigest", rem.currentBaseDigest());
        n.put("rebuildNote", rem.rebuildNote());
        n.put("applicationFindings", rem.applicationFindings());
        upgrades(n.putArray("applicationUpgrades"), rem.applicationUpgrades());
        upgrades(n.putArray("baseUpgrades"), rem.baseUpgrades());
        return n;
    }

    private static void upgrades(ArrayNode array, List<Upgrades.Upgrade> upgrades) {
        for (Upgrades.Upgrade u : upgrades) {
            ObjectNode n = array.addObject();
            n.set("package", pkg(u.pkg()));
            n.put("origin", u.origin() == null ? null : u.origin().label());
            n.put("smallestFixingVersion", u.smallestFixingVersion());
            strings(n.putArray("fixes"), u.fixes());
            strings(n.putArray("unfixed"), u.unfixed());
        }
    }

    private static void strings(ArrayNode array, Collection<String> values) {
        values.forEach(array::add);
    }

    static String instant(Instant i) {
        return i == null ? null : i.toString();
    }
}
