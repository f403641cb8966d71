package io.drydock.admission;

import io.drydock.image.Digest;
import io.drydock.image.ImageReference;

/**
 * Proves an image meets a rule. The server plugs in {@link io.drydock.sign.Verifier} behind a verdict cache; tests
 * plug in a table. Implementations resolve a tag to its digest themselves and verify that digest, so the digest
 * they return is the one the gate pins to.
 */
@FunctionalInterface
public interface Verification {

    /** Should not throw; the gate treats anything thrown as {@link Unavailable}, never as a pass. */
    Outcome verify(ImageReference image, AdmissionPolicy.ImageRule rule);

    sealed interface Outcome permits Verified, Failed, Unavailable {
    }

    /** The image, at {@code digest}, meets the rule. */
    record Verified(Digest digest) implements Outcome {
    }

    /**
     * A definitive answer: the image does not meet the rule, for {@code reason} (unsigned, too old, wrong key...).
     *
     * @param digest the digest that was judged, when the tag was resolved; null when it never was
     */
    record Failed(Digest digest, String reason) implements Outcome {
        public Failed(String reason) {
            this(null, reason);
        }
    }

    /**
     * No answer: the registry could not be reached, answered 5xx or 429, or the deadline passed. Kept apart from
     * {@link Failed} so that a cache never remembers an outage as a verdict.
     *
     * @param digest the digest that was to be verified, when the tag was resolved; null when it never was
     */
    record Unavailable(Digest digest, String reason) implements Outcome {
        public Unavailable(String reason) {
            this(null, reason);
        }
    }

    /** The outcome, naming {@code digest} when it is a failure or an outage that names none yet. */
    static Outcome about(Digest digest, Outcome outcome) {
        return switch (outcome) {
            case Failed f when f.digest() == null -> new Failed(digest, f.reason());
            case Unavailable u when u.digest() == null -> new Unavailable(digest, u.reason());
            default -> outcome;
        };
    }
}
