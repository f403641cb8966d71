package io.drydock.rollout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.drydock.DrydockException;
import io.drydock.rollout.RolloutOutcome.State;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Rolls workloads out to a new image digest and back again when the new pods do not come up.
 *
 * <p>{@link #rollOut} patches the image of every container (and init container) of the pod template that runs the
 * given repository, then watches the rollout by kubectl's rules ({@link RolloutStatus}) and the new pods for crash
 * loops. A rollout that fails (ProgressDeadlineExceeded), whose new pods crash-loop, or that is not complete within
 * {@link Settings#timeout()} is rolled back to the previous images, and that rollback is watched in turn.
 *
 * <p>The state a restarted process needs lives on the workload itself, written in the same patch as the change it
 * describes: the rollout patch records the previous images ({@value #PREVIOUS_IMAGES}, JSON: container name to image)
 * and the target ({@value #ROLLOUT_TARGET}); the rollback patch records why ({@value #ROLLBACK_REASON}). Both also set
 * {@code kubernetes.io/change-cause}, which {@code kubectl rollout history} shows. {@link #resume} picks a rollout up
 * from these after a crash. Nothing else of the workload is changed.
 *
 * <p>Patches are JSON patches (RFC 6902) that {@code test} each container's name and current image before replacing
 * it: they change exactly those images and annotations, and a concurrent edit makes them fail instead of landing on
 * the wrong container; the executor then reads the workload again and retries. (A merge patch would replace the whole
 * container list; a strategic merge patch is not understood by every API server a client may talk to.)
 *
 * <p>A CronJob has no rollout: its job template is patched and the outcome is ROLLED_OUT at once, since the next
 * scheduled Job is created from it. StatefulSets and DaemonSets with the OnDelete strategy, and paused Deployments,
 * are refused before anything is patched: their pods would not change, so there would be nothing to watch.
 */
public final class Rollout {
    public static final String PREVIOUS_IMAGES = "drydock.io/previous-images";
    public static final String ROLLOUT_TARGET = "drydock.io/rollout-target";
    public static final String ROLLBACK_REASON = "drydock.io/rollback-reason";
    public static final String CHANGE_CAUSE = "kubernetes.io/change-cause";

    private static final String POD_TEMPLATE_HASH = "pod-template-hash";
    private static final String REVISION = "deployment.kubernetes.io/revision";
    private static final int PATCH_ATTEMPTS = 3;
    private static final ObjectMapper JSON = new ObjectMapper();
    // OCI digest grammar: algorithm ":" encoded, at the end of the reference
    private static final Pattern DIGEST = Pattern.compile("@[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$");

    /**
     * @param timeout           how long a rollout may stay PROGRESSING before it is rolled back; the rollback gets as
     *                          long again
     * @param pollInterval      between two reads of the workload's status
     * @param crashLoopRestarts restarts of a new pod's container at which it counts as crash-looping
     */
    public record Settings(Duration timeout, Duration pollInterval, int crashLoopRestarts) {
        public Settings {
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(pollInterval, "pollInterval");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, was " + timeout);
            }
            if (pollInterval.isNegative() || pollInterval.isZero()) {
                throw new IllegalArgumentException("pollInterval must be positive, was " + pollInterval);
            }
            if (crashLoopRestarts < 1) {
                throw new IllegalArgumentException("crashLoopRestarts must be at least 1, was " + crashLoopRestarts);
            }
        }
    }

    /** One container of a workload's pod template and the image it runs (init containers included). */
    public record RunningImage(WorkloadRef workload, String container, String image) {
    }

    /** A container or init container of the pod template, with the JSON pointer to it. */
    private record Slot(String name, String pointer, String image) {
    }

    /** How a watch ended: ok means COMPLETE; otherwise the message says what failed. */
    private record Verdict(boolean ok, String message) {
    }

    private final KubernetesClient client;
    private final Clock clock;
    private final Settings settings;

    public Rollout(KubernetesClient client, Clock clock, Settings settings) {
        this.client = Objects.requireNonNull(client, "client");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * Rolls {@code workload} out to {@code newImage} and watches it to its end, rolling back when it fails.
     *
     * <p>Calling it again with the same image does not patch again; it watches the rollout where it stands.
     *
     * @param imageRepository which containers to change: those whose image is in this repository (tag and digest of
     *                        both sides ignored)
     * @param newImage        {@code repo@sha256:…} or {@code repo:tag@sha256:…}; its repository may be spelt differently
     *                        from {@code imageRepository} (a caller that normalises {@code nginx} to
     *                        {@code docker.io/library/nginx} passes the workload's spelling to select containers)
     * @param reason          why, recorded as the workload's {@code kubernetes.io/change-cause}; may be null
     * @throws DrydockException when the workload does not exist, {@code newImage} is not pinned by digest, or the API
     *                          refuses the patch
     */
    public RolloutOutcome rollOut(WorkloadRef workload, String imageRepository, String newImage, String reason) {
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(imageRepository, "imageRepository");
        Objects.requireNonNull(newImage, "newImage");
        String repository = repositoryOf(imageRepository);
        if (repository.isEmpty()) {
            throw new DrydockException("no image repository given for the rollout of " + workload);
        }
        if (!DIGEST.matcher(newImage).find()) {
            throw new DrydockException("cannot roll " + workload + " out to " + newImage
                    + ": the new image must be pinned by digest (repository@sha256:...)");
        }
        Instant start = clock.instant();
        for (int attempt = 1; ; attempt++) {
            HasMetadata current = require(workload);
            List<Slot> matching = slots(workload, current).stream()
                    .filter(s -> repositoryOf(s.image()).equals(repository)).toList();
            if (matching.isEmpty()) {
                return outcome(State.NOT_APPLICABLE, workload, Map.of(), newImage,
                        "no container of " + workload + " runs an image of " + repository + "; nothing patched", start);
            }
            Optional<String> refusal = refusal(workload, current);
            if (refusal.isPresent()) {
                return outcome(State.REFUSED, workload, Map.of(), newImage, refusal.get() + "; nothing patched", start);
            }
            if (matching.stream().allMatch(s -> s.image().equals(newImage))) {
                // patched already, by an earlier call that may have died while watching: watch, do not patch again
                return follow(workload, current, newImage, recordedPrevious(workload, current, newImage), start);
            }
            Map<String, String> previous = new LinkedHashMap<>();
            matching.forEach(s -> previous.put(s.name(), s.image()));
            ArrayNode patch = JSON.createArrayNode();
            for (Slot s : matching) {
                if (!s.image().equals(newImage)) {
                    replaceImage(patch, s, newImage);
                }
            }
            Map<String, String> annotations = new LinkedHashMap<>();
            annotations.put(PREVIOUS_IMAGES, JSON.valueToTree(previous).toString());
            annotations.put(ROLLOUT_TARGET, newImage);
            if (reason != null && !reason.isBlank()) {
                annotations.put(CHANGE_CAUSE, reason);
            }
            // a rollback reason left from an earlier attempt would make resume() take this rollout for a rolled-back one
            setAnnotations(patch, current, annotations, Set.of(ROLLBACK_REASON));
            HasMetadata patched;
            try {
                patched = patch(workload, patch);
            } catch (KubernetesClientException e) {
                if (isConflict(e) && attempt < PATCH_ATTEMPTS) {
                    continue; // changed between our read and our patch: decide again on a fresh read
                }
                throw new DrydockException("could not patch " + workload + " to " + newImage + ": " + message(e), e);
            }
            return follow(workload, patched, newImage, previous, start);
        }
    }

    /**
     * Picks up a rollout a previous process started, from what it recorded on the workload: watches it to its end
     * (rolling back if needed) when the workload still runs the recorded target, or watches the rollback when the
     * workload was rolled back. A rollout that has already ended is reported without changing anything.
     *
     * @return empty when the workload does not exist, carries no {@value #ROLLOUT_TARGET}, or runs neither the target
     *         nor the recorded previous images any more (someone else has changed them since)
     */
    public Optional<RolloutOutcome> resume(WorkloadRef workload) {
        Objects.requireNonNull(workload, "workload");
        Instant start = clock.instant();
        HasMetadata current;
        try {
            current = read(workload);
        } catch (KubernetesClientException e) {
            throw new DrydockException("could not read " + workload + ": " + message(e), e);
        }
        String target = current == null ? null : annotation(current, ROLLOUT_TARGET);
        if (target == null) {
            return Optional.empty();
        }
        String repository = repositoryOf(target);
        List<Slot> matching = slots(workload, current).stream()
                .filter(s -> repositoryOf(s.image()).equals(repository)).toList();
        if (matching.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> previous = recordedPrevious(workload, current, target);
        if (matching.stream().allMatch(s -> s.image().equals(target))) {
            return Optional.of(follow(workload, current, target, previous, start));
        }
        String rollbackReason = annotation(current, ROLLBACK_REASON);
        boolean rolledBack = rollbackReason != null
                && matching.stream().allMatch(s -> s.image().equals(previous.get(s.name())));
        if (!rolledBack) {
            return Optional.empty();
        }
        if (isCronJob(workload)) {
            return Optional.of(outcome(State.ROLLED_BACK, workload, previous, target, rollbackReason, start));
        }
        return Optional.of(watchRollback(workload, previous, target, rollbackReason, start));
    }

    /**
     * Every container and init container image of the Deployments, StatefulSets, DaemonSets and CronJobs in
     * {@code namespaceOrNull} (all namespaces when null), by kind, namespace and name, containers in pod spec order.
     */
    public List<RunningImage> workloadsUsing(String namespaceOrNull) {
        List<HasMetadata> workloads = new ArrayList<>();
        workloads.addAll(list(client.apps().deployments(), namespaceOrNull));
        workloads.addAll(list(client.apps().statefulSets(), namespaceOrNull));
        workloads.addAll(list(client.apps().daemonSets(), namespaceOrNull));
        workloads.addAll(list(client.batch().v1().cronjobs(), namespaceOrNull));
        List<RunningImage> images = new ArrayList<>();
        workloads.stream()
                .map(w -> Map.entry(new WorkloadRef(kindOf(w), w.getMetadata().getNamespace(), w.getMetadata().getName()), w))
                .sorted(Map.Entry.comparingByKey(Comparator.comparing((WorkloadRef r) -> WorkloadRef.KINDS.indexOf(r.kind()))
                        .thenComparing(WorkloadRef::namespace).thenComparing(WorkloadRef::name)))
                .forEach(e -> slots(e.getKey(), e.getValue())
                        .forEach(s -> images.add(new RunningImage(e.getKey(), s.name(), s.image()))));
        return List.copyOf(images);
    }

    /**
     * The repository part of an image reference: without {@code @digest} and without {@code :tag} (a colon before the
     * last slash belongs to a registry port). No defaults are filled in: {@code nginx} and
     * {@code docker.io/library/nginx} are different repositories here.
     */
    public static String repositoryOf(String image) {
        String ref = image == null ? "" : image.strip();
        int at = ref.indexOf('@');
        if (at >= 0) {
            ref = ref.substring(0, at);
        }
        int colon = ref.lastIndexOf(':');
        if (colon > ref.lastIndexOf('/')) {
            ref = ref.substring(0, colon);
        }
        return ref;
    }

    // --- watching and rolling back ---

    private RolloutOutcome follow(WorkloadRef ref, HasMetadata workload, String target, Map<String, String> previous,
                                  Instant start) {
        if (isCronJob(ref)) {
            return outcome(State.ROLLED_OUT, ref, previous, target,
                    "cronjob \"" + ref.name() + "\" patched: its next Job runs " + target, start);
        }
        Set<String> newContainers = slots(ref, workload).stream().filter(s -> s.image().equals(target))
                .map(Slot::name).collect(Collectors.toSet());
        Verdict rollout = watch(ref, clock.instant().plus(settings.timeout()), newContainers, target);
        if (rollout.ok()) {
            return outcome(State.ROLLED_OUT, ref, previous, target, rollout.message(), start);
        }
        return rollBack(ref, previous, target, rollout.message(), start);
    }

    private RolloutOutcome rollBack(WorkloadRef ref, Map<String, String> previous, String target, String failure,
                                    Instant start) {
        if (previous.isEmpty()) {
            return outcome(State.ROLLBACK_FAILED, ref, previous, target, failure + "; cannot roll back: " + ref
                    + " carries no previous images for " + target + " (" + PREVIOUS_IMAGES + ")", start);
        }
        for (int attempt = 1; ; attempt++) {
            HasMetadata current = require(ref);
            List<Slot> slots = slots(ref, current);
            List<Slot> revert = slots.stream().filter(s -> s.image().equals(target)
                    && previous.containsKey(s.name()) && !previous.get(s.name()).equals(target)).toList();
            if (revert.isEmpty()) {
                boolean alreadyBack = slots.stream().filter(s -> previous.containsKey(s.name()))
                        .allMatch(s -> s.image().equals(previous.get(s.name())));
                if (!alreadyBack) {
                    return outcome(State.ROLLBACK_FAILED, ref, previous, target, failure + "; not rolled back: "
                            + ref + " no longer runs " + target + " (its images were changed by someone else)", start);
                }
                break;
            }
            ArrayNode patch = JSON.createArrayNode();
            revert.forEach(s -> replaceImage(patch, s, previous.get(s.name())));
            Map<String, String> annotations = new LinkedHashMap<>();
            annotations.put(ROLLBACK_REASON, failure);
            annotations.put(CHANGE_CAUSE, "drydock rolled back from " + target + ": " + failure);
            setAnnotations(patch, current, annotations, Set.of());
            try {
                patch(ref, patch);
                break;
            } catch (KubernetesClientException e) {
                if (!(isConflict(e) && attempt < PATCH_ATTEMPTS)) {
                    throw new DrydockException("rollout of " + ref + " to " + target + " failed (" + failure
                            + ") and the rollback patch was refused: " + message(e), e);
                }
            }
        }
        return watchRollback(ref, previous, target, failure, start);
    }

    private RolloutOutcome watchRollback(WorkloadRef ref, Map<String, String> previous, String target, String failure,
                                         Instant start) {
        Verdict rollback = watch(ref, clock.instant().plus(settings.timeout()), Set.of(), null);
        if (rollback.ok()) {
            return outcome(State.ROLLED_BACK, ref, previous, target, failure, start);
        }
        return outcome(State.ROLLBACK_FAILED, ref, previous, target,
                failure + "; the rollback to the previous images did not complete: " + rollback.message(), start);
    }

    /**
     * Polls until the rollout is COMPLETE, FAILED, its new pods crash-loop, or the deadline passes.
     *
     * @param target the new image whose pods are checked for crash loops, or null to check none (a rollback)
     */
    private Verdict watch(WorkloadRef ref, Instant deadline, Set<String> newContainers, String target) {
        String last = "no status read";
        while (true) {
            try {
                HasMetadata workload = read(ref);
                if (workload == null) {
                    throw new DrydockException(ref + " was deleted while its rollout was being watched");
                }
                RolloutStatus status = RolloutStatus.of(workload);
                if (status.state() == RolloutStatus.State.FAILED) {
                    return new Verdict(false, status.message());
                }
                if (target != null) {
                    Optional<String> crash = RolloutStatus.crashLooping(
                            newPods(ref, workload, newContainers, target), settings.crashLoopRestarts());
                    if (crash.isPresent()) {
                        return new Verdict(false, crash.get());
                    }
                }
                if (status.state() == RolloutStatus.State.COMPLETE) {
                    return new Verdict(true, status.message());
                }
                last = status.message();
            } catch (KubernetesClientException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw interrupted(ref, e);
                }
                // a failed read is not a failed rollout: keep polling until the deadline
                last = "reading " + ref + " failed: " + message(e);
            }
            Instant now = clock.instant();
            if (!now.isBefore(deadline)) {
                return new Verdict(false, "not ready after " + human(settings.timeout()) + ": " + last);
            }
            Duration left = Duration.between(now, deadline);
            try {
                Thread.sleep(left.compareTo(settings.pollInterval()) < 0 ? left : settings.pollInterval());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw interrupted(ref, e);
            }
        }
    }

    /**
     * The pods of the new template: selected by the workload's selector, running {@code target} in every container
     * that was patched, and for a Deployment owned by its newest ReplicaSet with that template when there is one
     * (an older ReplicaSet with the same image, left from an earlier attempt, is not this rollout).
     */
    private List<Pod> newPods(WorkloadRef ref, HasMetadata workload, Set<String> newContainers, String target) {
        LabelSelector selector = selector(workload);
        if (selector == null || newContainers.isEmpty() || isEmpty(selector)) {
            return List.of();
        }
        Predicate<PodSpec> runsTarget = spec -> {
            List<Container> named = containers(spec).stream().filter(c -> newContainers.contains(c.getName())).toList();
            return !named.isEmpty() && named.stream().allMatch(c -> target.equals(c.getImage()));
        };
        // pods before ReplicaSets: a pod listed here was created by a ReplicaSet the second list already shows
        List<Pod> pods = client.pods().inNamespace(ref.namespace()).withLabelSelector(selector).list().getItems();
        String hash = workload instanceof Deployment d ? newReplicaSetHash(d, selector, runsTarget) : null;
        return pods.stream()
                .filter(p -> p.getSpec() != null && runsTarget.test(p.getSpec()))
                .filter(p -> hash == null || hash.equals(labels(p).get(POD_TEMPLATE_HASH)))
                .toList();
    }

    private String newReplicaSetHash(Deployment d, LabelSelector selector, Predicate<PodSpec> runsTarget) {
        String uid = d.getMetadata().getUid();
        return client.apps().replicaSets().inNamespace(d.getMetadata().getNamespace()).withLabelSelector(selector)
                .list().getItems().stream()
                .filter(rs -> uid == null || ownedBy(rs, uid))
                .filter(rs -> rs.getSpec() != null && rs.getSpec().getTemplate() != null
                        && rs.getSpec().getTemplate().getSpec() != null && runsTarget.test(rs.getSpec().getTemplate().getSpec()))
                .filter(rs -> labels(rs).get(POD_TEMPLATE_HASH) != null)
                .max(Comparator.comparingLong(Rollout::revision))
                .map(rs -> labels(rs).get(POD_TEMPLATE_HASH))
                .orElse(null);
    }

    private static boolean ownedBy(ReplicaSet rs, String uid) {
        List<OwnerReference> owners = rs.getMetadata().getOwnerReferences();
        return owners != null && owners.stream().anyMatch(o -> uid.equals(o.getUid()));
    }

    private static long revision(ReplicaSet rs) {
        Map<String, String> annotations = rs.getMetadata().getAnnotations();
        String revision = annotations == null ? null : annotations.get(REVISION);
        try {
            return revision == null ? 0 : Long.parseLong(revision.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static Optional<String> refusal(WorkloadRef ref, HasMetadata workload) {
        String strategy = switch (workload) {
            case StatefulSet s -> s.getSpec() == null || s.getSpec().getUpdateStrategy() == null
                    ? null : s.getSpec().getUpdateStrategy().getType();
            case DaemonSet d -> d.getSpec() == null || d.getSpec().getUpdateStrategy() == null
                    ? null : d.getSpec().getUpdateStrategy().getType();
            default -> null;
        };
        if (strategy != null && !"RollingUpdate".equals(strategy)) {
            return Optional.of(ref + " uses the " + strategy + " update strategy: its pods change only when someone"
                    + " deletes them, so there is no rollout to watch or roll back");
        }
        if (workload instanceof Deployment d && d.getSpec() != null && Boolean.TRUE.equals(d.getSpec().getPaused())) {
            return Optional.of(ref + " is paused: the Deployment controller would not roll it out until it is resumed");
        }
        return Optional.empty();
    }

    // --- reading and patching ---

    private Resource<? extends HasMetadata> resource(WorkloadRef ref) {
        return switch (ref.kind()) {
            case WorkloadRef.DEPLOYMENT -> client.apps().deployments().inNamespace(ref.namespace()).withName(ref.name());
            case WorkloadRef.STATEFUL_SET -> client.apps().statefulSets().inNamespace(ref.namespace()).withName(ref.name());
            case WorkloadRef.DAEMON_SET -> client.apps().daemonSets().inNamespace(ref.namespace()).withName(ref.name());
            case WorkloadRef.CRON_JOB -> client.batch().v1().cronjobs().inNamespace(ref.namespace()).withName(ref.name());
            default -> throw new IllegalStateException("unknown kind " + ref.kind());
        };
    }

    private HasMetadata read(WorkloadRef ref) {
        return resource(ref).get();
    }

    private HasMetadata require(WorkloadRef ref) {
        HasMetadata workload;
        try {
            workload = read(ref);
        } catch (KubernetesClientException e) {
            throw new DrydockException("could not read " + ref + ": " + message(e), e);
        }
        if (workload == null) {
            throw new DrydockException(ref + " not found");
        }
        return workload;
    }

    private HasMetadata patch(WorkloadRef ref, ArrayNode jsonPatch) {
        return resource(ref).patch(PatchContext.of(PatchType.JSON), jsonPatch.toString());
    }

    private static void replaceImage(ArrayNode patch, Slot slot, String image) {
        patch.addObject().put("op", "test").put("path", slot.pointer() + "/name").put("value", slot.name());
        patch.addObject().put("op", "test").put("path", slot.pointer() + "/image").put("value", slot.image());
        patch.addObject().put("op", "replace").put("path", slot.pointer() + "/image").put("value", image);
    }

    private static void setAnnotations(ArrayNode patch, HasMetadata workload, Map<String, String> set, Set<String> remove) {
        Map<String, String> existing = workload.getMetadata().getAnnotations();
        if (existing == null || existing.isEmpty()) {
            // JSON patch cannot add a member to an object that is not there: add the whole object
            patch.addObject().put("op", "add").put("path", "/metadata/annotations").set("value", JSON.valueToTree(set));
            return;
        }
        set.forEach((key, value) -> patch.addObject().put("op", "add")
                .put("path", "/metadata/annotations/" + pointerEscape(key)).put("value", value));
        remove.stream().filter(existing::containsKey).forEach(key -> patch.addObject().put("op", "remove")
                .put("path", "/metadata/annotations/" + pointerEscape(key)));
    }

    private static String pointerEscape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    private static <T extends HasMetadata, L extends KubernetesResourceList<T>> List<T> list(
            MixedOperation<T, L, ?> operation, String namespaceOrNull) {
        return namespaceOrNull == null
                ? operation.inAnyNamespace().list().getItems()
                : operation.inNamespace(namespaceOrNull).list().getItems();
    }

    // --- the pod template of each kind ---

    private static List<Slot> slots(WorkloadRef ref, HasMetadata workload) {
        PodTemplateSpec template = template(workload);
        if (template == null || template.getSpec() == null) {
            return List.of();
        }
        String base = isCronJob(ref) ? "/spec/jobTemplate/spec/template/spec" : "/spec/template/spec";
        List<Slot> slots = new ArrayList<>();
        addSlots(slots, base + "/initContainers/", template.getSpec().getInitContainers());
        addSlots(slots, base + "/containers/", template.getSpec().getContainers());
        return slots;
    }

    private static void addSlots(List<Slot> slots, String pointer, List<Container> containers) {
        if (containers == null) {
            return;
        }
        for (int i = 0; i < containers.size(); i++) {
            Container c = containers.get(i);
            if (c != null && c.getName() != null && c.getImage() != null) {
                slots.add(new Slot(c.getName(), pointer + i, c.getImage()));
            }
        }
    }

    private static List<Container> containers(PodSpec spec) {
        List<Container> all = new ArrayList<>();
        if (spec.getInitContainers() != null) {
            all.addAll(spec.getInitContainers());
        }
        if (spec.getContainers() != null) {
            all.addAll(spec.getContainers());
        }
        return all;
    }

    private static PodTemplateSpec template(HasMetadata workload) {
        return switch (workload) {
            case Deployment d -> d.getSpec() == null ? null : d.getSpec().getTemplate();
            case StatefulSet s -> s.getSpec() == null ? null : s.getSpec().getTemplate();
            case DaemonSet d -> d.getSpec() == null ? null : d.getSpec().getTemplate();
            case CronJob c -> c.getSpec() == null || c.getSpec().getJobTemplate() == null
                    || c.getSpec().getJobTemplate().getSpec() == null ? null : c.getSpec().getJobTemplate().getSpec().getTemplate();
            default -> null;
        };
    }

    private static LabelSelector selector(HasMetadata workload) {
        return switch (workload) {
            case Deployment d -> d.getSpec() == null ? null : d.getSpec().getSelector();
            case StatefulSet s -> s.getSpec() == null ? null : s.getSpec().getSelector();
            case DaemonSet d -> d.getSpec() == null ? null : d.getSpec().getSelector();
            default -> null;
        };
    }

    private static boolean isEmpty(LabelSelector selector) {
        return (selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty())
                && (selector.getMatchExpressions() == null || selector.getMatchExpressions().isEmpty());
    }

    private static String kindOf(HasMetadata workload) {
        return switch (workload) {
            case Deployment d -> WorkloadRef.DEPLOYMENT;
            case StatefulSet s -> WorkloadRef.STATEFUL_SET;
            case DaemonSet d -> WorkloadRef.DAEMON_SET;
            case CronJob c -> WorkloadRef.CRON_JOB;
            default -> throw new IllegalStateException("not a workload: " + workload.getClass().getName());
        };
    }

    private static boolean isCronJob(WorkloadRef ref) {
        return WorkloadRef.CRON_JOB.equals(ref.kind());
    }

    // --- annotations ---

    /** The previous images recorded on the workload, if its recorded target is {@code target}; else empty. */
    private static Map<String, String> recordedPrevious(WorkloadRef ref, HasMetadata workload, String target) {
        String json = annotation(workload, PREVIOUS_IMAGES);
        if (json == null || !target.equals(annotation(workload, ROLLOUT_TARGET))) {
            return Map.of();
        }
        try {
            Map<String, String> previous = JSON.readValue(json, new TypeReference<LinkedHashMap<String, String>>() { });
            return previous == null ? Map.of() : previous;
        } catch (JsonProcessingException e) {
            throw new DrydockException("annotation " + PREVIOUS_IMAGES + " of " + ref
                    + " is not a JSON object of container names to images: " + e.getOriginalMessage(), e);
        }
    }

    private static String annotation(HasMetadata workload, String key) {
        Map<String, String> annotations = workload.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(key);
    }

    private static Map<String, String> labels(HasMetadata object) {
        Map<String, String> labels = object.getMetadata() == null ? null : object.getMetadata().getLabels();
        return labels == null ? Map.of() : labels;
    }

    // --- small things ---

    private RolloutOutcome outcome(State state, WorkloadRef ref, Map<String, String> previous, String newImage,
                                   String reason, Instant start) {
        return new RolloutOutcome(state, ref, previous, newImage, reason, Duration.between(start, clock.instant()));
    }

    private static boolean isConflict(KubernetesClientException e) {
        // 409: resourceVersion conflict; 422: a JSON patch "test" failed because the object changed under us
        return e.getCode() == 409 || e.getCode() == 422;
    }

    private static String message(KubernetesClientException e) {
        return e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
    }

    private static DrydockException interrupted(WorkloadRef ref, Exception cause) {
        return new DrydockException("interrupted while watching the rollout of " + ref
                + "; resume() picks it up from the annotations on the workload", cause);
    }

    /** 500ms, 45s, 1.5s, 5m, 1h30m */
    static String human(Duration d) {
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            return d.toMillis() + "ms";
        }
        StringBuilder s = new StringBuilder();
        if (d.toHours() > 0) {
            s.append(d.toHours()).append('h');
        }
        if (d.toMinutesPart() > 0) {
            s.append(d.toMinutesPart()).append('m');
        }
        if (d.toSecondsPart() > 0 || d.toMillisPart() > 0) {
            s.append(d.toMillisPart() == 0 ? String.valueOf(d.toSecondsPart())
                    : String.valueOf(d.toSecondsPart() + d.toMillisPart() / 1000.0)).append('s');
        }
        return s.toString();
    }
}
