package io.drydock.policy;

import io.drydock.freshness.EolData;
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
 * @param eol the end-of-life status of the image's OS and runtimes, for {@code denyEolOs} and {@code denyEolRuntime};
 *     null when not gathered
 * @param baseChain what the image is known to be built on, for {@code allowedBases}; null when not gathered
 */
public record PolicyInput(ScanReport report, List<Package> packages, Map<String, String> labels, String user,
                          Instant baseCreated, String baseUnknownWhy, String imageDigest, EolFacts eol, BaseChain baseChain) {

    public PolicyInput {
        Objects.requireNonNull(report, "report");
        packages = List.copyOf(packages);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** Without end-of-life facts or a base chain: the rules that need them fail for want of them. */
    public PolicyInput(ScanReport report, List<Package> packages, Map<String, String> labels, String user,
                       Instant baseCreated, String baseUnknownWhy, String imageDigest) {
        this(report, packages, labels, user, baseCreated, baseUnknownWhy, imageDigest, null, null);
    }

    public PolicyInput withEol(EolFacts facts) {
        return new PolicyInput(report, packages, labels, user, baseCreated, baseUnknownWhy, imageDigest, facts, baseChain);
    }

    public PolicyInput withBaseChain(BaseChain chain) {
        return new PolicyInput(report, packages, labels, user, baseCreated, baseUnknownWhy, imageDigest, eol, chain);
    }

    /**
     * What the end-of-life data says about the image's OS release and runtimes.
     *
     * @param os null when the image has no recognised OS release
     */
    public record EolFacts(EolData.Answer os, List<RuntimeEol> runtimes) {
        public EolFacts {
            runtimes = List.copyOf(runtimes);
        }
    }

    /** A runtime the image contains ({@code java 17.0.9}), what shows it, and its line's end-of-life status. */
    public record RuntimeEol(String name, String version, String evidence, EolData.Answer answer) {
    }

    /**
     * The bases an image is known to be built on, nearest first: the scan's base, its lineage ancestors, and the
     * approved base whose layers are the image's leading layers.
     *
     * @param notes what could not be checked (an unreachable catalogue base, an unreadable store), for the verdict
     */
    public record BaseChain(List<Link> links, List<String> notes) {
        public BaseChain {
            links = List.copyOf(links);
            notes = List.copyOf(notes);
        }
    }

    /**
     * One base in the chain.
     *
     * @param digest the base's digest when known, else null
     * @param how the evidence, for people: {@code annotation}, {@code lineage of X}, {@code layer prefix (3 layers)}
     */
    public record Link(String reference, String digest, String how) {
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
