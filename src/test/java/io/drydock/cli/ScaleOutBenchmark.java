package io.drydock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.fleet.AdvisoryDb;
import io.drydock.fleet.Fleet;
import io.drydock.fleet.FleetMatcher;
import io.drydock.fleet.Notifier;
import io.drydock.scan.Rating;
import io.drydock.store.Job;
import io.drydock.store.Store;
import io.drydock.store.Stores;
import io.drydock.testing.TestPostgres;
import io.drydock.vulndb.VulnDb;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server issue's scale-out figure: throughput of 1, 2 and 3 {@code drydock serve} processes (two workers each)
 * on one PostgreSQL queue, with the ratio to one. Two kinds of work: re-matching 6,000 stored inventories in chunks
 * of 100 (after a first round that warms the new processes) (CPU and database bound: this machine has two cores, so a third process can only share them), and 600
 * notifications to a webhook that takes 20 ms to answer (waiting bound, as deliveries to a real endpoint are).
 */
@Tag("bench")
class ScaleOutBenchmark {
    static final int IMAGES = 6_000;
    static final int NOTIFICATIONS = 600;

    @TempDir
    Path dir;

    @Test
    void throughputOfOneTwoAndThreeReplicasOnOneQueue() throws Exception {
        String url = TestPostgres.newDatabase();
        Class<?> data = Class.forName("io.drydock.bench.FleetData");
        Method buildDb = data.getDeclaredMethod("buildDb", Path.class, Path.class);
        Method fill = data.getDeclaredMethod("fill", Store.class, int.class, FleetMatcher.class, long.class);
        buildDb.setAccessible(true);
        fill.setAccessible(true);
        Path dbFile = (Path) buildDb.invoke(null, dir.resolve("db/vulndb.sqlite"), null);
        List<String> lines = new ArrayList<>();
        try (Store store = Stores.open(url, dir); VulnDb db = VulnDb.open(dbFile); AdvisoryDb advisories = new AdvisoryDb(dbFile, t -> { }).open();
             ServeFixture.Receiver receiver = new ServeFixture.Receiver()) {
            fill.invoke(null, store, IMAGES, new FleetMatcher(db), 5L);
            // the replicas' leader must not queue a re-match of its own while this one measures
            store.putSetting("advisories.version", "9999-01-01T00:00:00Z", Instant.now());
            receiver.delay = Duration.ofMillis(20);
            Fleet queue = new Fleet(store, advisories, (ref, seenIn) -> {
                throw new IllegalStateException("no analysis here");
            }, new Notifier(Notifier.Sinks.NONE, null, Clock.systemUTC()), new Fleet.Settings(Rating.HIGH, 100, Duration.ofMinutes(2)),
                    Clock.systemUTC(), line -> { });
            int done = 0;
            double[] rematch = new double[4];
            double[] notify = new double[4];
            for (int replicas = 1; replicas <= 3; replicas++) {
                List<ScaleOutTest.Replica> running = new ArrayList<>();
                try {
                    for (int i = 1; i <= replicas; i++) {
                        running.add(ScaleOutTest.startReplica(dir, "r" + i, url, receiver.url("/hook")));
                    }
                    for (ScaleOutTest.Replica r : running) {
                        r.port();
                    }
                    // a first round warms the new processes' JIT, as hours of service would
                    awaitDone(store, Fleet.REMATCH, done += queue.enqueueRematch(Instant.EPOCH.plusSeconds(2L * replicas)));
                    long start = System.nanoTime();
                    awaitDone(store, Fleet.REMATCH, done += queue.enqueueRematch(Instant.EPOCH.plusSeconds(2L * replicas + 1)));
                    rematch[replicas] = IMAGES / ((System.nanoTime() - start) / 1e9);
                    int warm = receiver.at("/hook").size();
                    ScaleOutTest.enqueue(store, 200, "warm" + replicas);
                    ServeFixture.await("the warm-up notifications", Duration.ofMinutes(5), () -> receiver.at("/hook").size() - warm >= 200);
                    int before = receiver.at("/hook").size();
                    start = System.nanoTime();
                    ScaleOutTest.enqueue(store, NOTIFICATIONS, "round" + replicas);
                    ServeFixture.await("the notifications", Duration.ofMinutes(5), () -> receiver.at("/hook").size() - before >= NOTIFICATIONS);
                    notify[replicas] = NOTIFICATIONS / ((System.nanoTime() - start) / 1e9);
                } finally {
                    for (ScaleOutTest.Replica r : running) {
                        r.process().destroy();
                        r.process().waitFor();
                    }
                }
                String line = String.format("BENCH scale-out %d replica(s): re-matching %.0f images/s (ratio to 1: %.2f); notifications %.1f/s"
                        + " (ratio to 1: %.2f)", replicas, rematch[replicas], rematch[replicas] / rematch[1], notify[replicas],
                        notify[replicas] / notify[1]);
                System.out.println(line);
                lines.add(line);
            }
            assertThat(store.jobs(Job.State.FAILED)).isEmpty();
            assertThat(notify[2] / notify[1]).as(String.join("; ", lines)).isGreaterThan(1.5);
        }
        Files.write(dir.resolve("summary.txt"), lines);
    }

    private static void awaitDone(Store store, String kind, int total) throws InterruptedException {
        ServeFixture.await(kind + " steps", Duration.ofMinutes(5),
                () -> store.jobs(Job.State.DONE).stream().filter(j -> j.kind().equals(kind)).count() >= total);
    }
}
