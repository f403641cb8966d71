package io.drydock;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

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

    /**
     * What went wrong, for a message that already names the input: a file system error's message is often just the
     * path ("missing.pub", for a file that does not exist), so it is given as the path and the reason, as a shell
     * would say it; any other error's own message.
     */
    public static String reason(Throwable e) {
        if (e instanceof FileSystemException f) {
            String why = switch (f) {
                case NoSuchFileException x -> "no such file or directory";
                case AccessDeniedException x -> "permission denied";
                case FileAlreadyExistsException x -> "already exists";
                case NotDirectoryException x -> "not a directory";
                case DirectoryNotEmptyException x -> "directory not empty";
                default -> f.getReason() != null ? f.getReason() : f.getClass().getSimpleName();
            };
            String where = f.getFile() == null ? "" : f.getOtherFile() == null ? f.getFile() + ": " : f.getFile() + " -> " + f.getOtherFile() + ": ";
            return where + why;
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
