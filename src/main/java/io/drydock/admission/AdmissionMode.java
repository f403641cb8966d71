package io.drydock.admission;

import java.util.Locale;

/** What an unverified image does to the request. */
public enum AdmissionMode {
    /** Deny the request. */
    ENFORCE,
    /** Allow, with {@code AdmissionResponse.warnings} the user sees in kubectl. */
    WARN,
    /** Allow, with {@code auditAnnotations} recorded in the API server's audit log only. */
    AUDIT;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static AdmissionMode parse(String text) {
        for (AdmissionMode m : values()) {
            if (m.label().equals(text.strip().toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a mode; use enforce, warn or audit");
    }
}
