package io.drydock.store;

import java.time.Instant;

/**
 * One decision of the admission gate.
 *
 * @param images a JSON array of the images judged, with digest, verdict and reason
 */
public record AdmissionRecord(long id, Instant at, String uid, String namespace, String kind, String name, boolean allowed,
        String message, String images) {
}
