package io.drydock.store;

import java.time.Instant;
import java.util.List;

/**
 * What one match of an image found: the keys the next match is compared with, the counts, and the index rows.
 *
 * @param hits every finding of this match, for an image matched the first time: its index rows are replaced whole
 * @param change when the image was matched before, only what differs from that match: its index rows are updated in
 *     place, so a DB update that adds one finding to an image writes one row, not all of them
 */
public record MatchRecord(String digest, Instant matchedAt, String findings, FindingCounts counts, List<VulnHit> hits, HitChange change) {
    public MatchRecord {
        hits = List.copyOf(hits);
    }

    /** Index rows to add, remove (matched by vulnerability, digest, purl and origin) and re-rate. */
    public record HitChange(List<VulnHit> added, List<VulnHit> removed, List<VulnHit> rerated) {
        public HitChange {
            added = List.copyOf(added);
            removed = List.copyOf(removed);
            rerated = List.copyOf(rerated);
        }
    }
}
