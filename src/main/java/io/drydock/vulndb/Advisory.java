package io.drydock.vulndb;

import java.time.Instant;
import java.util.List;

/**
 * A vulnerability advisory in Drydock's normalised form, read from OSV (or converted to it, as Alpine's secdb is).
 *
 * @param id the OSV id (GHSA-…, DSA-…, CVE-…, …)
 * @param modified when the record last changed; null when the feed does not say (Alpine secdb)
 * @param published null when not given
 * @param withdrawn set when the advisory was withdrawn; withdrawn advisories never match
 * @param severities the record's top-level severities and its {@code database_specific} one; per-package
 *     severities are on {@link AffectedPackage#severities()}
 * @param databaseSpecific the top-level {@code database_specific} object as JSON text, or null
 */
public record Advisory(
        String id,
        Instant modified,
        Instant published,
        Instant withdrawn,
        List<String> aliases,
        List<String> related,
        String summary,
        String details,
        List<Severity> severities,
        List<Reference> references,
        List<AffectedPackage> affected,
        String databaseSpecific) {

    public Advisory {
        aliases = List.copyOf(aliases);
        related = List.copyOf(related);
        severities = List.copyOf(severities);
        references = List.copyOf(references);
        affected = List.copyOf(affected);
        summary = summary == null ? "" : summary;
        details = details == null ? "" : details;
    }

    public boolean isWithdrawn() {
        return withdrawn != null;
    }
}
