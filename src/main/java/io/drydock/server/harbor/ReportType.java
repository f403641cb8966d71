package io.drydock.server.harbor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The report types Drydock produces for Harbor, as {@code GET /scan/{id}/report} names them in its {@code Accept}
 * header. Harbor asks for one exact type; a list, parameters in any order and wildcards are understood as well.
 */
enum ReportType {
    // in the order the metadata lists them: the newest vulnerability report first

    /** The vulnerability report with {@code preferred_cvss}, {@code cwe_ids} and {@code vendor_attributes}. */
    VULNERABILITY_1_1("application/vnd.security.vulnerability.report", "1.1", Capability.VULNERABILITY),
    /** Harbor's original vulnerability report: id, package, versions, severity, description, links. */
    HARBOR_VULNERABILITY_1_0("application/vnd.scanner.adapter.vuln.report.harbor+json", "1.0", Capability.VULNERABILITY),
    /** An SBOM (SPDX or CycloneDX JSON, as {@code ?sbom_media_type=} asks) wrapped in Harbor's envelope. */
    SBOM_1_0("application/vnd.security.sbom.report+json", "1.0", Capability.SBOM);

    /** What a request with no {@code Accept}, or a wildcard, gets: the newest vulnerability report. */
    static final ReportType DEFAULT = VULNERABILITY_1_1;

    /** The capability types of the spec's {@code ScannerCapability.type}. */
    enum Capability {
        VULNERABILITY, SBOM;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final String type;
    private final String version;
    private final Capability capability;

    ReportType(String type, String version, Capability capability) {
        this.type = type;
        this.version = version;
        this.capability = capability;
    }

    /** The media type exactly as the spec writes it, e.g. {@code application/vnd.security.vulnerability.report; version=1.1}. */
    String mediaType() {
        return type + "; version=" + version;
    }

    Capability capability() {
        return capability;
    }

    static List<String> mediaTypes(Capability capability) {
        return java.util.Arrays.stream(values()).filter(t -> t.capability == capability).map(ReportType::mediaType).toList();
    }

    /** The type {@code mediaType} names (exactly one type, parameters in any order and case), if Drydock makes it. */
    static Optional<ReportType> of(String mediaType) {
        MediaRange r = MediaRange.parse(mediaType);
        for (ReportType t : values()) {
            if (t.type.equals(r.type()) && t.version.equals(r.parameters().get("version"))) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /**
     * The first type of an {@code Accept} header that Drydock makes; {@link #DEFAULT} for a missing header or a
     * wildcard; empty when it names only types Drydock does not make (the spec's 501).
     */
    static Optional<ReportType> negotiate(String accept) {
        if (accept == null || accept.isBlank()) {
            return Optional.of(DEFAULT);
        }
        for (String entry : accept.split(",")) {
            MediaRange r = MediaRange.parse(entry);
            if (r.refused()) {
                continue;
            }
            if (r.type().equals("*/*") || r.type().equals("application/*")) {
                return Optional.of(DEFAULT);
            }
            Optional<ReportType> known = of(entry);
            if (known.isPresent()) {
                return known;
            }
        }
        return Optional.empty();
    }

    /** One media type with its parameters, names in lower case. */
    private record MediaRange(String type, Map<String, String> parameters) {
        /** {@code q=0}: the client says it does not want this type. */
        boolean refused() {
            String q = parameters.get("q");
            try {
                return q != null && Double.parseDouble(q) <= 0;
            } catch (NumberFormatException e) {
                return false;
            }
        }

        static MediaRange parse(String text) {
            String[] parts = text.split(";");
            Map<String, String> params = new LinkedHashMap<>();
            for (int i = 1; i < parts.length; i++) {
                int eq = parts[i].indexOf('=');
                if (eq > 0) {
                    String value = parts[i].substring(eq + 1).strip();
                    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                        value = value.substring(1, value.length() - 1);
                    }
                    params.put(parts[i].substring(0, eq).strip().toLowerCase(Locale.ROOT), value);
                }
            }
            return new MediaRange(parts[0].strip().toLowerCase(Locale.ROOT), params);
        }
    }
}
