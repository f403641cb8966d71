package io.drydock.inventory.lang;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one Java archive (top-level or nested) revealed about its identity.
 *
 * @param location  the archive's path in the image, nested archives as {@code outer.jar!/BOOT-INF/lib/inner.jar}
 * @param poms      every {@code META-INF/maven/**}{@code /pom.properties}, in archive order
 * @param manifest  main attributes of {@code META-INF/MANIFEST.MF}; empty when there is none
 * @param sha1      of the archive's bytes, or null when they were not all read
 * @param partial   whether some of the archive's content was not inventoried (read stopped, nested archive not opened)
 * @param zip       false when the file turned out not to be a zip archive at all, whatever its name says
 */
record ArchiveContents(String location, List<PomCoordinates> poms, Map<String, String> manifest, String sha1,
                       boolean partial, boolean zip) {

    ArchiveContents {
        poms = List.copyOf(poms);
        manifest = Map.copyOf(manifest);
    }

    String fileName() {
        return JavaArchives.fileName(location);
    }

    /** groupId, artifactId and version from one pom.properties. */
    record PomCoordinates(String groupId, String artifactId, String version) {
    }

    /** Filled in while the archive streams past; built once it ends, or once reading it stops. */
    static final class Builder {
        private final String location;
        private final List<PomCoordinates> poms = new ArrayList<>();
        private Map<String, String> manifest = Map.of();
        private boolean partial;
        private boolean zip = true;

        Builder(String location) {
            this.location = location;
        }

        String location() {
            return location;
        }

        void addPom(PomCoordinates pom) {
            poms.add(pom);
        }

        void manifest(Map<String, String> attributes) {
            manifest = attributes;
        }

        void markPartial() {
            partial = true;
        }

        void markNotAnArchive() {
            zip = false;
        }

        ArchiveContents build(String sha1) {
            return new ArchiveContents(location, poms, manifest, sha1, partial || sha1 == null, zip);
        }
    }
}
