package io.drydock.vulndb.cvss;

/**
 * A CVSS vector with the score computed from it, and the qualitative rating of that score.
 *
 * @param score the base score for v2 and v3; for v4 the score of every metric the vector carries (CVSS-B when it
 *     has base metrics only, CVSS-BT/BE/BTE when it also has threat or environmental ones)
 */
public record CvssScore(CvssVersion version, String vector, double score, String rating) {
}
