package io.drydock.inventory;

import io.drydock.image.ImageResolver;
import io.drydock.image.Platform;
import io.drydock.image.ResolvedImage;
import io.drydock.image.local.OciLayoutSource;
import io.drydock.layer.LayerReader;
import io.drydock.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The real reference image, with every analyzer Drydock ships. */
class AppImageInventoryTest {
    @Test
    void exactlyTheInstalledPackagesAttributedToTheirLayers(@TempDir Path home) throws Exception {
        Inventory inv;
        try (OciLayoutSource source = OciLayoutSource.open(TestImages.ociLayout(), "app")) {
            ResolvedImage img = ImageResolver.resolve(source, "app", Platform.LINUX_AMD64);
            inv = new Inventorier(DefaultAnalyzers.all(), new LayerReader(), AnalysisCache.inHome(home)).inventory(source, img);
        }
        assertThat(inv.complete()).as(inv.warnings().toString()).isTrue();
        assertThat(inv.os()).hasToString("debian 12");

        // dpkg-query on the same rootfs is the reference for the OS packages.
        Set<String> expected = Files.readAllLines(TestImages.dpkgQueryOutput()).stream()
                .map(l -> l.split("\t")).filter(f -> f[2].equals("install ok installed")).map(f -> f[0] + "=" + f[1])
                .collect(Collectors.toSet());
        Set<String> debs = inv.components().stream().filter(c -> c.pkg().type().equals("deb"))
                .map(c -> c.pkg().name() + "=" + c.pkg().version()).collect(Collectors.toSet());
        assertThat(debs).isEqualTo(expected).hasSize(TestImages.intValue("base.packages"));
        assertThat(inv.components().stream().filter(c -> c.pkg().type().equals("deb")))
                .allSatisfy(c -> assertThat(c.layer().index()).isZero())
                .allSatisfy(c -> assertThat(c.purl()).contains("distro=debian-12"));

        Component log4j = InventoryMergeTest.find(inv, "log4j-core");
        assertThat(log4j.purl()).isEqualTo("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1");
        assertThat(log4j.layer().index()).isEqualTo(1);
        assertThat(log4j.layer().digest()).isEqualTo(TestImages.value("app.layer.1"));
        assertThat(log4j.pkg().locations()).containsExactly("app/lib/log4j-core-2.14.1.jar");
        Component lodash = InventoryMergeTest.find(inv, "lodash");
        assertThat(lodash.purl()).isEqualTo("pkg:npm/lodash@4.17.15");
        assertThat(lodash.pkg().licenses()).containsExactly("MIT");
        assertThat(inv.components().stream().filter(c -> !c.pkg().isOsPackage()).count()).isEqualTo(2);
    }
}
