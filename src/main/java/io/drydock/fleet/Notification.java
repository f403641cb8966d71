package io.drydock.fleet;

import java.util.List;

/**
 * A new finding worth telling people about (docs/notifications.md documents the JSON): the vulnerability, the image,
 * the workloads running it, and what fixes it.
 *
 * @param delivery a stable id: the same finding in the same image is the same delivery, however often it is sent,
 *     so a receiver can drop repeats (at-least-once delivery across restarts can repeat one)
 * @param origin {@code base} when the base image's publisher fixes it (rebuild on a newer base), else {@code application}
 * @param fixedVersions versions of {@code pkg} that fix it; empty when none is known yet
 * @param remedy one sentence: what to do
 */
public record Notification(String delivery, String vulnId, String severity, String summary, String image, String digest, String pkg,
        String version, String origin, List<String> fixedVersions, String remedy, List<Workload> workloads, String detectedAt) {
    public Notification {
        fixedVersions = List.copyOf(fixedVersions);
        workloads = List.copyOf(workloads);
    }

    /** A workload that runs the image: the top owner of its pods. */
    public record Workload(String kind, String namespace, String name) {
        @Override
        public String toString() {
            return kind + "/" + namespace + "/" + name;
        }
    }

    public String headline() {
        return vulnId + " (" + severity + ") in " + pkg + " " + version + " of " + image
                + (workloads.isEmpty() ? "" : ", running in " + workloads.stream().map(Workload::toString).toList());
    }
}
