package io.drydock.scan.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import io.drydock.scan.BaseImage;
import io.drydock.scan.Finding;
import io.drydock.scan.Rating;
import io.drydock.scan.ScanReport;
import io.drydock.scan.Suppressed;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * CycloneDX 1.6 JSON carrying VEX: the image as the metadata component, the affected packages as components
 * (bom-ref = purl), and one vulnerability per finding, reported ones as {@code exploitable} and suppressed ones
 * with the state and justification their suppression gave. One image per document.
 *
 * <p>A vulnerability entry is per finding, not per id, because its analysis, layer and origin are the finding's:
 * the same CVE can be suppressed in one package and reported in another.
 */
public record CycloneDxVexReport() implements ReportWriter {
    /**
     * OpenVEX justifications as CycloneDX names them, after the CISA VEX mapping. CycloneDX has no
     * "component not present": the nearest is that the vulnerable code is not present.
     */
    private static final Map<String, String> JUSTIFICATIONS = Map.of(
            "component_not_present", "code_not_present",
            "vulnerable_code_not_present", "code_not_present",
            "vulnerable_code_not_in_execute_path", "code_not_reachable",
            "vulnerable_code_cannot_be_controlled_by_adversary", "requires_environment",
            "inline_mitigations_already_exist", "protected_by_mitigating_control");

    @Override
    public String name() {
        return "cyclonedx";
    }

    @Override
    public String write(ScanReport r) {
        ObjectNode bom = JsonReport.JSON.createObjectNode();
        bom.put("bomFormat", "CycloneDX");
        bom.put("specVersion", "1.6");
        // The same scan gives the same serial number, so that writing a report twice does not make two BOMs.
        String identity = r.target() + '\u0000' + r.digest() + '\u0000' + r.scannedAt() + "\u0000drydock-vex";
        bom.put("serialNumber", "urn:uuid:" + UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8)));
        bom.put("version", 1);
        metadata(bom.putObject("metadata"), r);
        List<Finding> all = new ArrayList<>(r.findings());
        r.suppressed().forEach(s -> all.add(s.finding()));
        // one component per purl, however many findings and parts of the image name it
        Map<String, Finding> firstByPurl = new LinkedHashMap<>();
        Map<String, Set<String>> pathsByPurl = new LinkedHashMap<>();
        for (Finding f : all) {
            firstByPurl.putIfAbsent(f.pkg().purl(), f);
            pathsByPurl.computeIfAbsent(f.pkg().purl(), p -> new LinkedHashSet<>()).addAll(f.pkg().paths());
        }
        ArrayNode components = bom.putArray("components");
        firstByPurl.forEach((purl, f) -> component(components, f, pathsByPurl.get(purl)));
        ArrayNode vulnerabilities = bom.putArray("vulnerabilities");
        Set<String> refs = new HashSet<>();
        for (Finding f : r.findings()) {
            ObjectNode v = vulnerability(vulnerabilities, r, f, refs);
            ObjectNode analysis = v.putObject("analysis");
            analysis.put("state", "exploitable");
            if (f.why() != null && !f.why().isBlank()) {
                analysis.put("detail", f.why());
            }
            affects(v, f, "affected");
            properties(v, f, null);
        }
        for (Suppressed s : r.suppressed()) {
            Finding f = s.finding();
            ObjectNode v = vulnerability(vulnerabilities, r, f, refs);
            analysis(v.putObject("analysis"), s);
            affects(v, f, "unaffected");
            properties(v, f, s);
        }
        return bom.toPrettyString() + "\n";
    }

    private static void metadata(ObjectNode metadata, ScanReport r) {
        if (r.scannedAt() != null) {
            metadata.put("timestamp", r.scannedAt().toString());
        }
        ObjectNode tool = metadata.putObject("tools").putArray("components").addObject();
        tool.put("type", "application");
        tool.put("name", Tool.CURRENT.name());
        tool.put("version", Tool.CURRENT.version());
        ObjectNode image = metadata.putObject("component");
        image.put("bom-ref", "image:" + (r.digest() != null ? r.digest() : r.target()));
        image.put("type", "container");
        image.put("name", r.target());
        if (r.digest() != null) {
            image.put("version", r.digest());
        }
        ArrayNode props = image.putArray("properties");
        if (r.os() != null) {
            prop(props, "drydock:os", r.os().toString());
        }
        BaseImage base = r.base();
        if (base != null) {
            if (base.name() != null) {
                prop(props, "drydock:base:name", base.name());
            }
            if (base.digest() != null) {
                prop(props, "drydock:base:digest", base.digest());
            }
            prop(props, "drydock:base:layers", String.valueOf(base.layers()));
            if (base.how() != null) {
                prop(props, "drydock:base:knownBy", base.how().label());
            }
        }
        if (r.db() != null && r.db().builtAt() != null) {
            prop(props, "drydock:db:builtAt", r.db().builtAt().toString());
        }
        prop(props, "drydock:filtered", String.valueOf(r.filtered()));
        if (!r.inventoryWarnings().isEmpty()) {
            prop(props, "drydock:inventory:complete", "false");
        }
    }

    private static void component(ArrayNode components, Finding f, Set<String> paths) {
        ObjectNode c = components.addObject();
        c.put("bom-ref", f.pkg().purl());
        c.put("type", "library");
        String group = null;
        String name = f.pkg().name();
        try {
            PackageURL purl = new PackageURL(f.pkg().purl());
            group = purl.getNamespace();
            name = purl.getName();
        } catch (MalformedPackageURLException e) {
            // the inventory's own display name still identifies the package
        }
        if (group != null) {
            c.put("group", group);
        }
        c.put("name", name);
        c.put("version", f.pkg().version());
        c.put("purl", f.pkg().purl());
        ArrayNode props = c.putArray("properties");
        prop(props, "drydock:package:type", f.pkg().type());
        if (f.pkg().ownedBy() != null) {
            prop(props, "drydock:package:ownedBy", f.pkg().ownedBy());
        }
        paths.forEach(path -> prop(props, "drydock:location", path));
    }

    private static ObjectNode vulnerability(ArrayNode vulnerabilities, ScanReport r, Finding f, Set<String> refs) {
        ObjectNode v = vulnerabilities.addObject();
        String ref = f.id() + "/" + f.pkg().purl() + "/" + f.origin().label();
        String unique = ref;
        for (int n = 2; !refs.add(unique); n++) {
            unique = ref + "#" + n;
        }
        v.put("bom-ref", unique);
        v.put("id", f.id());
        source(v.putObject("source"), f.id());
        if (!f.aliases().isEmpty()) {
            ArrayNode references = v.putArray("references");
            for (String alias : f.aliases()) {
                ObjectNode reference = references.addObject();
                reference.put("id", alias);
                source(reference.putObject("source"), alias);
            }
        }
        ratings(v.putArray("ratings"), f);
        if (f.summary() != null && !f.summary().isBlank()) {
            v.put("description", f.summary());
        }
        v.put("recommendation", Vulns.recommendation(r, f));
        if (!f.advisories().isEmpty()) {
            ArrayNode advisories = v.putArray("advisories");
            for (String id : f.advisories()) {
                advisories.addObject().put("title", id).put("url", Vulns.advisoryUri(id));
            }
        }
        return v;
    }

    private static void source(ObjectNode node, String id) {
        Vulns.Source s = Vulns.source(id);
        node.put("name", s.name());
        node.put("url", s.url());
    }

    /**
     * The rating Drydock shows, and the CVSS score beside it. When the rating is the CVSS score's own they are one
     * entry; when a vendor's label differs from the score (Debian's "unimportant" against NVD's 9.8) they are two,
     * so that no entry pairs a severity with a score that does not have it.
     */
    private static void ratings(ArrayNode ratings, Finding f) {
        if (f.cvssScore() != null) {
            Rating fromScore = Vulns.cvssRating(f.cvssScore(), f.cvssVector());
            if (fromScore != f.severity()) {
                ObjectNode vendor = ratings.addObject();
                if (f.severitySource() != null) {
                    vendor.putObject("source").put("name", f.severitySource());
                }
                vendor.put("severity", severity(f.severity()));
                vendor.put("method", "other");
            }
            ObjectNode cvss = ratings.addObject();
            cvss.put("score", f.cvssScore());
            cvss.put("severity", severity(fromScore));
            cvss.put("method", Vulns.cvssMethod(f.cvssVector()));
            if (f.cvssVector() != null) {
                cvss.put("vector", f.cvssVector());
            }
        } else {
            ObjectNode label = ratings.addObject();
            if (f.severitySource() != null) {
                label.putObject("source").put("name", f.severitySource());
            }
            label.put("severity", severity(f.severity()));
            label.put("method", "other");
        }
    }

    /** CycloneDX's severity words; it has no "negligible", and "info" is the level that means the same. */
    private static String severity(Rating r) {
        return switch (r) {
            case NEGLIGIBLE -> "info";
            default -> r.name().toLowerCase(Locale.ROOT);
        };
    }

    /** The installed version, and the fixed versions, which are unaffected by definition. */
    private static void affects(ObjectNode v, Finding f, String installedStatus) {
        ObjectNode affect = v.putArray("affects").addObject();
        affect.put("ref", f.pkg().purl());
        ArrayNode versions = affect.putArray("versions");
        versions.addObject().put("version", f.pkg().version()).put("status", installedStatus);
        for (String fixed : new LinkedHashSet<>(f.fixedVersions())) {
            if (!fixed.equals(f.pkg().version())) {
                versions.addObject().put("version", fixed).put("status", "unaffected");
            }
        }
    }

    /**
     * An OpenVEX statement's status and justification carry over; an ignore-file entry is a person's judgement that
     * the finding does not apply here, which CycloneDX calls not_affected, with the entry's reason as the detail.
     */
    static void analysis(ObjectNode analysis, Suppressed s) {
        String reason = s.reason() == null ? "" : s.reason().strip();
        boolean vex = s.by() != null && s.by().toLowerCase(Locale.ROOT).contains("vex");
        String status = reason.split("[:\\s(]", 2)[0];
        analysis.put("state", vex && status.equals("fixed") ? "resolved" : "not_affected");
        if (vex) {
            JUSTIFICATIONS.entrySet().stream().filter(e -> reason.contains(e.getKey())).findFirst()
                    .ifPresent(e -> analysis.put("justification", e.getValue()));
        }
        analysis.put("detail", "Suppressed by " + s.by() + (reason.isEmpty() ? "" : ": " + reason));
    }

    private static void properties(ObjectNode v, Finding f, Suppressed s) {
        ArrayNode props = v.putArray("properties");
        prop(props, "drydock:origin", f.origin().label());
        prop(props, "drydock:layer:index", String.valueOf(f.layer().index()));
        prop(props, "drydock:layer:digest", f.layer().digest());
        if (f.layer().diffId() != null) {
            prop(props, "drydock:layer:diffID", f.layer().diffId());
        }
        prop(props, "drydock:status", f.status());
        prop(props, "drydock:severity", f.severity().label());
        if (s != null) {
            prop(props, "drydock:suppressed:by", s.by());
        }
    }

    private static void prop(ArrayNode props, String name, String value) {
        props.addObject().put("name", name).put("value", value);
    }
}
