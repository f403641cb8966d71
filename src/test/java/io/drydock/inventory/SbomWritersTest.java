package io.drydock.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.inventory.sbom.CycloneDxWriter;
import io.drydock.inventory.sbom.SbomWriter;
import io.drydock.inventory.sbom.SpdxWriter;
import org.cyclonedx.Version;
import org.cyclonedx.parsers.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SbomWritersTest {
    static Inventory sample(Path dir) {
        Path layout = dir.resolve("oci");
        TestImageBuilder.build(layout, "img", List.of(
                List.of(new TestImageBuilder.F("var/db/pkgs", "libc 1.0 usr/lib/libc.so\npy-urllib3 1.26 usr/lib/py/urllib3.pkg\n"),
                        new TestImageBuilder.F("usr/lib/py/urllib3.pkg", "urllib3 1.26")),
                List.of(new TestImageBuilder.F("app/a.pkg", "lodash 4.17.15"), new TestImageBuilder.F("app/b.pkg", "lodash 4.17.15"))));
        return InventoryMergeTest.inventory(layout, "img", null);
    }

    @Test
    void cycloneDxValidatesAgainstTheSchemaAndRecordsLayersAndOwnership(@TempDir Path dir) throws Exception {
        Inventory inv = sample(dir);
        String json = new CycloneDxWriter().write(inv);
        List<?> problems = new JsonParser().validate(json.getBytes(StandardCharsets.UTF_8), Version.VERSION_16);
        assertThat(problems).as(json).isEmpty();
        JsonNode bom = new ObjectMapper().readTree(json);
        assertThat(bom.path("specVersion").asText()).isEqualTo("1.6");
        assertThat(bom.path("metadata").path("component").path("type").asText()).isEqualTo("container");
        Set<String> refs = new HashSet<>();
        JsonNode urllib3 = null;
        for (JsonNode c : bom.path("components")) {
            assertThat(refs.add(c.path("bom-ref").asText())).as("bom-refs are unique").isTrue();
            if (c.path("name").asText().equals("urllib3")) urllib3 = c;
        }
        assertThat(urllib3).isNotNull();
        assertThat(props(urllib3)).contains("drydock:layer:index=0", "drydock:package:ownedBy=pkg:deb/debian/py-urllib3@1.26?arch=amd64&distro=debian-12")
                .anyMatch(p -> p.startsWith("drydock:layer:digest=sha256:"));
        // The owner lists what it installed; everything else hangs off the image.
        JsonNode deps = bom.path("dependencies");
        assertThat(deps.findValuesAsText("ref")).contains("pkg:deb/debian/py-urllib3@1.26?arch=amd64&distro=debian-12");
    }

    @Test
    void invalidCycloneDxIsCaughtByTheValidator() throws Exception {
        List<?> problems = new JsonParser().validate("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[{\"name\":1}]}"
                .getBytes(StandardCharsets.UTF_8), Version.VERSION_16);
        assertThat(problems).isNotEmpty();
    }

    @Test
    void spdxHasTheRequiredFieldsAndContainsRelationships(@TempDir Path dir) throws Exception {
        Inventory inv = sample(dir);
        JsonNode doc = new ObjectMapper().readTree(new SpdxWriter().write(inv));
        assertThat(doc.path("spdxVersion").asText()).isEqualTo("SPDX-2.3");
        assertThat(doc.path("dataLicense").asText()).isEqualTo("CC0-1.0");
        assertThat(doc.path("documentNamespace").asText()).startsWith("https://");
        Set<String> ids = new HashSet<>();
        for (JsonNode p : doc.path("packages")) {
            for (String field : List.of("SPDXID", "name", "downloadLocation")) assertThat(p.has(field)).as(field).isTrue();
            assertThat(p.path("SPDXID").asText()).matches("SPDXRef-[A-Za-z0-9.-]+");
            ids.add(p.path("SPDXID").asText());
        }
        assertThat(doc.path("packages")).hasSize(1 + inv.components().size());
        for (JsonNode r : doc.path("relationships")) {
            if (!r.path("spdxElementId").asText().equals("SPDXRef-DOCUMENT")) assertThat(ids).contains(r.path("spdxElementId").asText());
            assertThat(ids).contains(r.path("relatedSpdxElement").asText());
        }
        long containedByOsPackage = 0;
        for (JsonNode r : doc.path("relationships")) {
            if (r.path("relationshipType").asText().equals("CONTAINS") && !r.path("spdxElementId").asText().equals("SPDXRef-Image")) containedByOsPackage++;
        }
        assertThat(containedByOsPackage).isEqualTo(1);
    }

    @Test
    void tableAndJsonSayWhenTheInventoryIsIncomplete(@TempDir Path dir) throws Exception {
        Path layout = dir.resolve("oci");
        TestImageBuilder.build(layout, "img", List.of(List.of(new TestImageBuilder.F("x.pkg", "garbage"))));
        Inventory inv = InventoryMergeTest.inventory(layout, "img", null);
        assertThat(SbomWriter.forName("table").write(inv)).contains("INCOMPLETE").contains("x.pkg");
        assertThat(new ObjectMapper().readTree(SbomWriter.forName("json").write(inv)).path("complete").asBoolean()).isFalse();
        assertThat(new CycloneDxWriter().write(inv)).contains("drydock:inventory:complete");
        assertThatThrownBy(() -> SbomWriter.forName("xml")).hasMessageContaining("unknown --format 'xml'");
    }

    static List<String> props(JsonNode component) {
        List<String> out = new java.util.ArrayList<>();
        component.path("properties").forEach(p -> out.add(p.path("name").asText() + "=" + p.path("value").asText()));
        return out;
    }
}
