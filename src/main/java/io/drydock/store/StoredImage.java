package io.drydock.store;

import java.time.Instant;

/**
 * An analysed image as the server keeps it.
 *
 * @param inventory the compact inventory re-matching reads (JSON)
 * @param base where the image's base ends and what it is (JSON), null when unknown
 * @param findings the keys of the last match, one line per finding, sorted; null before the first match
 */
public record StoredImage(String digest, String reference, String repository, String inventory, String base, Instant analyzedAt,
        Instant matchedAt, String findings) {
}
