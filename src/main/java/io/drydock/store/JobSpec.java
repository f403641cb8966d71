package io.drydock.store;

import java.time.Instant;

/**
 * A step of work to enqueue. {@code (kind, key)} names it: enqueuing the same step again is a no-op, which is what
 * makes the loop idempotent (two notifications of one push, a replay after a crash).
 *
 * @param payload a JSON document the step's handler reads
 * @param notBefore the earliest time the step may run (settle windows, quiet hours)
 */
public record JobSpec(String kind, String key, String payload, Instant notBefore) {
}
