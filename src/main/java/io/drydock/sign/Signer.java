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

    /** Signs the manifest (or index) {@code subject} of {@code repository}; the payload names both. */
    public void sign(ImageReference repository, Descriptor subject) {
        byte[] payload = SimpleSigning.payload(repository.name(), subject.digest());
        String signature = Base64.getEncoder().encodeToString(Ecdsa.sign(key, payload));
        store.append(repository, subject, CosignStore.Kind.SIGNATURE, payload, SimpleSigning.MEDIA_TYPE,
                Map.of(CosignStore.SIGNATURE_ANNOTATION, signature));
    }

    /** Attaches a DSSE-signed in-toto statement about {@code subject} with the given predicate. */
    public void attest(ImageReference repository, Descriptor subject, String predicateType, JsonNode predicate) {
        attest(repository, subject, Map.of(predicateType, predicate));
    }

    /** Attaches several attestations (predicate type to predicate) in one write. */
    public void attest(ImageReference repository, Descriptor subject, Map<String, JsonNode> predicates) {
        List<CosignStore.NewLayer> layers = new ArrayList<>();
        predicates.forEach((type, predicate) -> {
            byte[] statement = InToto.statement(repository.name(), subject.digest(), type, predicate);
            layers.add(new CosignStore.NewLayer(Dsse.sign(Dsse.IN_TOTO, statement, key).toJson(), Dsse.MEDIA_TYPE,
                    Map.of(CosignStore.SIGNATURE_ANNOTATION, "", CosignStore.PREDICATE_TYPE_ANNOTATION, type)));
        });
        store.append(repository, subject, CosignStore.Kind.ATTESTATION, layers);
    }

    /**
     * Signs and attests together, the two writes in parallel (they go to different tags): what a validation
     * pushes once the image passed.
     */
    public void signAndAttest(ImageReference repository, Descriptor subject, Map<String, JsonNode> predicates) {
        CompletableFuture<Void> signature = CompletableFuture.runAsync(() -> sign(repository, subject));
        attest(repository, subject, predicates);
        try {
            signature.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }
}
