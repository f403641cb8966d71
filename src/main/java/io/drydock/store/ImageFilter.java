package io.drydock.store;

/**
 * Which images or findings a list shows; a null field does not filter.
 *
 * @param severity only those with a finding of this severity (CRITICAL, HIGH, MEDIUM, LOW, or OTHER)
 * @param fixable only those with (true) or without (false) a fixed version
 * @param origin {@code base} or {@code application}
 * @param namespace only images running in this namespace
 * @param repository a substring of the repository
 */
public record ImageFilter(String severity, Boolean fixable, String origin, String namespace, String repository) {
    public static final ImageFilter ALL = new ImageFilter(null, null, null, null, null);
}
