package io.drydock.store;

import java.time.Instant;

/**
 * One decision in the audit trail.
 *
 * @param subject what the decision is about: an image, a base or a workload reference
 * @param action a short verb: triggered, skipped, rebased, validated, rolled-out, rolled-back, …
 * @param details a JSON document with the facts behind it (findings fixed, digests); may be null
 * @param jobId the job that made the decision; 0 when none did
 */
public record AuditEntry(String subject, Instant at, String action, String message, String details, long jobId) {
}
