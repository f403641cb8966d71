package io.drydock.inventory.sbom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.DrydockException;
import io.drydock.inventory.AnalysisWarning;
import io.drydock.inventory.Component;
import io.drydock.inventory.InstalledPackage;
import io.drydock.inventory.Inventory;
import io.drydock.inventory.OsRelease;
import io.drydock.inventory.Purls;
import io.drydock.layer.LayerInfo;
import org.cyclonedx.Version;
import org.cyclonedx.parsers.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SbomReaderTest {
    static final OsRelease DEBIAN = new OsRelease("debian", "12", "Debian GNU/Linux 12 (bookworm)", "bookworm");
    static final LayerInfo BASE = new LayerInfo(0, "sha256:4fbec69b941195fd56f8212a5000e304129451d82efca94ff0e0fb2d5355472e",
            "sha256:d45fe94714c2649d9d1bfbce7cc2a04c14cc51a207c716e6e8949a8cc58032e1", "# debian.sh --arch 'amd64' out/ 'bookworm' '@1714953600'");
    static final LayerInfo APT = new LayerInfo(1, "sha256:77ea7eee3d80b1a38f83906dd3048e2689457eb90e18a7d12f839c5ae37106a2",
            "sha256:0697c0f434f8672811eb1b52d443d0d4cb616fa58e4d10b25e91471b7f45a665",
            "RUN /bin/sh -c apt-get update && apt-get install -y liblog4j2-java=2.19.0-2 # \"buildkit\"");
    // A layer whose config has neither a diffID nor history: both stay null through the round trip.
    static final LayerInfo APP = new LayerInfo(2, "sha256:95cf1a2e1698fe3ca1fcc3f653119146b271d0b62e487ec264441e886a11bd06", null, null);

    static InstalledPackage pkg(String type, String namespace, String name, String version, String arch, String sourceName,
                                String sourceVersion, List<String> licenses, List<String> locations, List<String> ownedFiles,
                                Map<String, String> properties) {
        return new InstalledPackage(type, namespace, name, version, arch, sourceName, sourceVersion, licenses, locations, ownedFiles, properties);
    }

    static Component component(InstalledPackage p, LayerInfo layer, String ownedBy) {
        return new Component(p, Purls.of(p, DEBIAN), layer, ownedBy);
    }

    /** An image with every shape a component can take: what the round trips must keep. */
    static Inventory sample() {
        List<Component> cs = new ArrayList<>();
        // A binary whose source package has another name and, without the epoch, another version.
        cs.add(component(pkg("deb", null, "bsdutils", "1:2.38.1-5+deb12u1", "amd64", "util-linux", "2.38.1-5+deb12u1",
                List.of("GPL-2.0+", "BSD-4-clause"), List.of("var/lib/dpkg/status"), List.of("usr/bin/logger"), Map.of()), BASE, null));
        Component log4jDeb = component(pkg("deb", null, "liblog4j2-java", "2.19.0-2", "all", "apache-log4j2", "2.19.0-2",
                List.of("Apache-2.0"), List.of("var/lib/dpkg/status"), List.of("usr/share/java/log4j-core-2.19.0.jar"),
                Map.of("dpkgStatus", "half-configured")), APT, null);
        cs.add(log4jDeb);
        cs.add(component(pkg("maven", "org.apache.logging.log4j", "log4j-core", "2.19.0", null, null, null, List.of("Apache-2.0"),
                List.of("usr/share/java/log4j-core-2.19.0.jar"), List.of(),
                Map.of("sha1", "215d8557fe405bb789bbbc3c5163282b93ef045a", "source", "pom.properties")), APT, log4jDeb.purl()));
        cs.add(component(pkg("npm", "angular", "core", "17.3.0", null, null, null, List.of("MIT"),
                List.of("app/node_modules/@angular/core/package.json"), List.of(), Map.of()), APP, null));
        // The same purl at two paths: CycloneDX gives the second a suffixed bom-ref.
        cs.add(component(pkg("npm", null, "lodash", "4.17.15", null, null, null, List.of(), List.of("app/node_modules/lodash/package.json"),
                List.of(), Map.of()), APP, null));
        cs.add(component(pkg("npm", null, "lodash", "4.17.15", null, null, null, List.of(),
                List.of("app/node_modules/express/node_modules/lodash/package.json"), List.of(), Map.of()), APP, null));
        cs.add(component(pkg("golang", "golang.org/x", "net", "v0.23.0", null, null, null, List.of(), List.of("app/bin/server"), List.of(),
                Map.of("sum", "h1:ObrSUJOd3/Zi43UpvGZl0SVzAqyJGIbvJjVd3mIZsJ4=")), APP, null));
        cs.add(component(pkg("golang", "example.com/team", "server", "(devel)", null, null, null, List.of(), List.of("app/bin/server"),
                List.of(), Map.of("goVersion", "go1.22.2", "build.vcs.revision", "3f1c0de")), APP, null));
        return new Inventory("registry.example.com/team/api:1.4.2", "sha256:b29814cf5792e684cd75d6a7fce7a67a11887e312f87ca2ac2496d81f365ff72",
                DEBIAN, List.of(BASE, APT, APP), cs, List.of(new AnalysisWarning("java", "app/broken.jar", "not a zip file (layer x)")));
    }

    // ---- round trips ----

    @Test
    void cycloneDxWrittenByDrydockReadsBackTheSameInventory(@TempDir Path dir) throws Exception {
        Inventory written = sample();
        String json = new CycloneDxWriter().write(written);
        assertThat(new JsonParser().validate(json.getBytes(StandardCharsets.UTF_8), Version.VERSION_16)).as(json).isEmpty();
        Path file = Files.writeString(dir.resolve("bom.cdx.json"), json);

        Inventory read = SbomReader.read(file);

        assertSameInventory(read, written);
        assertThat(read.os().prettyName()).isEqualTo(DEBIAN.prettyName());
    }

    @Test
    void spdxWrittenByDrydockReadsBackTheSameInventory(@TempDir Path dir) throws Exception {
        Inventory written = sample();
        Path file = Files.writeString(dir.resolve("bom.spdx.json"), new SpdxWriter().write(written));

        Inventory read = SbomReader.read(file);

        assertSameInventory(read, written);
        assertThat(read.os()).isEqualTo(DEBIAN);
    }

    @Test
    void anInventoryWithoutOsOrWarningsRoundTripsToo() {
        Inventory written = new Inventory("app", "sha256:" + "0".repeat(64), null, List.of(APP),
                List.of(new Component(pkg("npm", null, "left-pad", "1.3.0", null, null, null, List.of(), List.of(), List.of(), Map.of()),
                        "pkg:npm/left-pad@1.3.0", APP, null)), List.of());
        for (SbomWriter writer : List.of(new CycloneDxWriter(), new SpdxWriter())) {
            Inventory read = SbomReader.read(writer.write(written).getBytes(StandardCharsets.UTF_8), writer.name());
            assertThat(read.os()).as(writer.name()).isNull();
            assertThat(read.complete()).as(writer.name()).isTrue();
            assertSameInventory(read, written);
        }
    }

    static void assertSameInventory(Inventory read, Inventory written) {
        assertThat(read.image()).isEqualTo(written.image());
        assertThat(read.digest()).isEqualTo(written.digest());
        if (written.os() != null) {
            assertThat(read.os().id()).isEqualTo(written.os().id());
            assertThat(read.os().versionId()).isEqualTo(written.os().versionId());
        }
        assertThat(read.layers()).isEqualTo(written.layers());
        assertThat(read.complete()).isEqualTo(written.complete());
        assertThat(read.components()).hasSameSizeAs(written.components());
        for (int i = 0; i < written.components().size(); i++) {
            Component w = written.components().get(i);
            Component r = read.components().get(i);
            // No SBOM format carries an OS package's file list; everything else comes back.
            InstalledPackage expected = pkg(w.pkg().type(), w.pkg().namespace(), w.pkg().name(), w.pkg().version(), w.pkg().arch(),
                    w.pkg().sourceName(), w.pkg().sourceVersion(), w.pkg().licenses(), w.pkg().locations(), List.of(), w.pkg().properties());
            assertThat(r.pkg()).as(w.purl()).isEqualTo(expected);
            assertThat(r.purl()).isEqualTo(w.purl());
            assertThat(r.layer()).as(w.purl()).isEqualTo(w.layer());
            assertThat(r.ownedBy()).as(w.purl()).isEqualTo(w.ownedBy());
        }
    }

    // ---- what the writers produce ----

    @Test
    void spdxOutputIsSpdx23WithTheRequiredFieldsAndMachineReadableAnnotations() throws Exception {
        Inventory inv = sample();
        JsonNode doc = new ObjectMapper().readTree(new SpdxWriter().write(inv));
        assertThat(doc.path("spdxVersion").asText()).isEqualTo("SPDX-2.3");
        assertThat(doc.path("dataLicense").asText()).isEqualTo("CC0-1.0");
        assertThat(doc.path("SPDXID").asText()).isEqualTo("SPDXRef-DOCUMENT");
        assertThat(doc.path("name").asText()).isNotBlank();
        assertThat(doc.path("documentNamespace").asText()).startsWith("https://");
        assertThat(doc.path("creationInfo").path("created").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(doc.path("creationInfo").path("creators")).isNotEmpty();
        Set<String> ids = new HashSet<>();
        for (JsonNode p : doc.path("packages")) {
            for (String field : List.of("SPDXID", "name", "downloadLocation")) assertThat(p.path(field).isTextual()).as(field).isTrue();
            assertThat(ids.add(p.path("SPDXID").asText())).as("SPDXIDs are unique").isTrue();
            assertThat(p.path("annotations")).hasSize(1);
            JsonNode a = p.path("annotations").get(0);
            // Exactly the four fields the SPDX 2.3 schema allows on an annotation, all required.
            assertThat(a.properties()).hasSize(4);
            assertThat(a.path("annotationType").asText()).isEqualTo("OTHER");
            assertThat(a.path("annotationDate").asText()).isEqualTo(doc.path("creationInfo").path("created").asText());
            assertThat(a.path("annotator").asText()).startsWith("Tool: drydock-");
            String comment = a.path("comment").asText();
            assertThat(comment).startsWith("drydock:").doesNotContain("\n");
            assertThat(new ObjectMapper().readTree(comment.substring(comment.indexOf(' ') + 1)).isObject()).isTrue();
        }
        assertThat(doc.path("packages")).hasSize(1 + inv.components().size());
        for (JsonNode r : doc.path("relationships")) assertThat(ids).contains(r.path("relatedSpdxElement").asText());
        // The human-readable facts stay where they were.
        JsonNode jar = doc.path("packages").get(3);
        assertThat(jar.path("comment").asText()).isEqualTo("declared licenses: Apache-2.0; layer 1 " + APT.digest());
        assertThat(doc.path("packages").get(1).path("sourceInfo").asText()).isEqualTo("source package util-linux 2.38.1-5+deb12u1");
    }

    // ---- other tools' SBOMs ----

    static final String SYFT_CYCLONEDX = """
            {
              "$schema": "http://cyclonedx.org/schema/bom-1.5.schema.json",
              "bomFormat": "CycloneDX",
              "specVersion": "1.5",
              "serialNumber": "urn:uuid:4a5a4b8e-5a0e-4c3e-9a5e-2f1b7b8c1d2e",
              "version": 1,
              "metadata": {
                "timestamp": "2024-10-01T09:12:44Z",
                "tools": {"components": [{"type": "application", "author": "anchore", "name": "syft", "version": "1.14.0"}]},
                "component": {
                  "bom-ref": "8c5a23d1e0a0b6ce",
                  "type": "container",
                  "name": "registry.example.com/team/api:1.4.2",
                  "version": "sha256:04baf4d02dbea14a34514ab500086a54e6a8a766c345777f8645558e82ae7c5b"
                }
              },
              "components": [
                {
                  "bom-ref": "pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&upstream=glibc&distro=debian-12&package-id=1f0e0b4f",
                  "type": "library",
                  "publisher": "GNU Libc Maintainers <debian-glibc@lists.debian.org>",
                  "name": "libc6",
                  "version": "2.36-9+deb12u4",
                  "licenses": [{"license": {"id": "GPL-2.0-only"}}, {"license": {"name": "LGPL-2.1+"}}],
                  "cpe": "cpe:2.3:a:libc6:libc6:2.36-9\\\\+deb12u4:*:*:*:*:*:*:*",
                  "purl": "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&upstream=glibc&distro=debian-12",
                  "properties": [
                    {"name": "syft:package:foundBy", "value": "dpkg-db-cataloger"},
                    {"name": "syft:package:type", "value": "deb"},
                    {"name": "syft:location:0:layerID", "value": "sha256:d45fe94714c2649d9d1bfbce7cc2a04c14cc51a207c716e6e8949a8cc58032e1"},
                    {"name": "syft:location:0:path", "value": "/var/lib/dpkg/status"},
                    {"name": "syft:location:1:path", "value": "/usr/share/doc/libc6/copyright"},
                    {"name": "syft:metadata:installedSize", "value": "12985"}
                  ]
                },
                {
                  "bom-ref": "pkg:deb/debian/bsdutils@1:2.38.1-5+deb12u1?arch=amd64&upstream=util-linux%402.38.1-5%2Bdeb12u1&distro=debian-12&package-id=9a1d",
                  "type": "library",
                  "name": "bsdutils",
                  "version": "1:2.38.1-5+deb12u1",
                  "purl": "pkg:deb/debian/bsdutils@1%3A2.38.1-5%2Bdeb12u1?arch=amd64&upstream=util-linux%402.38.1-5%2Bdeb12u1&distro=debian-12",
                  "properties": [
                    {"name": "syft:package:type", "value": "deb"},
                    {"name": "syft:location:0:path", "value": "/var/lib/dpkg/status"},
                    {"name": "syft:metadata:source", "value": "util-linux"},
                    {"name": "syft:metadata:sourceVersion", "value": "2.38.1-5+deb12u1"}
                  ]
                },
                {
                  "bom-ref": "pkg:npm/%40angular/core@17.3.0?package-id=77ab",
                  "type": "library",
                  "author": "angular",
                  "name": "@angular/core",
                  "version": "17.3.0",
                  "licenses": [{"expression": "MIT"}],
                  "purl": "pkg:npm/%40angular/core@17.3.0",
                  "properties": [
                    {"name": "syft:package:language", "value": "javascript"},
                    {"name": "syft:package:type", "value": "npm"},
                    {"name": "syft:location:0:path", "value": "/app/node_modules/@angular/core/package.json"}
                  ]
                },
                {
                  "bom-ref": "pkg:golang/golang.org/x/net@v0.23.0?package-id=3c1b",
                  "type": "library",
                  "name": "golang.org/x/net",
                  "version": "v0.23.0",
                  "purl": "pkg:golang/golang.org/x/net@v0.23.0",
                  "properties": [
                    {"name": "syft:package:type", "value": "go-module"},
                    {"name": "syft:location:0:path", "value": "/app/bin/server"}
                  ]
                },
                {
                  "bom-ref": "8a1e3f0c0a9b2d41",
                  "type": "library",
                  "name": "vendored-zlib",
                  "version": "1.3.1"
                },
                {
                  "bom-ref": "os:debian@12",
                  "type": "operating-system",
                  "name": "debian",
                  "version": "12",
                  "description": "Debian GNU/Linux 12 (bookworm)",
                  "swid": {"tagId": "debian", "name": "debian", "version": "12"},
                  "externalReferences": [{"url": "https://bugs.debian.org/", "type": "issue-tracker"}, {"url": "https://www.debian.org/", "type": "website"}],
                  "properties": [
                    {"name": "syft:distro:id", "value": "debian"},
                    {"name": "syft:distro:prettyName", "value": "Debian GNU/Linux 12 (bookworm)"},
                    {"name": "syft:distro:versionCodename", "value": "bookworm"},
                    {"name": "syft:distro:versionID", "value": "12"}
                  ]
                },
                {
                  "bom-ref": "3f0d2a6b9c1e7a55",
                  "type": "file",
                  "name": "/etc/passwd",
                  "hashes": [{"alg": "SHA-1", "content": "2a1fd6d6e2e6b1f6a84c5b1b0ed3f4d2b1c8e9a0"}]
                }
              ],
              "dependencies": [
                {"ref": "pkg:deb/debian/bsdutils@1:2.38.1-5+deb12u1?arch=amd64&upstream=util-linux%402.38.1-5%2Bdeb12u1&distro=debian-12&package-id=9a1d",
                 "dependsOn": ["pkg:deb/debian/libc6@2.36-9+deb12u4?arch=amd64&upstream=glibc&distro=debian-12&package-id=1f0e0b4f"]}
              ]
            }
            """;

    @Test
    void syftCycloneDxIsReadFromPurlsAndSyftProperties(@TempDir Path dir) throws Exception {
        for (Version version : List.of(Version.VERSION_14, Version.VERSION_15, Version.VERSION_16)) {
            String json = SYFT_CYCLONEDX.replace("1.5", version.getVersionString());
            if (version == Version.VERSION_14) json = json.replace("\"tools\": {\"components\": [{\"type\": \"application\", \"author\": \"anchore\", ",
                    "\"tools\": [{\"vendor\": \"anchore\", ").replace("\"version\": \"1.14.0\"}]}", "\"version\": \"1.14.0\"}]");
            assertThat(new JsonParser().validate(json.getBytes(StandardCharsets.UTF_8), version)).as("the fixture is valid " + version).isEmpty();
            Inventory inv = SbomReader.read(Files.writeString(dir.resolve("syft.cdx.json"), json));

            assertThat(inv.image()).isEqualTo("registry.example.com/team/api:1.4.2");
            assertThat(inv.digest()).isEqualTo("sha256:04baf4d02dbea14a34514ab500086a54e6a8a766c345777f8645558e82ae7c5b");
            assertThat(inv.os()).isEqualTo(new OsRelease("debian", "12", "Debian GNU/Linux 12 (bookworm)", "bookworm"));
            assertThat(inv.layers()).containsExactly(new LayerInfo(0, "unknown", null, null));
            assertThat(inv.components()).extracting(c -> c.pkg().name()).containsExactly("libc6", "bsdutils", "core", "net");
            assertThat(inv.components()).allMatch(c -> c.layer().equals(inv.layers().get(0)) && c.ownedBy() == null);

            InstalledPackage libc = inv.components().get(0).pkg();
            assertThat(libc).isEqualTo(pkg("deb", null, "libc6", "2.36-9+deb12u4", "amd64", "glibc", "2.36-9+deb12u4",
                    List.of("GPL-2.0-only", "LGPL-2.1+"), List.of("var/lib/dpkg/status", "usr/share/doc/libc6/copyright"), List.of(), Map.of()));
            assertThat(inv.components().get(0).purl()).isEqualTo("pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&upstream=glibc&distro=debian-12");
            InstalledPackage bsdutils = inv.components().get(1).pkg();
            assertThat(bsdutils.version()).isEqualTo("1:2.38.1-5+deb12u1");
            assertThat(bsdutils.sourceName()).isEqualTo("util-linux");
            assertThat(bsdutils.sourceVersion()).isEqualTo("2.38.1-5+deb12u1");
            InstalledPackage angular = inv.components().get(2).pkg();
            assertThat(angular.type()).isEqualTo("npm");
            assertThat(angular.namespace()).as("scope without '@', as the npm analyzer keeps it").isEqualTo("angular");
            assertThat(angular.licenses()).containsExactly("MIT");
            assertThat(angular.locations()).containsExactly("app/node_modules/@angular/core/package.json");
            assertThat(Purls.of(angular, inv.os())).isEqualTo("pkg:npm/%40angular/core@17.3.0");
            InstalledPackage net = inv.components().get(3).pkg();
            assertThat(List.of(net.type(), net.namespace(), net.name(), net.version())).containsExactly("golang", "golang.org/x", "net", "v0.23.0");

            // The purl-less library is named; the file and the OS are not packages and are not counted.
            assertThat(inv.complete()).isFalse();
            assertThat(inv.warnings()).singleElement().satisfies(w -> {
                assertThat(w.path()).isEqualTo(dir.resolve("syft.cdx.json").toString());
                assertThat(w.message()).startsWith("1 package has no purl").contains("vendored-zlib").doesNotContain("passwd");
            });
        }
    }

    static final String TRIVY_CYCLONEDX = """
            {
              "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
              "bomFormat": "CycloneDX",
              "specVersion": "1.6",
              "serialNumber": "urn:uuid:1a2b3c4d-0000-4e5f-8a9b-0c1d2e3f4a5b",
              "version": 1,
              "metadata": {
                "timestamp": "2024-10-01T09:20:03+00:00",
                "tools": {"components": [{"type": "application", "group": "aquasecurity", "name": "trivy", "version": "0.56.1"}]},
                "component": {
                  "bom-ref": "pkg:oci/api@sha256%3A1ff023b5ac2e3d6a5550e2534eb6750e045e53df1bfa1f543b210a5749a132f6?arch=amd64&repository_url=registry.example.com%2Fteam%2Fapi",
                  "type": "container",
                  "name": "registry.example.com/team/api:1.4.2",
                  "purl": "pkg:oci/api@sha256%3A1ff023b5ac2e3d6a5550e2534eb6750e045e53df1bfa1f543b210a5749a132f6?arch=amd64&repository_url=registry.example.com%2Fteam%2Fapi",
                  "properties": [
                    {"name": "aquasecurity:trivy:DiffID", "value": "sha256:d45fe94714c2649d9d1bfbce7cc2a04c14cc51a207c716e6e8949a8cc58032e1"},
                    {"name": "aquasecurity:trivy:RepoDigest", "value": "registry.example.com/team/api@sha256:1ff023b5ac2e3d6a5550e2534eb6750e045e53df1bfa1f543b210a5749a132f6"},
                    {"name": "aquasecurity:trivy:SchemaVersion", "value": "2"}
                  ]
                }
              },
              "components": [
                {
                  "bom-ref": "2c1d5a3e-7f0b-4f7e-9b1e-4a0d3c2b1a09",
                  "type": "operating-system",
                  "name": "debian",
                  "version": "12.7",
                  "properties": [
                    {"name": "aquasecurity:trivy:Class", "value": "os-pkgs"},
                    {"name": "aquasecurity:trivy:Type", "value": "debian"}
                  ]
                },
                {
                  "bom-ref": "pkg:deb/debian/libc6@2.36-9%2Bdeb12u8?arch=amd64&distro=debian-12.7",
                  "type": "library",
                  "supplier": {"name": "GNU Libc Maintainers <debian-glibc@lists.debian.org>"},
                  "name": "libc6",
                  "version": "2.36-9+deb12u8",
                  "licenses": [{"license": {"name": "LGPL-2.1"}}, {"license": {"name": "GPL-2.0"}}],
                  "purl": "pkg:deb/debian/libc6@2.36-9%2Bdeb12u8?arch=amd64&distro=debian-12.7",
                  "properties": [
                    {"name": "aquasecurity:trivy:LayerDiffID", "value": "sha256:d45fe94714c2649d9d1bfbce7cc2a04c14cc51a207c716e6e8949a8cc58032e1"},
                    {"name": "aquasecurity:trivy:PkgID", "value": "libc6@2.36-9+deb12u8"},
                    {"name": "aquasecurity:trivy:PkgType", "value": "debian"},
                    {"name": "aquasecurity:trivy:SrcName", "value": "glibc"},
                    {"name": "aquasecurity:trivy:SrcRelease", "value": "9+deb12u8"},
                    {"name": "aquasecurity:trivy:SrcVersion", "value": "2.36"}
                  ]
                },
                {
                  "bom-ref": "pkg:deb/debian/bsdutils@2.38.1-5%2Bdeb12u1?arch=amd64&distro=debian-12.7&epoch=1",
                  "type": "library",
                  "name": "bsdutils",
                  "version": "1:2.38.1-5+deb12u1",
                  "purl": "pkg:deb/debian/bsdutils@2.38.1-5%2Bdeb12u1?arch=amd64&distro=debian-12.7&epoch=1",
                  "properties": [
                    {"name": "aquasecurity:trivy:PkgType", "value": "debian"},
                    {"name": "aquasecurity:trivy:SrcName", "value": "util-linux"},
                    {"name": "aquasecurity:trivy:SrcRelease", "value": "5+deb12u1"},
                    {"name": "aquasecurity:trivy:SrcVersion", "value": "2.38.1"}
                  ]
                },
                {
                  "bom-ref": "0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f",
                  "type": "application",
                  "name": "app/package-lock.json",
                  "properties": [
                    {"name": "aquasecurity:trivy:Class", "value": "lang-pkgs"},
                    {"name": "aquasecurity:trivy:Type", "value": "npm"}
                  ]
                },
                {
                  "bom-ref": "pkg:npm/lodash@4.17.15",
                  "type": "library",
                  "name": "lodash",
                  "version": "4.17.15",
                  "licenses": [{"license": {"name": "MIT"}}],
                  "purl": "pkg:npm/lodash@4.17.15",
                  "properties": [
                    {"name": "aquasecurity:trivy:FilePath", "value": "app/node_modules/lodash/package.json"},
                    {"name": "aquasecurity:trivy:PkgID", "value": "lodash@4.17.15"},
                    {"name": "aquasecurity:trivy:PkgType", "value": "npm"}
                  ]
                },
                {
                  "bom-ref": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
                  "type": "library",
                  "group": "org.apache.logging.log4j",
                  "name": "log4j-core",
                  "version": "2.14.1",
                  "hashes": [{"alg": "SHA-1", "content": "9141212B8507AB50A45525B545B39D224614528B"}],
                  "purl": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
                  "evidence": {"occurrences": [{"location": "/app/lib/log4j-core-2.14.1.jar"}]}
                }
              ],
              "dependencies": [
                {"ref": "2c1d5a3e-7f0b-4f7e-9b1e-4a0d3c2b1a09", "dependsOn": ["pkg:deb/debian/libc6@2.36-9%2Bdeb12u8?arch=amd64&distro=debian-12.7",
                  "pkg:deb/debian/bsdutils@2.38.1-5%2Bdeb12u1?arch=amd64&distro=debian-12.7&epoch=1"]},
                {"ref": "0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f", "dependsOn": ["pkg:npm/lodash@4.17.15"]}
              ]
            }
            """;

    @Test
    void trivyCycloneDxTakesTheSourcePackageFromTrivysProperties(@TempDir Path dir) throws Exception {
        assertThat(new JsonParser().validate(TRIVY_CYCLONEDX.getBytes(StandardCharsets.UTF_8), Version.VERSION_16)).as("the fixture is valid").isEmpty();
        Inventory inv = SbomReader.read(Files.writeString(dir.resolve("trivy.cdx.json"), TRIVY_CYCLONEDX));

        assertThat(inv.image()).isEqualTo("registry.example.com/team/api:1.4.2");
        assertThat(inv.digest()).as("from the image's oci purl").isEqualTo("sha256:1ff023b5ac2e3d6a5550e2534eb6750e045e53df1bfa1f543b210a5749a132f6");
        assertThat(inv.os().id()).isEqualTo("debian");
        assertThat(inv.os().versionId()).isEqualTo("12.7");
        assertThat(inv.components()).extracting(c -> c.pkg().name()).containsExactly("libc6", "bsdutils", "lodash", "log4j-core");
        assertThat(inv.complete()).as("Trivy's application node is no package").isTrue();

        InstalledPackage libc = inv.components().get(0).pkg();
        assertThat(libc.sourceName()).isEqualTo("glibc");
        assertThat(libc.sourceVersion()).as("Trivy splits the source version; matching needs it whole").isEqualTo("2.36-9+deb12u8");
        assertThat(libc.arch()).isEqualTo("amd64");
        assertThat(libc.licenses()).containsExactly("LGPL-2.1", "GPL-2.0");
        InstalledPackage bsdutils = inv.components().get(1).pkg();
        assertThat(bsdutils.version()).as("the epoch qualifier goes back into the version").isEqualTo("1:2.38.1-5+deb12u1");
        assertThat(bsdutils.sourceVersion()).isEqualTo("2.38.1-5+deb12u1");
        assertThat(inv.components().get(2).pkg().locations()).containsExactly("app/node_modules/lodash/package.json");
        InstalledPackage log4j = inv.components().get(3).pkg();
        assertThat(List.of(log4j.type(), log4j.namespace(), log4j.name(), log4j.version()))
                .containsExactly("maven", "org.apache.logging.log4j", "log4j-core", "2.14.1");
        assertThat(log4j.locations()).containsExactly("app/lib/log4j-core-2.14.1.jar");
        assertThat(log4j.properties()).containsEntry("sha1", "9141212b8507ab50a45525b545b39d224614528b");
    }

    @Test
    void theOsComesFromTheDistroQualifierWhenNoComponentNamesIt() {
        String json = """
                {"bomFormat": "CycloneDX", "specVersion": "1.4", "version": 1,
                 "components": [
                   {"type": "library", "name": "busybox", "version": "1.36.1-r29",
                    "purl": "pkg:apk/alpine/busybox@1.36.1-r29?arch=x86_64&upstream=busybox&distro=alpine-3.20.3"},
                   {"type": "library", "name": "openssl-libs", "version": "3.0.7-27.el9",
                    "purl": "pkg:rpm/redhat/openssl-libs@3.0.7-27.el9?arch=x86_64&epoch=1&upstream=openssl-3.0.7-27.el9.src.rpm&distro=rhel-9.4"}
                 ]}
                """;
        Inventory inv = SbomReader.read(json.getBytes(StandardCharsets.UTF_8), "cdxgen.json");
        assertThat(inv.image()).isEqualTo("cdxgen.json");
        assertThat(inv.digest()).isEqualTo("unknown");
        assertThat(inv.os()).isEqualTo(new OsRelease("alpine", "3.20.3", null, null));
        InstalledPackage busybox = inv.components().get(0).pkg();
        assertThat(List.of(busybox.sourceName(), busybox.sourceVersion())).containsExactly("busybox", "1.36.1-r29");
        InstalledPackage openssl = inv.components().get(1).pkg();
        assertThat(openssl.version()).isEqualTo("1:3.0.7-27.el9");
        assertThat(List.of(openssl.sourceName(), openssl.sourceVersion())).containsExactly("openssl", "1:3.0.7-27.el9");
        assertThat(openssl.properties()).containsEntry("epoch", "1");
        assertThat(PurlPackages.distro("redhat-9.4")).isEqualTo(new OsRelease("rhel", "9.4", null, null));
        assertThat(PurlPackages.distro("bookworm")).isNull();
    }

    static final String SYFT_SPDX = """
            {
              "spdxVersion": "SPDX-2.3",
              "dataLicense": "CC0-1.0",
              "SPDXID": "SPDXRef-DOCUMENT",
              "name": "alpine-3.20",
              "documentNamespace": "https://anchore.com/syft/image/alpine-3.20-6f1c3f5e-1b0e-4e0e-9a3c-5d6e7f8a9b0c",
              "creationInfo": {"licenseListVersion": "3.25", "creators": ["Organization: Anchore, Inc", "Tool: syft-1.14.0"], "created": "2024-10-01T09:30:00Z"},
              "packages": [
                {
                  "name": "busybox", "SPDXID": "SPDXRef-Package-apk-busybox-9e0c5a1b", "versionInfo": "1.36.1-r29",
                  "supplier": "Person: Sören Tempel (soeren+alpine@tempel.org)", "downloadLocation": "https://busybox.net/",
                  "filesAnalyzed": false, "sourceInfo": "acquired package info from APK DB: /lib/apk/db/installed",
                  "licenseConcluded": "NOASSERTION", "licenseDeclared": "GPL-2.0-only", "copyrightText": "NOASSERTION",
                  "externalRefs": [
                    {"referenceCategory": "SECURITY", "referenceType": "cpe23Type", "referenceLocator": "cpe:2.3:a:busybox:busybox:1.36.1-r29:*:*:*:*:*:*:*"},
                    {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:apk/alpine/busybox@1.36.1-r29?arch=x86_64&upstream=busybox&distro=alpine-3.20.3"}
                  ]
                },
                {
                  "name": "libcrypto3", "SPDXID": "SPDXRef-Package-apk-libcrypto3-2b7d", "versionInfo": "3.3.2-r0",
                  "downloadLocation": "https://www.openssl.org/", "filesAnalyzed": false,
                  "licenseConcluded": "NOASSERTION", "licenseDeclared": "Apache-2.0",
                  "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:apk/alpine/libcrypto3@3.3.2-r0?arch=x86_64&upstream=openssl&distro=alpine-3.20.3"}]
                },
                {
                  "name": "py3-urllib3", "SPDXID": "SPDXRef-Package-apk-py3-urllib3-5c", "versionInfo": "1.26.18-r1",
                  "downloadLocation": "NOASSERTION", "filesAnalyzed": false, "licenseConcluded": "NOASSERTION", "licenseDeclared": "MIT",
                  "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:apk/alpine/py3-urllib3@1.26.18-r1?arch=noarch&upstream=py3-urllib3&distro=alpine-3.20.3"}]
                },
                {
                  "name": "urllib3", "SPDXID": "SPDXRef-Package-python-urllib3-8d", "versionInfo": "1.26.18",
                  "downloadLocation": "NOASSERTION", "filesAnalyzed": false, "licenseConcluded": "NOASSERTION", "licenseDeclared": "NOASSERTION",
                  "checksums": [{"algorithm": "SHA256", "checksumValue": "b1565820a5cdac40e0520d23f9d0b1497f240ddc51d72eac6423d97d952d444f"}],
                  "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:pypi/urllib3@1.26.18"}]
                },
                {
                  "name": "ca-bundle-custom", "SPDXID": "SPDXRef-Package-binary-ca-bundle-11", "versionInfo": "2024.1",
                  "downloadLocation": "NOASSERTION", "filesAnalyzed": false
                },
                {
                  "name": "alpine", "SPDXID": "SPDXRef-DocumentRoot-Image-alpine", "versionInfo": "sha256:09506966808c1acee3f06944b77f62b4b6de3bc6689991ece66401eb8b42432f",
                  "supplier": "NOASSERTION", "downloadLocation": "NOASSERTION", "filesAnalyzed": false,
                  "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:oci/alpine@sha256%3A09506966808c1acee3f06944b77f62b4b6de3bc6689991ece66401eb8b42432f?arch=amd64&tag=3.20"}],
                  "primaryPackagePurpose": "CONTAINER"
                }
              ],
              "relationships": [
                {"spdxElementId": "SPDXRef-DocumentRoot-Image-alpine", "relatedSpdxElement": "SPDXRef-Package-apk-busybox-9e0c5a1b", "relationshipType": "CONTAINS"},
                {"spdxElementId": "SPDXRef-DocumentRoot-Image-alpine", "relatedSpdxElement": "SPDXRef-Package-apk-libcrypto3-2b7d", "relationshipType": "CONTAINS"},
                {"spdxElementId": "SPDXRef-Package-apk-py3-urllib3-5c", "relatedSpdxElement": "SPDXRef-Package-python-urllib3-8d", "relationshipType": "CONTAINS"},
                {"spdxElementId": "SPDXRef-DocumentRoot-Image-alpine", "relatedSpdxElement": "SPDXRef-Package-binary-ca-bundle-11", "relationshipType": "CONTAINS"},
                {"spdxElementId": "SPDXRef-DOCUMENT", "relatedSpdxElement": "SPDXRef-DocumentRoot-Image-alpine", "relationshipType": "DESCRIBES"}
              ]
            }
            """;

    @Test
    void thirdPartySpdxIsReadFromThePurlsInExternalRefs(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("alpine.spdx.json"), SYFT_SPDX);
        Inventory inv = SbomReader.read(file);

        assertThat(inv.image()).isEqualTo("alpine");
        assertThat(inv.digest()).isEqualTo("sha256:09506966808c1acee3f06944b77f62b4b6de3bc6689991ece66401eb8b42432f");
        assertThat(inv.os()).as("from the distro qualifier").isEqualTo(new OsRelease("alpine", "3.20.3", null, null));
        assertThat(inv.layers()).containsExactly(new LayerInfo(0, "unknown", null, null));
        assertThat(inv.components()).extracting(Component::purl).containsExactly(
                "pkg:apk/alpine/busybox@1.36.1-r29?arch=x86_64&upstream=busybox&distro=alpine-3.20.3",
                "pkg:apk/alpine/libcrypto3@3.3.2-r0?arch=x86_64&upstream=openssl&distro=alpine-3.20.3",
                "pkg:apk/alpine/py3-urllib3@1.26.18-r1?arch=noarch&upstream=py3-urllib3&distro=alpine-3.20.3",
                "pkg:pypi/urllib3@1.26.18");
        InstalledPackage busybox = inv.components().get(0).pkg();
        assertThat(busybox).isEqualTo(pkg("apk", null, "busybox", "1.36.1-r29", "x86_64", "busybox", "1.36.1-r29", List.of("GPL-2.0-only"),
                List.of(), List.of(), Map.of()));
        assertThat(inv.components().get(1).pkg().sourceName()).isEqualTo("openssl");
        // An OS package that CONTAINS a language package installed it.
        assertThat(inv.components().get(3).ownedBy()).isEqualTo(inv.components().get(2).purl());
        assertThat(inv.components().get(3).pkg().licenses()).isEmpty();
        assertThat(inv.components().subList(0, 3)).allMatch(c -> c.ownedBy() == null);
        assertThat(inv.warnings()).singleElement().satisfies(w -> assertThat(w.message()).contains("package 'ca-bundle-custom' (SPDXRef-Package-binary-ca-bundle-11)"));
    }

    @Test
    void spdx22FromTrivyGivesTheOsPackageAndSourceAnnotations() {
        String json = """
                {
                  "spdxVersion": "SPDX-2.2", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT", "name": "debian:12",
                  "documentNamespace": "http://aquasecurity.github.io/trivy/container_image/debian:12-5e6f",
                  "creationInfo": {"creators": ["Organization: aquasecurity", "Tool: trivy-0.56.1"], "created": "2024-10-01T09:40:00Z"},
                  "packages": [
                    {"name": "debian:12", "SPDXID": "SPDXRef-ContainerImage-1a", "downloadLocation": "NONE", "filesAnalyzed": false,
                     "externalRefs": [{"referenceCategory": "PACKAGE_MANAGER", "referenceType": "purl",
                       "referenceLocator": "pkg:oci/debian@sha256%3A1ff023b5ac2e3d6a5550e2534eb6750e045e53df1bfa1f543b210a5749a132f6?arch=amd64"}],
                     "primaryPackagePurpose": "CONTAINER"},
                    {"name": "debian", "SPDXID": "SPDXRef-OperatingSystem-2b", "versionInfo": "12.7", "downloadLocation": "NONE",
                     "filesAnalyzed": false, "primaryPackagePurpose": "OPERATING-SYSTEM"},
                    {"name": "libc6", "SPDXID": "SPDXRef-Package-3c", "versionInfo": "2.36-9+deb12u8", "downloadLocation": "NONE", "filesAnalyzed": false,
                     "licenseConcluded": "LGPL-2.1", "licenseDeclared": "LGPL-2.1",
                     "externalRefs": [{"referenceCategory": "PACKAGE_MANAGER", "referenceType": "purl",
                       "referenceLocator": "pkg:deb/debian/libc6@2.36-9%2Bdeb12u8?arch=amd64&distro=debian-12.7"}],
                     "annotations": [
                       {"annotator": "Tool: trivy-0.56.1", "annotationDate": "2024-10-01T09:40:00Z", "annotationType": "OTHER", "comment": "PkgType: debian"},
                       {"annotator": "Tool: trivy-0.56.1", "annotationDate": "2024-10-01T09:40:00Z", "annotationType": "OTHER", "comment": "SrcName: glibc"},
                       {"annotator": "Tool: trivy-0.56.1", "annotationDate": "2024-10-01T09:40:00Z", "annotationType": "OTHER", "comment": "SrcRelease: 9+deb12u8"},
                       {"annotator": "Tool: trivy-0.56.1", "annotationDate": "2024-10-01T09:40:00Z", "annotationType": "OTHER", "comment": "SrcVersion: 2.36"}
                     ]}
                  ],
                  "relationships": [
                    {"spdxElementId": "SPDXRef-DOCUMENT", "relatedSpdxElement": "SPDXRef-ContainerImage-1a", "relationshipType": "DESCRIBES"},
                    {"spdxElementId": "SPDXRef-ContainerImage-1a", "relatedSpdxElement": "SPDXRef-OperatingSystem-2b", "relationshipType": "CONTAINS"},
                    {"spdxElementId": "SPDXRef-OperatingSystem-2b", "relatedSpdxElement": "SPDXRef-Package-3c", "relationshipType": "CONTAINS"}
                  ]
                }
                """;
        Inventory inv = SbomReader.read(json.getBytes(StandardCharsets.UTF_8), "trivy.spdx.json");
        assertThat(inv.image()).isEqualTo("debian:12");
        assertThat(inv.digest()).isEqualTo("sha256:1ff023b5ac2e3d6a5550e2534eb6750e045e53df1bfa1f543b210a5749a132f6");
        assertThat(inv.os()).isEqualTo(new OsRelease("debian", "12.7", null, null));
        assertThat(inv.components()).singleElement().satisfies(c -> {
            assertThat(c.pkg()).isEqualTo(pkg("deb", null, "libc6", "2.36-9+deb12u8", "amd64", "glibc", "2.36-9+deb12u8", List.of("LGPL-2.1"),
                    List.of(), List.of(), Map.of()));
            assertThat(c.ownedBy()).isNull();
        });
        assertThat(inv.complete()).isTrue();
    }

    // ---- bad input: a DrydockException that names the file, never anything else ----

    @Test
    void notJson(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("bom.xml"), "<?xml version=\"1.0\"?><bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\"/>");
        assertFails(file, "not JSON", "line 1");
        assertFails(Files.writeString(dir.resolve("truncated.json"), "{\"bomFormat\": \"CycloneDX\", \"components\": ["), "not JSON");
        assertFails(Files.writeString(dir.resolve("two.json"), "{\"bomFormat\": \"CycloneDX\"} {}"), "not JSON");
        assertFails(Files.writeString(dir.resolve("empty.json"), ""), "empty");
    }

    @Test
    void jsonThatIsNeitherCycloneDxNorSpdx(@TempDir Path dir) throws Exception {
        assertFails(Files.writeString(dir.resolve("list.json"), "[{\"purl\": \"pkg:npm/lodash@4.17.15\"}]"), "not a CycloneDX or SPDX document");
        assertFails(Files.writeString(dir.resolve("other.json"), "{\"packages\": []}"), "neither a CycloneDX SBOM", "nor an SPDX one");
        assertFails(Files.writeString(dir.resolve("format.json"), "{\"bomFormat\": \"SWID\", \"specVersion\": \"1.6\"}"), "bomFormat is 'SWID'");
        assertFails(Files.writeString(dir.resolve("spdx3.json"), "{\"@context\": \"https://spdx.org/rdf/3.0.1/spdx-context.jsonld\", \"@graph\": []}"),
                "SPDX 3");
    }

    @Test
    void unsupportedSpecVersions(@TempDir Path dir) throws Exception {
        assertFails(Files.writeString(dir.resolve("old.cdx.json"), "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.3\", \"components\": []}"),
                "CycloneDX specVersion 1.3 is not supported", "1.4, 1.5 and 1.6");
        assertFails(Files.writeString(dir.resolve("new.cdx.json"), "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.7\"}"), "specVersion 1.7");
        assertFails(Files.writeString(dir.resolve("none.cdx.json"), "{\"bomFormat\": \"CycloneDX\"}"), "no specVersion");
        assertFails(Files.writeString(dir.resolve("old.spdx.json"), "{\"spdxVersion\": \"SPDX-2.1\", \"packages\": []}"),
                "spdxVersion SPDX-2.1 is not supported", "SPDX-2.2 and SPDX-2.3");
    }

    @Test
    void aMalformedPurlNamesTheComponent(@TempDir Path dir) throws Exception {
        assertFails(Files.writeString(dir.resolve("bad-purl.cdx.json"), """
                {"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
                  {"type": "library", "name": "lodash", "version": "4.17.15", "purl": "pkg:npm/lodash@4.17.15"},
                  {"type": "library", "bom-ref": "ref-7", "name": "left pad", "version": "1.3.0", "purl": "npm:left pad@1.3.0"}]}
                """), "component 'left pad' (bom-ref ref-7) has a malformed purl 'npm:left pad@1.3.0'");
        assertFails(Files.writeString(dir.resolve("bad-purl.spdx.json"), """
                {"spdxVersion": "SPDX-2.3", "packages": [{"SPDXID": "SPDXRef-P1", "name": "zlib", "versionInfo": "1.3",
                  "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:/zlib@1.3"}]}]}
                """), "package 'zlib' (SPDXRef-P1) has a malformed purl 'pkg:/zlib@1.3'");
    }

    @Test
    void filesOver512MiBAreRefusedUnread(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("huge.json");
        // Sparse: the size is what matters, and the reader must not read it.
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(512L * 1024 * 1024 + 1);
        }
        assertFails(file, "refused", "512 MiB");
    }

    @Test
    void aMissingFileOrADirectoryIsNamed(@TempDir Path dir) throws Exception {
        assertFails(dir.resolve("nope.json"), "no such file");
        assertFails(Files.createDirectory(dir.resolve("sboms")), "cannot read the SBOM");
    }

    @Test
    void oddShapesAreToleratedOrNamedNeverAStackTrace(@TempDir Path dir) throws Exception {
        Inventory inv = SbomReader.read(Files.writeString(dir.resolve("odd.json"), """
                {"bomFormat": "CycloneDX", "specVersion": "1.6", "metadata": "none",
                 "components": [{"type": "library", "name": 7, "purl": "pkg:npm/a@1", "properties": "x", "licenses": [1, {"license": 2}]},
                                "not a component", {"type": "library", "name": "b", "purl": "pkg:npm/b@2", "components": {"x": 1}}]}
                """));
        assertThat(inv.components()).extracting(Component::purl).containsExactly("pkg:npm/a@1", "pkg:npm/b@2");
        assertFails(Files.writeString(dir.resolve("purl-number.json"), """
                {"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": "library", "name": "n", "purl": 5}]}
                """), "component 'n' has a malformed purl '5'");
        assertFails(Files.writeString(dir.resolve("layer.json"), """
                {"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": "library", "name": "n", "version": "1", "purl": "pkg:npm/n@1",
                  "properties": [{"name": "drydock:package:type", "value": "npm"}, {"name": "drydock:layer:index", "value": "top"}]}]}
                """), "component 'n' names layer index 'top'");
        assertFails(Files.writeString(dir.resolve("note.spdx.json"), """
                {"spdxVersion": "SPDX-2.3", "packages": [{"SPDXID": "SPDXRef-P1", "name": "n",
                  "annotations": [{"annotationType": "OTHER", "comment": "drydock:package {\\"type\\": "}]}]}
                """), "the Drydock annotation of package 'n' (SPDXRef-P1) is not valid");
    }

    @Test
    void bytesAreNamedByTheCallersName() {
        assertThatThrownBy(() -> SbomReader.read("nope".getBytes(StandardCharsets.UTF_8), "stdin"))
                .isExactlyInstanceOf(DrydockException.class).hasMessageStartingWith("stdin: not JSON");
    }

    static void assertFails(Path file, String... fragments) {
        assertThatThrownBy(() -> SbomReader.read(file))
                .isExactlyInstanceOf(DrydockException.class)
                .hasMessageStartingWith(file.toString())
                .satisfies(e -> assertThat(e.getMessage()).contains(fragments));
    }
}
