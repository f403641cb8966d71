package io.drydock.vulndb.cvss;

import io.drydock.DrydockException;

/** A CVSS vector that cannot be scored; the message names the vector and what is wrong with it. */
public final class InvalidCvssException extends DrydockException {
    public InvalidCvssException(String vector, String reason) {
        super("invalid CVSS vector \"" + vector + "\": " + reason);
    }
}
