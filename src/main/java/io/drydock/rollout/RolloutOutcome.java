package io.drydock.rollout;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How one workload's rollout ended.
 *
 * @param previousImages container name to the image it ran before the rollout (what a rollback restores), in pod
 *                       spec order; empty when nothing was patched or the images were already the target and no
 *                       earlier Drydock rollout recorded them
 * @param newImage       the image rolled out (or that was to be)
 * @param reason         why it ended this way: the rollout status message when ROLLED_OUT, the failure (progress
 *                       deadline, crash loop, timeout) when ROLLED_BACK, the failure and why the rollback did not
 *                       complete when ROLLBACK_FAILED, why nothing was done when NOT_APPLICABLE or REFUSED
 * @param took           from the call to its end, by the executor's clock
 */
public record RolloutOutcome(State state, WorkloadRef workload, Map<String, String> previousImages, String newImage,
                             String reason, Duration took) {
    public enum State {
        /** the new image is running: the rollout completed (a CronJob: its next Job uses it) */
        ROLLED_OUT,
        /** the rollout failed or its pods crash-looped; the previous images are back and running */
        ROLLED_BACK,
        /** the rollout failed and the rollback did not complete either: someone has to look */
        ROLLBACK_FAILED,
        /** no container of the workload uses the repository; nothing patched */
        NOT_APPLICABLE,
        /** the workload cannot be rolled out and watched (OnDelete update strategy, paused); nothing patched */
        REFUSED
    }

    public RolloutOutcome {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(took, "took");
        previousImages = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(previousImages, "previousImages")));
    }
}
