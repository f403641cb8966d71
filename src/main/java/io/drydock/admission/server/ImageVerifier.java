package io.drydock.admission.server;

import io.drydock.DrydockException;
import io.drydock.admission.AdmissionPolicy;
import io.drydock.admission.Verification;
import io.drydock.image.Descriptor;
import io.drydock.image.Digest;
import io.drydock.image.ImageReference;
import io.drydock.image.registry.Credential;
import io.drydock.image.registry.CredentialStore;
import io.drydock.image.registry.RegistryClient;
import io.drydock.image.registry.RegistryException;
import io.drydock.sign.Attestations;
import io.drydock.sign.CosignStore;
import io.drydock.sign.Dsse;
import io.drydock.sign.Ecdsa;
import io.drydock.sign.InToto;
import io.drydock.sign.Verifier;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * {@link Verification} on {@link Verifier}, behind the {@link VerdictCache} and an internal deadline. One instance
 * lives as long as the server; {@link #forRequest} gives each AdmissionRequest its deadline and pull credentials.
 */
final class ImageVerifier {
    private final RegistryClient defaultClient;
    private final Supplier<CredentialStore> ownCredentials;
    private final RegistryClient.Options registryOptions;
    private final Path lockDirectory;
    private final VerdictCache cache;
    private final Clock clock;
    /** Clients for pods' own pull credentials, kept so their token caches and connections are reused. */
    private final Map<Credential, Clients> byCredential = new ConcurrentHashMap<>();
    /**
     * The digest each tag last resolved to. Used only when the registry cannot be asked: then a tag whose digest
     * still has a cached pass is admitted at that digest, which the mutating webhook pins.
     */
    private final Map<String, Digest> lastResolved = new ConcurrentHashMap<>();
    private final Clients defaults;

    private record Clients(RegistryClient client, CosignStore store, Verifier verifier) {
    }

    ImageVerifier(RegistryClient defaultClient, Supplier<CredentialStore> ownCredentials, RegistryClient.Options registryOptions,
            Path lockDirectory, VerdictCache cache, Clock clock) {
        this.defaultClient = defaultClient;
        this.ownCredentials = ownCredentials;
        this.registryOptions = registryOptions;
        this.lockDirectory = lockDirectory;
        this.cache = cache;
        this.clock = clock;
        this.defaults = clients(defaultClient);
    }

    /** Registry requests made so far by every client, for the metrics. */
    long registryRequests() {
        return defaultClient.requestCount() + byCredential.values().stream().mapToLong(c -> c.client().requestCount()).sum();
    }

    private Clients clients(RegistryClient client) {
        CosignStore store = new CosignStore(client, lockDirectory);
        return new Clients(client, store, new Verifier(client, store, clock));
    }

    /**
     * @param deadline when the answer must be in: past it an image without a cached pass is unavailable
     * @param pullCredentials registry host to the pod's own credential, tried before Drydock's own
     */
    Verification forRequest(AdmissionPolicy policy, Instant deadline, Map<String, Credential> pullCredentials) {
        return (image, rule) -> {
            Credential own = pullCredentials.get(image.registry());
            Clients c = own == null ? defaults : byCredential.computeIfAbsent(own, cred -> {
                CredentialStore store = ownCredentials.get();
                store.put(image.registry(), cred);
                return clients(new RegistryClient(store, registryOptions));
            });
            return verify(c, policy, rule, image, deadline);
        };
    }

    private Verification.Outcome verify(Clients c, AdmissionPolicy policy, AdmissionPolicy.ImageRule rule, ImageReference image,
            Instant deadline) {
        String tagKey = image.name() + ":" + image.tag();
        Digest digest = image.digest();
        if (digest == null) {
            CompletableFuture<Verification.Outcome> resolving = CompletableFuture.supplyAsync(() -> resolve(c, image),
                    r -> Thread.ofVirtual().start(r));
            Verification.Outcome resolved = await(resolving, deadline, "resolving the tag");
            if (resolved instanceof Verification.Verified v) {
                digest = v.digest();
                lastResolved.put(tagKey, digest);
            } else if (resolved instanceof Verification.Unavailable u) {
                Digest known = lastResolved.get(tagKey);
                if (known != null && cachedPass(policy, rule, image, known)) {
                    return new Verification.Verified(known);
                }
                return u;
            } else {
                return resolved;
            }
        }
        VerdictCache.Key key = new VerdictCache.Key(digest, policy.digest(), image.name(), rule.where());
        Digest subject = digest;
        CompletableFuture<Verification.Outcome> verdict = cache.get(key, () -> verifyDigest(c, rule, image, subject));
        Verification.Outcome outcome = await(verdict, deadline, "verifying " + digest);
        if (outcome instanceof Verification.Unavailable && cachedPass(policy, rule, image, digest)) {
            return cache.peek(key).orElseThrow();
        }
        return Verification.about(digest, outcome);
    }

    private boolean cachedPass(AdmissionPolicy policy, AdmissionPolicy.ImageRule rule, ImageReference image, Digest digest) {
        return cache.peek(new VerdictCache.Key(digest, policy.digest(), image.name(), rule.where()))
                .filter(o -> o instanceof Verification.Verified).isPresent();
    }

    private Verification.Outcome await(CompletableFuture<Verification.Outcome> work, Instant deadline, String what) {
        long left = Duration.between(clock.instant(), deadline).toMillis();
        try {
            return work.get(Math.max(left, 0), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return new Verification.Unavailable("no answer from the registry before the internal deadline while " + what);
        } catch (ExecutionException e) {
            return new Verification.Unavailable(String.valueOf(e.getCause().getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Verification.Unavailable("interrupted while " + what);
        }
    }

    /** The tag's digest as {@code Verified} (a carrier only), a missing tag as {@code Failed}, an outage as {@code Unavailable}. */
    private static Verification.Outcome resolve(Clients c, ImageReference image) {
        try {
            Optional<Descriptor> head = c.client().head(image);
            return head.<Verification.Outcome>map(d -> new Verification.Verified(d.digest()))
                    .orElseGet(() -> new Verification.Failed("the tag " + image.tag() + " does not exist in " + image.name()));
        } catch (RegistryException.NotFound e) {
            return new Verification.Failed("the tag " + image.tag() + " does not exist in " + image.name());
        } catch (RuntimeException e) {
            return new Verification.Unavailable(e.getMessage());
        }
    }

    private Verification.Outcome verifyDigest(Clients c, AdmissionPolicy.ImageRule rule, ImageReference image, Digest digest) {
        Verifier.Result result;
        try {
            result = c.verifier().verify(image, Descriptor.of(null, digest, -1), rule.keys(), rule.requirements());
        } catch (RegistryException.Unauthorized e) {
            return new Verification.Unavailable("the registry refused the credentials: " + e.getMessage());
        } catch (DrydockException e) {
            // a registry error or an unreadable manifest: never remembered, and never a pass
            return new Verification.Unavailable(e.getMessage());
        }
        if (!result.verified()) {
            return new Verification.Failed(String.join("; ", result.failures()));
        }
        if (rule.requirePassingVerdict()) {
            Optional<String> problem = verdictProblem(c, rule, image, digest);
            if (problem.isPresent()) {
                return new Verification.Failed(problem.get());
            }
        }
        return new Verification.Verified(digest);
    }

    private record TrustedVerdict(Instant evaluatedAt, boolean passed, String key) {
    }

    /**
     * Why the image's Drydock verdict does not let it in, if it does not. The newest verdict signed by a trusted
     * key, about this digest and within the rule's maximum age decides: an older pass never outweighs a newer fail.
     */
    private Optional<String> verdictProblem(Clients c, AdmissionPolicy.ImageRule rule, ImageReference image, Digest digest) {
        List<CosignStore.Entry> entries = c.store().read(image, digest, CosignStore.Kind.ATTESTATION);
        Instant now = clock.instant();
        Optional<TrustedVerdict> newest = entries.stream().map(e -> trustedVerdict(rule, e, digest)).flatMap(Optional::stream)
                .filter(v -> rule.maxAge() == null || !Duration.between(v.evaluatedAt(), now).minus(rule.maxAge()).isPositive())
                .max(Comparator.comparing(TrustedVerdict::evaluatedAt));
        if (newest.isEmpty()) {
            return Optional.of("no verdict attestation signed by a trusted key and recent enough for " + digest);
        }
        if (!newest.get().passed()) {
            return Optional.of("the Drydock policy verdict of " + newest.get().evaluatedAt() + " (signed by " + newest.get().key()
                    + ") says the image failed its policy");
        }
        return Optional.empty();
    }

    private static Optional<TrustedVerdict> trustedVerdict(AdmissionPolicy.ImageRule rule, CosignStore.Entry entry, Digest digest) {
        try {
            Dsse envelope = Dsse.parse(entry.content(), "attestation");
            if (!envelope.payloadType().equals(Dsse.IN_TOTO)) {
                return Optional.empty();
            }
            byte[] pae = Dsse.pae(envelope.payloadType(), envelope.payload());
            Optional<Verifier.TrustedKey> by = rule.keys().stream()
                    .filter(k -> envelope.signatures().stream().anyMatch(s -> Ecdsa.verify(k.key(), pae, s.sig())))
                    .findFirst();
            if (by.isEmpty()) {
                return Optional.empty();
            }
            InToto statement = InToto.parse(envelope.payload(), "attestation");
            if (!statement.isAbout(digest) || !Attestations.VERDICT.predicateType.equals(statement.predicateType())) {
                return Optional.empty();
            }
            Optional<Instant> when = Attestations.VERDICT.time(statement.predicate());
            // a verdict that does not say plainly that it passed is not a pass
            boolean passed = statement.predicate().path("passed").isBoolean() && statement.predicate().path("passed").booleanValue();
            return when.map(t -> new TrustedVerdict(t, passed, by.get().name()));
        } catch (DrydockException e) {
            return Optional.empty();
        }
    }
}
