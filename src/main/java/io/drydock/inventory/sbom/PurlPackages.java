package io.drydock.inventory.sbom;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import io.drydock.inventory.InstalledPackage;
import io.drydock.inventory.OsRelease;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Packages from SBOMs other tools wrote (Syft, Trivy, cdxgen): the purl is the one identity they all share, so it
 * decides type, namespace, name and version; the scanners' own properties add what a purl may lack, the source
 * package above all, since distributions file advisories under source packages. The result follows the
 * conventions of Drydock's analyzers ({@link InstalledPackage}), so matching cannot tell where a package came from.
 */
final class PurlPackages {
    static final String TRIVY = "aquasecurity:trivy:";
    private static final Pattern DISTRO = Pattern.compile("(.+)-(\\d[^-]*)");
    private static final Pattern SOURCE_RPM = Pattern.compile("(.+)-([^-]+)-([^-]+)\\.(?:no)?src\\.rpm");

    /**
     * Trivy names distributions by its own family names where os-release has other IDs; advisories are looked up
     * by the os-release ID.
     */
    private static final Map<String, String> OS_ID_ALIASES = Map.of(
            "redhat", "rhel",
            "alma", "almalinux",
            "oracle", "ol",
            "amazon", "amzn",
            "opensuse.leap", "opensuse-leap",
            "opensuse.tumbleweed", "opensuse-tumbleweed",
            "suse linux enterprise server", "sles");

    private PurlPackages() {
    }

    private record SourcePackage(String name, String version) {
    }

    /** A package read from a purl, and the distribution its {@code distro} qualifier names, or null. */
    record FromPurl(InstalledPackage pkg, OsRelease distro) {
    }

    static PackageURL parse(String purl, String component, SbomInput input) {
        try {
            return new PackageURL(purl);
        } catch (MalformedPackageURLException | RuntimeException e) {
            throw input.error(component + " has a malformed purl '" + purl + "': " + e.getMessage());
        }
    }

    /** Purls of the image itself (Trivy and Syft put one on the container), not of a package in it. */
    static boolean namesAnImage(PackageURL purl) {
        return purl.getType().equals("oci") || purl.getType().equals("docker");
    }

    static boolean isOsType(String type) {
        return type.equals("deb") || type.equals("apk") || type.equals("rpm");
    }

    /**
     * The package, or null when neither the purl nor the document gives a version: such a package cannot be matched.
     *
     * @param declaredVersion the document's own version field, used when the purl has none
     * @param properties      the component's properties by name (CycloneDX), or what was recovered from annotations (SPDX)
     */
    static FromPurl toPackage(PackageURL purl, String declaredVersion, Map<String, List<String>> properties, List<String> licenses,
                              List<String> locations, String sha1) {
        String type = purl.getType();
        Map<String, String> q = purl.getQualifiers() == null ? Map.of() : purl.getQualifiers();
        String version = purl.getVersion() != null ? purl.getVersion() : declaredVersion;
        if (version == null) {
            // Drydock's Go analyzer spells a main module built from a checkout this way, and its purl has no version either.
            if (!type.equals("golang")) return null;
            version = "(devel)";
        }
        String namespace = purl.getNamespace();
        Map<String, String> props = new TreeMap<>();
        if (sha1 != null) props.put("sha1", sha1);
        if (!isOsType(type)) {
            // InstalledPackage keeps an npm scope without its '@'; Purls puts it back.
            if (type.equals("npm") && namespace != null && namespace.startsWith("@")) namespace = namespace.substring(1);
            return new FromPurl(new InstalledPackage(type, namespace, purl.getName(), version, null, null, null, licenses, locations,
                    List.of(), props), null);
        }
        // Drydock's OS packages carry the epoch in the version; Trivy (and Syft for rpm) move it to a qualifier.
        String epoch = blankToNull(q.get("epoch"));
        if (epoch != null && !version.startsWith(epoch + ":")) version = epoch + ":" + version;
        if (type.equals("rpm") && epoch != null) props.put("epoch", epoch);
        SourcePackage source = source(type, purl.getName(), version, epoch, q.get("upstream"), properties);
        // The namespace of an OS package's purl is the distribution, which Drydock takes from the inventory's OS.
        InstalledPackage pkg = new InstalledPackage(type, null, purl.getName(), version, blankToNull(q.get("arch")), source.name(), source.version(),
                licenses, locations, List.of(), props);
        return new FromPurl(pkg, distro(q.get("distro")));
    }

    /**
     * {name, version} of the source package. Trivy's properties split the version into epoch, version and release;
     * Syft's give name and version; a purl's {@code upstream} is {@code name}, {@code name@version}, or for rpm the
     * source rpm's file name. Without any of these, a deb or apk package is its own source at its own version, as
     * dpkg and apk record it; an rpm's source stays unknown, as Drydock's rpm analyzer leaves it.
     */
    private static SourcePackage source(String type, String name, String version, String epoch, String upstream, Map<String, List<String>> properties) {
        String ownVersion = type.equals("rpm") ? null : version;
        String trivyName = first(properties, TRIVY + "SrcName");
        if (trivyName != null) {
            String v = first(properties, TRIVY + "SrcVersion");
            if (v == null) return new SourcePackage(trivyName, ownVersion);
            String srcEpoch = first(properties, TRIVY + "SrcEpoch");
            String release = first(properties, TRIVY + "SrcRelease");
            return new SourcePackage(trivyName, (srcEpoch != null && !srcEpoch.equals("0") ? srcEpoch + ":" : "") + v
                    + (release != null ? "-" + release : ""));
        }
        String syftName = first(properties, type.equals("apk") ? "syft:metadata:originPackage" : "syft:metadata:source");
        if (syftName != null) {
            String v = first(properties, "syft:metadata:sourceVersion");
            return new SourcePackage(syftName, v != null ? v : ownVersion);
        }
        upstream = blankToNull(upstream);
        if (upstream != null && type.equals("rpm")) {
            Matcher m = SOURCE_RPM.matcher(upstream);
            // A source rpm's file name has no epoch; its binaries share the spec's epoch.
            if (m.matches()) return new SourcePackage(m.group(1), (epoch == null ? "" : epoch + ":") + m.group(2) + "-" + m.group(3));
            return new SourcePackage(upstream, null);
        }
        if (upstream != null) {
            int at = upstream.indexOf('@');
            return at < 0 ? new SourcePackage(upstream, ownVersion) : new SourcePackage(upstream.substring(0, at), upstream.substring(at + 1));
        }
        return type.equals("rpm") ? new SourcePackage(null, null) : new SourcePackage(name, version);
    }

    /** {@code debian-12}, {@code alpine-3.20.3}, {@code redhat-9.4}; null for a bare codename such as {@code bookworm}. */
    static OsRelease distro(String qualifier) {
        if (qualifier == null) return null;
        Matcher m = DISTRO.matcher(qualifier.trim());
        return m.matches() ? new OsRelease(osId(m.group(1)), m.group(2), null, null) : null;
    }

    /** The os-release ID for a distribution name as an SBOM tool spells it. */
    static String osId(String name) {
        String id = name.trim().toLowerCase(Locale.ROOT);
        return OS_ID_ALIASES.getOrDefault(id, id);
    }

    static String first(Map<String, List<String>> properties, String name) {
        List<String> values = properties.get(name);
        return values == null || values.isEmpty() ? null : blankToNull(values.get(0));
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
