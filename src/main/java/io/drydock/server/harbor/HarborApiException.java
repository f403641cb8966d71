package io.drydock.server.harbor;

import io.drydock.DrydockException;

/**
 * A request the adapter answers with an error: the HTTP status the spec gives the case (400 malformed JSON or a
 * wrong JSON type, 422 a missing or invalid field, 501 a capability Drydock lacks) and a message naming the field.
 */
final class HarborApiException extends DrydockException {
    private final int status;

    HarborApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }
}
