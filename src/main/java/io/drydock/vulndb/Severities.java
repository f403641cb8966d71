package io.drydock.vulndb;

import io.drydock.vulndb.cvss.Cvss;
import io.drydock.vulndb.cvss.CvssScore;
import io.drydock.vulndb.cvss.InvalidCvssException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Makes {@link Severity} values: CVSS vectors are scored, other labels are their own rating. */
public final class Severities {
    /** Vectors repeat across advisories; scoring each once keeps loading a package cheap. Bounded by clearing. */
    private static final Map<String, CvssScore> SCORED = new ConcurrentHashMap<>();
    private static final Map<String, Severity> SHARED = new ConcurrentHashMap<>();
    private static final int CACHE_LIMIT = 100_000;

    private Severities() {
    }

    /**
     * @throws InvalidCvssException when a CVSS type carries a vector that cannot be scored
     */
    public static Severity scored(String type, String value, String source) {
        if (type.startsWith("CVSS_")) {
            CvssScore score = SCORED.get(value);
            if (score == null) {
                score = Cvss.score(value);
                if (SCORED.size() >= CACHE_LIMIT) {
                    SCORED.clear();
                }
                SCORED.put(value, score);
            }
            return new Severity(type, value, score.score(), score.rating(), source);
        }
        return new Severity(type, value, null, value.toUpperCase(Locale.ROOT), source);
    }

    /**
     * As {@link #of}, but the same statement is one shared instance: the DB holds the same few thousand vectors and
     * labels under the same few sources hundreds of thousands of times, and matching keeps them in memory.
     */
    static Severity shared(String type, String value, String source) {
        String key = type + '\u0000' + value + '\u0000' + source;
        Severity s = SHARED.get(key);
        if (s == null) {
            s = of(type, value, source);
            if (SHARED.size() >= CACHE_LIMIT) {
                SHARED.clear();
            }
            SHARED.put(key, s);
        }
        return s;
    }

    /** As {@link #scored}, but an unscorable vector is kept without a score. */
    public static Severity of(String type, String value, String source) {
        try {
            return scored(type, value, source);
        } catch (InvalidCvssException e) {
            return new Severity(type, value, null, null, source);
        }
    }
}
