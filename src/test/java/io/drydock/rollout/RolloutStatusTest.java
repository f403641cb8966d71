package io.drydock.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drydock.rollout.RolloutStatus.State;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetUpdateStrategy;
import io.fabric8.kubernetes.api.model.apps.StatefulSetUpdateStrategyBuilder;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RolloutStatusTest {

    @Nested
    class Deployments {
        // the controller leaves zero counts out of the status (omitempty), so fixtures set only the non-zero ones

        private static DeploymentCondition progressing(String status, String reason) {
            return new DeploymentConditionBuilder().withType("Progressing").withStatus(status).withReason(reason).build();
        }

        private static DeploymentCondition available(String status) {
            return new DeploymentConditionBuilder().withType("Available").withStatus(status)
                    .withReason(status.equals("True") ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable").build();
        }

        private static Deployment deployment(long generation, Integer replicas, DeploymentStatus status) {
            return new DeploymentBuilder()
                    .withNewMetadata().withName("web").withNamespace("shop").withGeneration(generation).endMetadata()
                    .withNewSpec().withReplicas(replicas).withProgressDeadlineSeconds(600).endSpec()
                    .withStatus(status)
                    .build();
        }

        @Test
        void aNewTemplateNotYetObservedIsWaitedFor() {
            // the counts still describe generation 1: all complete, but for the old digest
            Deployment d = deployment(2, 3, new DeploymentStatusBuilder().withObservedGeneration(1L)
                    .withReplicas(3).withUpdatedReplicas(3).withReadyReplicas(3).withAvailableReplicas(3)
                    .withConditions(available("True"), progressing("True", "NewReplicaSetAvailable")).build());

            assertThat(RolloutStatus.of(d)).isEqualTo(new RolloutStatus(State.PROGRESSING,
                    "Waiting for deployment spec update to be observed..."));
        }

        @Test
        void fewerUpdatedReplicasThanDesired() {
            // maxSurge 25%: one new pod created beside the three old ones
            Deployment d = deployment(2, 3, new DeploymentStatusBuilder().withObservedGeneration(2L)
                    .withReplicas(4).withUpdatedReplicas(1).withReadyReplicas(3).withAvailableReplicas(3)
                    .withUnavailableReplicas(1)
                    .withConditions(available("True"), progressing("True", "ReplicaSetUpdated")).build());

            assertThat(RolloutStatus.of(d)).isEqualTo(new RolloutStatus(State.PROGRESSING,
                    "Waiting for deployment \"web\" rollout to finish: 1 out of 3 new replicas have been updated..."));
        }

        @Test
        void oldReplicasPendingTermination() {
            Deployment d = deployment(2, 3, new DeploymentStatusBuilder().withObservedGeneration(2L)
                    .withReplicas(4).withUpdatedReplicas(3).withReadyReplicas(4).withAvailableReplicas(4)
                    .withConditions(available("True"), progressing("True", "ReplicaSetUpdated")).build());

            assertThat(RolloutStatus.of(d)).isEqualTo(new RolloutStatus(State.PROGRESSING,
                    "Waiting for deployment \"web\" rollout to finish: 1 old replicas are pending termination..."));
        }

        @Test
        void fewerAvailableThanUpdated() {
            Deployment d = deployment(2, 3, new DeploymentStatusBuilder().withObservedGeneration(2L)
                    .withReplicas(3).withUpdatedReplicas(3).withReadyReplicas(2).withAvailableReplicas(2)
                    .withUnavailableReplicas(1)
                    .withConditions(available("True"), progressing("True", "ReplicaSetUpdated")).build());

            assertThat(RolloutStatus.of(d)).isEqualTo(new RolloutStatus(State.PROGRESSING,
                    "Waiting for deployment \"web\" rollout to finish: 2 of 3 updated replicas are available..."));
        }

        @Test
        void complete() {
            Deployment d = deployment(2, 3, new DeploymentStatusBuilder().withObservedGeneration(2L)
                    .withReplicas(3).withUpdatedReplicas(3).withReadyReplicas(3).withAvailableReplicas(3)
                    .withConditions(available("True"), progressing("True", "NewReplicaSetAvailable")).build());

            assertThat(RolloutStatus.of(d)).isEqualTo(new RolloutStatus(State.COMPLETE,
                    "deployment \"web\" successfully rolled out"));
        }

        @Test
        void progressDeadlineExceededFails() {
            Deployment d = deployment(2, 3, new DeploymentStatusBuilder().withObservedGeneration(2L)
                    .withReplicas(4).withUpdatedReplicas(1).withReadyReplicas(3).withAvailableReplicas(3)
                    .withUnavailableReplicas(1)
                    .withConditions(available("True"), progressing("False", "ProgressDeadlineExceeded")).build());

            assertThat(RolloutStatus.of(d)).isEqualTo(new RolloutStatus(State.FAILED,
                    "deployment \"web\" exceeded its progress deadline"));
        }

        @Test
        void aDeadlineExceededByThePreviousGenerationDoesNotFailTheNewOne() {
            // the condition is about the template the controller last saw, not the one just patched in
            Deployment d = deployment(3, 3, new DeploymentStatusBuilder().withObservedGeneration(2L)
                    .withReplicas(4).withUpdatedReplicas(1).withAvailableReplicas(3)
                    .withConditions(progressing("False", "ProgressDeadlineExceeded")).build());

            assertThat(RolloutStatus.of(d).state()).isEqualTo(State.PROGRESSING);
        }

        @Test
        void missingCountsAreZeroAndMissingReplicasIsOne() {
            Deployment d = deployment(1, null, new DeploymentStatusBuilder().withObservedGeneration(1L).build());

            assertThat(RolloutStatus.of(d)).isEqualTo(new RolloutStatus(State.PROGRESSING,
                    "Waiting for deployment \"web\" rollout to finish: 0 out of 1 new replicas have been updated..."));
        }

        @Test
        void noStatusAtAllIsNotObservedYet() {
            assertThat(RolloutStatus.of(deployment(1, 3, null))).isEqualTo(new RolloutStatus(State.PROGRESSING,
                    "Waiting for deployment spec update to be observed..."));
        }

        @Test
        void scaledToZeroIsCompleteOnceObserved() {
            Deployment d = deployment(4, 0, new DeploymentStatusBuilder().withObservedGeneration(4L).build());

            assertThat(RolloutStatus.of(d).state()).isEqualTo(State.COMPLETE);
        }
    }

    @Nested
    class StatefulSets {
        private static StatefulSetUpdateStrategy rollingUpdate(Integer partition) {
            return new StatefulSetUpdateStrategyBuilder().withType("RollingUpdate")
                    .withNewRollingUpdate().withPartition(partition).endRollingUpdate().build();
        }

        private static StatefulSet statefulSet(long generation, int replicas, StatefulSetUpdateStrategy strategy,
                                               StatefulSetStatus status) {
            return new StatefulSetBuilder()
                    .withNewMetadata().withName("db").withNamespace("shop").withGeneration(generation).endMetadata()
                    .withNewSpec().withReplicas(replicas).withUpdateStrategy(strategy).endSpec()
                    .withStatus(status)
                    .build();
        }

        @Test
        void onDeleteCannotBeTracked() {
            StatefulSet s = statefulSet(2, 3, new StatefulSetUpdateStrategyBuilder().withType("OnDelete").build(),
                    new StatefulSetStatusBuilder().withObservedGeneration(2L).withReplicas(3).withReadyReplicas(3).build());

            RolloutStatus status = RolloutStatus.of(s);
            assertThat(status.state()).isEqualTo(State.FAILED);
            assertThat(status.message())
                    .startsWith("rollout status is only available for RollingUpdate strategy")
                    .contains("\"db\"", "OnDelete");
        }

        @Test
        void aNewTemplateNotYetObservedIsWaitedFor() {
            StatefulSet s = statefulSet(3, 3, rollingUpdate(0), new StatefulSetStatusBuilder().withObservedGeneration(2L)
                    .withReplicas(3).withReadyReplicas(3).withCurrentReplicas(3).withUpdatedReplicas(3)
                    .withCurrentRevision("db-5f6d").withUpdateRevision("db-5f6d").build());

            assertThat(RolloutStatus.of(s)).isEqualTo(new RolloutStatus(State.PROGRESSING,
                    "Waiting for statefulset spec update to be observed..."));
        }

        @Test
        void anObservedGenerationOfZeroIsNotObserved() {
            StatefulSet s = statefulSet(0, 0, rollingUpdate(0), new StatefulSetStatusBuilder().build());

            assertThat(RolloutStatus.of(s).message()).isEqualTo("Waiting for statefulset spec update to be observed...");
        }

        @Test
        void fewerReadyThanDesired() {
            StatefulSet s = statefulSet(2, 3, rollingUpdate(0), new StatefulSetStatusBuilder().withObservedGeneration(2L)
                    .withReplicas(3).withReadyReplicas(2).withCurrentReplicas(2).withUpdatedReplicas(1)
                    .withCurrentRevision("db-5f6d").withUpdateRevision("db-7c8b").build());

            assertThat(RolloutStatus.of(s)).isEqualTo(new RolloutStatus(State.PROGRESSING, "Waiting for 1 pods to be ready..."));
        }

        @Test
        void partitionedRolloutWaitsForThePodsAboveThePartition() {
            // 5 replicas, partition 3: ordinals 3 and 4 take the new revision, 0 to 2 keep the old one
            StatefulSet s = statefulSet(2, 5, rollingUpdate(3), new StatefulSetStatusBuilder().withObservedGeneration(2L)
                    .withReplicas(5).withReadyReplicas(5).withCurrentReplicas(4).withUpdatedReplicas(1)
                    .withCurrentRevision("db-5f6d").withUpdateRevision("db-7c8b").build());

            assertThat(RolloutStatus.of(s)).isEqualTo(new RolloutStatus(State.PROGRESSING,
                    "Waiting for partitioned roll out to finish: 1 out of 2 new pods have been updated..."));
        }

        @Test
        void partitionedRolloutIsCompleteThoughTheRevisionsStillDiffer() {
            StatefulSet s = statefulSet(2, 5, rollingUpdate(3), new StatefulSetStatusBuilder().withObservedGeneration(2L)
                    .withReplicas(5).withReadyReplicas(5).withCurrentReplicas(3).withUpdatedReplicas(2)
                    .withCurrentRevision("db-5f6d").withUpdateRevision("db-7c8b").build());

            assertThat(RolloutStatus.of(s)).isEqualTo(new RolloutStatus(State.COMPLETE,
                    "partitioned roll out complete: 2 new pods have been updated..."));
        }

        @Test
        void aMissingPartitionMeansZero() {
            StatefulSet s = statefulSet(2, 3, rollingUpdate(null), new StatefulSetStatusBuilder().withObservedGeneration(2L)
                    .withReplicas(3).withReadyReplicas(3).withCurrentReplicas(1).withUpdatedReplicas(2)
                    .withCurrentRevision("db-5f6d").withUpdateRevision("db-7c8b").build());

            assertThat(RolloutStatus.of(s)).isEqualTo(new RolloutStatus(State.PROGRESSING,
                    "Waiting for partitioned roll out to finish: 2 out of 3 new pods have been updated..."));
        }

        @Test
        void withoutARollingUpdateBlockTheRevisionsDecide() {
            StatefulSetUpdateStrategy plain = new StatefulSetUpdateStrategyBuilder().withType("RollingUpdate").build();
            StatefulSet rolling = statefulSet(2, 3, plain, new StatefulSetStatusBuilder().withObservedGeneration(2L)
                    .withReplicas(3).withReadyReplicas(3).withCurrentReplicas(1).withUpdatedReplicas(2)
                    .withCurrentRevision("db-5f6d").withUpdateRevision("db-7c8b").build());
            StatefulSet done = statefulSet(2, 3, plain, new StatefulSetStatusBuilder().withObservedGeneration(2L)
                    .withReplicas(3).withReadyReplicas(3).withCurrentReplicas(3).withUpdatedReplicas(3)
                    .withCurrentRevision("db-7c8b").withUpdateRevision("db-7c8b").build());

            assertThat(RolloutStatus.of(rolling)).isEqualTo(new RolloutStatus(State.PROGRESSING,
                    "waiting for statefulset rolling update to complete 2 pods at revision db-7c8b..."));
            assertThat(RolloutStatus.of(done)).isEqualTo(new RolloutStatus(State.COMPLETE,
                    "statefulset rolling update complete 3 pods at revision db-7c8b..."));
        }

        @Test
        void aMissingStrategyIsTheServerDefaultRollingUpdate() {
            StatefulSet s = statefulSet(2, 3, null, new StatefulSetStatusBuilder().withObservedGeneration(2L)
                    .withReplicas(3).withReadyReplicas(3).withCurrentReplicas(3).withUpdatedReplicas(3)
                    .withCurrentRevision("db-7c8b").withUpdateRevision("db-7c8b").build());

            assertThat(RolloutStatus.of(s).state()).isEqualTo(State.COMPLETE);
        }
    }

    @Nested
    class DaemonSets {
        private static DaemonSet daemonSet(long generation, String strategy, DaemonSetStatus status) {
            return new DaemonSetBuilder()
                    .withNewMetadata().withName("agent").withNamespace("kube-system").withGeneration(generation).endMetadata()
                    .withNewSpec().withNewUpdateStrategy().withType(strategy).endUpdateStrategy().endSpec()
                    .withStatus(status)
                    .build();
        }

        @Test
        void onDeleteCannotBeTracked() {
            DaemonSet d = daemonSet(2, "OnDelete", new DaemonSetStatusBuilder().withObservedGeneration(2L)
                    .withDesiredNumberScheduled(3).withCurrentNumberScheduled(3).withNumberAvailable(3).build());

            RolloutStatus status = RolloutStatus.of(d);
            assertThat(status.state()).isEqualTo(State.FAILED);
            assertThat(status.message())
                    .startsWith("rollout status is only available for RollingUpdate strategy")
                    .contains("\"agent\"", "OnDelete");
        }

        @Test
        void aNewTemplateNotYetObservedIsWaitedFor() {
            DaemonSet d = daemonSet(3, "RollingUpdate", new DaemonSetStatusBuilder().withObservedGeneration(2L)
                    .withDesiredNumberScheduled(3).withCurrentNumberScheduled(3).withUpdatedNumberScheduled(3)
                    .withNumberReady(3).withNumberAvailable(3).build());

            assertThat(RolloutStatus.of(d)).isEqualTo(new RolloutStatus(State.PROGRESSING,
                    "Waiting for daemon set spec update to be observed..."));
        }

        @Test
        void fewerUpdatedThanDesired() {
            DaemonSet d = daemonSet(2, "RollingUpdate", new DaemonSetStatusBuilder().withObservedGeneration(2L)
                    .withDesiredNumberScheduled(3).withCurrentNumberScheduled(3).withUpdatedNumberScheduled(1)
                    .withNumberReady(2).withNumberAvailable(2).withNumberUnavailable(1).build());

            assertThat(RolloutStatus.of(d)).isEqualTo(new RolloutStatus(State.PROGRESSING,
                    "Waiting for daemon set \"agent\" rollout to finish: 1 out of 3 new pods have been updated..."));
        }

        @Test
        void fewerAvailableThanDesired() {
            DaemonSet d = daemonSet(2, "RollingUpdate", new DaemonSetStatusBuilder().withObservedGeneration(2L)
                    .withDesiredNumberScheduled(3).withCurrentNumberScheduled(3).withUpdatedNumberScheduled(3)
                    .withNumberReady(2).withNumberAvailable(2).withNumberUnavailable(1).build());

            assertThat(RolloutStatus.of(d)).isEqualTo(new RolloutStatus(State.PROGRESSING,
                    "Waiting for daemon set \"agent\" rollout to finish: 2 of 3 updated pods are available..."));
        }

        @Test
        void complete() {
            DaemonSet d = daemonSet(2, "RollingUpdate", new DaemonSetStatusBuilder().withObservedGeneration(2L)
                    .withDesiredNumberScheduled(3).withCurrentNumberScheduled(3).withUpdatedNumberScheduled(3)
                    .withNumberReady(3).withNumberAvailable(3).build());

            assertThat(RolloutStatus.of(d)).isEqualTo(new RolloutStatus(State.COMPLETE,
                    "daemon set \"agent\" successfully rolled out"));
        }

        @Test
        void noNodesToRunOnIsComplete() {
            DaemonSet d = daemonSet(2, null, new DaemonSetStatusBuilder().withObservedGeneration(2L).build());

            assertThat(RolloutStatus.of(d).state()).isEqualTo(State.COMPLETE);
        }
    }

    @Test
    void objectsWithoutSpecOrStatusAreWaitedFor() {
        // as a client may hold them before the first watch event: never a NullPointerException
        assertThat(List.of(
                RolloutStatus.of(new DeploymentBuilder().withNewMetadata().withName("web").withGeneration(1L).endMetadata().build()),
                RolloutStatus.of(new StatefulSetBuilder().withNewMetadata().withName("db").withGeneration(1L).endMetadata().build()),
                RolloutStatus.of(new DaemonSetBuilder().withNewMetadata().withName("agent").withGeneration(1L).endMetadata().build())))
                .extracting(RolloutStatus::state)
                .containsOnly(State.PROGRESSING);
    }

    @Test
    void otherKindsHaveNoRolloutStatus() {
        assertThatThrownBy(() -> RolloutStatus.of(new ReplicaSetBuilder().withNewMetadata().withName("web-7d9f").endMetadata().build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ReplicaSet");
        assertThatThrownBy(() -> RolloutStatus.of(pod("web-7d9f-abc", List.of(), List.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Pod");
    }

    @Nested
    class CrashLoops {
        private static ContainerStatus running(String name, int restarts) {
            return new ContainerStatusBuilder().withName(name).withImage("registry.example.com/shop/" + name)
                    .withReady(true).withStarted(true).withRestartCount(restarts)
                    .withNewState().withNewRunning().withStartedAt("2025-01-01T00:00:00Z").endRunning().endState()
                    .build();
        }

        private static ContainerStatus waiting(String name, int restarts, String reason, String message) {
            return new ContainerStatusBuilder().withName(name).withImage("registry.example.com/shop/" + name)
                    .withReady(false).withStarted(false).withRestartCount(restarts)
                    .withNewState().withNewWaiting().withReason(reason).withMessage(message).endWaiting().endState()
                    .build();
        }

        @Test
        void crashLoopBackOff() {
            Pod p = pod("web-7d9f-abc", List.of(), List.of(waiting("web", 4, "CrashLoopBackOff",
                    "back-off 1m20s restarting failed container=web pod=web-7d9f-abc_shop(0b7f)")));

            assertThat(RolloutStatus.crashLooping(List.of(p), 5))
                    .contains("pod shop/web-7d9f-abc container web is in CrashLoopBackOff after 4 restarts");
        }

        @Test
        void crashLoopBackOffTellsHowTheContainerLastExited() {
            ContainerStatus c = new ContainerStatusBuilder(waiting("web", 1, "CrashLoopBackOff", null))
                    .withNewLastState().withNewTerminated().withReason("OOMKilled").withExitCode(137).endTerminated().endLastState()
                    .build();

            assertThat(RolloutStatus.crashLooping(List.of(pod("web-7d9f-abc", List.of(), List.of(c))), 5))
                    .contains("pod shop/web-7d9f-abc container web is in CrashLoopBackOff after 1 restart; last exit: OOMKilled (code 137)");
        }

        @ParameterizedTest
        @ValueSource(strings = {"ImagePullBackOff", "ErrImagePull", "CreateContainerConfigError", "InvalidImageName"})
        void theNewImageCannotRun(String reason) {
            Pod p = pod("web-7d9f-abc", List.of(), List.of(waiting("web", 0, reason, "the kubelet's explanation")));

            assertThat(RolloutStatus.crashLooping(List.of(p), 3))
                    .contains("pod shop/web-7d9f-abc container web is in " + reason + " after 0 restarts: the kubelet's explanation");
        }

        @Test
        void restartsAtTheThresholdCountEvenWhileRunning() {
            // caught between back-offs: Running again, but it has already died three times
            ContainerStatus c = new ContainerStatusBuilder(running("web", 3))
                    .withNewLastState().withNewTerminated().withReason("Error").withExitCode(1).endTerminated().endLastState()
                    .build();
            Pod p = pod("web-7d9f-abc", List.of(), List.of(running("proxy", 0), c));

            assertThat(RolloutStatus.crashLooping(List.of(p), 3))
                    .contains("pod shop/web-7d9f-abc container web has restarted 3 times (threshold 3); last exit: Error (code 1)");
            assertThat(RolloutStatus.crashLooping(List.of(p), 4)).isEmpty();
        }

        @Test
        void initContainersComeFirst() {
            // the main container only waits on PodInitializing; the init container is the one failing
            Pod p = pod("web-7d9f-abc",
                    List.of(waiting("migrate", 2, "CrashLoopBackOff", null)),
                    List.of(waiting("web", 0, "PodInitializing", null)));

            assertThat(RolloutStatus.crashLooping(List.of(p), 5))
                    .contains("pod shop/web-7d9f-abc init container migrate is in CrashLoopBackOff after 2 restarts");
        }

        @Test
        void theFirstFailingPodIsNamed() {
            Pod healthy = pod("web-7d9f-abc", List.of(), List.of(running("web", 0)));
            Pod pulling = pod("web-7d9f-def", List.of(), List.of(waiting("web", 0, "ImagePullBackOff", null)));
            Pod looping = pod("web-7d9f-ghi", List.of(), List.of(waiting("web", 6, "CrashLoopBackOff", null)));

            assertThat(RolloutStatus.crashLooping(List.of(healthy, pulling, looping), 5))
                    .contains("pod shop/web-7d9f-def container web is in ImagePullBackOff after 0 restarts");
        }

        @Test
        void healthyAndStartingPodsAreNotCrashLooping() {
            Pod healthy = pod("web-7d9f-abc", List.of(), List.of(running("web", 1), running("proxy", 0)));
            Pod creating = pod("web-7d9f-def", List.of(), List.of(waiting("web", 0, "ContainerCreating", null)));
            Pod pending = new PodBuilder().withNewMetadata().withName("web-7d9f-ghi").withNamespace("shop").endMetadata()
                    .withNewStatus().withPhase("Pending").endStatus().build();
            Pod unscheduled = new PodBuilder().withNewMetadata().withName("web-7d9f-jkl").withNamespace("shop").endMetadata().build();

            assertThat(RolloutStatus.crashLooping(List.of(healthy, creating, pending, unscheduled), 3)).isEmpty();
            assertThat(RolloutStatus.crashLooping(List.of(), 3)).isEmpty();
        }

        @Test
        void aThresholdBelowOneWouldFlagEveryPod() {
            assertThatThrownBy(() -> RolloutStatus.crashLooping(List.of(), 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("restartThreshold");
        }
    }

    private static Pod pod(String name, List<ContainerStatus> init, List<ContainerStatus> containers) {
        return new PodBuilder()
                .withNewMetadata().withName(name).withNamespace("shop").endMetadata()
                .withNewStatus().withPhase("Running").withInitContainerStatuses(init).withContainerStatuses(containers).endStatus()
                .build();
    }
}
