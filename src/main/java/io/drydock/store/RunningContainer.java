package io.drydock.store;

import java.time.Instant;

/**
 * A container seen running in the cluster, with the workload at the top of its pod's owners.
 *
 * @param workloadKind Deployment, StatefulSet, DaemonSet, CronJob, Job, ReplicaSet…, or Pod when nothing owns it
 * @param digest the image's manifest digest from {@code status.containerStatuses[].imageID}; null until known
 */
public record RunningContainer(String namespace, String pod, String container, String workloadKind, String workloadName,
        String image, String digest, Instant seenAt) {
    public String workload() {
        return workloadKind + "/" + namespace + "/" + workloadName;
    }
}
