package io.drydock.admission;

import io.drydock.DrydockException;

/**
 * Input the gate cannot judge: a body that is not an AdmissionReview, or an object whose images cannot be read.
 * {@code field} names where the problem is, so that the server can answer with it (HTTP 400 for a body, a deny
 * naming the field for an object) and the user can find it without reading Drydock's code.
 */
public final class AdmissionInputException extends DrydockException {
    private static final long serialVersionUID = 1L;

    private final String field;

    public AdmissionInputException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
