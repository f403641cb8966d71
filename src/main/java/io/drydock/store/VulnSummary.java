package io.drydock.store;

/** One vulnerability across the fleet: how many images it hits, how many of those have a fix, and whose it is. */
public record VulnSummary(String vulnId, String severity, int images, int fixable, int inBase, int inApplication) {
}
