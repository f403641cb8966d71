package io.drydock.sign;

import io.drydock.DrydockException;
import io.drydock.image.Descriptor;
import io.drydock.image.Digest;
import io.drydock.image.ImageReference;
import io.drydock.image.registry.RegistryClient;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Checks an image digest's cosign signatures and attestations against trusted public keys, offline (no
 * transparency log, no TUF). A signature counts only when it verifies over the exact payload bytes and that
 * payload names the digest being verified, so a signature copied from another image, or a tag moved to another
 * image, never passes. Attestations count only when their DSSE signature verifies, their statement's subject is
 * this digest, and they are fresh enough.
 */
public final class Verifier {
    /** Artifact types of Sigstore bundles stored as OCI referrers (cosign's newer format). */
    static final List<String> BUNDLE_TYPES = List.of("application/vnd.dev.sigstore.bundle.v0.3+json",
            "application/vnd.dev.sigstore.bundle+json;version=0.3");

    private final RegistryClient client;
    private final CosignStore store;
    private final Clock clock;

    public Verifier(RegistryClient client, CosignStore store, Clock clock) {
        this.client = client;
        this.store = store;
        this.clock = clock;
    }

    /** A trusted key and how the output names it (its file, usually). */
    public record TrustedKey(String name, PublicKey key) {
    }

    /**
     * What to require.
     *
     * @param threshold how many distinct trusted keys must have signed
     * @param requiredSigners names of keys that must be among them
     * @param attestations kinds that must be attested by a trusted key (at least {@code threshold} of them)
     * @param maxAge how old an attestation's facts may be; null for any age
     */
    public record Requirements(int threshold, Set<String> requiredSigners, Set<Attestations> attestations, Duration maxAge) {
        public Requirements {
            requiredSigners = Set.copyOf(requiredSigners);
            attestations = Set.copyOf(attestations);
        }
    }

    /** The outcome: what each key verified, and every reason for failure. */
    public record Result(Digest digest, boolean verified, List<String> verifiedBy, List<String> failures, List<String> notes) {
        public Result {
            verifiedBy = List.copyOf(verifiedBy);
            failures = List.copyOf(failures);
            notes = List.copyOf(notes);
        }
    }

    public Result verify(ImageReference repository, Descriptor subject, List<TrustedKey> keys, Requirements req) {
        Digest digest = subject.digest();
        List<String> verifiedBy = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        String where = repository.name() + ":" + CosignStore.Kind.SIGNATURE.tag(digest);

        // the reads are independent: signatures, attestations and bundle referrers are fetched together
        CompletableFuture<List<CosignStore.Entry>> sigsRead = CompletableFuture.supplyAsync(
                () -> store.read(repository, digest, CosignStore.Kind.SIGNATURE), VIRTUAL);
        CompletableFuture<List<CosignStore.Entry>> attsRead = req.attestations().isEmpty() ? CompletableFuture.completedFuture(List.of())
                : CompletableFuture.supplyAsync(() -> store.read(repository, digest, CosignStore.Kind.ATTESTATION), VIRTUAL);

        // -- signatures --
        Set<String> signers = new LinkedHashSet<>();
        List<CosignStore.Entry> sigs = join(sigsRead);
        int n = 0;
        for (CosignStore.Entry e : sigs) {
            n++;
            String annotation = e.layer().annotations().get(CosignStore.SIGNATURE_ANNOTATION);
            byte[] sig;
            try {
                sig = annotation == null ? null : Base64.getDecoder().decode(annotation.strip());
            } catch (IllegalArgumentException bad) {
                sig = null;
            }
            if (sig == null) {
                notes.add(where + " layer " + n + ": no readable " + CosignStore.SIGNATURE_ANNOTATION + " annotation");
                continue;
            }
            Optional<TrustedKey> by = verifiedWith(keys, e.content(), sig);
            if (by.isEmpty()) {
                notes.add(where + " layer " + n + ": the signature does not verify with any trusted key");
                continue;
            }
            SimpleSigning payload;
            try {
                payload = SimpleSigning.parse(e.content(), where + " layer " + n);
            } catch (DrydockException bad) {
                failures.add(bad.getMessage());
                continue;
            }
            if (!payload.manifestDigest().equals(digest)) {
                failures.add(where + " layer " + n + ": signed by " + by.get().name() + " for " + payload.manifestDigest()
                        + ", not for " + digest + " (a signature copied from another image)");
                continue;
            }
            if (signers.add(by.get().name())) {
                verifiedBy.add("signature: " + by.get().name() + " signed " + digest + " (payload for " + payload.dockerReference() + ")");
            }
        }
        if (sigs.isEmpty()) {
            failures.add("no cosign signatures at " + where);
        }
        if (signers.size() < req.threshold()) {
            failures.add("signatures from " + signers.size() + " trusted key(s) " + (signers.isEmpty() ? "" : signers + " ")
                    + "verify " + digest + "; " + req.threshold() + " required");
        }
        for (String required : req.requiredSigners()) {
            if (!signers.contains(required)) {
                failures.add("no valid signature from the required key " + required);
            }
        }

        // -- attestations --
        Map<Attestations, Set<String>> attested = new LinkedHashMap<>();
        String attWhere = repository.name() + ":" + CosignStore.Kind.ATTESTATION.tag(digest);
        List<CosignStore.Entry> atts = join(attsRead);
        n = 0;
        Instant now = clock.instant();
        for (CosignStore.Entry e : atts) {
            n++;
            String at = attWhere + " layer " + n;
            Dsse envelope;
            InToto statement;
            try {
                envelope = Dsse.parse(e.content(), at);
                if (!envelope.payloadType().equals(Dsse.IN_TOTO)) {
                    notes.add(at + ": payload type " + envelope.payloadType() + " is not an in-toto statement");
                    continue;
                }
                statement = InToto.parse(envelope.payload(), at);
            } catch (DrydockException bad) {
                failures.add(bad.getMessage());
                continue;
            }
            byte[] pae = Dsse.pae(envelope.payloadType(), envelope.payload());
            Optional<TrustedKey> by = Optional.empty();
            for (Dsse.Signature s : envelope.signatures()) {
                by = verifiedWith(keys, pae, s.sig());
                if (by.isPresent()) {
                    break;
                }
            }
            Optional<Attestations> kind = Attestations.byPredicateType(statement.predicateType());
            String label = kind.map(Attestations::label).orElse(statement.predicateType());
            if (by.isEmpty()) {
                notes.add(at + " (" + label + "): the DSSE signature does not verify with any trusted key (altered, or signed by another key)");
                continue;
            }
            if (!statement.isAbout(digest)) {
                failures.add(at + " (" + label + "): signed by " + by.get().name() + " about " + statement.subjects()
                        + ", not about " + digest);
                continue;
            }
            if (kind.isEmpty()) {
                notes.add(at + ": predicate type " + statement.predicateType() + " is not one Drydock checks");
                continue;
            }
            if (req.maxAge() != null) {
                Optional<Instant> when = kind.get().time(statement.predicate());
                if (when.isEmpty()) {
                    notes.add(at + " (" + label + "): no time in the predicate, so its age cannot be checked");
                    continue;
                }
                if (Duration.between(when.get(), now).compareTo(req.maxAge()) > 0) {
                    notes.add(at + " (" + label + "): expired, made " + when.get() + ", older than " + req.maxAge());
                    continue;
                }
            }
            if (attested.computeIfAbsent(kind.get(), k -> new LinkedHashSet<>()).add(by.get().name())) {
                verifiedBy.add("attestation " + label + ": " + by.get().name() + " attested " + digest);
            }
        }
        for (Attestations required : req.attestations()) {
            Set<String> by = attested.getOrDefault(required, Set.of());
            if (by.size() < req.threshold()) {
                failures.add("attestation " + required.label() + ": " + (by.isEmpty() ? "none valid" : "only from " + by)
                        + " for " + digest + (atts.isEmpty() ? " (no attestations at " + attWhere + ")" : "; see the notes"));
            }
        }

        if (!failures.isEmpty()) {
            // only worth a look when cosign's own format did not satisfy: an image signed in the newer format
            notes.addAll(bundleNotes(repository, digest));
        }
        return new Result(digest, failures.isEmpty(), verifiedBy, failures, notes);
    }

    private static final java.util.concurrent.Executor VIRTUAL = r -> Thread.ofVirtual().start(r);

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** The newer cosign bundle format, recognised but not verified yet: said, not silently passed over. */
    private List<String> bundleNotes(ImageReference repository, Digest digest) {
        List<String> out = new ArrayList<>();
        try {
            for (Descriptor d : client.referrers(repository, digest, null)) {
                if (d.artifactType() != null && BUNDLE_TYPES.contains(d.artifactType())) {
                    out.add("a Sigstore bundle (" + d.artifactType() + ", " + d.digest() + ") refers to " + digest
                            + "; Drydock does not verify the bundle format yet, only cosign's tag-based signatures and attestations");
                }
            }
        } catch (DrydockException e) {
            out.add("could not list the referrers of " + digest + ": " + e.getMessage());
        }
        return out;
    }

    private static Optional<TrustedKey> verifiedWith(List<TrustedKey> keys, byte[] data, byte[] sig) {
        for (TrustedKey k : keys) {
            if (Ecdsa.verify(k.key(), data, sig)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}
