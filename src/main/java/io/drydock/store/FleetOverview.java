package io.drydock.store;

/** The whole fleet at a glance: images, running workloads, and the findings of every image's last match summed. */
public record FleetOverview(long images, long matchedImages, long workloads, long runningContainers, FindingCounts findings) {
}
