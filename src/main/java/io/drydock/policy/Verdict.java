package io.drydock.policy;

import io.drydock.scan.Origin;
import io.drydock.scan.Rating;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * What a policy decided about one image, and why: one {@link RuleResult} per rule the policy sets, in the order
 * {@code docs/policy.md} lists the rules. Written as JSON by {@link VerdictJson} (the body of an attestation
 * predicate of type {@link #PREDICATE_TYPE}) and for people by {@link VerdictText}.
 *
 * @param passed every rule passed
 * @param policyDigest {@code sha256:<hex>} of the policy file's bytes, so a verdict names the exact policy
 * @param image the image as the user named it
 * @param imageDigest the image manifest's digest
 * @param scannedAt when the scan the verdict rests on started; what {@code maxScanAge} is measured from
 * @param allowed findings that failed a severity limit but that the allow-list let through
 * @param requirements what verification of a stored verdict must check later
 * @param notes what a reader should know that no rule says: expired allow-list entries, a guessed base, an
 *     incomplete inventory
 */
public record Verdict(boolean passed, String policyName, String policyDigest, String image, String imageDigest,
                      Instant scannedAt, Instant evaluatedAt, List<RuleResult> rules, List<Allowed> allowed,
                      Requirements requirements, List<String> notes) {

    /** The in-toto predicate type of the JSON form; the statement that wraps it names the image as subject. */
    public static final String PREDICATE_TYPE = "https://drydock.io/attestation/verdict/v1";

    public Verdict {
        rules = List.copyOf(rules);
        allowed = List.copyOf(allowed);
        notes = List.copyOf(notes);
        if (passed != rules.stream().allMatch(RuleResult::passed)) {
            throw new IllegalArgumentException("a verdict passes exactly when every rule passes");
        }
    }

    public List<RuleResult> failures() {
        return rules.stream().filter(r -> !r.passed()).toList();
    }

    /**
     * One rule's outcome.
     *
     * @param rule the rule's key in the policy, e.g. {@code maxSeverity}
     * @param setting the rule's value as the policy sets it, e.g. {@code HIGH}, {@code 180d}
     * @param explanation one line: what was found, and for a failure what fails it
     * @param items the findings or packages behind a failure; empty when the rule passed
     */
    public record RuleResult(String rule, String setting, boolean passed, String explanation, List<Item> items) {
        public RuleResult {
            items = List.copyOf(items);
        }
    }

    /**
     * A finding or a package a rule is about.
     *
     * @param id the finding's id; null for a package
     * @param pkg the package's name as people write it
     * @param severity the finding's rating; null for a package
     * @param origin whether the base image or the application installed it
     * @param note what else decided it, e.g. an expired allow-list entry or the pattern that bans a package
     */
    public record Item(String id, String pkg, String purl, String version, Rating severity, Origin origin, String note) {
    }

    /** A finding the allow-list let through, with the entry's reason and expiry (null when it has none). */
    public record Allowed(Item finding, String reason, LocalDate expires) {
    }

    /**
     * What verification applies to a stored verdict, from the policy.
     *
     * @param maxScanAge null when the policy sets no limit
     * @param attestations the attestations that must be attached to the image
     */
    public record Requirements(Duration maxScanAge, List<AttestationKind> attestations) {
        public Requirements {
            attestations = List.copyOf(attestations);
        }
    }
}
