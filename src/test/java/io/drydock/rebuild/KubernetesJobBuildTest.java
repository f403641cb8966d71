package io.drydock.rebuild;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.image.Digest;
import io.drydock.image.ImageReference;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.ScalableResource;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.api.model.batch.v1.JobList;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The Job strategy against fabric8's mock API server in CRUD mode. The test plays the Job controller: once the Job
 * exists it writes the status the controller would (conditions, counts) through the status subresource, and "pushes"
 * the image by moving the target's digest in a fake registry.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesJobBuildTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String NS = "builds";
    static final Digest OLD = Digest.parse("sha256:" + "1".repeat(64));
    static final Digest NEW = Digest.parse("sha256:" + "2".repeat(64));
    static final Digest BASE = Digest.parse("sha256:" + "b".repeat(64));
    static final ImageReference IMAGE = ImageReference.parse("registry.example/shop/app:1").withDigest(OLD);
    static final ImageReference NEW_BASE = ImageReference.parse("registry.example/base/debian:12").withDigest(BASE);
    static final ImageReference TARGET = ImageReference.parse("registry.example/shop/app:1-rebuilt");

    KubernetesClient client;
    final Map<String, Digest> registry = new ConcurrentHashMap<>(Map.of(TARGET.toString(), OLD));

    KubernetesJobBuild strategy() {
        return new KubernetesJobBuild(client, ref -> Optional.ofNullable(registry.get(ref.toString())));
    }

    NonNamespaceOperation<Job, JobList, ScalableResource<Job>> jobs() {
        return client.batch().v1().jobs().inNamespace(NS);
    }

    static ObjectNode settings(Object... keyValues) {
        ObjectNode n = JSON.createObjectNode().put("namespace", NS).put("context", "https://git.example/shop/app.git#main")
                .put("pollMillis", 20);
        for (int i = 0; i < keyValues.length; i += 2) n.set((String) keyValues[i], JSON.valueToTree(keyValues[i + 1]));
        return n;
    }

    static RebuildRequest request(String requestId, ObjectNode settings, Duration timeout) {
        return new RebuildRequest(IMAGE, ImageReference.parse("registry.example/base/debian:12"), NEW_BASE, TARGET, settings, requestId, timeout);
    }

    /** Plays the Job controller: waits for the Job, then changes its status like the controller does. */
    CompletableFuture<Job> controller(String jobName, Consumer<Job> act) {
        return CompletableFuture.supplyAsync(() -> {
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < until) {
                Job job = jobs().withName(jobName).get();
                if (job != null) {
                    act.accept(job);
                    return job;
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            throw new AssertionError("the Job " + jobName + " was never created");
        });
    }

    /** Success the way the Job controller writes it (1.31+: SuccessCriteriaMet, then Complete). */
    void complete(Job job) {
        registry.put(TARGET.toString(), NEW);
        String now = Instant.now().toString();
        job.setStatus(new JobStatusBuilder().withStartTime(now).withCompletionTime(now).withSucceeded(1).withActive(0)
                .withConditions(condition("SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods"),
                        condition("Complete", "CompletionsReached", "Reached expected number of succeeded pods"))
                .build());
        jobs().resource(job).updateStatus();
    }

    void fail(Job job) {
        String now = Instant.now().toString();
        client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName(job.getMetadata().getName() + "-x7k2p")
                .addToLabels("job-name", job.getMetadata().getName()).addToLabels("batch.kubernetes.io/job-name", job.getMetadata().getName())
                .endMetadata().withNewStatus().withPhase("Failed").addNewContainerStatus().withName("build").withNewState().withNewTerminated()
                .withExitCode(125).withReason("Error").withMessage("error building at STEP \"RUN make\": exit status 2")
                .endTerminated().endState().endContainerStatus().endStatus().build()).create();
        job.setStatus(new JobStatusBuilder().withStartTime(now).withFailed(1).withActive(0)
                .withConditions(condition("FailureTarget", "BackoffLimitExceeded", "Job has reached the specified backoff limit"),
                        condition("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit"))
                .build());
        jobs().resource(job).updateStatus();
    }

    static JobCondition condition(String type, String reason, String message) {
        String now = Instant.now().toString();
        return new JobConditionBuilder().withType(type).withStatus("True").withReason(reason).withMessage(message)
                .withLastProbeTime(now).withLastTransitionTime(now).build();
    }

    @Test
    void aBuildahJobIsCreatedWithTheNewBaseAndFollowedToCompletion() {
        String name = KubernetesJobBuild.jobName("req-k8s-1");
        CompletableFuture<Job> controller = controller(name, this::complete);

        RebuildResult result = strategy().rebuild(request("req-k8s-1", settings("serviceAccount", "builder", "secretName", "push-creds",
                "dockerfile", "build/Containerfile"), Duration.ofMinutes(10)));
        controller.join();

        assertThat(result.digest()).isEqualTo(NEW);
        assertThat(result.pushed()).isEqualTo(TARGET);
        assertThat(result.facts()).containsEntry("job", NS + "/" + name).containsEntry("builder", "buildah")
                .containsEntry("followedExisting", "false").containsEntry("previousDigest", OLD.toString());

        Job job = jobs().withName(name).get();
        assertThat(name).startsWith("drydock-rebuild-").hasSize("drydock-rebuild-".length() + 10);
        assertThat(job.getMetadata().getLabels()).containsEntry(KubernetesJobBuild.REQUEST_LABEL, "req-k8s-1")
                .containsEntry("app.kubernetes.io/managed-by", "drydock");
        assertThat(job.getMetadata().getAnnotations()).containsEntry(KubernetesJobBuild.REQUEST_ANNOTATION, "req-k8s-1")
                .containsEntry("drydock.io/new-base", "registry.example/base/debian@" + BASE)
                .containsEntry("drydock.io/target", TARGET.toString());
        assertThat(job.getSpec().getBackoffLimit()).isZero();
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(600L);
        assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(3600);
        assertThat(job.getSpec().getTemplate().getMetadata().getLabels()).containsEntry(KubernetesJobBuild.REQUEST_LABEL, "req-k8s-1");
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        assertThat(pod.getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getServiceAccountName()).isEqualTo("builder");
        Container c = pod.getContainers().get(0);
        assertThat(c.getImage()).isEqualTo(KubernetesJobBuild.BUILDAH_IMAGE);
        assertThat(c.getCommand()).containsExactly("/bin/sh", "-c");
        assertThat(c.getArgs().get(0)).startsWith("buildah bud --isolation chroot --build-arg \"$1\" -f \"$2\" -t \"$3\" \"$4\"")
                .endsWith("&& buildah push \"$3\"");
        assertThat(c.getArgs().subList(1, c.getArgs().size())).containsExactly("drydock-build",
                "BASE_IMAGE=registry.example/base/debian@" + BASE, "build/Containerfile", TARGET.toString(),
                "https://git.example/shop/app.git#main");
        assertThat(c.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("REGISTRY_AUTH_FILE");
            assertThat(e.getValue()).isEqualTo("/drydock/auth/config.json");
        });
        assertThat(c.getVolumeMounts()).singleElement().satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/drydock/auth"));
        assertThat(pod.getVolumes()).singleElement().satisfies(v -> {
            assertThat(v.getSecret().getSecretName()).isEqualTo("push-creds");
            assertThat(v.getSecret().getItems().get(0).getKey()).isEqualTo(".dockerconfigjson");
            assertThat(v.getSecret().getItems().get(0).getPath()).isEqualTo("config.json");
        });
        assertThat(c.getSecurityContext().getPrivileged()).isTrue();
    }

    @Test
    void aSecondCallWithTheSameRequestFollowsTheExistingJob() {
        String name = KubernetesJobBuild.jobName("req-k8s-again");
        CompletableFuture<Job> controller = controller(name, this::complete);
        strategy().rebuild(request("req-k8s-again", settings(), Duration.ofMinutes(10)));
        controller.join();
        String uid = jobs().withName(name).get().getMetadata().getUid();

        RebuildResult again = strategy().rebuild(request("req-k8s-again", settings(), Duration.ofMinutes(10)));

        assertThat(again.digest()).isEqualTo(NEW);
        assertThat(again.facts()).containsEntry("followedExisting", "true");
        assertThat(jobs().list().getItems()).singleElement().satisfies(j -> assertThat(j.getMetadata().getUid()).isEqualTo(uid));
    }

    @Test
    void aRetryFollowsTheRunningJobThatAnInterruptedAttemptLeft() throws Exception {
        String name = KubernetesJobBuild.jobName("req-k8s-running");
        // The first attempt creates the Job and is interrupted (its process going away) while the Job runs.
        java.util.concurrent.atomic.AtomicReference<Throwable> firstError = new java.util.concurrent.atomic.AtomicReference<>();
        Thread first = new Thread(() -> {
            try {
                strategy().rebuild(request("req-k8s-running", settings(), Duration.ofMinutes(10)));
            } catch (RuntimeException e) {
                firstError.set(e);
            }
        });
        first.start();
        String uid = controller(name, job -> {
            job.setStatus(new JobStatusBuilder().withStartTime(Instant.now().toString()).withActive(1).build());
            jobs().resource(job).updateStatus();
        }).join().getMetadata().getUid();
        first.interrupt();
        first.join(5000);
        assertThat(firstError.get()).hasMessageContaining("interrupted");
        assertThat(jobs().withName(name).get()).as("an interrupted attempt leaves the Job running").isNotNull();

        CompletableFuture<Job> finish = CompletableFuture.supplyAsync(() -> {
            sleep(150);
            Job j = jobs().withName(name).get();
            complete(j);
            return j;
        });
        RebuildResult result = strategy().rebuild(request("req-k8s-running", settings(), Duration.ofMinutes(10)));
        finish.join();

        assertThat(result.digest()).isEqualTo(NEW);
        assertThat(result.facts()).containsEntry("followedExisting", "true");
        assertThat(jobs().list().getItems()).singleElement().satisfies(j -> assertThat(j.getMetadata().getUid()).isEqualTo(uid));
    }

    @Test
    void kanikoGetsItsFlagsAndImage() {
        String name = KubernetesJobBuild.jobName("req-kaniko");
        CompletableFuture<Job> controller = controller(name, this::complete);
        RebuildResult result = strategy().rebuild(request("req-kaniko", settings("kind", "kaniko", "secretName", "push-creds"),
                Duration.ofSeconds(90)));
        controller.join();

        assertThat(result.facts()).containsEntry("builder", "kaniko");
        Job job = jobs().withName(name).get();
        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(90L);
        Container c = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getImage()).isEqualTo(KubernetesJobBuild.KANIKO_IMAGE);
        assertThat(c.getCommand()).isEmpty();
        assertThat(c.getArgs()).containsExactly("--dockerfile=Dockerfile", "--context=https://git.example/shop/app.git#main",
                "--destination=" + TARGET, "--build-arg=BASE_IMAGE=registry.example/base/debian@" + BASE);
        assertThat(c.getVolumeMounts()).singleElement().satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/kaniko/.docker"));
        assertThat(c.getSecurityContext()).isNull();
    }

    @Test
    void aFailedJobGivesItsReasonAndWhyTheContainerStopped() {
        String name = KubernetesJobBuild.jobName("req-k8s-fail");
        CompletableFuture<Job> controller = controller(name, this::fail);
        assertThatThrownBy(() -> strategy().rebuild(request("req-k8s-fail", settings(), Duration.ofMinutes(10))))
                .hasMessageContaining("kubernetes-job rebuild of " + IMAGE)
                .hasMessageContaining("Job " + NS + "/" + name + " failed: BackoffLimitExceeded (Job has reached the specified backoff limit)")
                .hasMessageContaining("container build exited with 125 (Error): error building at STEP \"RUN make\": exit status 2");
        controller.join();
        assertThat(registry.get(TARGET.toString())).isEqualTo(OLD);
    }

    @Test
    void aRetryAfterAFailedJobReplacesIt() {
        String name = KubernetesJobBuild.jobName("req-k8s-refail");
        CompletableFuture<Job> first = controller(name, this::fail);
        assertThatThrownBy(() -> strategy().rebuild(request("req-k8s-refail", settings(), Duration.ofMinutes(10))))
                .hasMessageContaining("BackoffLimitExceeded");
        String failedUid = first.join().getMetadata().getUid();

        CompletableFuture<Job> second = CompletableFuture.supplyAsync(() -> {
            // Wait until the failed Job is replaced by a new one, then complete that.
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < until) {
                Job j = jobs().withName(name).get();
                if (j != null && !failedUid.equals(j.getMetadata().getUid())) {
                    complete(j);
                    return j;
                }
                sleep(10);
            }
            throw new AssertionError("no new Job");
        });
        RebuildResult result = strategy().rebuild(request("req-k8s-refail", settings(), Duration.ofMinutes(10)));
        second.join();

        assertThat(result.digest()).isEqualTo(NEW);
        assertThat(result.facts()).containsEntry("followedExisting", "false");
        assertThat(jobs().list().getItems()).singleElement()
                .satisfies(j -> assertThat(j.getMetadata().getUid()).isNotEqualTo(failedUid));
    }

    @Test
    void aTimeoutDeletesTheJob() {
        String name = KubernetesJobBuild.jobName("req-k8s-slow");
        CompletableFuture<Job> controller = controller(name, job -> {
            try {
                job.setStatus(new JobStatusBuilder().withStartTime(Instant.now().toString()).withActive(1).build());
                jobs().resource(job).updateStatus();
            } catch (RuntimeException e) {
                // on a slow machine Drydock may have timed out and deleted the Job already
            }
        });
        assertThatThrownBy(() -> strategy().rebuild(request("req-k8s-slow", settings(), Duration.ofMillis(700))))
                .hasMessageContaining("Job " + NS + "/" + name + " did not finish within 700 ms")
                .hasMessageContaining("the Job was deleted");
        controller.join();
        assertThat(jobs().withName(name).get()).isNull();
    }

    @Test
    void aCompleteJobThatDidNotMoveTheTargetIsAnError() {
        String name = KubernetesJobBuild.jobName("req-k8s-nopush");
        CompletableFuture<Job> controller = controller(name, job -> {
            complete(job);
            registry.put(TARGET.toString(), OLD);
        });
        assertThatThrownBy(() -> strategy().rebuild(request("req-k8s-nopush", settings(), Duration.ofMinutes(10))))
                .hasMessageContaining(TARGET + " still points to " + OLD);
        controller.join();
    }

    @Test
    void longRequestIdsAreHashedIntoTheLabelAndKeptInTheAnnotation() {
        String id = "registry.example/shop/app@" + OLD + "+" + BASE;
        assertThat(KubernetesJobBuild.requestLabel(id)).hasSize(63).startsWith("sha256-").matches("[a-z0-9-]+");
        assertThat(KubernetesJobBuild.requestLabel(id)).isEqualTo(KubernetesJobBuild.requestLabel(id));
        assertThat(KubernetesJobBuild.jobName(id)).isEqualTo(KubernetesJobBuild.jobName(id)).isNotEqualTo(KubernetesJobBuild.jobName(id + "x"));

        CompletableFuture<Job> controller = controller(KubernetesJobBuild.jobName(id), this::complete);
        strategy().rebuild(request(id, settings(), Duration.ofMinutes(1)));
        Job job = controller.join();
        assertThat(job.getMetadata().getLabels()).containsEntry(KubernetesJobBuild.REQUEST_LABEL, KubernetesJobBuild.requestLabel(id));
        assertThat(job.getMetadata().getAnnotations()).containsEntry(KubernetesJobBuild.REQUEST_ANNOTATION, id);
    }

    @Test
    void missingContextOrAnUnknownKindCreatesNothing() {
        ObjectNode noContext = settings();
        noContext.remove("context");
        assertThatThrownBy(() -> strategy().rebuild(request("req-bad", noContext, Duration.ofMinutes(1))))
                .hasMessageContaining("settings.context is missing");
        assertThatThrownBy(() -> strategy().rebuild(request("req-bad", settings("kind", "docker"), Duration.ofMinutes(1))))
                .hasMessageContaining("settings.kind must be buildah or kaniko, not docker");
        assertThat(jobs().list().getItems()).isEmpty();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
