package io.drydock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.fleet.Fleet;
import io.drydock.fleet.Notification;
import io.drydock.store.Job;
import io.drydock.store.JobSpec;
import io.drydock.store.Store;
import io.drydock.store.Stores;
import io.drydock.testing.DrydockProcess;
import io.drydock.testing.TestPostgres;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code drydock serve} processes on one real PostgreSQL share a queue of 1,000 notification steps. The
 * leader is killed with {@code kill -9} halfway: the others finish its steps once their lease runs out, one of them
 * takes the lead, every step is done once in the store, and every notification arrives.
 */
class ScaleOutTest {
    static final Pattern SERVING = Pattern.compile("serving on http://127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dir;

    /** A {@code drydock serve} in a process of its own. */
    record Replica(String id, Process process, Path log) {
        int port() throws Exception {
            long until = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (System.nanoTime() < until) {
                Matcher m = SERVING.matcher(Files.readString(log));
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
                if (!process.isAlive()) {
                    throw new AssertionError("replica " + id + " exited: " + Files.readString(log));
                }
                Thread.sleep(100);
            }
            throw new AssertionError("replica " + id + " did not start: " + Files.readString(log));
        }

        boolean leading() throws Exception {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return r.body().contains("\ndrydock_leader 1");
        }
    }

    static Replica startReplica(Path dir, String id, String storeUrl, String hook) throws Exception {
        Path home = Files.createDirectories(dir.resolve(id));
        Path config = home.resolve("serve.yaml");
        Files.writeString(config, """
                version: 1
                listen: {host: 127.0.0.1, port: 0}
                home: %s
                store: %s
                leader: store
                workers: 2
                lease: 3s
                notifications: {webhook: {url: %s}}
                """.formatted(home, storeUrl, hook));
        Path log = home.resolve("serve.log");
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-cp", DrydockProcess.classpath(), "io.drydock.cli.Main", "serve", "--config",
                config.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("DRYDOCK_REPLICA_ID", id);
        return new Replica(id, pb.start(), log);
    }

    /** Notification steps, each with its own delivery id. */
    static void enqueue(Store store, int n) {
        enqueue(store, n, "");
    }

    static void enqueue(Store store, int n, String prefix) {
        for (int i = 0; i < n; i++) {
            Notification note = new Notification(prefix + "delivery-" + i, "CVE-2026-" + (10000 + i), "HIGH", "test", "registry.example/app:1",
                    "sha256:" + "a".repeat(64), "openssl", "3.0.11-1", "base", List.of("3.0.15-1"), "rebuild on a newer base",
                    List.of(new Notification.Workload("Deployment", "shop", "web")), Instant.now().toString());
            try {
                store.enqueue(new JobSpec(Fleet.NOTIFY, prefix + note.vulnId() + "|" + note.digest(),
                        new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(note), Instant.now()));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void threeReplicasRunEveryStepOnceAndFinishTheStepsOfOneKilledHalfway() throws Exception {
        String url = TestPostgres.newDatabase();
        try (ServeFixture.Receiver receiver = new ServeFixture.Receiver(); Store store = Stores.open(url, dir)) {
            // each delivery takes a little while, as a real webhook does, so that the kill lands mid-queue
            receiver.delay = Duration.ofMillis(15);
            enqueue(store, 1000);
            List<Replica> replicas = new ArrayList<>();
            try {
                for (String id : List.of("r1", "r2", "r3")) {
                    replicas.add(startReplica(dir, id, url, receiver.url("/hook")));
                }
                for (Replica r : replicas) {
                    r.port();
                }
                ServeFixture.await("half the deliveries", Duration.ofMinutes(3), () -> receiver.at("/hook").size() >= 500);
                Replica leader = null;
                for (Replica r : replicas) {
                    if (r.leading()) {
                        assertThat(leader).as("one leader at a time").isNull();
                        leader = r;
                    }
                }
                assertThat(leader).as("a leader").isNotNull();
                leader.process().destroyForcibly(); // SIGKILL: no shutdown hook, no lease released
                leader.process().waitFor();
                List<Replica> survivors = replicas.stream().filter(r -> r.process().isAlive()).toList();
                assertThat(survivors).hasSize(2);

                ServeFixture.await("every step done", Duration.ofMinutes(3),
                        () -> store.jobs(Job.State.DONE).size() == 1000);
                ServeFixture.await("a new leader", Duration.ofSeconds(30), () -> {
                    try {
                        return survivors.get(0).leading() ^ survivors.get(1).leading();
                    } catch (Exception e) {
                        return false;
                    }
                });
                assertThat(store.jobs(Job.State.FAILED)).isEmpty();
                assertThat(store.jobs(Job.State.PENDING)).isEmpty();
                Map<String, Integer> deliveries = new HashMap<>();
                for (ServeFixture.Receiver.Received r : receiver.at("/hook")) {
                    deliveries.merge(r.headers().get("X-drydock-delivery").get(0), 1, Integer::sum);
                }
                assertThat(deliveries).hasSize(1000);
                // at-least-once: only a step the killed replica had under way can have been delivered twice
                long repeated = deliveries.values().stream().filter(c -> c > 1).count();
                assertThat(repeated).isLessThanOrEqualTo(2);
                long retaken = store.jobs(Job.State.DONE).stream().filter(j -> j.attempts() > 1).count();
                assertThat(retaken).isLessThanOrEqualTo(2);
                assertThat(Files.readString(survivors.get(0).log()) + Files.readString(survivors.get(1).log())).contains("leading");
            } finally {
                for (Replica r : replicas) {
                    r.process().destroyForcibly();
                    r.process().waitFor();
                }
            }
        }
    }
}
