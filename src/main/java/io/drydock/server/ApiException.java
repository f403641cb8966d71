package io.drydock.server;

/** A request the API refuses, with the HTTP status and a message that names what was wrong. */
final class ApiException extends RuntimeException {
    final int status;

    ApiException(int status, String message) {
        super(message);
        this.status = status;
    }
}
