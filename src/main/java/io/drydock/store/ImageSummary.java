package io.drydock.store;

import java.time.Instant;

/** One line of the image list: what the image is and how many findings its last match had. */
public record ImageSummary(String digest, String reference, String repository, Instant analyzedAt, Instant matchedAt,
        FindingCounts counts) {
}
