package io.drydock.admission.server;

import io.drydock.admission.Verification;
import io.drydock.image.Digest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Verdicts by (image digest, policy digest), with single flight: while one verification of a key runs, every other
 * request for it waits on the same future instead of asking the registry again.
 *
 * <p>The key also carries the repository and the rule: cosign keeps signatures in the image's repository, and the
 * rule is chosen by repository, so the same digest in two repositories can deserve two verdicts.
 */
final class VerdictCache {
    record Key(Digest digest, String policyDigest, String repository, String rule) {
    }

    private record Entry(Verification.Outcome outcome, Instant expires) {
    }

    private final Map<Key, Entry> verdicts = new ConcurrentHashMap<>();
    private final Map<Key, CompletableFuture<Verification.Outcome>> running = new ConcurrentHashMap<>();
    private final Duration passTtl;
    private final Duration failTtl;
    private final Clock clock;
    private final Metrics metrics;

    VerdictCache(Duration passTtl, Duration failTtl, Clock clock, Metrics metrics) {
        this.passTtl = passTtl;
        this.failTtl = failTtl;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** A cached verdict that has not expired; does not count as a hit or miss (the deadline fallback asks this). */
    Optional<Verification.Outcome> peek(Key key) {
        Entry e = verdicts.get(key);
        if (e == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(e.expires())) {
            verdicts.remove(key, e);
            return Optional.empty();
        }
        return Optional.of(e.outcome());
    }

    /**
     * The cached verdict, or the running verification of the key, or a new one started on a virtual thread. The
     * future completes whatever the caller's deadline; its outcome is cached when it is definitive.
     */
    CompletableFuture<Verification.Outcome> get(Key key, Supplier<Verification.Outcome> verify) {
        Optional<Verification.Outcome> cached = peek(key);
        if (cached.isPresent()) {
            metrics.cacheHit();
            return CompletableFuture.completedFuture(cached.get());
        }
        metrics.cacheMiss();
        CompletableFuture<Verification.Outcome> mine = new CompletableFuture<>();
        CompletableFuture<Verification.Outcome> theirs = running.putIfAbsent(key, mine);
        if (theirs != null) {
            return theirs;
        }
        Thread.ofVirtual().name("verify-" + key.digest().hex().substring(0, 12)).start(() -> {
            Verification.Outcome outcome;
            try {
                outcome = verify.get();
            } catch (RuntimeException e) {
                outcome = new Verification.Unavailable("verification failed: " + e.getMessage());
            }
            // an outage says nothing about the image: only passes and definitive failures are remembered
            switch (outcome) {
                case Verification.Verified v -> verdicts.put(key, new Entry(v, clock.instant().plus(passTtl)));
                case Verification.Failed f -> verdicts.put(key, new Entry(f, clock.instant().plus(failTtl)));
                case Verification.Unavailable u -> { }
            }
            running.remove(key, mine);
            mine.complete(outcome);
        });
        return mine;
    }

    int size() {
        return verdicts.size();
    }
}
