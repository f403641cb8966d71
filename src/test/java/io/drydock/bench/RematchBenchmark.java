package io.drydock.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.fleet.AdvisoryDb;
import io.drydock.fleet.Fleet;
import io.drydock.fleet.FleetMatcher;
import io.drydock.fleet.Notifier;
import io.drydock.scan.Rating;
import io.drydock.store.Job;
import io.drydock.store.Store;
import io.drydock.store.StoredImage;
import io.drydock.store.Stores;
import io.drydock.testing.TestPostgres;
import io.drydock.vulndb.VulnDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server issue's re-matching target: at least 2,000 stored inventories (200 OS and 100 language packages each)
 * re-matched per second after an advisory update, on SQLite and on PostgreSQL. The re-match runs as the server runs
 * it: queued in chunks, taken by two workers (the machine has two cores), each chunk read from the store, decoded,
 * matched, compared with the stored keys, and the changed images written with their notifications in one
 * transaction. The baseline, in the same run: the same images decoded and matched from memory by two threads, with
 * no store at all, the most the store could ever allow.
 */
@Tag("bench")
class RematchBenchmark {
    static final int IMAGES = 6_000;

    @TempDir
    Path dir;

    @Test
    void reMatchingAfterAnAdvisoryUpdateKeepsUpWithTheTargetOnBothStores() throws Exception {
        Path before = FleetData.buildDb(dir.resolve("db-before/vulndb.sqlite"), null);
        Path after = FleetData.buildDb(dir.resolve("db-after/vulndb.sqlite"), FleetData.newAdvisory(dir.resolve("new-advisory")));
        List<String> lines = new ArrayList<>();
        for (String kind : List.of("sqlite", "postgresql")) {
            String url = kind.equals("sqlite") ? "jdbc:sqlite:" + dir.resolve("fleet.db") : TestPostgres.newDatabase();
            try (Store store = Stores.open(url, dir); VulnDb old = VulnDb.open(before);
                 AdvisoryDb db = new AdvisoryDb(after, target -> { }).open()) {
                List<StoredImage> images = FleetData.fill(store, IMAGES, new FleetMatcher(old), 42);
                inMemory(db.matcher(), store); // warm-up: the JIT compiles the decoding and matching paths
                double baseline = inMemory(db.matcher(), store);
                // warm-up: the same re-match path with the DB the images were matched with (nothing changes)
                try (AdvisoryDb same = new AdvisoryDb(before, target -> { }).open()) {
                    Fleet warm = new Fleet(store, same, (ref, seenIn) -> {
                        throw new IllegalStateException("no analysis in this benchmark");
                    }, new Notifier(Notifier.Sinks.NONE, null, Clock.systemUTC()), Fleet.Settings.DEFAULTS, Clock.systemUTC(), line -> { });
                    warm.enqueueRematch(java.time.Instant.EPOCH);
                    runAll(warm);
                }
                Fleet fleet = new Fleet(store, db, (ref, seenIn) -> {
                    throw new IllegalStateException("no analysis in this benchmark");
                }, new Notifier(Notifier.Sinks.NONE, null, Clock.systemUTC()), new io.drydock.fleet.Fleet.Settings(Rating.HIGH, 500,
                        Duration.ofMinutes(2)), Clock.systemUTC(), line -> { });
                long start = System.nanoTime();
                int steps = fleet.enqueueRematch(db.builtAt());
                runAll(fleet);
                double seconds = (System.nanoTime() - start) / 1e9;
                double rate = images.size() / seconds;
                long notified = store.jobs(Job.State.DONE).stream().filter(j -> j.kind().equals(Fleet.NOTIFY)).count();
                long changed = store.history("advisory-db").size() + images.stream().filter(i -> !store.history(i.digest()).isEmpty()).count();
                String line = String.format("BENCH rematch %s: %d images in %d steps, %.2f s = %.0f images/s (target >= 2000: %.2fx);"
                        + " in-memory baseline %.0f images/s, ratio %.2f; %d images changed, %d notifications", kind, images.size(), steps,
                        seconds, rate, rate / 2000, baseline, rate / baseline, changed, notified);
                System.out.println(line);
                lines.add(line);
                assertThat(changed).as("the new advisory changes some images").isPositive();
                assertThat(notified).as("and notifies them").isPositive();
                assertThat(rate).as(line).isGreaterThanOrEqualTo(2000);
            }
        }
        Files.write(dir.resolve("summary.txt"), lines);
    }

    /** Every queued step run by two workers, as a server's two worker threads do. */
    static void runAll(Fleet fleet) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            String owner = "bench-" + w;
            workers.add(pool.submit(() -> {
                while (fleet.runOne(owner)) {
                    // next step
                }
                return null;
            }));
        }
        for (Future<?> f : workers) {
            f.get();
        }
        pool.shutdown();
    }

    /** Images per second decoding and matching the stored inventories from memory on two threads. */
    static double inMemory(FleetMatcher matcher, Store store) throws Exception {
        List<StoredImage> all = new ArrayList<>();
        for (List<StoredImage> page = store.imagesFrom(null, false, 1000); !page.isEmpty();
             page = store.imagesFrom(page.get(page.size() - 1).digest(), false, 1000)) {
            all.addAll(page);
        }
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        long start = System.nanoTime();
        List<Future<?>> fs = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            fs.add(pool.submit(() -> {
                for (int i; (i = next.getAndIncrement()) < all.size(); ) {
                    matcher.match(all.get(i), java.time.Instant.now());
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        pool.shutdown();
        return all.size() / ((System.nanoTime() - start) / 1e9);
    }
}
