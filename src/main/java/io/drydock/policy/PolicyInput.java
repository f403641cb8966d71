package io.drydock.policy;

import io.drydock.inventory.Component;
import io.drydock.inventory.InstalledPackage;
import io.drydock.inventory.Inventory;
import io.drydock.scan.BaseImage;
import io.drydock.scan.Origin;
import io.drydock.scan.ScanReport;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a policy judges about one image, gathered by the caller so that evaluation does no I/O.
 *
 * @param report the scan, run without filters or suppressions: the policy decides what counts
 * @param packages every package installed, for {@code bannedPackages}; the report only names vulnerable ones
 * @param labels the image config's labels
 * @param user the image config's {@code User}, null when unset
 * @param baseCreated when the base image was built (its config's {@code created}), null when that is not known
 * @param baseUnknownWhy why {@code baseCreated} is not known, for the verdict; null when it is, or when there is
 *     nothing more to say than "base image unknown"
 * @param imageDigest the image manifest's digest
 */
public record PolicyInput(ScanReport report, List<Package> packages, Map<String, String> labels, String user,
                          Instant baseCreated, String baseUnknownWhy, String imageDigest) {

    public PolicyInput {
        Objects.requireNonNull(report, "report");
        packages = List.copyOf(packages);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** An installed package, once per purl and origin however many paths it was found at. */
    public record Package(String purl, String name, String version, Origin origin) {
    }

    /**
     * The inventory's packages, each attributed to the base image or the application the way the scanner attributes
     * findings: by whether the layer that installed it is one of the base's.
     */
    public static List<Package> packagesOf(Inventory inventory, BaseImage base) {
        Map<String, Package> unique = new LinkedHashMap<>();
        for (Component c : inventory.components()) {
            Origin origin = base != null && c.layer() != null && c.layer().index() < base.layers() ? Origin.BASE : Origin.APPLICATION;
            InstalledPackage p = c.pkg();
            unique.putIfAbsent(c.purl() + '\u0000' + origin, new Package(c.purl(), displayName(p), p.version(), origin));
        }
        return List.copyOf(unique.values());
    }

    /** As people write the package: Maven's group:artifact, npm's @scope/name, an OS package's own name. */
    private static String displayName(InstalledPackage p) {
        if (p.namespace() == null || p.namespace().isEmpty() || p.isOsPackage()) {
            return p.name();
        }
        return switch (p.type()) {
            case "maven" -> p.namespace() + ":" + p.name();
            case "npm" -> "@" + p.namespace() + "/" + p.name();
            default -> p.namespace() + "/" + p.name();
        };
    }
}
