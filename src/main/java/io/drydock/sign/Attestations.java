package io.drydock.sign;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The attestation kinds Drydock writes and checks, by their short names on the command line. */
public enum Attestations {
    VULN("https://cosign.sigstore.dev/attestation/vuln/v1"),
    SBOM("https://cyclonedx.org/bom"),
    VERDICT("https://drydock.io/attestation/verdict/v1");

    public final String predicateType;

    Attestations(String predicateType) {
        this.predicateType = predicateType;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Attestations parse(String name) {
        for (Attestations a : values()) {
            if (a.label().equals(name.toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown attestation '" + name + "'; use vuln, sbom or verdict");
    }

    public static Optional<Attestations> byPredicateType(String type) {
        for (Attestations a : values()) {
            if (a.predicateType.equals(type)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** Field paths that hold when the attested facts were established, per predicate type. */
    private static final Map<Attestations, String[]> TIME = Map.of(
            VULN, new String[] {"metadata", "scanFinishedOn"},
            SBOM, new String[] {"metadata", "timestamp"},
            VERDICT, new String[] {"evaluatedAt"});

    /** When the predicate says its facts were established; empty when it does not say or says it unreadably. */
    public Optional<Instant> time(JsonNode predicate) {
        JsonNode n = predicate;
        for (String field : TIME.get(this)) {
            n = n.path(field);
        }
        if (!n.isTextual()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(n.asText()));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
