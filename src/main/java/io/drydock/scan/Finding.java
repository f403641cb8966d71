package io.drydock.scan;

import io.drydock.layer.LayerInfo;
import java.util.List;

/**
 * One vulnerability in one installed package: every advisory that names the same flaw (CVE, GHSA, DSA…) merged,
 * and every path the same package version was found at in the same part of the image.
 *
 * @param id the id shown and gated on: the CVE when the advisories name one, else the first advisory's id
 * @param aliases every other id of the same flaw, sorted
 * @param advisories the advisory records that matched, sorted
 * @param pkg the package as installed
 * @param matchedAs what was looked up: the distribution's source package for OS packages
 * @param status {@code fixed} (a fixed version exists), {@code unfixed}, or a distribution state such as
 *     {@code no-dsa}, {@code postponed}, {@code end-of-life}, {@code ignored}
 * @param fixedVersions the versions that fix it for this package, from the ranges that matched
 * @param severity the rating: the vendor's when the data has one, else from CVSS
 * @param severitySource where the rating came from, e.g. {@code GHSA-… database_specific.severity} or
 *     {@code CVE-… severity[0] CVSS_V3}
 * @param cvssScore the highest-version CVSS base score found, null when none
 * @param cvssVector its vector
 * @param layer the layer that installed the package
 * @param why how the installed version fell into the advisory's data
 */
public record Finding(
        String id,
        List<String> aliases,
        List<String> advisories,
        FoundPackage pkg,
        MatchedAs matchedAs,
        String status,
        List<String> fixedVersions,
        Rating severity,
        String severitySource,
        Double cvssScore,
        String cvssVector,
        String summary,
        LayerInfo layer,
        Origin origin,
        String why) {

    public Finding {
        aliases = List.copyOf(aliases);
        advisories = List.copyOf(advisories);
        fixedVersions = List.copyOf(fixedVersions);
    }

    /** The package as the inventory found it: purl, type, names, version, and the paths it was read from. */
    public record FoundPackage(String purl, String type, String name, String version, List<String> paths, String ownedBy) {
        public FoundPackage {
            paths = List.copyOf(paths);
        }
    }

    /** The advisory DB key the package was looked up under. */
    public record MatchedAs(String ecosystem, String release, String name, String version) {
    }

    /** Every id the finding is known by: its own, its aliases and its advisories. */
    public List<String> allIds() {
        java.util.LinkedHashSet<String> ids = new java.util.LinkedHashSet<>();
        ids.add(id);
        ids.addAll(aliases);
        ids.addAll(advisories);
        return List.copyOf(ids);
    }

    /**
     * The flaw in a package, whatever its version and path: what a newer base either still has or not, so the key
     * under which an image's base findings are compared with a new base's.
     */
    public String flawKey() {
        return pkg.type() + '\u0000' + pkg.name() + '\u0000' + id;
    }

    public boolean isFixable() {
        return !fixedVersions.isEmpty();
    }

    public Finding withOrigin(Origin o) {
        return new Finding(id, aliases, advisories, pkg, matchedAs, status, fixedVersions, severity, severitySource,
                cvssScore, cvssVector, summary, layer, o, why);
    }
}
