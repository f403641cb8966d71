package io.drydock.policy;

import java.util.Locale;

/** The attestations {@code requireAttestations} can ask verification to find attached to an image. */
public enum AttestationKind {
    /** The image's SBOM. */
    SBOM,
    /** cosign's vulnerability predicate: a scan report. */
    VULN,
    /** This package's verdict predicate ({@link Verdict#PREDICATE_TYPE}). */
    VERDICT;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static AttestationKind parse(String text) {
        for (AttestationKind k : values()) {
            if (k.label().equals(text.strip().toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not an attestation kind; use sbom, vuln or verdict");
    }
}
