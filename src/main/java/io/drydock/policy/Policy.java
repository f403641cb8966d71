package io.drydock.policy;

import java.nio.file.Path;
import java.time.Clock;

/**
 * A validation policy as read from its YAML file ({@code docs/policy.md}).
 *
 * @param file where it was read from, for messages
 * @param digest {@code sha256:<hex>} of the file's bytes: verdicts name the exact policy they applied, so a changed
 *     file, even a changed comment, is a different policy
 */
public record Policy(String name, Path file, String digest, Rules rules) {
    /** The only {@code apiVersion} this version reads; an incompatible change of the format gets a new one. */
    public static final String API_VERSION = "drydock.io/v1";
    public static final String KIND = "Policy";

    /** @throws io.drydock.DrydockException naming the file and the key when it cannot be read or is not a policy */
    public static Policy read(Path file) {
        return PolicyParser.read(file);
    }

    /** Judges one image. {@code clock} gives the evaluation time, which expiry dates and the base's age count from. */
    public Verdict evaluate(PolicyInput input, Clock clock) {
        return new Evaluation(this, input, clock.instant()).verdict();
    }
}
