package io.drydock.vulndb.cvss;

import java.util.Optional;

/** Scores a CVSS vector of any supported version, telling the version from the vector's prefix. */
public final class Cvss {
    private Cvss() {
    }

    /**
     * @throws InvalidCvssException when the vector is malformed, misses a base metric or has an unknown value
     */
    public static CvssScore score(String vector) {
        if (vector == null || vector.isBlank()) {
            throw new InvalidCvssException(String.valueOf(vector), "empty");
        }
        String v = vector.strip();
        if (v.startsWith("CVSS:4.0/")) {
            return Cvss4.score(v);
        }
        if (v.startsWith("CVSS:3.0/") || v.startsWith("CVSS:3.1/")) {
            return Cvss3.score(v);
        }
        if (v.startsWith("CVSS:")) {
            throw new InvalidCvssException(v, "unsupported CVSS version " + v.substring(5, Math.min(v.length(), v.indexOf('/') < 0 ? v.length() : v.indexOf('/'))));
        }
        return Cvss2.score(v);
    }

    public static Optional<CvssScore> tryScore(String vector) {
        try {
            return Optional.of(score(vector));
        } catch (InvalidCvssException e) {
            return Optional.empty();
        }
    }

    /** The CVSS v3/v4 qualitative rating (None, Low, Medium, High, Critical). */
    static String rating(double score) {
        if (score == 0.0) {
            return "NONE";
        }
        if (score < 4.0) {
            return "LOW";
        }
        if (score < 7.0) {
            return "MEDIUM";
        }
        if (score < 9.0) {
            return "HIGH";
        }
        return "CRITICAL";
    }
}
