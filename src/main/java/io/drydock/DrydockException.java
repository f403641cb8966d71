package io.drydock;

/**
 * Base of every error Drydock reports to a user. The message is meant to be shown as is: it names
 * the input (image, layer, file, registry) that caused it, so the CLI prints it without a stack trace.
 */
public class DrydockException extends RuntimeException {
    public DrydockException(String message) {
        super(message);
    }

    public DrydockException(String message, Throwable cause) {
        super(message, cause);
    }
}
