package io.drydock.scan;

import java.util.List;

/**
 * What to do about an image's findings: how many are the base image's, how many a rebuild on the base's current
 * digest would fix (null when that could not be checked, with the reason in {@code rebuildNote}), and the package
 * upgrades the application needs. {@code currentBaseCreated} is the image config's {@code created} of the base's
 * current digest, when it was looked up (a registry does not say when a tag moved; this says when the newer base
 * was built).
 */
public record Remediation(int baseFindings, Integer fixedByRebuild, String currentBaseDigest, String rebuildNote,
                          int applicationFindings, List<Upgrades.Upgrade> applicationUpgrades,
                          List<Upgrades.Upgrade> baseUpgrades, String currentBaseCreated) {
    public Remediation {
        applicationUpgrades = List.copyOf(applicationUpgrades);
        baseUpgrades = List.copyOf(baseUpgrades);
    }

    /** Without the current base's creation time. */
    public Remediation(int baseFindings, Integer fixedByRebuild, String currentBaseDigest, String rebuildNote,
                       int applicationFindings, List<Upgrades.Upgrade> applicationUpgrades, List<Upgrades.Upgrade> baseUpgrades) {
        this(baseFindings, fixedByRebuild, currentBaseDigest, rebuildNote, applicationFindings, applicationUpgrades, baseUpgrades, null);
    }
}
