package io.drydock.inventory.lang;

import io.drydock.inventory.lang.ArchiveContents.PomCoordinates;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Decides which Maven packages one Java archive stands for.
 *
 * <ol>
 *   <li>Every {@code pom.properties} is a package: a shaded jar carries one for each library folded into it.</li>
 *   <li>One of them is the archive itself when it matches the file name or the manifest; that one gets the
 *       archive's SHA-1, the others are marked {@code embedded}. A single pom.properties is the archive unless the
 *       file name names another artifact.</li>
 *   <li>When no pom.properties is the archive, the manifest ({@code Implementation-*}, {@code Bundle-*},
 *       {@code Automatic-Module-Name}) and then the file name identify it.</li>
 * </ol>
 * Where pom.properties and the manifest disagree, pom.properties wins: Maven writes it from the coordinates the
 * artifact was deployed under, while manifests are written by hand or by plugins, often with display names
 * ("Apache Commons Lang") or OSGi versions ({@code 31.1.0.jre}) that match no advisory.
 */
final class JavaArchiveIdentity {
    static final String TYPE = "maven";
    static final String SOURCE_POM = "pom.properties";
    static final String SOURCE_MANIFEST = "manifest";
    static final String SOURCE_FILENAME = "filename";

    private JavaArchiveIdentity() {
    }

    static void addPackages(ArchiveContents archive, Findings findings) {
        if (!archive.zip()) {
            return;
        }
        Optional<JarFileName> fileName = JarFileName.parse(archive.fileName());
        Map<String, String> manifest = archive.manifest();
        PomCoordinates self = archiveItself(archive.poms(), fileName, manifest);
        for (PomCoordinates pom : archive.poms()) {
            boolean isSelf = pom == self;
            findings.add(TYPE, pom.groupId(), pom.artifactId(), pom.version(),
                    isSelf ? licenses(manifest) : List.of(), archive.location(),
                    properties(archive, SOURCE_POM, isSelf, !isSelf));
        }
        if (self == null) {
            fallbackIdentity(manifest, fileName).ifPresent(id -> findings.add(TYPE, id.groupId(), id.artifactId(),
                    id.version(), licenses(manifest), archive.location(),
                    properties(archive, id.source(), true, false)));
        }
    }

    private static Map<String, String> properties(ArchiveContents archive, String source, boolean isSelf,
                                                  boolean embedded) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("source", source);
        properties.put("sha1", isSelf ? archive.sha1() : null);
        properties.put("embedded", embedded ? "true" : null);
        properties.put("partial", archive.partial() ? "true" : null);
        return properties;
    }

    /** The pom.properties that describes the archive itself rather than a library shaded into it, if any. */
    private static PomCoordinates archiveItself(List<PomCoordinates> poms, Optional<JarFileName> fileName,
                                                Map<String, String> manifest) {
        for (PomCoordinates pom : poms) {
            if (fileName.isPresent() && fileName.get().artifact().equalsIgnoreCase(pom.artifactId())) {
                return pom;
            }
        }
        for (PomCoordinates pom : poms) {
            if (fileName.isPresent() && looselyNamedBy(fileName.get(), pom) || namedByManifest(manifest, pom)) {
                return pom;
            }
        }
        // A renamed file (app.jar) says nothing against its one pom.properties; manifests name bundles in too many
        // styles (org.apache.logging.log4j.core for log4j-core) to count as evidence against it.
        return poms.size() == 1 && fileName.isEmpty() ? poms.get(0) : null;
    }

    /**
     * Same version, and one name contains the other: Gradle's shadow plugin names the file after the project
     * ({@code beam-vendor-guava-26_0-jre-0.1.jar}) and the pom.properties after the module ({@code guava-26_0-jre}).
     */
    private static boolean looselyNamedBy(JarFileName fileName, PomCoordinates pom) {
        String file = fileName.artifact().toLowerCase(Locale.ROOT);
        String artifact = pom.artifactId().toLowerCase(Locale.ROOT);
        return fileName.version().equals(pom.version()) && (file.contains(artifact) || artifact.contains(file));
    }

    private static boolean namedByManifest(Map<String, String> manifest, PomCoordinates pom) {
        String qualified = pom.groupId() + "." + pom.artifactId();
        for (String attribute : List.of("Bundle-SymbolicName", "Automatic-Module-Name", "Implementation-Title")) {
            String value = bareValue(manifest.get(attribute));
            if (value != null && (value.equalsIgnoreCase(pom.artifactId()) || value.equalsIgnoreCase(qualified))) {
                return true;
            }
        }
        return false;
    }

    private record Fallback(String groupId, String artifactId, String version, String source) {
    }

    /**
     * Identity from the manifest when it states a version, named after the file's artifact part (usually the Maven
     * artifactId) or else the manifest's own names; from the file name alone when the manifest has no version.
     */
    private static Optional<Fallback> fallbackIdentity(Map<String, String> manifest, Optional<JarFileName> fileName) {
        String version = firstOf(manifest, "Implementation-Version", "Bundle-Version");
        if (version != null) {
            String name = fileName.map(JarFileName::artifact).orElseGet(() -> manifestName(manifest));
            if (name != null) {
                return Optional.of(new Fallback(manifest.get("Implementation-Vendor-Id"), name, version,
                        SOURCE_MANIFEST));
            }
        }
        return fileName.map(f -> new Fallback(null, f.artifact(), f.version(), SOURCE_FILENAME));
    }

    private static String manifestName(Map<String, String> manifest) {
        return firstOf(manifest, "Bundle-SymbolicName", "Automatic-Module-Name", "Implementation-Title");
    }

    private static String firstOf(Map<String, String> manifest, String... attributes) {
        for (String attribute : attributes) {
            String value = bareValue(manifest.get(attribute));
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    /** The value without OSGi directives: {@code org.foo.bar;singleton:=true} is {@code org.foo.bar}. */
    private static String bareValue(String value) {
        if (value == null) {
            return null;
        }
        int semicolon = value.indexOf(';');
        String bare = (semicolon < 0 ? value : value.substring(0, semicolon)).strip();
        return bare.isEmpty() ? null : bare;
    }

    /** {@code Bundle-License}, the one license statement a manifest has a standard place for. */
    private static List<String> licenses(Map<String, String> manifest) {
        List<String> licenses = new ArrayList<>();
        String value = bareValue(manifest.get("Bundle-License"));
        if (value != null) {
            licenses.add(value);
        }
        return licenses;
    }
}
