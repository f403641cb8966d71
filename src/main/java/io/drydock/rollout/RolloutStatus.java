package io.drydock.rollout;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateStatefulSetStrategy;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSetUpdateStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Where a workload's rollout stands, decided by the rules {@code kubectl rollout status} uses, so that Drydock calls a
 * rollout done (or failed) exactly when an operator running kubectl would.
 *
 * <p>Each call judges one snapshot of the object; the caller polls or watches and decides how long PROGRESSING may
 * last. Missing status fields count as 0 (the controllers omit zero counts), and a missing {@code spec.replicas} as 1
 * and a missing update strategy as RollingUpdate, the values the API server defaults them to.
 */
public record RolloutStatus(State state, String message) {
    public enum State { PROGRESSING, COMPLETE, FAILED }

    // the Deployment controller's reason on the Progressing condition once spec.progressDeadlineSeconds has passed
    private static final String PROGRESS_DEADLINE_EXCEEDED = "ProgressDeadlineExceeded";
    private static final String ROLLING_UPDATE = "RollingUpdate";

    // kubelet waiting reasons that will not clear by waiting: the new image cannot be pulled, or cannot start
    private static final Set<String> CANNOT_RUN = Set.of(
            "CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "CreateContainerConfigError", "InvalidImageName");

    public RolloutStatus {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(message, "message");
    }

    /** @throws IllegalArgumentException for a kind kubectl has no rollout status for (anything but the three below) */
    public static RolloutStatus of(HasMetadata workload) {
        Objects.requireNonNull(workload, "workload");
        return switch (workload) {
            case Deployment d -> deployment(d);
            case StatefulSet s -> statefulSet(s);
            case DaemonSet d -> daemonSet(d);
            default -> throw new IllegalArgumentException("no rollout status for kind "
                    + (workload.getKind() != null ? workload.getKind() : workload.getClass().getSimpleName())
                    + "; only Deployment, StatefulSet and DaemonSet roll out");
        };
    }

    private static RolloutStatus deployment(Deployment d) {
        String name = quotedName(d.getMetadata());
        DeploymentSpec spec = d.getSpec();
        DeploymentStatus status = d.getStatus();
        // until the controller has seen the new template, every count below still describes the old one
        if (generation(d.getMetadata()) > (status == null ? 0 : orZero(status.getObservedGeneration()))) {
            return progressing("Waiting for deployment spec update to be observed...");
        }
        if (status != null && status.getConditions() != null) {
            for (DeploymentCondition c : status.getConditions()) {
                if ("Progressing".equals(c.getType()) && PROGRESS_DEADLINE_EXCEEDED.equals(c.getReason())) {
                    return failed("deployment " + name + " exceeded its progress deadline");
                }
            }
        }
        int desired = spec == null || spec.getReplicas() == null ? 1 : spec.getReplicas();
        int replicas = status == null ? 0 : orZero(status.getReplicas());
        int updated = status == null ? 0 : orZero(status.getUpdatedReplicas());
        int available = status == null ? 0 : orZero(status.getAvailableReplicas());
        String waiting = "Waiting for deployment " + name + " rollout to finish: ";
        if (updated < desired) {
            return progressing(waiting + updated + " out of " + desired + " new replicas have been updated...");
        }
        // status.replicas counts pods of every ReplicaSet, so any surplus belongs to the old template
        if (replicas > updated) {
            return progressing(waiting + (replicas - updated) + " old replicas are pending termination...");
        }
        if (available < updated) {
            return progressing(waiting + available + " of " + updated + " updated replicas are available...");
        }
        return complete("deployment " + name + " successfully rolled out");
    }

    private static RolloutStatus statefulSet(StatefulSet s) {
        StatefulSetSpec spec = s.getSpec();
        StatefulSetUpdateStrategy strategy = spec == null ? null : spec.getUpdateStrategy();
        if (!isRollingUpdate(strategy == null ? null : strategy.getType())) {
            // with OnDelete nothing replaces the pods until someone deletes them, so there is no rollout to wait for
            return notTrackable("statefulset", s.getMetadata(), strategy.getType());
        }
        StatefulSetStatus status = s.getStatus();
        long observed = status == null ? 0 : orZero(status.getObservedGeneration());
        // observedGeneration 0: the controller has not processed this StatefulSet at all, so its zeros mean nothing yet
        if (observed == 0 || generation(s.getMetadata()) > observed) {
            return progressing("Waiting for statefulset spec update to be observed...");
        }
        int desired = spec == null || spec.getReplicas() == null ? 1 : spec.getReplicas();
        int ready = orZero(status.getReadyReplicas());
        int updated = orZero(status.getUpdatedReplicas());
        if (ready < desired) {
            return progressing("Waiting for " + (desired - ready) + " pods to be ready...");
        }
        RollingUpdateStatefulSetStrategy rolling = strategy == null ? null : strategy.getRollingUpdate();
        if (rolling != null) {
            // pods with an ordinal below the partition keep the old revision on purpose, so currentRevision never
            // catches up while a partition is set; kubectl counts only the pods the partition lets through
            int target = desired - orZero(rolling.getPartition());
            if (updated < target) {
                return progressing("Waiting for partitioned roll out to finish: " + updated + " out of " + target
                        + " new pods have been updated...");
            }
            return complete("partitioned roll out complete: " + updated + " new pods have been updated...");
        }
        String updateRevision = status.getUpdateRevision();
        if (!Objects.equals(updateRevision, status.getCurrentRevision())) {
            return progressing("waiting for statefulset rolling update to complete " + updated + " pods at revision "
                    + updateRevision + "...");
        }
        return complete("statefulset rolling update complete " + orZero(status.getCurrentReplicas())
                + " pods at revision " + status.getCurrentRevision() + "...");
    }

    private static RolloutStatus daemonSet(DaemonSet d) {
        DaemonSetSpec spec = d.getSpec();
        String type = spec == null || spec.getUpdateStrategy() == null ? null : spec.getUpdateStrategy().getType();
        if (!isRollingUpdate(type)) {
            return notTrackable("daemon set", d.getMetadata(), type);
        }
        String name = quotedName(d.getMetadata());
        DaemonSetStatus status = d.getStatus();
        if (generation(d.getMetadata()) > (status == null ? 0 : orZero(status.getObservedGeneration()))) {
            return progressing("Waiting for daemon set spec update to be observed...");
        }
        int desired = status == null ? 0 : orZero(status.getDesiredNumberScheduled());
        int updated = status == null ? 0 : orZero(status.getUpdatedNumberScheduled());
        int available = status == null ? 0 : orZero(status.getNumberAvailable());
        String waiting = "Waiting for daemon set " + name + " rollout to finish: ";
        if (updated < desired) {
            return progressing(waiting + updated + " out of " + desired + " new pods have been updated...");
        }
        // kubectl measures availability against the desired count, not the updated one: done means every node that
        // should run the pod has an available one
        if (available < desired) {
            return progressing(waiting + available + " of " + desired + " updated pods are available...");
        }
        return complete("daemon set " + name + " successfully rolled out");
    }

    /**
     * The first container among {@code pods} that will not come up without intervention, init containers of a pod
     * before its other containers (a failing init container holds the rest in PodInitializing).
     *
     * @param pods the new template's pods only: an old pod's restarts say nothing about the new image
     * @param restartThreshold restarts at which a container counts as crash-looping whatever its state: between
     *                         back-offs it shows Running or Terminated, not CrashLoopBackOff
     * @return a message naming the pod, the container, the reason and the restart count
     */
    public static Optional<String> crashLooping(List<Pod> pods, int restartThreshold) {
        Objects.requireNonNull(pods, "pods");
        if (restartThreshold < 1) {
            throw new IllegalArgumentException("restartThreshold must be at least 1, was " + restartThreshold);
        }
        for (Pod pod : pods) {
            if (pod == null || pod.getStatus() == null) {
                continue;
            }
            List<Labelled> statuses = new ArrayList<>();
            listOrEmpty(pod.getStatus().getInitContainerStatuses()).forEach(c -> statuses.add(new Labelled("init container", c)));
            listOrEmpty(pod.getStatus().getContainerStatuses()).forEach(c -> statuses.add(new Labelled("container", c)));
            for (Labelled l : statuses) {
                Optional<String> verdict = crashLooping(podName(pod.getMetadata()), l, restartThreshold);
                if (verdict.isPresent()) {
                    return verdict;
                }
            }
        }
        return Optional.empty();
    }

    private record Labelled(String label, ContainerStatus status) {
    }

    private static Optional<String> crashLooping(String pod, Labelled l, int restartThreshold) {
        ContainerStatus c = l.status();
        int restarts = orZero(c.getRestartCount());
        String who = "pod " + pod + " " + l.label() + " " + c.getName();
        ContainerState state = c.getState();
        String reason = state == null || state.getWaiting() == null ? null : state.getWaiting().getReason();
        if (reason != null && CANNOT_RUN.contains(reason)) {
            String detail = "CrashLoopBackOff".equals(reason)
                    ? lastExit(c)
                    // the kubelet's message says which image or which secret/config map, which the reason alone does not
                    : Optional.ofNullable(state.getWaiting().getMessage()).filter(m -> !m.isBlank()).map(m -> ": " + m).orElse("");
            return Optional.of(who + " is in " + reason + " after " + restarts(restarts) + detail);
        }
        if (restarts >= restartThreshold) {
            return Optional.of(who + " has restarted " + (restarts == 1 ? "once" : restarts + " times")
                    + " (threshold " + restartThreshold + ")" + lastExit(c));
        }
        return Optional.empty();
    }

    private static String lastExit(ContainerStatus c) {
        ContainerStateTerminated t = c.getLastState() == null ? null : c.getLastState().getTerminated();
        if (t == null) {
            return "";
        }
        String reason = t.getReason() == null ? "terminated" : t.getReason();
        return "; last exit: " + reason + (t.getExitCode() == null ? "" : " (code " + t.getExitCode() + ")");
    }

    private static String restarts(int n) {
        return n + (n == 1 ? " restart" : " restarts");
    }

    private static RolloutStatus notTrackable(String kind, ObjectMeta meta, String strategy) {
        // kubectl exits with an error here; FAILED keeps the caller from waiting forever on a rollout that cannot finish
        return failed("rollout status is only available for RollingUpdate strategy: " + kind + " " + quotedName(meta)
                + " uses " + strategy);
    }

    private static boolean isRollingUpdate(String type) {
        return type == null || ROLLING_UPDATE.equals(type);
    }

    private static String quotedName(ObjectMeta meta) {
        return "\"" + (meta == null || meta.getName() == null ? "" : meta.getName()) + "\"";
    }

    private static String podName(ObjectMeta meta) {
        if (meta == null) {
            return "?";
        }
        String name = meta.getName() == null ? "?" : meta.getName();
        return meta.getNamespace() == null ? name : meta.getNamespace() + "/" + name;
    }

    private static long generation(ObjectMeta meta) {
        return meta == null ? 0 : orZero(meta.getGeneration());
    }

    private static int orZero(Integer n) {
        return n == null ? 0 : n;
    }

    private static long orZero(Long n) {
        return n == null ? 0 : n;
    }

    private static <T> List<T> listOrEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static RolloutStatus progressing(String message) {
        return new RolloutStatus(State.PROGRESSING, message);
    }

    private static RolloutStatus complete(String message) {
        return new RolloutStatus(State.COMPLETE, message);
    }

    private static RolloutStatus failed(String message) {
        return new RolloutStatus(State.FAILED, message);
    }
}
