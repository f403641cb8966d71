package io.drydock.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.DrydockException;
import io.drydock.rollout.Rollout.RunningImage;
import io.drydock.rollout.Rollout.Settings;
import io.drydock.rollout.RolloutOutcome.State;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The API server is fabric8's mock in CRUD mode, which stores objects and bumps metadata.generation on spec changes
 * but runs no controllers: the tests play the Deployment, StatefulSet and DaemonSet controllers by writing status
 * (through the status subresource) the way those controllers do, while the rollout runs in a background thread.
 */
@EnableKubernetesMockClient(crud = true)
class RolloutTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NS = "shop";
    private static final String REPO = "registry.example.com/shop/web";
    private static final String OLD = REPO + "@sha256:" + "1".repeat(64);
    private static final String NEW = REPO + ":1.1@sha256:" + "2".repeat(64);
    private static final String SIDECAR = "registry.example.com/mesh/proxy:2.3";
    private static final Settings PATIENT = new Settings(Duration.ofSeconds(20), Duration.ofMillis(20), 3);
    private static final Settings HASTY = new Settings(Duration.ofMillis(500), Duration.ofMillis(20), 3);
    private static final WorkloadRef WEB = new WorkloadRef("Deployment", NS, "web");
    private static final WorkloadRef DB = new WorkloadRef("StatefulSet", NS, "db");
    private static final WorkloadRef AGENT = new WorkloadRef("DaemonSet", NS, "agent");
    private static final WorkloadRef NIGHTLY = new WorkloadRef("CronJob", NS, "nightly");

    KubernetesClient client;
    KubernetesMockServer server;

    /** Stands still unless a test moves it, so a timeout passes exactly when the test says so. */
    private final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T09:00:00Z"));

    private final ExecutorService background = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopBackground() throws InterruptedException {
        background.shutdownNow();
        assertThat(background.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private Rollout rollout(Settings settings) {
        return new Rollout(client, Clock.systemUTC(), settings);
    }

    // --- Deployments ---

    @Test
    void aDeploymentIsPatchedWatchedAndRolledOut() throws Exception {
        Deployment before = createDeployment("web", 2, "app", OLD);

        Future<RolloutOutcome> running = inBackground(() -> rollout(PATIENT).rollOut(WEB, REPO, NEW, "CVE-2026-0001 fixed in the base"));
        Deployment patched = awaitDeployment(running, "web", d -> NEW.equals(image(d, "app")));
        assertThat(patched.getMetadata().getGeneration()).as("the spec changed").isEqualTo(2L);
        assertThat(running.isDone()).as("still waiting for the controller").isFalse();
        deploymentRolledOut("web");

        RolloutOutcome outcome = running.get(30, TimeUnit.SECONDS);
        assertThat(outcome.state()).isEqualTo(State.ROLLED_OUT);
        assertThat(outcome.workload()).isEqualTo(WEB);
        assertThat(outcome.newImage()).isEqualTo(NEW);
        assertThat(outcome.previousImages()).containsExactly(Map.entry("app", OLD));
        assertThat(outcome.reason()).isEqualTo("deployment \"web\" successfully rolled out");

        Deployment after = deployment("web");
        assertThat(image(after, "app")).isEqualTo(NEW);
        assertThat(image(after, "proxy")).isEqualTo(SIDECAR);
        Map<String, String> annotations = after.getMetadata().getAnnotations();
        assertThat(previousImages(after)).containsExactly(Map.entry("app", OLD));
        assertThat(annotations).containsEntry(Rollout.ROLLOUT_TARGET, NEW)
                .containsEntry(Rollout.CHANGE_CAUSE, "CVE-2026-0001 fixed in the base")
                .doesNotContainKey(Rollout.ROLLBACK_REASON);
        assertThat(after.getMetadata().getGeneration()).as("patched once").isEqualTo(2L);
        // nothing but the image changed in the spec
        DeploymentSpec expected = new DeploymentBuilder(before).editSpec().editTemplate().editSpec()
                .editMatchingContainer(c -> c.getName().equals("app")).withImage(NEW).endContainer()
                .endSpec().endTemplate().endSpec().build().getSpec();
        assertThat(after.getSpec()).isEqualTo(expected);
    }

    @Test
    void onlyContainersOfTheRepositoryChangeInitContainersIncluded() throws Exception {
        // the migration init container runs the same repository under a tag; the sidecar is another repository
        client.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder(deploymentObject("web", 1, "app", OLD))
                .editSpec().editTemplate().editSpec()
                .addNewInitContainer().withName("migrate").withImage(REPO + ":1.0").withArgs("migrate").endInitContainer()
                .endSpec().endTemplate().endSpec().build()).create();

        Future<RolloutOutcome> running = inBackground(() -> rollout(PATIENT).rollOut(WEB, REPO + ":ignored-tag", NEW, "rebuild"));
        awaitDeployment(running, "web", d -> NEW.equals(image(d, "app")));
        deploymentRolledOut("web");

        RolloutOutcome outcome = running.get(30, TimeUnit.SECONDS);
        assertThat(outcome.state()).isEqualTo(State.ROLLED_OUT);
        assertThat(outcome.previousImages()).containsExactly(Map.entry("migrate", REPO + ":1.0"), Map.entry("app", OLD));
        Deployment after = deployment("web");
        assertThat(image(after, "migrate")).isEqualTo(NEW);
        assertThat(image(after, "app")).isEqualTo(NEW);
        assertThat(image(after, "proxy")).isEqualTo(SIDECAR);
        assertThat(previousImages(after)).containsExactly(Map.entry("migrate", REPO + ":1.0"), Map.entry("app", OLD));
    }

    @Test
    void aRolloutThatNeverBecomesReadyIsRolledBackAfterTheTimeout() throws Exception {
        createDeployment("web", 2, "app", OLD);

        Future<RolloutOutcome> running = inBackground(() -> new Rollout(client, clock, HASTY).rollOut(WEB, REPO, NEW, "rebuild"));
        awaitDeployment(running, "web", d -> NEW.equals(image(d, "app")));
        // maxSurge 1: one new pod created and never ready, the two old ones still serving
        writeDeploymentStatus("web", 3, 1, 2, 2, progressing("True", "ReplicaSetUpdated"));
        awaitExecutorRequests(running, 6); // two polls: the status above has been read
        clock.advance(HASTY.timeout());
        awaitDeployment(running, "web", d -> OLD.equals(image(d, "app")));
        deploymentRolledOut("web");

        RolloutOutcome outcome = running.get(30, TimeUnit.SECONDS);
        assertThat(outcome.state()).isEqualTo(State.ROLLED_BACK);
        assertThat(outcome.reason()).isEqualTo("not ready after 500ms: Waiting for deployment \"web\" rollout to finish:"
                + " 1 out of 2 new replicas have been updated...");
        assertThat(outcome.took()).isEqualTo(Duration.ofMillis(500));
        assertThat(outcome.previousImages()).containsExactly(Map.entry("app", OLD));

        Deployment after = deployment("web");
        assertThat(image(after, "app")).isEqualTo(OLD);
        assertThat(image(after, "proxy")).isEqualTo(SIDECAR);
        assertThat(after.getMetadata().getAnnotations()).containsEntry(Rollout.ROLLBACK_REASON, outcome.reason())
                .containsEntry(Rollout.ROLLOUT_TARGET, NEW)
                .containsEntry(Rollout.CHANGE_CAUSE, "drydock rolled back from " + NEW + ": " + outcome.reason());
    }

    @Test
    void aProgressDeadlineExceededIsRolledBackWithThatReason() throws Exception {
        createDeployment("web", 2, "app", OLD);

        Future<RolloutOutcome> running = inBackground(() -> rollout(PATIENT).rollOut(WEB, REPO, NEW, "rebuild"));
        awaitDeployment(running, "web", d -> NEW.equals(image(d, "app")));
        writeDeploymentStatus("web", 3, 1, 2, 2, progressing("False", "ProgressDeadlineExceeded"));
        // the stale condition must not fail the rollback: the controller has not observed the rollback yet
        awaitDeployment(running, "web", d -> OLD.equals(image(d, "app")));
        Thread.sleep(100);
        assertThat(running.isDone()).as("the rollback is watched until the controller reports it").isFalse();
        deploymentRolledOut("web");

        RolloutOutcome outcome = running.get(30, TimeUnit.SECONDS);
        assertThat(outcome.state()).isEqualTo(State.ROLLED_BACK);
        assertThat(outcome.reason()).isEqualTo("deployment \"web\" exceeded its progress deadline");
        assertThat(outcome.took()).isLessThan(PATIENT.timeout());
        assertThat(image(deployment("web"), "app")).isEqualTo(OLD);
    }

    @Test
    void crashLoopingNewPodsAreRolledBackNamingThePod() throws Exception {
        Deployment web = createDeployment("web", 2, "app", OLD);
        createReplicaSet(web, "6f9c8d7b5", 1, OLD);
        createPod("web-6f9c8d7b5-aaaaa", "6f9c8d7b5", OLD, 0);

        Future<RolloutOutcome> running = inBackground(() -> rollout(PATIENT).rollOut(WEB, REPO, NEW, "rebuild"));
        awaitDeployment(running, "web", d -> NEW.equals(image(d, "app")));
        // the controller creates the new ReplicaSet and its first pod, which keeps crashing
        createReplicaSet(web, "7c6b9d5f8d", 2, NEW);
        createPod("web-7c6b9d5f8d-x2x4q", "7c6b9d5f8d", NEW, 4);
        writeDeploymentStatus("web", 3, 1, 2, 2, progressing("True", "ReplicaSetUpdated"));
        awaitDeployment(running, "web", d -> OLD.equals(image(d, "app")));
        deploymentRolledOut("web");

        RolloutOutcome outcome = running.get(30, TimeUnit.SECONDS);
        assertThat(outcome.state()).isEqualTo(State.ROLLED_BACK);
        assertThat(outcome.reason()).isEqualTo("pod shop/web-7c6b9d5f8d-x2x4q container app is in CrashLoopBackOff"
                + " after 4 restarts; last exit: Error (code 1)");
        assertThat(deployment("web").getMetadata().getAnnotations()).containsEntry(Rollout.ROLLBACK_REASON, outcome.reason());
    }

    @Test
    void crashingPodsOfOtherTemplatesAreNotThisRollouts() throws Exception {
        Deployment web = createDeployment("web", 1, "app", OLD);
        // an old pod that restarts a lot, and a leftover of an earlier attempt with the same image but another template
        createReplicaSet(web, "6f9c8d7b5", 1, OLD);
        createPod("web-6f9c8d7b5-aaaaa", "6f9c8d7b5", OLD, 7);

        Future<RolloutOutcome> running = inBackground(() -> rollout(PATIENT).rollOut(WEB, REPO, NEW, "rebuild"));
        awaitDeployment(running, "web", d -> NEW.equals(image(d, "app")));
        createReplicaSet(web, "7c6b9d5f8d", 2, NEW);
        // created only now: before the new ReplicaSet exists, any pod running the new image counts as new
        createPod("web-5b4c3d2e1-bbbbb", "5b4c3d2e1", NEW, 9);
        createPod("web-7c6b9d5f8d-x2x4q", "7c6b9d5f8d", NEW, 0);
        writeDeploymentStatus("web", 2, 1, 1, 1, progressing("True", "ReplicaSetUpdated"));
        Thread.sleep(200);
        deploymentRolledOut("web");

        RolloutOutcome outcome = running.get(30, TimeUnit.SECONDS);
        assertThat(outcome.state()).isEqualTo(State.ROLLED_OUT);
        assertThat(image(deployment("web"), "app")).isEqualTo(NEW);
    }

    @Test
    void aRollbackThatDoesNotCompleteIsReportedWithBothReasons() throws Exception {
        createDeployment("web", 2, "app", OLD);

        Future<RolloutOutcome> running = inBackground(() -> new Rollout(client, clock, HASTY).rollOut(WEB, REPO, NEW, "rebuild"));
        awaitDeployment(running, "web", d -> NEW.equals(image(d, "app")));
        writeDeploymentStatus("web", 3, 1, 2, 2, progressing("True", "ReplicaSetUpdated"));
        awaitExecutorRequests(running, 6);
        clock.advance(HASTY.timeout());
        awaitDeployment(running, "web", d -> OLD.equals(image(d, "app")));
        // the controller never gets to the rollback
        awaitExecutorRequests(running, 2);
        clock.advance(HASTY.timeout());

        RolloutOutcome outcome = running.get(30, TimeUnit.SECONDS);
        assertThat(outcome.state()).isEqualTo(State.ROLLBACK_FAILED);
        assertThat(outcome.reason()).isEqualTo("not ready after 500ms: Waiting for deployment \"web\" rollout to finish:"
                + " 1 out of 2 new replicas have been updated...; the rollback to the previous images did not complete:"
                + " not ready after 500ms: Waiting for deployment spec update to be observed...");
        assertThat(image(deployment("web"), "app")).as("the rollback patch was applied").isEqualTo(OLD);
    }

    @Test
    void runningAgainWithTheSameImageDoesNotPatchAgain() throws Exception {
        createDeployment("web", 2, "app", OLD);
        Future<RolloutOutcome> first = inBackground(() -> rollout(PATIENT).rollOut(WEB, REPO, NEW, "rebuild"));
        awaitDeployment(first, "web", d -> NEW.equals(image(d, "app")));
        deploymentRolledOut("web");
        assertThat(first.get(30, TimeUnit.SECONDS).state()).isEqualTo(State.ROLLED_OUT);
        Deployment done = deployment("web");

        RolloutOutcome again = rollout(PATIENT).rollOut(WEB, REPO, NEW, "rebuild, retried");

        assertThat(again.state()).isEqualTo(State.ROLLED_OUT);
        assertThat(again.previousImages()).as("read back from the annotation").containsExactly(Map.entry("app", OLD));
        Deployment after = deployment("web");
        assertThat(after.getMetadata().getResourceVersion()).isEqualTo(done.getMetadata().getResourceVersion());
        assertThat(after.getMetadata().getAnnotations()).containsEntry(Rollout.CHANGE_CAUSE, "rebuild");
    }

    @Test
    void resumeAfterACrashFinishesTheRollout() throws Exception {
        createDeployment("web", 2, "app", OLD);
        Future<RolloutOutcome> crashed = inBackground(() -> rollout(PATIENT).rollOut(WEB, REPO, NEW, "rebuild"));
        awaitDeployment(crashed, "web", d -> NEW.equals(image(d, "app")));
        crash(crashed);
        Deployment patched = deployment("web");
        assertThat(patched.getMetadata().getAnnotations()).containsEntry(Rollout.ROLLOUT_TARGET, NEW);

        Rollout restarted = rollout(PATIENT);
        ExecutorService second = Executors.newSingleThreadExecutor();
        try {
            Future<Optional<RolloutOutcome>> resumed = second.submit(() -> restarted.resume(WEB));
            Thread.sleep(100);
            assertThat(resumed.isDone()).as("watching again").isFalse();
            deploymentRolledOut("web");

            RolloutOutcome outcome = resumed.get(30, TimeUnit.SECONDS).orElseThrow();
            assertThat(outcome.state()).isEqualTo(State.ROLLED_OUT);
            assertThat(outcome.previousImages()).containsExactly(Map.entry("app", OLD));
            assertThat(outcome.newImage()).isEqualTo(NEW);
            assertThat(deployment("web").getMetadata().getGeneration()).as("not patched again").isEqualTo(2L);
        } finally {
            second.shutdownNow();
        }

        // finished: reported as it is, nothing changed
        String resourceVersion = deployment("web").getMetadata().getResourceVersion();
        assertThat(restarted.resume(WEB)).get().extracting(RolloutOutcome::state).isEqualTo(State.ROLLED_OUT);
        assertThat(deployment("web").getMetadata().getResourceVersion()).isEqualTo(resourceVersion);
    }

    @Test
    void resumeDuringARollbackWatchesTheRollback() throws Exception {
        createDeployment("web", 2, "app", OLD);
        Future<RolloutOutcome> crashed = inBackground(() -> rollout(PATIENT).rollOut(WEB, REPO, NEW, "rebuild"));
        awaitDeployment(crashed, "web", d -> NEW.equals(image(d, "app")));
        writeDeploymentStatus("web", 3, 1, 2, 2, progressing("False", "ProgressDeadlineExceeded"));
        awaitDeployment(crashed, "web", d -> OLD.equals(image(d, "app")));
        crash(crashed);

        Rollout restarted = rollout(PATIENT);
        ExecutorService second = Executors.newSingleThreadExecutor();
        try {
            Future<Optional<RolloutOutcome>> resumed = second.submit(() -> restarted.resume(WEB));
            Thread.sleep(100);
            deploymentRolledOut("web");

            RolloutOutcome outcome = resumed.get(30, TimeUnit.SECONDS).orElseThrow();
            assertThat(outcome.state()).isEqualTo(State.ROLLED_BACK);
            assertThat(outcome.reason()).isEqualTo("deployment \"web\" exceeded its progress deadline");
            assertThat(outcome.previousImages()).containsExactly(Map.entry("app", OLD));
            assertThat(deployment("web").getMetadata().getGeneration()).as("not patched again").isEqualTo(3L);
        } finally {
            second.shutdownNow();
        }
    }

    @Test
    void resumeWithoutARecordedRolloutIsEmpty() {
        createDeployment("web", 1, "app", OLD);

        assertThat(rollout(PATIENT).resume(WEB)).isEmpty();
        assertThat(rollout(PATIENT).resume(new WorkloadRef("Deployment", NS, "gone"))).isEmpty();
    }

    @Test
    void aPausedDeploymentIsRefused() {
        client.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder(deploymentObject("web", 1, "app", OLD))
                .editSpec().withPaused(true).endSpec().build()).create();
        String resourceVersion = deployment("web").getMetadata().getResourceVersion();

        RolloutOutcome outcome = rollout(PATIENT).rollOut(WEB, REPO, NEW, "rebuild");

        assertThat(outcome.state()).isEqualTo(State.REFUSED);
        assertThat(outcome.reason()).isEqualTo("Deployment shop/web is paused: the Deployment controller would not roll it"
                + " out until it is resumed; nothing patched");
        assertThat(deployment("web").getMetadata().getResourceVersion()).isEqualTo(resourceVersion);
    }

    @Test
    void aWorkloadNotUsingTheRepositoryIsNotApplicable() {
        createDeployment("web", 1, "app", "registry.example.com/shop/other:3");
        String resourceVersion = deployment("web").getMetadata().getResourceVersion();

        RolloutOutcome outcome = rollout(PATIENT).rollOut(WEB, REPO, NEW, "rebuild");

        assertThat(outcome.state()).isEqualTo(State.NOT_APPLICABLE);
        assertThat(outcome.reason()).isEqualTo("no container of Deployment shop/web runs an image of " + REPO + "; nothing patched");
        assertThat(outcome.previousImages()).isEmpty();
        Deployment after = deployment("web");
        assertThat(after.getMetadata().getResourceVersion()).isEqualTo(resourceVersion);
        assertThat(after.getMetadata().getAnnotations()).doesNotContainKey(Rollout.ROLLOUT_TARGET);
    }

    @Test
    void aSimilarlyNamedRepositoryIsNotTheRepository() {
        // registry.example.com/shop/web-admin shares a prefix, and the registry port is not a tag
        createDeployment("web", 1, "app", "registry.example.com/shop/web-admin@sha256:" + "3".repeat(64));

        assertThat(rollout(PATIENT).rollOut(WEB, REPO, NEW, "rebuild").state()).isEqualTo(State.NOT_APPLICABLE);
    }

    @Test
    void badInputIsRefusedWithTheReason() {
        createDeployment("web", 1, "app", OLD);
        Rollout rollout = rollout(PATIENT);

        assertThatThrownBy(() -> rollout.rollOut(WEB, REPO, REPO + ":1.1", "rebuild"))
                .isInstanceOf(DrydockException.class).hasMessageContaining("must be pinned by digest");
        assertThatThrownBy(() -> rollout.rollOut(new WorkloadRef("Deployment", NS, "gone"), REPO, NEW, "rebuild"))
                .isInstanceOf(DrydockException.class).hasMessage("Deployment shop/gone not found");
        assertThat(image(deployment("web"), "app")).isEqualTo(OLD);
    }

    // --- StatefulSets, DaemonSets, CronJobs ---

    @Test
    void aStatefulSetIsRolledOut() throws Exception {
        createStatefulSet("db", "RollingUpdate", OLD);

        Future<RolloutOutcome> running = inBackground(() -> rollout(PATIENT).rollOut(DB, REPO, NEW, "rebuild"));
        StatefulSet patched = await(running, () -> client.apps().statefulSets().inNamespace(NS).withName("db").get(),
                s -> NEW.equals(image(s, "app")), "the statefulset to be patched");
        Thread.sleep(100);
        assertThat(running.isDone()).isFalse();
        // what the StatefulSet controller reports once every pod runs the update revision
        long generation = patched.getMetadata().getGeneration();
        client.apps().statefulSets().inNamespace(NS).withName("db").editStatus(s -> new StatefulSetBuilder(s)
                .withStatus(new StatefulSetStatusBuilder().withObservedGeneration(generation).withReplicas(3)
                        .withReadyReplicas(3).withAvailableReplicas(3).withCurrentReplicas(3).withUpdatedReplicas(3)
                        .withCurrentRevision("db-7d9f8c6b5").withUpdateRevision("db-7d9f8c6b5").build()).build());

        RolloutOutcome outcome = running.get(30, TimeUnit.SECONDS);
        assertThat(outcome.state()).isEqualTo(State.ROLLED_OUT);
        assertThat(outcome.reason()).isEqualTo("statefulset rolling update complete 3 pods at revision db-7d9f8c6b5...");
        StatefulSet after = client.apps().statefulSets().inNamespace(NS).withName("db").get();
        assertThat(image(after, "app")).isEqualTo(NEW);
        assertThat(image(after, "proxy")).isEqualTo(SIDECAR);
        assertThat(previousImages(after)).containsExactly(Map.entry("app", OLD));
    }

    @Test
    void aStatefulSetWithOnDeleteIsRefusedWithoutPatching() {
        createStatefulSet("db", "OnDelete", OLD);
        String resourceVersion = client.apps().statefulSets().inNamespace(NS).withName("db").get()
                .getMetadata().getResourceVersion();

        RolloutOutcome outcome = rollout(PATIENT).rollOut(DB, REPO, NEW, "rebuild");

        assertThat(outcome.state()).isEqualTo(State.REFUSED);
        assertThat(outcome.reason()).isEqualTo("StatefulSet shop/db uses the OnDelete update strategy: its pods change"
                + " only when someone deletes them, so there is no rollout to watch or roll back; nothing patched");
        StatefulSet after = client.apps().statefulSets().inNamespace(NS).withName("db").get();
        assertThat(after.getMetadata().getResourceVersion()).isEqualTo(resourceVersion);
        assertThat(image(after, "app")).isEqualTo(OLD);
    }

    @Test
    void aDaemonSetIsRolledOut() throws Exception {
        createDaemonSet("agent", null, OLD);

        Future<RolloutOutcome> running = inBackground(() -> rollout(PATIENT).rollOut(AGENT, REPO, NEW, "rebuild"));
        DaemonSet patched = await(running, () -> client.apps().daemonSets().inNamespace(NS).withName("agent").get(),
                d -> NEW.equals(image(d, "app")), "the daemonset to be patched");
        long generation = patched.getMetadata().getGeneration();
        // halfway: 2 of 4 nodes run the new pod
        client.apps().daemonSets().inNamespace(NS).withName("agent").editStatus(d -> new DaemonSetBuilder(d)
                .withStatus(new DaemonSetStatusBuilder().withObservedGeneration(generation)
                        .withDesiredNumberScheduled(4).withCurrentNumberScheduled(4).withUpdatedNumberScheduled(2)
                        .withNumberReady(3).withNumberAvailable(3).withNumberUnavailable(1).build()).build());
        Thread.sleep(100);
        assertThat(running.isDone()).isFalse();
        client.apps().daemonSets().inNamespace(NS).withName("agent").editStatus(d -> new DaemonSetBuilder(d)
                .withStatus(new DaemonSetStatusBuilder().withObservedGeneration(generation)
                        .withDesiredNumberScheduled(4).withCurrentNumberScheduled(4).withUpdatedNumberScheduled(4)
                        .withNumberReady(4).withNumberAvailable(4).build()).build());

        RolloutOutcome outcome = running.get(30, TimeUnit.SECONDS);
        assertThat(outcome.state()).isEqualTo(State.ROLLED_OUT);
        assertThat(outcome.reason()).isEqualTo("daemon set \"agent\" successfully rolled out");
        assertThat(image(client.apps().daemonSets().inNamespace(NS).withName("agent").get(), "app")).isEqualTo(NEW);
    }

    @Test
    void aDaemonSetWithOnDeleteIsRefused() {
        createDaemonSet("agent", "OnDelete", OLD);

        RolloutOutcome outcome = rollout(PATIENT).rollOut(AGENT, REPO, NEW, "rebuild");

        assertThat(outcome.state()).isEqualTo(State.REFUSED);
        assertThat(outcome.reason()).startsWith("DaemonSet shop/agent uses the OnDelete update strategy");
        assertThat(image(client.apps().daemonSets().inNamespace(NS).withName("agent").get(), "app")).isEqualTo(OLD);
    }

    @Test
    void aCronJobIsPatchedAndDoneAtOnce() throws Exception {
        createCronJob("nightly", OLD);

        RolloutOutcome outcome = rollout(PATIENT).rollOut(NIGHTLY, REPO, NEW, "rebuild");

        assertThat(outcome.state()).isEqualTo(State.ROLLED_OUT);
        assertThat(outcome.reason()).isEqualTo("cronjob \"nightly\" patched: its next Job runs " + NEW);
        assertThat(outcome.previousImages()).containsExactly(Map.entry("app", OLD));
        CronJob after = client.batch().v1().cronjobs().inNamespace(NS).withName("nightly").get();
        assertThat(image(after, "app")).isEqualTo(NEW);
        assertThat(image(after, "proxy")).isEqualTo(SIDECAR);
        assertThat(previousImages(after)).containsExactly(Map.entry("app", OLD));
        assertThat(after.getSpec().getSchedule()).isEqualTo("0 3 * * *");

        // and again: nothing to patch, still done
        String resourceVersion = after.getMetadata().getResourceVersion();
        assertThat(rollout(PATIENT).rollOut(NIGHTLY, REPO, NEW, "rebuild").state()).isEqualTo(State.ROLLED_OUT);
        assertThat(rollout(PATIENT).resume(NIGHTLY)).get().extracting(RolloutOutcome::state).isEqualTo(State.ROLLED_OUT);
        assertThat(client.batch().v1().cronjobs().inNamespace(NS).withName("nightly").get().getMetadata()
                .getResourceVersion()).isEqualTo(resourceVersion);
    }

    @Test
    void workloadsUsingListsTheContainersOfAllFourKinds() {
        createDeployment("web", 1, "app", OLD);
        createStatefulSet("db", "RollingUpdate", OLD);
        createDaemonSet("agent", null, "registry.example.com/ops/agent:5");
        createCronJob("nightly", NEW);
        client.apps().deployments().inNamespace("other").resource(new DeploymentBuilder(deploymentObject("api", 1, "app", OLD))
                .editMetadata().withNamespace("other").endMetadata().build()).create();

        List<RunningImage> inShop = rollout(PATIENT).workloadsUsing(NS);

        assertThat(inShop).containsExactly(
                new RunningImage(WEB, "app", OLD),
                new RunningImage(WEB, "proxy", SIDECAR),
                new RunningImage(DB, "app", OLD),
                new RunningImage(DB, "proxy", SIDECAR),
                new RunningImage(AGENT, "app", "registry.example.com/ops/agent:5"),
                new RunningImage(AGENT, "proxy", SIDECAR),
                new RunningImage(NIGHTLY, "app", NEW),
                new RunningImage(NIGHTLY, "proxy", SIDECAR));

        List<RunningImage> everywhere = rollout(PATIENT).workloadsUsing(null);
        assertThat(everywhere).hasSize(10)
                .contains(new RunningImage(new WorkloadRef("Deployment", "other", "api"), "app", OLD));
        assertThat(everywhere.get(0).workload().namespace()).as("sorted by kind, then namespace").isEqualTo("other");
    }

    @Test
    void theNewImageMaySpellTheRepositoryDifferently() {
        // the caller selects containers by the workload's spelling and hands over the image in its own
        client.batch().v1().cronjobs().inNamespace(NS).resource(new CronJobBuilder()
                .withNewMetadata().withName("nightly").withNamespace(NS).endMetadata()
                .withNewSpec().withSchedule("0 3 * * *").withNewJobTemplate().withNewSpec()
                .withTemplate(template("nightly", "app", "nginx:1.27")).endSpec().endJobTemplate().endSpec().build()).create();
        String canonical = "docker.io/library/nginx@sha256:" + "4".repeat(64);

        RolloutOutcome outcome = rollout(PATIENT).rollOut(NIGHTLY, "nginx", canonical, "rebuild");

        assertThat(outcome.state()).isEqualTo(State.ROLLED_OUT);
        assertThat(outcome.previousImages()).containsExactly(Map.entry("app", "nginx:1.27"));
        assertThat(image(client.batch().v1().cronjobs().inNamespace(NS).withName("nightly").get(), "app")).isEqualTo(canonical);
    }

    // --- small parts ---

    @Test
    void workloadRefsParseAndPrint() {
        WorkloadRef ref = WorkloadRef.parse("Deployment/shop/web");
        assertThat(ref).isEqualTo(WEB);
        assertThat(ref.toString()).isEqualTo("Deployment shop/web");
        assertThat(WorkloadRef.parse("statefulset/data/db").kind()).isEqualTo("StatefulSet");
        assertThatThrownBy(() -> WorkloadRef.parse("Deployment/web")).isInstanceOf(DrydockException.class)
                .hasMessageContaining("expected Kind/namespace/name");
        assertThatThrownBy(() -> WorkloadRef.parse("Job/shop/once")).isInstanceOf(DrydockException.class)
                .hasMessageContaining("unknown workload kind 'Job'");
    }

    @Test
    void theRepositoryOfAReferenceIgnoresTagAndDigestButKeepsThePort() {
        assertThat(Rollout.repositoryOf("registry.example.com:5000/shop/web:1.1@sha256:abc")).isEqualTo("registry.example.com:5000/shop/web");
        assertThat(Rollout.repositoryOf("registry.example.com:5000/shop/web")).isEqualTo("registry.example.com:5000/shop/web");
        assertThat(Rollout.repositoryOf("nginx:1.27")).isEqualTo("nginx");
        assertThat(Rollout.repositoryOf("nginx@sha256:abc")).isEqualTo("nginx");
        assertThat(Rollout.human(Duration.ofMillis(500))).isEqualTo("500ms");
        assertThat(Rollout.human(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(Rollout.human(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(Rollout.human(Duration.ofMillis(1500))).isEqualTo("1.5s");
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> new Settings(Duration.ZERO, Duration.ofSeconds(1), 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Settings(Duration.ofMinutes(5), Duration.ZERO, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Settings(Duration.ofMinutes(5), Duration.ofSeconds(1), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    // --- the controllers' side ---

    private static DeploymentCondition progressing(String status, String reason) {
        return new DeploymentConditionBuilder().withType("Progressing").withStatus(status).withReason(reason).build();
    }

    private static DeploymentCondition available(String status) {
        return new DeploymentConditionBuilder().withType("Available").withStatus(status)
                .withReason(status.equals("True") ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable").build();
    }

    /** Status as the Deployment controller writes it after observing the current generation; zero counts omitted. */
    private void writeDeploymentStatus(String name, int replicas, int updated, int ready, int available,
                                       DeploymentCondition progressing) {
        long generation = deployment(name).getMetadata().getGeneration();
        int desired = deployment(name).getSpec().getReplicas();
        client.apps().deployments().inNamespace(NS).withName(name).editStatus(d -> new DeploymentBuilder(d)
                .withStatus(new DeploymentStatusBuilder().withObservedGeneration(generation)
                        .withReplicas(nonZero(replicas)).withUpdatedReplicas(nonZero(updated))
                        .withReadyReplicas(nonZero(ready)).withAvailableReplicas(nonZero(available))
                        .withUnavailableReplicas(nonZero(replicas - available))
                        .withConditions(available(available >= desired - 1 ? "True" : "False"), progressing).build())
                .build());
    }

    private void deploymentRolledOut(String name) {
        int desired = deployment(name).getSpec().getReplicas();
        writeDeploymentStatus(name, desired, desired, desired, desired, progressing("True", "NewReplicaSetAvailable"));
    }

    private static Integer nonZero(int n) {
        return n == 0 ? null : n;
    }

    private void createReplicaSet(Deployment owner, String hash, int revision, String image) {
        client.apps().replicaSets().inNamespace(NS).resource(new ReplicaSetBuilder()
                .withNewMetadata().withName(owner.getMetadata().getName() + "-" + hash).withNamespace(NS)
                .addToLabels("app", owner.getMetadata().getName()).addToLabels("pod-template-hash", hash)
                .addToAnnotations("deployment.kubernetes.io/revision", String.valueOf(revision))
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("Deployment")
                        .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid()).withController(true).build())
                .endMetadata()
                .withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", owner.getMetadata().getName())
                .addToMatchLabels("pod-template-hash", hash).endSelector()
                .withTemplate(new PodTemplateSpecBuilder(template(owner.getMetadata().getName(), "app", image))
                        .editMetadata().addToLabels("pod-template-hash", hash).endMetadata().build())
                .endSpec().build()).create();
    }

    private void createPod(String name, String hash, String image, int restarts) {
        var status = new ContainerStatusBuilder().withName("app").withImage(image).withRestartCount(restarts);
        if (restarts > 0) {
            status.withNewState().withNewWaiting().withReason("CrashLoopBackOff")
                    .withMessage("back-off 40s restarting failed container=app").endWaiting().endState()
                    .withNewLastState().withNewTerminated().withReason("Error").withExitCode(1).endTerminated().endLastState();
        } else {
            status.withNewState().withNewRunning().endRunning().endState().withReady(true);
        }
        client.pods().inNamespace(NS).resource(new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(NS).addToLabels("app", "web")
                .addToLabels("pod-template-hash", hash).endMetadata()
                .withSpec(template("web", "app", image).getSpec())
                .withNewStatus().withPhase("Running").withContainerStatuses(status.build(),
                        new ContainerStatusBuilder().withName("proxy").withImage(SIDECAR).withReady(true)
                                .withNewState().withNewRunning().endRunning().endState().build())
                .endStatus().build()).create();
    }

    // --- fixtures ---

    private static PodTemplateSpec template(String app, String container, String image) {
        return new PodTemplateSpecBuilder().withNewMetadata().addToLabels("app", app).endMetadata()
                .withNewSpec()
                .addToContainers(new ContainerBuilder().withName(container).withImage(image)
                        .addNewEnv().withName("MODE").withValue("production").endEnv()
                        .addNewPort().withContainerPort(8080).endPort().build())
                .addToContainers(new ContainerBuilder().withName("proxy").withImage(SIDECAR).build())
                .endSpec().build();
    }

    private static Deployment deploymentObject(String name, int replicas, String container, String image) {
        return new DeploymentBuilder()
                .withNewMetadata().withName(name).withNamespace(NS).addToLabels("app", name)
                .addToAnnotations("team", "payments").endMetadata()
                .withNewSpec().withReplicas(replicas).withProgressDeadlineSeconds(600)
                .withNewSelector().addToMatchLabels("app", name).endSelector()
                .withTemplate(template(name, container, image))
                .endSpec().build();
    }

    private Deployment createDeployment(String name, int replicas, String container, String image) {
        client.apps().deployments().inNamespace(NS).resource(deploymentObject(name, replicas, container, image)).create();
        // as the controller would: the first generation rolled out
        deploymentRolledOut(name);
        return deployment(name);
    }

    private void createStatefulSet(String name, String strategy, String image) {
        client.apps().statefulSets().inNamespace(NS).resource(new StatefulSetBuilder()
                .withNewMetadata().withName(name).withNamespace(NS).endMetadata()
                .withNewSpec().withReplicas(3).withServiceName(name)
                .withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewUpdateStrategy().withType(strategy).endUpdateStrategy()
                .withTemplate(template(name, "app", image))
                .endSpec().build()).create();
    }

    private void createDaemonSet(String name, String strategy, String image) {
        client.apps().daemonSets().inNamespace(NS).resource(new DaemonSetBuilder()
                .withNewMetadata().withName(name).withNamespace(NS).endMetadata()
                .withNewSpec().withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewUpdateStrategy().withType(strategy).endUpdateStrategy()
                .withTemplate(template(name, "app", image))
                .endSpec().build()).create();
    }

    private void createCronJob(String name, String image) {
        client.batch().v1().cronjobs().inNamespace(NS).resource(new CronJobBuilder()
                .withNewMetadata().withName(name).withNamespace(NS).endMetadata()
                .withNewSpec().withSchedule("0 3 * * *")
                .withNewJobTemplate().withNewSpec().withTemplate(new PodTemplateSpecBuilder(template(name, "app", image))
                        .editSpec().withRestartPolicy("OnFailure").endSpec().build()).endSpec().endJobTemplate()
                .endSpec().build()).create();
    }

    private Deployment deployment(String name) {
        return client.apps().deployments().inNamespace(NS).withName(name).get();
    }

    private static String image(HasMetadata workload, String container) {
        PodSpec spec = switch (workload) {
            case Deployment d -> d.getSpec().getTemplate().getSpec();
            case StatefulSet s -> s.getSpec().getTemplate().getSpec();
            case DaemonSet d -> d.getSpec().getTemplate().getSpec();
            case CronJob c -> c.getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
            default -> throw new IllegalArgumentException(workload.getKind());
        };
        return java.util.stream.Stream.concat(spec.getInitContainers().stream(), spec.getContainers().stream())
                .filter(c -> c.getName().equals(container)).findFirst().orElseThrow().getImage();
    }

    private static Map<String, String> previousImages(HasMetadata workload) throws Exception {
        return JSON.readValue(workload.getMetadata().getAnnotations().get(Rollout.PREVIOUS_IMAGES),
                new TypeReference<java.util.LinkedHashMap<String, String>>() { });
    }

    // --- running the executor beside the controllers ---

    private <T> Future<T> inBackground(Callable<T> call) {
        return background.submit(call);
    }

    /** The process dies mid-watch: its thread is interrupted and gone, what it wrote to the API stays. */
    private void crash(Future<?> running) throws InterruptedException {
        running.cancel(true);
        background.shutdownNow();
        assertThat(background.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    /**
     * Waits until the executor has sent {@code requests} more requests to the API server (the test sends none
     * meanwhile): then it is watching, its deadline is set, and what the test wrote before has been read.
     */
    private void awaitExecutorRequests(Future<?> running, int requests) throws Exception {
        int target = server.getRequestCount() + requests;
        await(running, server::getRequestCount, n -> n >= target, requests + " requests of the executor");
    }

    private static final class ManualClock extends Clock {
        private volatile Instant now;

        ManualClock(Instant now) {
            this.now = now;
        }

        synchronized void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    private Deployment awaitDeployment(Future<?> running, String name, Predicate<Deployment> until) throws Exception {
        return await(running, () -> deployment(name), until, "deployment " + name);
    }

    private static <T> T await(Future<?> running, Supplier<T> read, Predicate<T> until, String what) throws Exception {
        Instant end = Instant.now().plusSeconds(15);
        while (true) {
            T current = read.get();
            if (current != null && until.test(current)) {
                return current;
            }
            if (running.isDone()) {
                throw new AssertionError("the rollout ended before " + what + " got there: " + running.get());
            }
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }
}
