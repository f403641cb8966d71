package io.drydock.inventory;

import java.util.List;
import java.util.Map;

/**
 * One package an analyzer found in a layer, before the image-wide merge adds the layer
 * attribution and the purl.
 *
 * @param type         the purl type: deb, apk, rpm, maven, npm, pypi, golang, cargo, gem, nuget, composer
 * @param namespace    purl namespace: Maven groupId, npm scope without '@', Go module path up to the
 *                     last '/', null when the ecosystem has none
 * @param name         package name as the ecosystem spells it (binary package name for OS packages)
 * @param version      full version string, exactly as installed (dpkg: with epoch and revision; rpm:
 *                     epoch:version-release with the epoch only when set)
 * @param arch         architecture for OS packages, else null
 * @param sourceName   source package (dpkg Source:, apk origin, rpm source rpm name); for other
 *                     ecosystems null
 * @param sourceVersion version of the source package, which for dpkg can differ from the binary's
 * @param licenses     license names or SPDX expressions as declared
 * @param locations    paths (relative to the image root) of the files the package was read from:
 *                     the package database, the jar, the package.json
 * @param ownedFiles   files the package installed (OS packages), relative paths; may be empty
 * @param properties   analyzer-specific facts worth keeping: "sha1" of a jar, "goVersion", "epoch", …
 */
public record InstalledPackage(String type, String namespace, String name, String version, String arch,
                               String sourceName, String sourceVersion, List<String> licenses, List<String> locations,
                               List<String> ownedFiles, Map<String, String> properties) {
    public InstalledPackage {
        licenses = licenses == null ? List.of() : List.copyOf(licenses);
        locations = locations == null ? List.of() : List.copyOf(locations);
        ownedFiles = ownedFiles == null ? List.of() : List.copyOf(ownedFiles);
        properties = properties == null ? Map.of() : Map.copyOf(properties);
    }

    public boolean isOsPackage() {
        return type.equals("deb") || type.equals("apk") || type.equals("rpm");
    }
}
