package io.drydock.lineage;

import com.sun.net.httpserver.HttpServer;
import io.drydock.DrydockException;
import io.drydock.image.Descriptor;
import io.drydock.image.ImageIndex;
import io.drydock.image.ImageReference;
import io.drydock.image.Manifest;
import io.drydock.image.ManifestCodec;
import io.drydock.image.MediaTypes;
import io.drydock.image.Platform;
import io.drydock.image.registry.CredentialStore;
import io.drydock.image.registry.HostBackoff;
import io.drydock.image.registry.RegistryClient;
import io.drydock.store.SqliteStore;
import io.drydock.store.Store;
import io.drydock.store.TrackedBase;
import io.drydock.testing.TestImages;
import io.drydock.testing.TestRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The HEAD-only poller against a real Distribution registry; requests are counted from the registry's own access
 * log. Every test works on its own tags of one shared repository (test/b), whose blobs are pushed once.
 */
class BasePollerTest {
    private static final Duration NO_SETTLE = Duration.ZERO;
    private static TestRegistry registry;
    private static String host;
    private static RegistryClient seeder;
    private static Manifest baseManifest;
    private static Manifest appManifest;
    private static Manifest armManifest;

    @TempDir
    Path dir;
    private Store store;
    private MutableClock clock;
    private RegistryClient client;

    @BeforeAll
    static void seed() {
        registry = TestRegistry.open();
        host = registry.hostPort();
        registry.push(TestImages.ociRef("base"), "test/b:seed-base");
        registry.push(TestImages.ociRef("app"), "test/b:seed-app");
        registry.push(TestImages.ociRef("arm64"), "test/b:seed-arm64");
        seeder = new RegistryClient(CredentialStore.none(), RegistryClient.Options.defaults());
        baseManifest = seeder.manifest(ref("test/b:seed-base"));
        appManifest = seeder.manifest(ref("test/b:seed-app"));
        armManifest = seeder.manifest(ref("test/b:seed-arm64"));
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) registry.close();
    }

    @BeforeEach
    void open() {
        store = SqliteStore.open(dir.resolve("drydock.db"));
        clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
        // One attempt per request: a stopped registry fails at once instead of after retries.
        client = new RegistryClient(CredentialStore.none(), RegistryClient.Options.defaults().withRetries(1, Duration.ofMillis(10)));
    }

    @AfterEach
    void close() {
        store.close();
    }

    // ---------------------------------------------------------------- cost

    @Test
    void anUnchangedBaseCostsOneHeadAndNoGetPerCycle() {
        String base = tag("unchanged", baseManifest);
        store.trackBase(base);
        BasePoller poller = poller(NO_SETTLE, 100);
        registry.clearLog();

        BasePoller.CycleResult first = poller.pollOnce();
        assertThat(first.changed()).isEmpty();
        assertThat(first.errors()).isEmpty();
        assertThat(first.heads()).isEqualTo(1);
        assertThat(first.unchanged()).isEqualTo(1);
        assertThat(store.trackedBase(base).orElseThrow().digest()).isEqualTo(TestImages.manifestDigest("base"));

        for (int i = 0; i < 3; i++) {
            BasePoller.CycleResult r = poller.pollOnce();
            assertThat(r.changed()).isEmpty();
            assertThat(r.heads()).isEqualTo(1);
            assertThat(r.unchanged()).isEqualTo(1);
        }
        List<TestRegistry.Request> served = awaitRequests(4);
        assertThat(served).hasSize(4).allSatisfy(r -> {
            assertThat(r.method()).isEqualTo("HEAD");
            assertThat(r.path()).isEqualTo("/v2/test/b/manifests/unchanged");
            assertThat(r.status()).isEqualTo(200);
        });
        assertThat(served).noneMatch(r -> r.method().equals("GET"));
    }

    // ---------------------------------------------------------------- change detection

    @Test
    void aPushedImageIsReportedOnceByTheNextCycle() {
        String base = host + "/test/b:change";
        registry.push(TestImages.ociRef("base"), "test/b:change");
        store.trackBase(base);
        BasePoller poller = poller(NO_SETTLE, 100);
        assertThat(poller.pollOnce().changed()).isEmpty();

        registry.push(TestImages.ociRef("app"), "test/b:change");
        registry.clearLog();
        BasePoller.CycleResult r = poller.pollOnce();
        assertThat(r.changed()).containsExactly(new BasePoller.Change(base, TestImages.manifestDigest("base"),
                TestImages.manifestDigest("app"), clock.instant()));
        assertThat(r.unchanged()).isZero();
        assertThat(store.trackedBase(base).orElseThrow().digest()).isEqualTo(TestImages.manifestDigest("app"));

        BasePoller.CycleResult after = poller.pollOnce();
        assertThat(after.changed()).isEmpty();
        assertThat(after.unchanged()).isEqualTo(1);
        // Even the changed base cost one HEAD per cycle and no GET.
        List<TestRegistry.Request> served = awaitRequests(2);
        assertThat(served).extracting(TestRegistry.Request::method).containsExactly("HEAD", "HEAD");
    }

    @Test
    void twoPushesInsideTheSettleWindowAreReportedOnceWithTheFinalDigestAfterTheWindow() {
        Duration window = Duration.ofSeconds(60);
        String base = host + "/test/b:settle";
        registry.push(TestImages.ociRef("base"), "test/b:settle");
        store.trackBase(base);
        BasePoller poller = poller(window, 100);
        poller.pollOnce();
        TrackedBase before = store.trackedBase(base).orElseThrow();

        clock.advance(Duration.ofSeconds(100));
        registry.push(TestImages.ociRef("app"), "test/b:settle");
        assertThat(poller.pollOnce().changed()).isEmpty();
        assertThat(poller.pending()).extracting(BasePoller.Change::newDigest).containsExactly(TestImages.manifestDigest("app"));

        clock.advance(Duration.ofSeconds(30));
        Instant finalSeen = clock.instant();
        registry.push(TestImages.ociRef("arm64"), "test/b:settle");
        assertThat(poller.pollOnce().changed()).isEmpty();
        assertThat(poller.pending()).containsExactly(new BasePoller.Change(base, TestImages.manifestDigest("base"),
                TestImages.manifestDigest("arm64"), finalSeen));

        // The window restarted with the second push: 59 s after it nothing is reported and the store is untouched.
        clock.advance(Duration.ofSeconds(59));
        assertThat(poller.pollOnce().changed()).isEmpty();
        assertThat(store.trackedBase(base).orElseThrow().digest()).isEqualTo(before.digest());

        clock.advance(Duration.ofSeconds(1));
        BasePoller.CycleResult settled = poller.pollOnce();
        assertThat(settled.changed()).containsExactly(new BasePoller.Change(base, TestImages.manifestDigest("base"),
                TestImages.manifestDigest("arm64"), finalSeen));
        assertThat(store.trackedBase(base).orElseThrow().digest()).isEqualTo(TestImages.manifestDigest("arm64"));
        assertThat(poller.pending()).isEmpty();

        clock.advance(Duration.ofSeconds(120));
        assertThat(poller.pollOnce().changed()).isEmpty();
    }

    @Test
    void aMultiArchIndexGrowingArchitectureByArchitectureIsActedOnOnce() {
        Duration window = Duration.ofMinutes(2);
        Descriptor amd64 = platformDescriptor(baseManifest, "amd64");
        Descriptor arm64 = platformDescriptor(armManifest, "arm64");
        String base = tag("multi", index(List.of(amd64)));
        store.trackBase(base);
        BasePoller poller = poller(window, 100);
        poller.pollOnce();
        List<BasePoller.Change> reported = new ArrayList<>();

        // A release pipeline pushes a new amd64 image, then adds arm64: two index digests 20 s apart.
        Descriptor newAmd64 = platformDescriptor(appManifest, "amd64");
        ImageIndex partial = index(List.of(newAmd64));
        ImageIndex complete = index(List.of(newAmd64, arm64));
        tag("multi", partial);
        for (int i = 0; i < 20; i++) {
            if (i == 2) tag("multi", complete);
            reported.addAll(poller.pollOnce().changed());
            clock.advance(Duration.ofSeconds(10));
        }
        assertThat(reported).hasSize(1);
        assertThat(reported.get(0).newDigest()).isEqualTo(complete.digest().toString());
        assertThat(reported.get(0).oldDigest()).isEqualTo(index(List.of(amd64)).digest().toString());
        assertThat(reported.get(0).firstSeen()).isEqualTo(Instant.parse("2025-01-01T00:00:20Z"));
    }

    @Test
    void aDigestThatGoesBackInsideTheWindowIsNoChange() {
        String base = tag("flap", baseManifest);
        store.trackBase(base);
        BasePoller poller = poller(Duration.ofSeconds(30), 100);
        poller.pollOnce();
        tag("flap", appManifest);
        poller.pollOnce();
        assertThat(poller.pending()).hasSize(1);
        tag("flap", baseManifest);
        clock.advance(Duration.ofSeconds(10));
        BasePoller.CycleResult r = poller.pollOnce();
        assertThat(r.changed()).isEmpty();
        assertThat(r.unchanged()).isEqualTo(1);
        assertThat(poller.pending()).isEmpty();
        clock.advance(Duration.ofMinutes(5));
        assertThat(poller.pollOnce().changed()).isEmpty();
    }

    @Test
    void aRestartDelaysButDoesNotLoseAnUnsettledChange() {
        Duration window = Duration.ofSeconds(30);
        String base = tag("restart", baseManifest);
        store.trackBase(base);
        poller(window, 100).pollOnce();
        tag("restart", appManifest);
        BasePoller before = poller(window, 100);
        before.pollOnce();
        assertThat(before.pending()).hasSize(1);
        assertThat(store.trackedBase(base).orElseThrow().digest()).isEqualTo(TestImages.manifestDigest("base"));

        // A new process: the window starts again from its first sighting.
        clock.advance(window);
        BasePoller after = poller(window, 100);
        assertThat(after.pollOnce().changed()).isEmpty();
        clock.advance(window);
        assertThat(after.pollOnce().changed()).extracting(BasePoller.Change::newDigest)
                .containsExactly(TestImages.manifestDigest("app"));
    }

    // ---------------------------------------------------------------- budget and rate limits

    @Test
    void aSpentBudgetDefersTheRestAndTheNextCycleAsksThemFirst() {
        List<String> bases = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            bases.add(tag("budget" + i, armManifest));
            store.trackBase(bases.get(i - 1));
        }
        BasePoller poller = poller(NO_SETTLE, 3);
        registry.clearLog();

        BasePoller.CycleResult first = poller.pollOnce();
        assertThat(first.heads()).isEqualTo(3);
        assertThat(first.deferred()).containsExactly(bases.get(3), bases.get(4));
        assertThat(awaitRequests(3)).extracting(TestRegistry.Request::path)
                .containsExactlyInAnyOrder(path("budget1"), path("budget2"), path("budget3"));
        assertThat(store.trackedBase(bases.get(3)).orElseThrow().checkedAt()).isNull();

        registry.clearLog();
        BasePoller.CycleResult second = poller.pollOnce();
        assertThat(second.heads()).isEqualTo(3);
        assertThat(second.deferred()).containsExactly(bases.get(1), bases.get(2));
        List<TestRegistry.Request> served = awaitRequests(3);
        // The first HEAD of a cycle goes alone, so the registry logged the first deferred base first.
        assertThat(served.get(0).path()).isEqualTo(path("budget4"));
        assertThat(served).extracting(TestRegistry.Request::path)
                .containsExactlyInAnyOrder(path("budget4"), path("budget5"), path("budget1"));
        assertThat(served).allMatch(r -> r.method().equals("HEAD"));

        // Nobody starves: after three cycles every base has been checked.
        poller.pollOnce();
        assertThat(store.trackedBases()).allSatisfy(b -> assertThat(b.digest()).isEqualTo(TestImages.manifestDigest("arm64")));
    }

    @Test
    void aThrottlingRegistryIsAskedOnceAndThenLeftAloneWhileItsBackoffLasts() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        List<String> paths = new ArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            asked.incrementAndGet();
            synchronized (paths) {
                paths.add(exchange.getRequestURI().getPath());
            }
            exchange.getResponseHeaders().add("Retry-After", "30");
            exchange.sendResponseHeaders(429, -1);
            exchange.close();
        });
        server.start();
        try {
            String throttled = "127.0.0.1:" + server.getAddress().getPort();
            List<String> bases = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                bases.add(throttled + "/lib/img" + (char) ('a' + i) + ":1");
                store.trackBase(bases.get(i));
            }
            String healthy = tag("beside-throttled", baseManifest);
            store.trackBase(healthy);
            HostBackoff backoff = new HostBackoff(clock, Duration.ofSeconds(10), Duration.ofMinutes(5));
            RegistryClient c = new RegistryClient(CredentialStore.none(),
                    RegistryClient.Options.defaults().withRetries(1, Duration.ofMillis(10)).withHostBackoff(backoff));
            BasePoller poller = new BasePoller(store, c, clock, new BasePoller.Settings(Duration.ofMinutes(1), 0, 100, NO_SETTLE));

            BasePoller.CycleResult first = poller.pollOnce();
            assertThat(asked.get()).isEqualTo(1);
            assertThat(first.errors()).singleElement().satisfies(e -> {
                assertThat(e).startsWith(bases.get(0) + ": ").contains("429").contains(throttled).contains("19 base(s) deferred");
            });
            assertThat(first.deferred()).containsExactlyElementsOf(bases.subList(1, 20));
            // The other registry is not held up by the throttling one.
            assertThat(first.unchanged()).isEqualTo(1);
            assertThat(store.trackedBase(healthy).orElseThrow().digest()).isEqualTo(TestImages.manifestDigest("base"));

            // Inside the Retry-After window the client refuses without a request; the deferred go first.
            BasePoller.CycleResult second = poller.pollOnce();
            assertThat(asked.get()).isEqualTo(1);
            assertThat(second.errors()).singleElement().satisfies(e -> assertThat(e).startsWith(bases.get(1) + ": ").contains("backing off"));
            assertThat(second.unchanged()).isEqualTo(1);

            clock.advance(Duration.ofSeconds(31));
            poller.pollOnce();
            assertThat(asked.get()).isEqualTo(2);
            assertThat(paths.get(1)).isEqualTo("/v2/lib/imgc/manifests/1");
            assertThat(store.trackedBases()).filteredOn(b -> b.reference().startsWith(throttled))
                    .allSatisfy(b -> assertThat(b.digest()).isNull());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aRegistryThatSaysItsRateLimitIsUsedUpIsNotAskedAgainThisCycle() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        String digest = "sha256:" + "cd".repeat(32);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            int n = asked.incrementAndGet();
            exchange.getResponseHeaders().add("Docker-Content-Digest", digest);
            exchange.getResponseHeaders().add("Content-Type", "application/vnd.oci.image.manifest.v1+json");
            // Docker Hub's form: what is left, then the window
            exchange.getResponseHeaders().add("RateLimit-Remaining", (n == 1 ? 0 : 5) + ";w=21600");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        try {
            String limited = "127.0.0.1:" + server.getAddress().getPort();
            List<String> bases = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                bases.add(limited + "/lib/rl" + i + ":1");
                store.trackBase(bases.get(i));
            }
            RegistryClient c = new RegistryClient(CredentialStore.none(), RegistryClient.Options.defaults());
            BasePoller poller = new BasePoller(store, c, clock, new BasePoller.Settings(Duration.ofMinutes(1), 0, 100, NO_SETTLE));
            BasePoller.CycleResult first = poller.pollOnce();
            assertThat(asked.get()).as("the answer with RateLimit-Remaining: 0 is the last request").isEqualTo(1);
            assertThat(first.deferred()).containsExactlyElementsOf(bases.subList(1, 5));
            assertThat(store.trackedBase(bases.get(0)).orElseThrow().digest()).isEqualTo(digest);
            BasePoller.CycleResult second = poller.pollOnce();
            assertThat(second.deferred()).isEmpty();
            assertThat(asked.get()).as("the next cycle asks all five again").isEqualTo(6);
        } finally {
            server.stop(0);
        }
    }

    // ---------------------------------------------------------------- errors

    @Test
    void aMissingTagIsAnErrorNamingTheBaseAndTheOthersAreStillPolled() {
        String missing = host + "/test/b:never-pushed";
        String present = tag("present", baseManifest);
        store.trackBase(missing);
        store.trackBase(present);
        store.trackBase(host + "/test/absent-repo:1");
        BasePoller poller = poller(NO_SETTLE, 100);

        BasePoller.CycleResult r = poller.pollOnce();
        assertThat(r.heads()).isEqualTo(3);
        assertThat(r.unchanged()).isEqualTo(1);
        assertThat(r.errors()).hasSize(2);
        assertThat(r.errors()).anySatisfy(e -> assertThat(e).startsWith(missing + ": ").contains("404"));
        assertThat(r.errors()).anySatisfy(e -> assertThat(e).startsWith(host + "/test/absent-repo:1: "));
        assertThat(store.trackedBase(missing).orElseThrow().digest()).isNull();
        assertThat(store.trackedBase(present).orElseThrow().digest()).isEqualTo(TestImages.manifestDigest("base"));
    }

    @Test
    void anInvalidTrackedReferenceIsAnErrorWithoutARequest() {
        store.trackBase("Not A Reference");
        BasePoller.CycleResult r = poller(NO_SETTLE, 100).pollOnce();
        assertThat(r.heads()).isZero();
        assertThat(r.errors()).singleElement().satisfies(e -> assertThat(e).startsWith("Not A Reference: "));
    }

    @Test
    void aStoppedRegistryGivesErrorsNamingItAndChangesNothingInTheStore() {
        try (TestRegistry other = TestRegistry.open()) {
            other.push(TestImages.ociRef("arm64"), "test/s:1");
            other.push(TestImages.ociRef("arm64"), "test/s:2");
            String s1 = other.hostPort() + "/test/s:1";
            String s2 = other.hostPort() + "/test/s:2";
            String here = tag("beside-stopped", baseManifest);
            store.trackBase(s1);
            store.trackBase(s2);
            store.trackBase(here);
            BasePoller poller = poller(NO_SETTLE, 100);
            assertThat(poller.pollOnce().errors()).isEmpty();
            List<TrackedBase> before = store.trackedBases().stream().filter(b -> !b.reference().equals(here)).toList();

            other.stop();
            clock.advance(Duration.ofMinutes(1));
            BasePoller.CycleResult r = poller.pollOnce();
            assertThat(r.changed()).isEmpty();
            assertThat(r.errors()).singleElement().satisfies(e -> assertThat(e).startsWith(s1 + ": ")
                    .contains("registry " + other.hostPort()).contains("unreachable"));
            assertThat(r.deferred()).containsExactly(s2);
            assertThat(r.unchanged()).isEqualTo(1);
            assertThat(store.trackedBases().stream().filter(b -> !b.reference().equals(here)).toList()).isEqualTo(before);

            other.restart();
            other.clearLog();
            BasePoller.CycleResult back = poller.pollOnce();
            assertThat(back.errors()).isEmpty();
            assertThat(back.changed()).isEmpty();
            assertThat(back.unchanged()).isEqualTo(3);
            assertThat(awaitRequests(other, 2).get(0).path()).isEqualTo("/v2/test/s/manifests/2");
        }
    }

    // ---------------------------------------------------------------- confirm

    @Test
    void confirmOfAnUntrackedReferenceIsEmptyWithoutARequest() {
        store.trackBase(tag("tracked", baseManifest));
        BasePoller poller = poller(NO_SETTLE, 100);
        registry.clearLog();
        long sent = client.requestCount();
        assertThat(poller.confirm(host + "/test/b:not-tracked")).isEmpty();
        assertThat(poller.confirm("docker.io/library/alpine:3")).isEmpty();
        assertThat(client.requestCount()).isEqualTo(sent);
        sleep(200);
        assertThat(registry.requests()).isEmpty();
    }

    @Test
    void confirmChecksOneTrackedBaseWithOneHead() {
        String base = tag("confirm", baseManifest);
        String other = tag("confirm-other", baseManifest);
        store.trackBase(base);
        store.trackBase(other);
        BasePoller poller = poller(NO_SETTLE, 100);
        poller.pollOnce();
        tag("confirm", appManifest);
        tag("confirm-other", appManifest);
        registry.clearLog();

        Optional<BasePoller.Change> c = poller.confirm(base);
        assertThat(c).contains(new BasePoller.Change(base, TestImages.manifestDigest("base"), TestImages.manifestDigest("app"), clock.instant()));
        assertThat(poller.confirm(base)).isEmpty();
        assertThat(awaitRequests(2)).allSatisfy(r -> {
            assertThat(r.method()).isEqualTo("HEAD");
            assertThat(r.path()).isEqualTo(path("confirm"));
        });
        // The next cycle reports only the other base: the confirmed change is not reported twice.
        assertThat(poller.pollOnce().changed()).extracting(BasePoller.Change::reference).containsExactly(other);
    }

    @Test
    void confirmWithASettleWindowLeavesTheChangePendingForTheCycles() {
        String base = tag("confirm-settle", baseManifest);
        store.trackBase(base);
        BasePoller poller = poller(Duration.ofSeconds(30), 100);
        poller.pollOnce();
        tag("confirm-settle", appManifest);
        assertThat(poller.confirm(base)).isEmpty();
        assertThat(poller.pending()).hasSize(1);
        clock.advance(Duration.ofSeconds(30));
        assertThat(poller.pollOnce().changed()).hasSize(1);
    }

    @Test
    void confirmOfAMissingTagThrowsNamingTheBase() {
        String base = host + "/test/b:confirm-missing";
        store.trackBase(base);
        assertThatThrownBy(() -> poller(NO_SETTLE, 100).confirm(base))
                .isInstanceOf(DrydockException.class).hasMessageStartingWith(base + ": ").hasMessageContaining("404");
    }

    // ---------------------------------------------------------------- timing

    @Test
    void nextDelayIsTheIntervalPlusOrMinusTheJitter() {
        BasePoller jittery = new BasePoller(store, client, clock, new BasePoller.Settings(Duration.ofSeconds(10), 0.2, 10, NO_SETTLE));
        Set<Duration> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            Duration d = jittery.nextDelay();
            assertThat(d).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(12));
            seen.add(d);
        }
        assertThat(seen.size()).isGreaterThan(100);
        assertThat(seen.stream().anyMatch(d -> d.compareTo(Duration.ofSeconds(9)) < 0)).isTrue();
        assertThat(seen.stream().anyMatch(d -> d.compareTo(Duration.ofSeconds(11)) > 0)).isTrue();

        BasePoller steady = new BasePoller(store, client, clock, new BasePoller.Settings(Duration.ofSeconds(10), 0, 10, NO_SETTLE));
        assertThat(steady.nextDelay()).isEqualTo(Duration.ofSeconds(10));
        BasePoller full = new BasePoller(store, client, clock, new BasePoller.Settings(Duration.ofMillis(1), 1, 10, NO_SETTLE));
        for (int i = 0; i < 1000; i++) assertThat(full.nextDelay().isNegative()).isFalse();
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> new BasePoller.Settings(Duration.ofSeconds(1), 1.5, 1, NO_SETTLE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BasePoller.Settings(Duration.ofSeconds(1), 0.1, 0, NO_SETTLE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BasePoller.Settings(Duration.ofSeconds(-1), 0.1, 1, NO_SETTLE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BasePoller.Settings(Duration.ofSeconds(1), 0.1, 1, Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void runPollsUntilStoppedAndHandsOverChanges() {
        String base = tag("run", baseManifest);
        store.trackBase(base);
        BasePoller poller = new BasePoller(store, client, clock, new BasePoller.Settings(Duration.ofMillis(20), 0.5, 10, NO_SETTLE));
        List<BasePoller.Change> changes = new ArrayList<>();
        AtomicInteger cycles = new AtomicInteger();
        poller.run(changes::add, r -> {
            if (cycles.incrementAndGet() == 2) tag("run", appManifest);
        }, () -> cycles.get() >= 4);
        assertThat(cycles.get()).isEqualTo(4);
        assertThat(changes).extracting(BasePoller.Change::newDigest).containsExactly(TestImages.manifestDigest("app"));
    }

    // ---------------------------------------------------------------- helpers

    private BasePoller poller(Duration settle, int budget) {
        return new BasePoller(store, client, clock, new BasePoller.Settings(Duration.ofMinutes(1), 0.1, budget, settle));
    }

    private static ImageReference ref(String repoAndTag) {
        return ImageReference.parse(host + "/" + repoAndTag);
    }

    /** Points test/b:{@code tag} at {@code manifest} (its blobs are in test/b already); returns the reference. */
    private static String tag(String tag, Manifest manifest) {
        seeder.pushManifest(ref("test/b:" + tag), tag, manifest);
        return host + "/test/b:" + tag;
    }

    private static String path(String tag) {
        return "/v2/test/b/manifests/" + tag;
    }

    private static Descriptor platformDescriptor(Manifest m, String arch) {
        return new Descriptor(m.mediaType(), m.digest(), m.raw().length, new Platform("linux", arch, null, null), Map.of(), null);
    }

    private static ImageIndex index(List<Descriptor> manifests) {
        return ManifestCodec.writeIndex(MediaTypes.OCI_INDEX, manifests, null);
    }

    private static List<TestRegistry.Request> awaitRequests(int expected) {
        return awaitRequests(registry, expected);
    }

    /**
     * The registry's access log once it holds {@code expected} entries (it writes them just after answering), plus a
     * moment for any unexpected extra one to show up.
     */
    private static List<TestRegistry.Request> awaitRequests(TestRegistry r, int expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (r.requests().size() < expected && System.nanoTime() < deadline) sleep(20);
        sleep(150);
        return r.requests();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
