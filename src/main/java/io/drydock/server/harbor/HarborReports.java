package io.drydock.server.harbor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.DrydockException;
import io.drydock.inventory.sbom.CycloneDxWriter;
import io.drydock.inventory.sbom.SpdxWriter;
import io.drydock.layer.LayerInfo;
import io.drydock.scan.Finding;
import io.drydock.scan.Rating;
import io.drydock.scan.report.Tool;
import io.drydock.vulndb.Advisory;
import io.drydock.vulndb.Reference;
import io.drydock.vulndb.Severity;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Harbor's report documents, written from a finished scan. */
final class HarborReports {
    private static final ObjectMapper JSON = new ObjectMapper();

    static final String SCANNER_NAME = "Drydock";
    static final String SCANNER_VENDOR = "Drydock project";

    private HarborReports() {
    }

    /** The spec's {@code Scanner}: the version from the jar's manifest, {@code dev} when running from classes. */
    static ObjectNode scanner() {
        ObjectNode s = JSON.createObjectNode();
        s.put("name", SCANNER_NAME);
        s.put("vendor", SCANNER_VENDOR);
        s.put("version", Tool.CURRENT.version());
        return s;
    }

    /**
     * The vulnerability report ({@code HarborVulnerabilityReport}). Both types share the spec's schema; the 1.1 type
     * adds {@code preferred_cvss}, {@code cwe_ids} and {@code vendor_attributes} (CVSS by source, as Trivy's adapter
     * writes them), which Harbor reads only from that type. {@code layer} is outside the spec, as in Trivy's adapter:
     * Harbor ignores it, and people reading the raw report see which layer brought the package.
     */
    static ObjectNode vulnerabilityReport(HarborScanRequest request, HarborScans.Scanned scan, ReportType type) {
        boolean extended = type == ReportType.VULNERABILITY_1_1;
        ObjectNode report = JSON.createObjectNode();
        report.put("generated_at", scan.finishedAt().toString());
        report.set("artifact", artifact(request.artifact()));
        report.set("scanner", scanner());
        Rating highest = null;
        ArrayNode items = JSON.createArrayNode();
        for (Finding f : scan.findings()) {
            List<Advisory> advisories = f.advisories().stream().map(scan.advisories()::get).filter(java.util.Objects::nonNull).toList();
            ObjectNode v = items.addObject();
            v.put("id", f.id());
            v.put("package", f.pkg().name());
            v.put("version", f.pkg().version());
            if (!f.fixedVersions().isEmpty()) {
                v.put("fix_version", String.join(", ", f.fixedVersions()));
            }
            v.put("severity", severity(f.severity()));
            v.put("description", description(f, advisories));
            ArrayNode links = v.putArray("links");
            links(advisories).forEach(links::add);
            LayerInfo layer = f.layer();
            if (layer != null) {
                ObjectNode l = v.putObject("layer");
                l.put("digest", layer.digest());
                if (layer.diffId() != null) {
                    l.put("diff_id", layer.diffId());
                }
            }
            if (extended) {
                preferredCvss(f).ifPresent(c -> v.set("preferred_cvss", c));
                Set<String> cwes = cweIds(advisories);
                if (!cwes.isEmpty()) {
                    ArrayNode a = v.putArray("cwe_ids");
                    cwes.forEach(a::add);
                }
                v.set("vendor_attributes", vendorAttributes(f, advisories));
            }
            if (highest == null || f.severity().compareTo(highest) < 0) {
                highest = f.severity();
            }
        }
        // the spec's Severity has no "None": an empty report says Unknown, as Trivy's adapter does; Harbor counts
        // the vulnerabilities itself
        report.put("severity", highest == null ? "Unknown" : severity(highest));
        report.set("vulnerabilities", items);
        return report;
    }

    /** The SBOM report ({@code HarborSbomReport}): Drydock's CycloneDX 1.6 or SPDX 2.3 document of the inventory. */
    static ObjectNode sbomReport(HarborScanRequest request, HarborScans.Scanned scan, String mediaType) {
        ObjectNode report = JSON.createObjectNode();
        report.put("generated_at", scan.finishedAt().toString());
        report.set("artifact", artifact(request.artifact()));
        report.set("scanner", scanner());
        ObjectNode vendor = report.putObject("vendor_attributes");
        vendor.put("components", scan.inventory().components().size());
        vendor.put("complete", scan.inventory().complete());
        report.put("media_type", mediaType);
        JsonNode sbom = switch (mediaType) {
            case "application/vnd.cyclonedx+json" -> new CycloneDxWriter().build(scan.inventory());
            case "application/spdx+json" -> parse(new SpdxWriter().write(scan.inventory()));
            default -> throw new IllegalArgumentException("not an SBOM media type: " + mediaType);
        };
        report.set("sbom", sbom);
        return report;
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new DrydockException("the SPDX writer produced invalid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static ObjectNode artifact(HarborScanRequest.Artifact a) {
        ObjectNode n = JSON.createObjectNode();
        n.put("repository", a.repository());
        n.put("digest", a.digest());
        if (a.tag() != null) {
            n.put("tag", a.tag());
        }
        if (a.mimeType() != null) {
            n.put("mime_type", a.mimeType());
        }
        return n;
    }

    /** Drydock's rating as the spec's {@code Severity}. */
    static String severity(Rating r) {
        return switch (r) {
            case CRITICAL -> "Critical";
            case HIGH -> "High";
            case MEDIUM -> "Medium";
            case LOW -> "Low";
            case NEGLIGIBLE -> "Negligible";
            case UNKNOWN -> "Unknown";
        };
    }

    /** The first advisory's full text; else the finding's summary. */
    private static String description(Finding f, List<Advisory> advisories) {
        for (Advisory a : advisories) {
            if (!a.details().isBlank()) {
                return a.details();
            }
        }
        if (f.summary() != null && !f.summary().isBlank()) {
            return f.summary();
        }
        return advisories.stream().map(Advisory::summary).filter(s -> !s.isBlank()).findFirst().orElse("");
    }

    /** The advisories' references that are absolute http(s) URIs (the spec's {@code format: uri}), each once. */
    private static Set<String> links(List<Advisory> advisories) {
        Set<String> out = new LinkedHashSet<>();
        for (Advisory a : advisories) {
            for (Reference r : a.references()) {
                if (r.url() != null && isWebUri(r.url())) {
                    out.add(r.url());
                }
            }
        }
        return out;
    }

    private static boolean isWebUri(String text) {
        try {
            URI u = new URI(text);
            return u.isAbsolute() && u.getHost() != null && ("http".equals(u.getScheme()) || "https".equals(u.getScheme()));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** GitHub's {@code database_specific.cwe_ids}, the one feed that has them. */
    private static Set<String> cweIds(List<Advisory> advisories) {
        Set<String> out = new LinkedHashSet<>();
        for (Advisory a : advisories) {
            if (a.databaseSpecific() == null) {
                continue;
            }
            try {
                for (JsonNode id : JSON.readTree(a.databaseSpecific()).path("cwe_ids")) {
                    if (id.isTextual() && id.asText().startsWith("CWE-")) {
                        out.add(id.asText());
                    }
                }
            } catch (JsonProcessingException e) {
                // the DB stores what the feed sent; a record whose extra data is not JSON just has no CWE ids
            }
        }
        return out;
    }

    /** The CVSS behind the finding's rating, in the version slots the spec has (v2, v3); none for CVSS 4 alone. */
    private static java.util.Optional<ObjectNode> preferredCvss(Finding f) {
        if (f.cvssVector() == null) {
            return java.util.Optional.empty();
        }
        ObjectNode c = JSON.createObjectNode();
        if (f.cvssVector().startsWith("CVSS:3")) {
            if (f.cvssScore() != null) {
                c.put("score_v3", f.cvssScore());
            }
            c.put("vector_v3", f.cvssVector());
        } else if (!f.cvssVector().startsWith("CVSS:")) {
            if (f.cvssScore() != null) {
                c.put("score_v2", f.cvssScore());
            }
            c.put("vector_v2", f.cvssVector());
        } else {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(c);
    }

    /**
     * {@code CVSS} by source as Trivy's adapter writes it ({@code {"nvd": {"V3Score": 9.8, "V3Vector": "CVSS:3.1/…"}}});
     * the source is named after the advisory's id ({@code ghsa}, {@code nvd} for CVE records, {@code dsa}, …). Drydock's
     * own facts go under {@code drydock}.
     */
    private static ObjectNode vendorAttributes(Finding f, List<Advisory> advisories) {
        ObjectNode attributes = JSON.createObjectNode();
        Map<String, ObjectNode> bySource = new LinkedHashMap<>();
        for (Advisory a : advisories) {
            for (Severity s : a.severities()) {
                String slot = switch (s.type()) {
                    case "CVSS_V2" -> "V2";
                    case "CVSS_V3" -> "V3";
                    case "CVSS_V4" -> "V40";
                    default -> null;
                };
                if (slot == null) {
                    continue;
                }
                ObjectNode source = bySource.computeIfAbsent(source(a.id()), k -> JSON.createObjectNode());
                if (!source.has(slot + "Vector")) {
                    source.put(slot + "Vector", s.value());
                    if (s.score() != null) {
                        source.put(slot + "Score", s.score());
                    }
                }
            }
        }
        if (!bySource.isEmpty()) {
            ObjectNode cvss = attributes.putObject("CVSS");
            bySource.forEach(cvss::set);
        }
        ObjectNode drydock = attributes.putObject("drydock");
        drydock.put("purl", f.pkg().purl());
        drydock.put("status", f.status());
        drydock.put("severity_source", f.severitySource());
        ArrayNode ids = drydock.putArray("advisories");
        f.advisories().forEach(ids::add);
        return attributes;
    }

    private static String source(String advisoryId) {
        int dash = advisoryId.indexOf('-');
        String prefix = (dash > 0 ? advisoryId.substring(0, dash) : advisoryId).toLowerCase(Locale.ROOT);
        return prefix.equals("cve") ? "nvd" : prefix;
    }
}
