package io.drydock.image.registry;

import io.drydock.DrydockException;

/** A registry said no, or could not be reached. {@code status} is the HTTP status, or 0 when none came back. */
public class RegistryException extends DrydockException {
    private final int status;

    public RegistryException(String message, int status) {
        super(message);
        this.status = status;
    }

    public RegistryException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** Authentication failed or is missing. */
    public static final class Unauthorized extends RegistryException {
        public Unauthorized(String message, int status) {
            super(message, status);
        }
    }

    /** No answer at all: connection refused, DNS failure, timeouts after every retry. */
    public static final class Unreachable extends RegistryException {
        public Unreachable(String message, Throwable cause) {
            super(message, 0, cause);
        }
    }

    /** The manifest, blob or repository does not exist. */
    public static final class NotFound extends RegistryException {
        public NotFound(String message) {
            super(message, 404);
        }
    }
}
