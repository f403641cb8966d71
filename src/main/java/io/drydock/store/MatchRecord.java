package io.drydock.store;

import java.time.Instant;
import java.util.List;

/** What one match of an image found: the keys the next match is compared with, the counts, and the index rows. */
public record MatchRecord(String digest, Instant matchedAt, String findings, FindingCounts counts, List<VulnHit> hits) {
    public MatchRecord {
        hits = List.copyOf(hits);
    }
}
