package io.drydock.sign;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.image.Descriptor;
import io.drydock.image.ImageReference;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Signs image digests and attaches attestations to them, cosign's way (see {@link CosignStore}). */
public final class Signer {
    private final CosignStore store;
    private final PrivateKey key;

    public Signer(CosignStore store, PrivateKey key) {
        this.store = store;
        this.key = key;
    }

    /** Upload sessions opened ahead of signing (see {@link #prepare}); empty ones mean "open them when needed". */
    public record Prepared(List<String> signatureSessions, List<String> attestationSessions) {
        public static final Prepared NONE = new Prepared(List.of(), List.of());

        public Prepared {
            signatureSessions = List.copyOf(signatureSessions);
            attestationSessions = List.copyOf(attestationSessions);
        }
    }

    /**
     * Opens the upload sessions a signature and {@code attestations} attestations will use: a validation calls this
     * before it scans, so that signing after a pass only sends bytes and writes the two manifests. Sessions that
     * end up unused (the image failed) hold nothing and expire in the registry.
     */
    public Prepared prepare(ImageReference repository, int attestations) {
        List<String> sessions = store.openSessions(repository, 1 + attestations);
        return new Prepared(sessions.subList(0, 1), sessions.subList(1, sessions.size()));
    }

    /** Signs the manifest (or index) {@code subject} of {@code repository}; the payload names both. */
    public void sign(ImageReference repository, Descriptor subject) {
        sign(repository, subject, List.of());
    }

    private void sign(ImageReference repository, Descriptor subject, List<String> sessions) {
        byte[] payload = SimpleSigning.payload(repository.name(), subject.digest());
        String signature = Base64.getEncoder().encodeToString(Ecdsa.sign(key, payload));
        store.append(repository, subject, CosignStore.Kind.SIGNATURE,
                List.of(new CosignStore.NewLayer(payload, SimpleSigning.MEDIA_TYPE, Map.of(CosignStore.SIGNATURE_ANNOTATION, signature))),
                sessions);
    }

    /** Attaches a DSSE-signed in-toto statement about {@code subject} with the given predicate. */
    public void attest(ImageReference repository, Descriptor subject, String predicateType, JsonNode predicate) {
        attest(repository, subject, Map.of(predicateType, predicate));
    }

    /** Attaches several attestations (predicate type to predicate) in one write. */
    public void attest(ImageReference repository, Descriptor subject, Map<String, JsonNode> predicates) {
        attest(repository, subject, predicates, List.of());
    }

    private void attest(ImageReference repository, Descriptor subject, Map<String, JsonNode> predicates, List<String> sessions) {
        List<CosignStore.NewLayer> layers = new ArrayList<>();
        predicates.forEach((type, predicate) -> {
            byte[] statement = InToto.statement(repository.name(), subject.digest(), type, predicate);
            layers.add(new CosignStore.NewLayer(Dsse.sign(Dsse.IN_TOTO, statement, key).toJson(), Dsse.MEDIA_TYPE,
                    Map.of(CosignStore.SIGNATURE_ANNOTATION, "", CosignStore.PREDICATE_TYPE_ANNOTATION, type)));
        });
        store.append(repository, subject, CosignStore.Kind.ATTESTATION, layers, sessions);
    }

    /**
     * Signs and attests together, the two writes in parallel (they go to different tags): what a validation
     * pushes once the image passed.
     */
    public void signAndAttest(ImageReference repository, Descriptor subject, Map<String, JsonNode> predicates) {
        signAndAttest(repository, subject, predicates, Prepared.NONE);
    }

    /** As {@link #signAndAttest(ImageReference, Descriptor, Map)}, through sessions opened by {@link #prepare}. */
    public void signAndAttest(ImageReference repository, Descriptor subject, Map<String, JsonNode> predicates, Prepared prepared) {
        CompletableFuture<Void> signature = CompletableFuture.runAsync(() -> sign(repository, subject, prepared.signatureSessions()));
        attest(repository, subject, predicates, prepared.attestationSessions());
        try {
            signature.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }
}
