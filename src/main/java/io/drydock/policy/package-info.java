/**
 * Validation policy: a versioned YAML file of rules (severity limits, allow-list, banned packages, labels, user, base
 * age, and the requirements verification applies later) judged against one scan, giving a {@link
 * io.drydock.policy.Verdict} that can be written as JSON (an attestation predicate) or as text for people. Evaluation is
 * pure: everything it judges arrives in a {@link io.drydock.policy.PolicyInput}, so the only I/O here is reading the
 * policy file.
 */
package io.drydock.policy;
