package io.drydock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.image.ImageManifest;
import io.drydock.image.ImageReference;
import io.drydock.image.local.LayerBuilder;
import io.drydock.image.registry.CredentialStore;
import io.drydock.image.registry.RegistryClient;
import io.drydock.rebuild.LayerAppend;
import io.drydock.sign.CosignStore;
import io.drydock.sign.SigningKeys;
import io.drydock.store.AuditEntry;
import io.drydock.store.Job;
import io.drydock.store.Store;
import io.drydock.store.Stores;
import io.drydock.testing.DrydockProcess;
import io.drydock.testing.TestImages;
import io.drydock.testing.TestRegistry;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop against a cluster (fabric8's mock API server, the test playing the Deployment controller) as
 * {@code drydock watch} processes: a rollout that completes, one that never becomes ready and is rolled back, and the
 * crash drills: the process dies right after a rebuild's push, a signature and a rollout (before the step is
 * recorded), and by {@code kill -9} at an arbitrary moment; after a restart the work completes once and the audit
 * trail has no gap.
 */
class WatchRolloutAndCrashTest {
    static final String CREATED = "2026-11-26T00:00:00Z";
    static TestRegistry registry;
    static RegistryClient client;
    static SimulatedCluster cluster;
    /** Whether pods of images other than the first deployed one start. */
    static final AtomicBoolean newPodsStart = new AtomicBoolean(true);
    static final Map<String, String> firstImage = new java.util.concurrent.ConcurrentHashMap<>();

    @TempDir
    static Path shared;

    @BeforeAll
    static void start() throws Exception {
        registry = TestRegistry.open();
        client = new RegistryClient(CredentialStore.none(), RegistryClient.Options.defaults());
        cluster = new SimulatedCluster(d -> {
            String image = d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
            String first = firstImage.putIfAbsent(d.getMetadata().getName(), image);
            return first == null || first.equals(image) || newPodsStart.get();
        });
        Files.writeString(shared.resolve("cosign.key"), SigningKeys.encryptPrivate(SigningKeys.generate().getPrivate(), "pw".toCharArray()));
        Files.writeString(shared.resolve("policy.yaml"), "apiVersion: drydock.io/v1\nkind: Policy\nname: t\nrules:\n  maxSeverity: CRITICAL\n");
        Files.writeString(shared.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster:
                    server: %s
                contexts:
                - name: mock
                  context: {cluster: mock, user: mock, namespace: shop}
                current-context: mock
                users:
                - name: mock
                  user: {token: test}
                """.formatted(cluster.client().getMasterUrl().toString().replaceAll("/$", "")));
    }

    @AfterAll
    static void stop() {
        cluster.close();
        registry.close();
    }

    static ImageReference ref(String repoAndTag) {
        return ImageReference.parse(registry.hostPort() + "/" + repoAndTag);
    }

    /** A base, an app on it (by LayerAppend, so it names its base) and a Deployment running the app by digest. */
    static void scenario(String name) {
        registry.push(TestImages.ociRef("base"), name + "/base:1");
        LayerAppend.push(client, ref(name + "/base:1"), new LayerBuilder().file("app/" + name, name), "COPY app /app/", Map.of(),
                CREATED, ref(name + "/app:1"));
        String running = ref(name + "/app:1").withDigest(client.manifest(ref(name + "/app:1")).digest()).toString();
        cluster.client().apps().deployments().inNamespace("shop").resource(new DeploymentBuilder()
                .withNewMetadata().withName(name).withNamespace("shop").endMetadata()
                .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
                .withNewSpec().addNewContainer().withName("main").withImage(running).endContainer().endSpec()
                .endTemplate().endSpec().build()).create();
    }

    static void updateBase(String name, String content) {
        LayerAppend.push(client, ref(name + "/base:1"), new LayerBuilder().file("etc/update", content), "RUN apt-get upgrade",
                Map.of(), CREATED, ref(name + "/base:1"));
    }

    static Path config(Path home, String name, String rolloutTimeout) throws Exception {
        Path file = home.resolve("watch.yaml");
        Files.writeString(file, """
                apiVersion: drydock.io/v1
                kind: WatchConfig
                rebuild: {retryDelay: 1s}
                validation: {policy: %s, key: %s}
                rollout: {kubeconfig: %s, namespaces: [shop], timeout: %s}
                images:
                  - image: %s
                    base: %s
                    when: any-change
                """.formatted(shared.resolve("policy.yaml"), shared.resolve("cosign.key"), shared.resolve("kubeconfig"), rolloutTimeout,
                ref(name + "/app:1"), ref(name + "/base:1")));
        return file;
    }

    static Map<String, String> env(Path home) {
        return Map.of("DRYDOCK_HOME", home.toString(), "DRYDOCK_KEY_PASSWORD", "pw");
    }

    static DrydockProcess.Run once(Path home, Path config, Map<String, String> extra) throws Exception {
        Map<String, String> env = new HashMap<>(env(home));
        env.putAll(extra);
        return DrydockProcess.run(home, env, "watch", "--config", config.toString(), "--once", "--worker-id", "w1");
    }

    static List<AuditEntry> history(Path home, String subject) {
        try (Store s = Stores.open(null, home)) {
            return s.history(subject);
        }
    }

    static List<String> actions(Path home, String subject) {
        return history(home, subject).stream().map(AuditEntry::action).toList();
    }

    static String image(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }

    static Deployment deployment(String name) {
        return cluster.client().apps().deployments().inNamespace("shop").withName(name).get();
    }

    @Test
    void aRolloutThatNeverBecomesReadyIsRolledBackToThePreviousDigest(@TempDir Path home) throws Exception {
        scenario("sick");
        String before = image(deployment("sick"));
        Path cfg = config(home, "sick", "3s");
        assertThat(once(home, cfg, Map.of()).exit()).isZero();
        newPodsStart.set(false);
        try {
            updateBase("sick", "1");
            DrydockProcess.Run r = once(home, cfg, Map.of());
            assertThat(r.exit()).as(r.err() + r.out()).isZero();
        } finally {
            newPodsStart.set(true);
        }
        String app = ref("sick/app:1").toString();
        assertThat(actions(home, app)).containsExactly("rebuild-decided", "rebuilt", "validated", "rolled-back");
        assertThat(history(home, app).get(3).message()).contains("not ready after");
        assertThat(actions(home, "Deployment/shop/sick")).containsExactly("rolled-back");
        assertThat(image(deployment("sick"))).as("the previous digest runs again").isEqualTo(before);
    }

    @Test
    void killedRightAfterAPushASignatureOrARolloutTheRestartCompletesTheWorkOnce(@TempDir Path home) throws Exception {
        scenario("drill");
        Path cfg = config(home, "drill", "30s");
        String app = ref("drill/app:1").toString();
        assertThat(once(home, cfg, Map.of()).exit()).isZero();

        List<String> expected = new ArrayList<>();
        int round = 0;
        for (String crashAfter : List.of("rebuild", "validate", "rollout")) {
            round++;
            updateBase("drill", "round " + round);
            DrydockProcess.Run crashed = once(home, cfg, Map.of("DRYDOCK_TEST_CRASH_AFTER", crashAfter));
            assertThat(crashed.exit()).as("died after the " + crashAfter + " step: " + crashed.err()).isEqualTo(137);
            DrydockProcess.Run resumed = once(home, cfg, Map.of());
            assertThat(resumed.exit()).as(resumed.err() + resumed.out()).isZero();
            expected.addAll(List.of("rebuild-decided", "rebuilt", "validated", "rolled-out"));
            assertThat(actions(home, app)).as("after a crash after " + crashAfter).containsExactlyElementsOf(expected);

            ImageManifest now = (ImageManifest) client.manifest(ref("drill/app:1"));
            assertThat(image(deployment("drill"))).endsWith(now.digest().toString());
            List<CosignStore.Entry> signatures = new CosignStore(client, home.resolve("locks"))
                    .read(ref("drill/app:1"), now.digest(), CosignStore.Kind.SIGNATURE);
            assertThat(signatures).as("signed once, not again after the restart").hasSize(1);
        }
        try (Store s = Stores.open(null, home)) {
            assertThat(s.jobs(null)).allMatch(j -> j.state() == Job.State.DONE);
            assertThat(s.jobs(null).stream().filter(j -> j.attempts() == 2).map(Job::kind).toList())
                    .as("each interrupted step ran a second time, and only those").containsExactly("rebuild", "validate", "rollout");
        }
    }

    @Test
    void killNineAtAnArbitraryMomentOfTheDaemonLosesNothingAndDuplicatesNothing(@TempDir Path home) throws Exception {
        scenario("kill");
        Path cfg = config(home, "kill", "30s");
        String app = ref("kill/app:1").toString();
        assertThat(once(home, cfg, Map.of()).exit()).isZero();
        updateBase("kill", "1");

        // the daemon, killed with SIGKILL while it works through the steps
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                DrydockProcess.classpath(), "io.drydock.cli.Main", "watch", "--config", cfg.toString(), "--worker-id", "w1"));
        ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(home.resolve("daemon.log").toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(env(home));
        Process daemon = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && !Files.readString(home.resolve("daemon.log")).contains("rebuilding")) {
            Thread.sleep(20);
        }
        Thread.sleep(150);
        daemon.destroyForcibly();
        assertThat(daemon.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(home.resolve("daemon.log"))).as("killed mid-way").doesNotContain("rolled-out");

        DrydockProcess.Run resumed = once(home, cfg, Map.of());
        assertThat(resumed.exit()).as(resumed.err() + resumed.out()).isZero();
        assertThat(actions(home, app)).containsExactly("rebuild-decided", "rebuilt", "validated", "rolled-out");
        ImageManifest now = (ImageManifest) client.manifest(ref("kill/app:1"));
        assertThat(image(deployment("kill"))).endsWith(now.digest().toString());
        try (Store s = Stores.open(null, home)) {
            assertThat(s.jobs(null)).allMatch(j -> j.state() == Job.State.DONE);
        }
    }

    @Test
    void theGraphRunsFromBasesThroughImagesToTheWorkloadsRunningThemByDigest(@TempDir Path home) throws Exception {
        scenario("graph");
        Map<String, String> env = Map.of("DRYDOCK_HOME", home.toString());
        DrydockProcess.Run recorded = DrydockProcess.run(home, env, "lineage", "image", ref("graph/app:1").toString());
        assertThat(recorded.exit()).as(recorded.err()).isZero();
        DrydockProcess.Run graph = DrydockProcess.run(home, env, "graph", "--format", "json", "--kubeconfig",
                shared.resolve("kubeconfig").toString(), "--namespace", "shop");
        assertThat(graph.exit()).as(graph.err()).isZero();
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(graph.out());
        assertThat(json.at("/nodes").findValuesAsText("id")).contains(ref("graph/base:1").toString(), ref("graph/app:1").toString(),
                "Deployment/shop/graph/main");
        List<String> runs = new ArrayList<>();
        json.at("/edges").forEach(e -> {
            if (e.path("kind").asText().equals("runs")) {
                runs.add(e.path("from").asText() + " -> " + e.path("to").asText() + " by " + e.path("source").asText());
            }
        });
        assertThat(runs).contains(ref("graph/app:1") + " -> Deployment/shop/graph/main by digest");
    }
}
