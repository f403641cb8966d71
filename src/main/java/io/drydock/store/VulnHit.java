package io.drydock.store;

/**
 * One finding of an image's last match, as the index of which images a vulnerability hits keeps it.
 *
 * @param purl the package as found; with the vulnerability, the image and the origin it names the finding
 * @param origin {@code base} or {@code application}
 * @param fixed the versions that fix it, comma-separated; null when none is known
 */
public record VulnHit(String vulnId, String digest, String purl, String pkg, String version, String origin, String severity, String fixed) {
}
