package io.drydock.store;

import java.time.Instant;

/**
 * A base image watched for updates.
 *
 * @param digest what its tag pointed to when last checked; null before the first check
 * @param changedAt when that digest was first seen; null before the first check
 */
public record TrackedBase(String reference, String digest, Instant checkedAt, Instant changedAt) {
}
