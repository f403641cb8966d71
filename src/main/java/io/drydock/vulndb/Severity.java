package io.drydock.vulndb;

/**
 * One severity statement and where it came from, so that a scan can prefer the distribution's own rating and
 * fall back to CVSS.
 *
 * @param type {@code CVSS_V2}, {@code CVSS_V3}, {@code CVSS_V4}, {@code Ubuntu} (OSV severity types), or the name
 *     of the field a database or ecosystem used ({@code severity}, {@code urgency}, {@code priority}, …)
 * @param value the vector or label as published
 * @param score the CVSS score computed from the vector; null for labels and for vectors that cannot be scored
 * @param rating the qualitative rating: from the score for CVSS, the label itself otherwise
 * @param source the JSON path in the record, e.g. {@code severity[0]},
 *     {@code affected[1].ecosystem_specific.urgency}, {@code database_specific.severity}
 */
public record Severity(String type, String value, Double score, String rating, String source) {
    public boolean isCvss() {
        return type.startsWith("CVSS_");
    }
}
