package io.drydock.lineage;

import io.drydock.DrydockException;
import io.drydock.image.Descriptor;
import io.drydock.image.ImageReference;
import io.drydock.image.registry.RegistryClient;
import io.drydock.image.registry.RegistryException;
import io.drydock.store.Store;
import io.drydock.store.TrackedBase;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Detects base-image updates with one {@code HEAD /v2/<name>/manifests/<tag>} per tracked base and cycle, compared
 * by {@code Docker-Content-Digest}: an unchanged base costs one HEAD and no GET.
 *
 * <p>Registries are asked in parallel, each on a virtual thread; within a registry the first HEAD goes alone (a
 * throttling or unreachable registry then costs one request per cycle), the rest up to
 * {@value #PER_REGISTRY_CONCURRENCY} at a time. A registry is asked at most {@link Settings#perRegistryBudget()}
 * times per cycle; the bases left over are reported as deferred and asked first in the next cycle, so none starves.
 * A registry that answers 429 or 5xx, is unreachable, or is in the client's {@code HostBackoff} window is not asked
 * again in that cycle; its remaining bases are deferred too.
 *
 * <p>A new digest is acted on only once it has stayed the same for {@link Settings#settleWindow()}: a multi-arch
 * index whose digest changes with every architecture pushed is reported once, with its final digest. The store holds
 * only settled digests ({@link Store#recordBaseDigest} is called when a digest settles); the unsettled candidates
 * live in memory, so after a restart their window starts again, which delays a change but never loses it.
 */
public final class BasePoller {
    /** HEADs in flight at once per registry (after the first one of a cycle answered). */
    public static final int PER_REGISTRY_CONCURRENCY = 8;

    /**
     * @param interval time between cycles
     * @param jitter fraction of {@code interval} (0..1) by which each delay varies, uniformly, either way
     * @param perRegistryBudget most HEADs sent to one registry per cycle
     * @param settleWindow how long a new digest must stay unchanged before it is reported; zero reports at once
     */
    public record Settings(Duration interval, double jitter, int perRegistryBudget, Duration settleWindow) {
        public Settings {
            if (interval == null || interval.isNegative()) throw new IllegalArgumentException("poll interval must be >= 0, got " + interval);
            if (!(jitter >= 0 && jitter <= 1)) throw new IllegalArgumentException("poll jitter must be within 0..1, got " + jitter);
            if (perRegistryBudget < 1) throw new IllegalArgumentException("per-registry budget must be >= 1, got " + perRegistryBudget);
            if (settleWindow == null || settleWindow.isNegative()) throw new IllegalArgumentException("settle window must be >= 0, got " + settleWindow);
        }

        /** Every 5 minutes ± 10 %, at most 100 HEADs per registry per cycle, a 2-minute settle window. */
        public static Settings defaults() {
            return new Settings(Duration.ofMinutes(5), 0.1, 100, Duration.ofMinutes(2));
        }
    }

    /**
     * A base whose tag now points elsewhere. As a {@link #pending()} entry, {@code newDigest} is the candidate still
     * settling.
     *
     * @param firstSeen when {@code newDigest} was first seen (the settle window runs from there)
     */
    public record Change(String reference, String oldDigest, String newDigest, Instant firstSeen) {
    }

    /**
     * What one cycle did.
     *
     * @param changed bases whose new digest settled in this cycle (recorded in the store)
     * @param heads HEAD requests the poller issued (one refused by the client's host backoff counts too)
     * @param unchanged bases whose tag still points to the recorded digest (the first check of a base counts here)
     * @param deferred bases not asked this cycle (budget spent or registry throttling/down); asked first next cycle
     * @param errors one message per failed base, starting with the base's reference
     */
    public record CycleResult(List<Change> changed, int heads, int unchanged, List<String> deferred, List<String> errors,
                              Duration took) {
        public CycleResult {
            changed = List.copyOf(changed);
            deferred = List.copyOf(deferred);
            errors = List.copyOf(errors);
        }
    }

    private record Pending(String oldDigest, String digest, Instant firstSeen) {
    }

    /** The answer to one HEAD. */
    private sealed interface Outcome permits Seen, Failed {
    }

    private record Seen(String digest) implements Outcome {
    }

    private record Failed(String message) implements Outcome {
    }

    private record Item(int index, TrackedBase base, ImageReference ref) {
    }

    private final Store store;
    private final RegistryClient client;
    private final Clock clock;
    private final Settings settings;
    /** Unsettled digests by base reference; guarded by itself. */
    private final Map<String, Pending> pending = new HashMap<>();
    /** Bases deferred by the last cycle, asked first in the next; guarded by {@link #cycleLock}. */
    private final LinkedHashSet<String> deferredFirst = new LinkedHashSet<>();
    private final Object cycleLock = new Object();

    private volatile Consumer<Change> beforeRecording = change -> { };

    public BasePoller(Store store, RegistryClient client, Clock clock, Settings settings) {
        this.store = store;
        this.client = client;
        this.clock = clock;
        this.settings = settings;
    }

    /**
     * Receives each settled change before the store records the new digest, so that acting on it (enqueuing the
     * rebuild steps) and recording it cannot be separated by a crash; when it throws, nothing is recorded and the
     * change is seen again next cycle.
     */
    public void beforeRecording(Consumer<Change> sink) {
        this.beforeRecording = sink;
    }

    public Settings settings() {
        return settings;
    }

    /** Digests seen but not settled yet, oldest first. */
    public List<Change> pending() {
        synchronized (pending) {
            return pending.entrySet().stream()
                    .map(e -> new Change(e.getKey(), e.getValue().oldDigest(), e.getValue().digest(), e.getValue().firstSeen()))
                    .sorted(java.util.Comparator.comparing(Change::firstSeen).thenComparing(Change::reference))
                    .toList();
        }
    }

    /** The wait before the next cycle: the interval ± up to {@code jitter} of it, uniformly; never negative. */
    public Duration nextDelay() {
        long nanos = settings.interval().toNanos();
        if (settings.jitter() == 0 || nanos == 0) return settings.interval();
        double delta = nanos * settings.jitter() * ThreadLocalRandom.current().nextDouble(-1.0, 1.0);
        return Duration.ofNanos(Math.max(0, Math.round(nanos + delta)));
    }

    // ---------------------------------------------------------------- one cycle

    /** One HEAD per tracked base (within each registry's budget), then the settle logic; cycles never overlap. */
    public CycleResult pollOnce() {
        synchronized (cycleLock) {
            long start = System.nanoTime();
            List<TrackedBase> bases = store.trackedBases();
            List<String> errors = new ArrayList<>();
            List<String> deferred = new ArrayList<>();

            // Deferred bases of the last cycle first, then the rest in the store's order.
            Map<String, TrackedBase> byReference = new LinkedHashMap<>();
            for (TrackedBase b : bases) byReference.put(b.reference(), b);
            List<TrackedBase> ordered = new ArrayList<>(bases.size());
            for (String r : deferredFirst) {
                TrackedBase b = byReference.remove(r);
                if (b != null) ordered.add(b);
            }
            ordered.addAll(byReference.values());
            forgetUntracked(bases);

            // Group by registry; over budget is deferred without asking.
            Map<String, List<Item>> byRegistry = new LinkedHashMap<>();
            List<Item> items = new ArrayList<>(ordered.size());
            for (TrackedBase b : ordered) {
                ImageReference ref;
                try {
                    ref = ImageReference.parse(b.reference());
                } catch (DrydockException e) {
                    errors.add(b.reference() + ": " + e.getMessage());
                    continue;
                }
                List<Item> group = byRegistry.computeIfAbsent(ref.apiHost(), h -> new ArrayList<>());
                if (group.size() >= settings.perRegistryBudget()) {
                    deferred.add(b.reference());
                    continue;
                }
                Item item = new Item(items.size(), b, ref);
                items.add(item);
                group.add(item);
            }

            AtomicReferenceArray<Outcome> outcomes = new AtomicReferenceArray<>(items.size());
            AtomicInteger heads = new AtomicInteger();
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (Map.Entry<String, List<Item>> e : byRegistry.entrySet()) {
                    if (e.getValue().isEmpty()) continue;
                    threads.submit(() -> pollRegistry(e.getValue(), outcomes, heads));
                }
            }

            // Store writes and the settle logic run here, one base after another, in the order asked.
            Instant now = clock.instant();
            List<Change> changed = new ArrayList<>();
            int unchanged = 0;
            for (Item item : items) {
                Outcome o = outcomes.get(item.index());
                String reference = item.base().reference();
                if (o == null) {
                    deferred.add(reference);
                } else if (o instanceof Failed f) {
                    errors.add(reference + ": " + f.message());
                } else if (o instanceof Seen s) {
                    try {
                        Optional<Change> c = decide(item.base(), s.digest(), now);
                        if (c.isPresent()) changed.add(c.get());
                        else if (s.digest().equals(item.base().digest()) || item.base().digest() == null) unchanged++;
                    } catch (DrydockException e) {
                        errors.add(reference + ": " + e.getMessage());
                    }
                }
            }
            deferredFirst.clear();
            deferredFirst.addAll(deferred);
            return new CycleResult(changed, heads.get(), unchanged, deferred, errors, Duration.ofNanos(System.nanoTime() - start));
        }
    }

    /** Asks one registry: the first HEAD alone, then the rest with bounded concurrency, until it says stop. */
    private void pollRegistry(List<Item> items, AtomicReferenceArray<Outcome> outcomes, AtomicInteger heads) {
        AtomicReference<String> stopped = new AtomicReference<>();
        Item first = items.get(0);
        outcomes.set(first.index(), ask(first, heads, stopped));
        if (stopped.get() == null && items.size() > 1) {
            Semaphore slots = new Semaphore(PER_REGISTRY_CONCURRENCY);
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (Item item : items.subList(1, items.size())) {
                    slots.acquireUninterruptibly();
                    if (stopped.get() != null) {
                        slots.release();
                        break;
                    }
                    threads.submit(() -> {
                        try {
                            outcomes.set(item.index(), ask(item, heads, stopped));
                        } finally {
                            slots.release();
                        }
                    });
                }
            }
        }
        // The base whose answer made the poller stop says how many of this registry's bases were left over.
        String reason = stopped.get();
        if (reason == null) return;
        long left = items.stream().filter(i -> outcomes.get(i.index()) == null).count();
        if (left == 0) return;
        for (Item item : items) {
            if (outcomes.get(item.index()) instanceof Failed f && f.message().equals(reason)) {
                outcomes.set(item.index(), new Failed(reason + "; not asking registry " + item.ref().registry()
                        + " again this cycle (" + left + " base(s) deferred)"));
                return;
            }
        }
    }

    /** One HEAD; sets {@code stopped} when the registry should not be asked again this cycle. */
    private Outcome ask(Item item, AtomicInteger heads, AtomicReference<String> stopped) {
        heads.incrementAndGet();
        try {
            Optional<Descriptor> d = client.head(item.ref());
            if (d.isEmpty()) {
                return new Failed("no manifest " + item.ref().manifestReference() + " in " + item.ref().name()
                        + " (registry " + item.ref().registry() + " answered 404)");
            }
            java.util.OptionalInt left = client.rateLimitRemaining(item.ref().apiHost());
            if (left.isPresent() && left.getAsInt() <= 0) {
                // the answer counts; asking again would only be refused until the registry's window resets
                stopped.compareAndSet(null, "registry " + item.ref().registry() + " says its rate limit is used up (RateLimit-Remaining: 0)");
            }
            return new Seen(d.get().digest().toString());
        } catch (RegistryException e) {
            String message = e.getMessage();
            if (stopsRegistry(e)) stopped.compareAndSet(null, message);
            return new Failed(message);
        } catch (DrydockException e) {
            return new Failed(e.getMessage());
        } catch (RuntimeException e) {
            return new Failed("checking " + item.ref() + " failed: " + e);
        }
    }

    /** Throttling (429), a failing server (5xx, also what the host backoff refuses with) or no answer at all. */
    static boolean stopsRegistry(RegistryException e) {
        return e instanceof RegistryException.Unreachable || e.status() == 429 || e.status() >= 500;
    }

    private void forgetUntracked(List<TrackedBase> bases) {
        Set<String> tracked = new HashSet<>();
        for (TrackedBase b : bases) tracked.add(b.reference());
        synchronized (pending) {
            pending.keySet().retainAll(tracked);
        }
    }

    // ---------------------------------------------------------------- settle logic

    /**
     * Applies the settle rule to a digest just seen for {@code base} (as the store had it when the cycle began);
     * the change once it settled, else empty.
     */
    private Optional<Change> decide(TrackedBase base, String seen, Instant now) {
        String reference = base.reference();
        synchronized (pending) {
            String stored = base.digest();
            if (stored == null || stored.equals(seen)) {
                // The first check sets where watching starts; later ones only say "checked now".
                pending.remove(reference);
                store.recordBaseDigest(reference, seen, now);
                return Optional.empty();
            }
            Instant firstSeen = now;
            if (!settings.settleWindow().isZero()) {
                Pending p = pending.get(reference);
                if (p == null || !p.digest().equals(seen)) {
                    pending.put(reference, new Pending(stored, seen, now));
                    return Optional.empty();
                }
                if (Duration.between(p.firstSeen(), now).compareTo(settings.settleWindow()) < 0) return Optional.empty();
                firstSeen = p.firstSeen();
            }
            // Settled. The snapshot may be stale (confirm() or another instance may have recorded it meanwhile).
            String current = store.trackedBase(reference).map(TrackedBase::digest).orElse(stored);
            if (current != null && !current.equals(seen)) {
                // handed on before it is recorded: a crash in between makes the next cycle see the change again
                // (acting on it is idempotent), where the other order would lose it
                beforeRecording.accept(new Change(reference, current, seen, firstSeen));
            }
            boolean changed = store.recordBaseDigest(reference, seen, now);
            pending.remove(reference);
            return changed ? Optional.of(new Change(reference, current, seen, firstSeen)) : Optional.empty();
        }
    }

    // ---------------------------------------------------------------- notification hint

    /**
     * Checks one tracked base now, e.g. when a registry notification hints at a push: one HEAD and the same settle
     * logic as a cycle (so with a settle window the change usually settles in a later cycle). {@code reference} is
     * matched exactly, else as the same normalised image reference ({@code alpine:3} is
     * {@code docker.io/library/alpine:3}). An untracked reference yields empty without any request.
     *
     * @throws DrydockException naming the base when the HEAD fails or the tag does not exist
     */
    public Optional<Change> confirm(String reference) {
        Optional<TrackedBase> found = store.trackedBase(reference).or(() -> findNormalised(reference));
        if (found.isEmpty()) return Optional.empty();
        TrackedBase base = found.get();
        ImageReference ref = ImageReference.parse(base.reference());
        Optional<Descriptor> d;
        try {
            d = client.head(ref);
        } catch (DrydockException e) {
            throw new DrydockException(base.reference() + ": " + e.getMessage(), e);
        }
        if (d.isEmpty()) {
            throw new DrydockException(base.reference() + ": no manifest " + ref.manifestReference() + " in " + ref.name()
                    + " (registry " + ref.registry() + " answered 404)");
        }
        return decide(base, d.get().digest().toString(), clock.instant());
    }

    private Optional<TrackedBase> findNormalised(String reference) {
        ImageReference wanted;
        try {
            wanted = ImageReference.parse(reference);
        } catch (DrydockException e) {
            return Optional.empty();
        }
        for (TrackedBase b : store.trackedBases()) {
            try {
                if (ImageReference.parse(b.reference()).equals(wanted)) return Optional.of(b);
            } catch (DrydockException ignored) {
                // an unparsable tracked reference matches nothing; pollOnce reports it
            }
        }
        return Optional.empty();
    }

    // ---------------------------------------------------------------- loop

    /** Polls until {@code stop} says so, sleeping {@link #nextDelay()} between cycles. */
    public void run(Consumer<Change> onChange, BooleanSupplier stop) {
        run(onChange, r -> { }, stop);
    }

    /**
     * Like {@link #run(Consumer, BooleanSupplier)}, also handing every cycle's result to {@code onCycle}; a cycle that
     * fails as a whole (the store unavailable) is reported there as a result with one error, and polling goes on.
     */
    public void run(Consumer<Change> onChange, Consumer<CycleResult> onCycle, BooleanSupplier stop) {
        while (!stop.getAsBoolean()) {
            CycleResult result;
            try {
                result = pollOnce();
            } catch (RuntimeException e) {
                result = new CycleResult(List.of(), 0, 0, List.of(), List.of("poll cycle failed: " + e.getMessage()), Duration.ZERO);
            }
            result.changed().forEach(onChange);
            onCycle.accept(result);
            if (!pause(nextDelay(), stop)) return;
        }
    }

    /** Sleeps {@code d} in short slices so {@code stop} is noticed; false when stopped or interrupted. */
    private static boolean pause(Duration d, BooleanSupplier stop) {
        long end = System.nanoTime() + d.toNanos();
        try {
            while (true) {
                if (stop.getAsBoolean()) return false;
                long left = end - System.nanoTime();
                if (left <= 0) return true;
                Thread.sleep(Duration.ofNanos(Math.min(left, 200_000_000L)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
