package io.drydock.store;

import java.time.Instant;

/** A recorded step of work and where it stands. */
public record Job(long id, String kind, String key, State state, String payload, String result, int attempts, String owner,
        Instant leaseUntil, Instant notBefore, Instant createdAt, Instant updatedAt) {
    public enum State { PENDING, RUNNING, DONE, FAILED }
}
