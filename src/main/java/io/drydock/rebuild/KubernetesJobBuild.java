package io.drydock.rebuild;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.DrydockException;
import io.drydock.image.Descriptor;
import io.drydock.image.Digest;
import io.drydock.image.ImageReference;
import io.drydock.image.registry.RegistryClient;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Rebuilds in the cluster: a Job runs buildah or kaniko on the image's build context with {@code BASE_IMAGE} set to the
 * new base (by digest) and pushes the result to the target; Drydock follows the Job until its condition
 * {@code Complete} or {@code Failed} is true.
 *
 * <p>The Job's name is {@code drydock-rebuild-} and a hash of the request id, so a retry finds the Job an earlier
 * attempt created and follows it; a Job of the request that failed is deleted and created again. The Job runs once
 * ({@code backoffLimit: 0}), at most as long as the request's timeout ({@code activeDeadlineSeconds}), and is removed an
 * hour after it finishes. When Drydock's own wait times out it deletes the Job (propagation Background).
 *
 * <p>Settings: {@code context} (required: a git URL, or a path the builder image can read), {@code dockerfile}
 * (default {@code Dockerfile}), {@code kind} ({@code buildah}, the default, or {@code kaniko}), {@code image} (the
 * builder image; default {@value #BUILDAH_IMAGE} or {@value #KANIKO_IMAGE}), {@code namespace} (default: the client's),
 * {@code serviceAccount}, {@code secretName} (a {@code kubernetes.io/dockerconfigjson} Secret with push credentials),
 * {@code baseArg} (the build argument for the base, default {@code BASE_IMAGE}), {@code privileged} (default true for
 * buildah, which needs it in most clusters, false for kaniko), {@code pollMillis} (default 2000).
 */
public final class KubernetesJobBuild implements RebuildStrategy {
    public static final String BUILDAH_IMAGE = "quay.io/buildah/stable:v1.37";
    public static final String KANIKO_IMAGE = "gcr.io/kaniko-project/executor:v1.23.2";
    public static final String REQUEST_LABEL = "drydock.io/request-id";
    public static final String REQUEST_ANNOTATION = "drydock.io/request-id";
    static final String NAME_PREFIX = "drydock-rebuild-";
    static final int TTL_AFTER_FINISHED = 3600;
    private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
    private static final String BUILDAH_SCRIPT = "buildah bud --isolation chroot --build-arg \"$1\" -f \"$2\" -t \"$3\" \"$4\""
            + " && buildah push \"$3\"";

    private final KubernetesClient client;
    private final Function<ImageReference, Optional<Digest>> digests;

    public KubernetesJobBuild(KubernetesClient client, RegistryClient registry) {
        this(client, ref -> registry.head(ref).map(Descriptor::digest));
    }

    /** @param digests the digest a tag points to now (empty when it does not exist) */
    public KubernetesJobBuild(KubernetesClient client, Function<ImageReference, Optional<Digest>> digests) {
        this.client = client;
        this.digests = digests;
    }

    @Override
    public String name() {
        return "kubernetes-job";
    }

    /** The Job's name for a request: stable, so a retry finds it. */
    public static String jobName(String requestId) {
        return NAME_PREFIX + CiHttp.shortHash(requestId, 10);
    }

    /** The request id as a label value: itself when it is one, else {@code sha256-} and 56 hex characters of its hash. */
    public static String requestLabel(String requestId) {
        return requestId.length() <= 63 && LABEL_VALUE.matcher(requestId).matches()
                ? requestId : "sha256-" + CiHttp.shortHash(requestId, 56);
    }

    @Override
    public RebuildResult rebuild(RebuildRequest request) {
        long deadline = System.nanoTime() + request.timeout().toNanos();
        Settings s = settings(request);
        String name = jobName(request.requestId());
        String where = s.namespace + "/" + name;
        Resource<Job> job = client.batch().v1().jobs().inNamespace(s.namespace).withName(name);

        Job existing = call(request, "read Job " + where, job::get);
        if (existing != null) {
            String owner = annotation(existing, REQUEST_ANNOTATION);
            if (owner != null && !owner.equals(request.requestId())) {
                throw fail(request, "Job " + where + " exists but belongs to request " + owner);
            }
            if (condition(existing, "Failed").isPresent()) {
                call(request, "delete the failed Job " + where, () -> job.withPropagationPolicy(DeletionPropagation.BACKGROUND).delete());
                awaitGone(request, job, where, deadline, s.poll);
                existing = null;
            }
        }
        boolean followed = existing != null;
        Optional<Digest> before;
        if (followed) {
            before = Optional.ofNullable(request.image().digest());
        } else {
            before = CiHttp.targetDigest(name(), request, digests);
            Job created = build(request, s, name);
            try {
                client.batch().v1().jobs().inNamespace(s.namespace).resource(created).create();
            } catch (KubernetesClientException e) {
                // Another Drydock process created it between the read and now: follow that one.
                if (e.getCode() != 409) throw fail(request, "cannot create Job " + where + ": " + e.getMessage(), e);
                followed = true;
            }
        }

        String last = "not started";
        while (true) {
            Job now = call(request, "read Job " + where, job::get);
            if (now == null) throw fail(request, "Job " + where + " was deleted before it finished");
            if (condition(now, "Complete").isPresent()) break;
            Optional<JobCondition> failed = condition(now, "Failed");
            if (failed.isPresent()) {
                JobCondition c = failed.get();
                throw fail(request, "Job " + where + " failed: " + c.getReason()
                        + (c.getMessage() == null || c.getMessage().isBlank() ? "" : " (" + c.getMessage() + ")") + podDetail(s, name));
            }
            last = now.getStatus() == null ? "no status yet" : "active " + orZero(now.getStatus().getActive())
                    + ", failed " + orZero(now.getStatus().getFailed());
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                String deleted;
                try {
                    job.withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
                    deleted = "the Job was deleted";
                } catch (KubernetesClientException e) {
                    deleted = "deleting the Job failed: " + e.getMessage();
                }
                throw fail(request, "Job " + where + " did not finish within " + CiHttp.human(request.timeout()) + " (" + last
                        + "); " + deleted);
            }
            try {
                Thread.sleep(Duration.ofNanos(Math.min(s.poll.toNanos(), left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw fail(request, "interrupted while following Job " + where);
            }
        }

        Digest digest = CiHttp.moved(name(), request, digests, before);
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("job", where);
        facts.put("builder", s.kind);
        facts.put("requestId", request.requestId());
        facts.put("followedExisting", String.valueOf(followed));
        before.ifPresent(d -> facts.put("previousDigest", d.toString()));
        return new RebuildResult(digest, request.target(), "kubernetes Job " + where + " (" + s.kind + ") pushed "
                + request.target() + " as " + digest, facts);
    }

    // ------------------------------------------------------------------ the Job

    private record Settings(String namespace, String kind, String image, String context, String dockerfile,
                            String serviceAccount, String secretName, String baseArg, boolean privileged, Duration poll) {}

    private Settings settings(RebuildRequest request) {
        JsonNode n = request.settings();
        String kind = text(n, "kind", "buildah");
        if (!kind.equals("buildah") && !kind.equals("kaniko")) {
            throw fail(request, "settings.kind must be buildah or kaniko, not " + kind);
        }
        String context = text(n, "context", null);
        if (context == null) throw fail(request, "settings.context is missing (a git URL or a path the builder can read)");
        String namespace = text(n, "namespace", client.getNamespace() == null ? "default" : client.getNamespace());
        long poll = n.path("pollMillis").asLong(2000);
        if (poll <= 0) throw fail(request, "settings.pollMillis must be a positive number");
        boolean privileged = n.has("privileged") ? n.path("privileged").asBoolean() : kind.equals("buildah");
        return new Settings(namespace, kind, text(n, "image", kind.equals("buildah") ? BUILDAH_IMAGE : KANIKO_IMAGE), context,
                text(n, "dockerfile", "Dockerfile"), text(n, "serviceAccount", null), text(n, "secretName", null),
                text(n, "baseArg", "BASE_IMAGE"), privileged, Duration.ofMillis(poll));
    }

    private static String text(JsonNode n, String key, String fallback) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() || v.asText().isBlank() ? fallback : v.asText().trim();
    }

    private Job build(RebuildRequest request, Settings s, String name) {
        String base = CiHttp.pinned(request.newBase());
        String target = request.target().toString();
        String buildArg = s.baseArg + "=" + base;
        ContainerBuilder container = new ContainerBuilder().withName("build").withImage(s.image);
        List<EnvVar> env = new ArrayList<>();
        String authDir;
        if (s.kind.equals("buildah")) {
            // The values are positional parameters of the script, so no quoting of theirs can change the command.
            container.withCommand("/bin/sh", "-c").withArgs(BUILDAH_SCRIPT, "drydock-build", buildArg, s.dockerfile, target, s.context);
            authDir = "/drydock/auth";
            env.add(new EnvVar("REGISTRY_AUTH_FILE", authDir + "/config.json", null));
        } else {
            container.withArgs("--dockerfile=" + s.dockerfile, "--context=" + s.context, "--destination=" + target,
                    "--build-arg=" + buildArg);
            authDir = "/kaniko/.docker";
        }
        env.add(new EnvVar("DRYDOCK_REQUEST_ID", request.requestId(), null));
        container.withEnv(env);
        if (s.privileged) container.withNewSecurityContext().withPrivileged(true).endSecurityContext();

        PodSpecBuilder pod = new PodSpecBuilder().withRestartPolicy("Never");
        if (s.serviceAccount != null) pod.withServiceAccountName(s.serviceAccount);
        if (s.secretName != null) {
            container.addToVolumeMounts(new VolumeMountBuilder().withName("push-credentials").withMountPath(authDir).withReadOnly(true).build());
            pod.addToVolumes(new VolumeBuilder().withName("push-credentials").withNewSecret().withSecretName(s.secretName)
                    .addNewItem().withKey(".dockerconfigjson").withPath("config.json").endItem().endSecret().build());
        }
        pod.withContainers(container.build());

        Map<String, String> labels = Map.of(REQUEST_LABEL, requestLabel(request.requestId()), "app.kubernetes.io/managed-by", "drydock");
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(REQUEST_ANNOTATION, request.requestId());
        annotations.put("drydock.io/image", request.image().toString());
        annotations.put("drydock.io/new-base", base);
        annotations.put("drydock.io/target", target);
        long deadlineSeconds = Math.max(1, (request.timeout().toMillis() + 999) / 1000);
        return new JobBuilder()
                .withNewMetadata().withName(name).withNamespace(s.namespace).withLabels(labels).withAnnotations(annotations).endMetadata()
                .withNewSpec().withBackoffLimit(0).withActiveDeadlineSeconds(deadlineSeconds).withTtlSecondsAfterFinished(TTL_AFTER_FINISHED)
                .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata().withSpec(pod.build()).endTemplate()
                .endSpec().build();
    }

    // ------------------------------------------------------------------ following it

    private static Optional<JobCondition> condition(Job job, String type) {
        if (job.getStatus() == null || job.getStatus().getConditions() == null) return Optional.empty();
        return job.getStatus().getConditions().stream()
                .filter(c -> type.equals(c.getType()) && "True".equalsIgnoreCase(c.getStatus())).findFirst();
    }

    private static String annotation(Job job, String key) {
        Map<String, String> a = job.getMetadata() == null ? null : job.getMetadata().getAnnotations();
        return a == null ? null : a.get(key);
    }

    private static int orZero(Integer i) {
        return i == null ? 0 : i;
    }

    /** Why the build container stopped, from the Job's pods (best effort: the Job's own reason is reported anyway). */
    private String podDetail(Settings s, String jobName) {
        try {
            List<String> out = new ArrayList<>();
            for (Pod p : client.pods().inNamespace(s.namespace).withLabel("job-name", jobName).list().getItems()) {
                if (p.getStatus() == null || p.getStatus().getContainerStatuses() == null) continue;
                for (ContainerStatus cs : p.getStatus().getContainerStatuses()) {
                    var t = cs.getState() == null ? null : cs.getState().getTerminated();
                    if (t == null || t.getExitCode() == null || t.getExitCode() == 0) continue;
                    String msg = t.getMessage() == null || t.getMessage().isBlank() ? "" : ": " + t.getMessage().strip();
                    out.add("pod " + p.getMetadata().getName() + " container " + cs.getName() + " exited with " + t.getExitCode()
                            + (t.getReason() == null ? "" : " (" + t.getReason() + ")") + msg);
                }
            }
            return out.isEmpty() ? "" : "; " + String.join("; ", out);
        } catch (KubernetesClientException e) {
            return "";
        }
    }

    private void awaitGone(RebuildRequest request, Resource<Job> job, String where, long deadline, Duration poll) {
        while (call(request, "read Job " + where, job::get) != null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) throw fail(request, "the failed Job " + where + " of an earlier attempt was not deleted in time");
            try {
                Thread.sleep(Duration.ofNanos(Math.min(poll.toNanos(), left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw fail(request, "interrupted while waiting for Job " + where + " to be deleted");
            }
        }
    }

    private <T> T call(RebuildRequest request, String what, java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (KubernetesClientException e) {
            // the client reports an interrupt during a request as a failed request; it is the process going away
            if (Thread.currentThread().isInterrupted() || hasCause(e, InterruptedException.class)) {
                Thread.currentThread().interrupt();
                throw fail(request, "interrupted while trying to " + what, e);
            }
            throw fail(request, "cannot " + what + ": " + e.getMessage(), e);
        }
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private DrydockException fail(RebuildRequest request, String what) {
        return new DrydockException(name() + " rebuild of " + request.image() + ": " + what);
    }

    private DrydockException fail(RebuildRequest request, String what, Throwable cause) {
        return new DrydockException(name() + " rebuild of " + request.image() + ": " + what, cause);
    }
}
