package io.drydock.scan;

import java.util.List;

/**
 * What to do about an image's findings: how many are the base image's, how many a rebuild on the base's current
 * digest would fix (null when that could not be checked, with the reason in {@code rebuildNote}), and the package
 * upgrades the application needs.
 */
public record Remediation(int baseFindings, Integer fixedByRebuild, String currentBaseDigest, String rebuildNote,
                          int applicationFindings, List<Upgrades.Upgrade> applicationUpgrades,
                          List<Upgrades.Upgrade> baseUpgrades) {
    public Remediation {
        applicationUpgrades = List.copyOf(applicationUpgrades);
        baseUpgrades = List.copyOf(baseUpgrades);
    }
}
