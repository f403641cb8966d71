package io.drydock.vulndb;

/**
 * A state a feed gives an affected package (Debian's {@code no-dsa}, {@code postponed}, {@code end-of-life},
 * {@code ignored}, …), with the JSON path it was read from, so that users can filter on it.
 */
public record StateNote(String state, String source) {
}
