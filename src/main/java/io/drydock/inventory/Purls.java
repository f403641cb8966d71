package io.drydock.inventory;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;

import java.util.Locale;
import java.util.TreeMap;

/** Package URLs as the purl spec and the scanners' conventions spell them. */
public final class Purls {
    private Purls() {
    }

    public static String of(InstalledPackage p, OsRelease os) {
        TreeMap<String, String> q = new TreeMap<>();
        String namespace = p.namespace();
        String name = p.name();
        switch (p.type()) {
            case "deb", "apk", "rpm" -> {
                namespace = os == null ? (p.type().equals("deb") ? "debian" : p.type().equals("apk") ? "alpine" : "redhat") : os.id();
                if (p.arch() != null && !p.arch().isEmpty()) q.put("arch", p.arch());
                if (os != null) q.put("distro", os.id() + "-" + os.versionId());
                if (p.sourceName() != null && !p.sourceName().equals(p.name())) {
                    q.put("upstream", p.sourceName() + (p.sourceVersion() != null ? "@" + p.sourceVersion() : ""));
                }
                String epoch = p.properties().get("epoch");
                if (epoch != null && !epoch.isEmpty()) q.put("epoch", epoch);
            }
            case "pypi" -> name = name.toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-");
            // The purl spec (and OSV, Trivy, Syft) keep the '@' of an npm scope in the namespace.
            case "npm" -> namespace = namespace == null || namespace.isEmpty() || namespace.startsWith("@") ? namespace : "@" + namespace;
            default -> {
            }
        }
        try {
            // A Go main module built from a checkout has no version, only "(devel)".
            String version = p.type().equals("golang") && "(devel)".equals(p.version()) ? null : p.version();
            return new PackageURL(p.type(), namespace == null || namespace.isEmpty() ? null : namespace, name, version,
                    q.isEmpty() ? null : q, null).canonicalize();
        } catch (MalformedPackageURLException e) {
            // A name the purl spec cannot express still needs an identity; keep it recognisable.
            return "pkg:" + p.type() + "/" + (namespace == null ? "" : namespace + "/") + name + "@" + p.version();
        }
    }
}
