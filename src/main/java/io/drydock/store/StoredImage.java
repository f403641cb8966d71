package io.drydock.store;

import java.time.Instant;

/**
 * An analysed image as the server keeps it.
 *
 * @param inventory the compact inventory re-matching reads (JSON)
 * @param facts what analysis learnt besides the inventory (base, signatures; JSON), null when nothing
 * @param findings the keys of the last match, one line per finding, sorted; null before the first match
 */
public record StoredImage(String digest, String reference, String repository, String inventory, String facts, Instant analyzedAt,
        Instant matchedAt, String findings) {
}
