package io.drydock.vulndb;

import java.time.Instant;
import java.util.List;

/**
 * What a match needs to show of an advisory: ids, summary, dates and its record-level severities. The long text
 * (details, references) is read on demand with {@link VulnDb#advisory(String)}.
 */
public record AdvisorySummary(
        String id,
        List<String> aliases,
        List<String> related,
        String summary,
        Instant modified,
        Instant published,
        Instant withdrawn,
        List<Severity> severities) {

    public AdvisorySummary {
        aliases = List.copyOf(aliases);
        related = List.copyOf(related);
        severities = List.copyOf(severities);
    }
}
