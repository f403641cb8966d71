package io.drydock.vulndb;

import java.util.ArrayList;
import java.util.List;

/**
 * An advisory that affects a queried package version, and why.
 *
 * @param affected the advisory's entry for the package: its ranges, fixed versions, states and severities
 */
public record AdvisoryMatch(AdvisorySummary advisory, AffectedPackage affected, String version, MatchReason reason) {

    /** Why the version matched, in a sentence (see {@link MatchReason#explain}). */
    public String explanation() {
        return reason.explain(version);
    }

    /** The package's severities first (a distribution's own rating), then the record's. */
    public List<Severity> severities() {
        List<Severity> all = new ArrayList<>(affected.severities());
        all.addAll(advisory.severities());
        return all;
    }
}
