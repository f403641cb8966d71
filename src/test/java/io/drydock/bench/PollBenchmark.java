package io.drydock.bench;

import io.drydock.image.Descriptor;
import io.drydock.image.ImageManifest;
import io.drydock.image.ImageReference;
import io.drydock.image.Manifest;
import io.drydock.image.registry.CredentialStore;
import io.drydock.image.registry.RegistryClient;
import io.drydock.lineage.BasePoller;
import io.drydock.store.LineageEdge;
import io.drydock.store.SqliteStore;
import io.drydock.store.Store;
import io.drydock.testing.TestImages;
import io.drydock.testing.TestRegistry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue target: one poll cycle over 1,000 tracked images on 50 bases against the local registry takes at most 2 s,
 * with exactly one HEAD per base and no GET, counted from the registry's own access log. Baseline in the same run:
 * the same cycle with a GET of each manifest instead of the HEAD, at the same concurrency.
 */
@Tag("bench")
class PollBenchmark {
    private static final int BASES = 50;
    private static final int IMAGES = 1_000;
    private static final int ROUNDS = 5;

    @TempDir
    Path dir;

    @Test
    void oneCycleOverFiftyBases() throws Exception {
        try (TestRegistry registry = TestRegistry.open(); Store store = SqliteStore.open(dir.resolve("drydock.db"))) {
            RegistryClient client = new RegistryClient(CredentialStore.none(), RegistryClient.Options.defaults());
            List<String> bases = pushBases(registry, client);
            Instant now = Instant.now();
            for (String b : bases) store.trackBase(b);
            for (int i = 0; i < IMAGES; i++) {
                store.putEdge(new LineageEdge("registry.example/team/app-" + i + ":1", bases.get(i % BASES), LineageEdge.Kind.RUNTIME,
                        LineageEdge.Source.ANNOTATION, null, null, "benchmark", now));
            }
            BasePoller poller = new BasePoller(store, client, Clock.systemUTC(),
                    new BasePoller.Settings(Duration.ofMinutes(5), 0.1, 1_000, Duration.ofMinutes(2)));

            // Warm-up: the first cycle records where watching starts; the GET baseline warms up too.
            BasePoller.CycleResult warm = poller.pollOnce();
            assertThat(warm.errors()).isEmpty();
            assertThat(warm.unchanged()).isEqualTo(BASES);
            getCycle(store, client, bases);

            List<Double> pollMs = new ArrayList<>();
            List<Double> getMs = new ArrayList<>();
            int heads = 0;
            int gets = 0;
            int otherRequests = 0;
            for (int round = 0; round < ROUNDS; round++) {
                registry.clearLog();
                long start = System.nanoTime();
                BasePoller.CycleResult r = poller.pollOnce();
                pollMs.add((System.nanoTime() - start) / 1e6);
                assertThat(r.errors()).isEmpty();
                assertThat(r.changed()).isEmpty();
                assertThat(r.deferred()).isEmpty();
                assertThat(r.heads()).isEqualTo(BASES);
                assertThat(r.unchanged()).isEqualTo(BASES);
                List<TestRegistry.Request> served = awaitRequests(registry, BASES);
                int h = (int) served.stream().filter(q -> q.method().equals("HEAD") && q.path().contains("/manifests/")).count();
                int g = (int) served.stream().filter(q -> q.method().equals("GET") && q.path().contains("/manifests/")).count();
                assertThat(h).as("HEAD manifest requests in the registry log, cycle " + round).isEqualTo(BASES);
                assertThat(g).as("GET manifest requests in the registry log, cycle " + round).isZero();
                heads += h;
                gets += g;
                otherRequests += served.size() - h - g;

                long s2 = System.nanoTime();
                getCycle(store, client, bases);
                getMs.add((System.nanoTime() - s2) / 1e6);
            }
            double poll = BenchSupport.median(pollMs);
            double get = BenchSupport.median(getMs);
            System.out.printf("BENCH poll cycle: %d bases, %d tracked images, median %.1f ms over %d cycles (runs %s)%n",
                    BASES, IMAGES, poll, ROUNDS, rounded(pollMs));
            System.out.printf("BENCH poll cycle: registry log for the %d measured cycles: %d HEAD manifest, %d GET manifest, %d other requests (%.1f HEAD per base per cycle)%n",
                    ROUNDS, heads, gets, otherRequests, heads / (double) (ROUNDS * BASES));
            System.out.printf("BENCH poll cycle: HEAD-only %.1f ms vs GET-each-manifest baseline %.1f ms, ratio %.2f (runs %s)%n",
                    poll, get, poll / get, rounded(getMs));
            assertThat(poll).as("median poll cycle in ms").isLessThanOrEqualTo(2_000);
            assertThat(pollMs).allSatisfy(ms -> assertThat(ms).isLessThanOrEqualTo(2_000));
            assertThat(gets).isZero();
            assertThat(heads).isEqualTo(ROUNDS * BASES);
            assertThat(otherRequests).isZero();
        }
    }

    /**
     * Fifty repositories holding the base image: one skopeo push, then cross-repository blob mounts and a manifest
     * PUT for each of the others (a skopeo push per repository would upload the 50 MB layer fifty times).
     */
    private static List<String> pushBases(TestRegistry registry, RegistryClient client) {
        registry.push(TestImages.ociRef("base"), "bench/base-00:1");
        ImageReference first = ImageReference.parse(registry.hostPort() + "/bench/base-00:1");
        Manifest m = client.manifest(first);
        ImageManifest image = (ImageManifest) m;
        List<String> bases = new ArrayList<>();
        bases.add(first.toString());
        for (int i = 1; i < BASES; i++) {
            ImageReference ref = ImageReference.parse(registry.hostPort() + String.format("/bench/base-%02d:1", i));
            List<Descriptor> blobs = new ArrayList<>(image.layers());
            blobs.add(image.config());
            for (Descriptor d : blobs) {
                if (!client.mountBlob(ref, d.digest(), first.repository())) {
                    throw new IllegalStateException("registry declined to mount " + d.digest() + " into " + ref);
                }
            }
            client.pushManifest(ref, "1", m);
            bases.add(ref.toString());
        }
        return bases;
    }

    /** The baseline: what the cycle costs when each base's manifest is fetched rather than HEADed. */
    private static void getCycle(Store store, RegistryClient client, List<String> bases) throws Exception {
        Instant now = Instant.now();
        List<java.util.concurrent.Future<String>> digests = new ArrayList<>();
        Semaphore slots = new Semaphore(BasePoller.PER_REGISTRY_CONCURRENCY);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String b : bases) {
                digests.add(threads.submit(() -> {
                    slots.acquire();
                    try {
                        return client.manifest(ImageReference.parse(b)).digest().toString();
                    } finally {
                        slots.release();
                    }
                }));
            }
        }
        for (int i = 0; i < bases.size(); i++) {
            if (store.recordBaseDigest(bases.get(i), digests.get(i).get(), now)) {
                throw new IllegalStateException("the baseline saw " + bases.get(i) + " change");
            }
        }
    }

    private static List<TestRegistry.Request> awaitRequests(TestRegistry registry, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (registry.requests().size() < expected && System.nanoTime() < deadline) Thread.sleep(20);
        Thread.sleep(200);
        return registry.requests();
    }

    private static List<Double> rounded(List<Double> ms) {
        return ms.stream().map(x -> Math.round(x * 10) / 10.0).toList();
    }
}
