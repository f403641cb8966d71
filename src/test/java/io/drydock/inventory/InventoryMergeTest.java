package io.drydock.inventory;

import io.drydock.image.ImageResolver;
import io.drydock.image.Platform;
import io.drydock.image.ResolvedImage;
import io.drydock.image.local.OciLayoutSource;
import io.drydock.layer.EntryContent;
import io.drydock.layer.LayerEntry;
import io.drydock.layer.LayerReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How layers stack into one inventory, with two small analyzers whose formats are trivial so the
 * test is about the merge: deletion, upgrades, attribution, ownership and the per-layer cache.
 */
class InventoryMergeTest {
    /** An "OS database" at var/db/pkgs: lines "name version file1,file2". */
    static final class FakeOsAnalyzer implements Analyzer {
        public String id() { return "fake-os"; }
        public int version() { return 1; }
        public boolean wants(String path, LayerEntry e) { return path.equals("var/db/pkgs"); }
        public Collector start() {
            List<InstalledPackage> out = new ArrayList<>();
            return new Collector() {
                public void file(LayerEntry entry, EntryContent content) throws IOException {
                    for (String line : new String(content.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                        String[] f = line.trim().split(" ");
                        if (f.length < 2) continue;
                        out.add(new InstalledPackage("deb", null, f[0], f[1], "amd64", f[0], f[1], List.of(), List.of(entry.path()),
                                f.length > 2 ? List.of(f[2].split(",")) : List.of(), Map.of()));
                    }
                }
                public Result finish() { return new Result(out, out.isEmpty() ? null : new OsRelease("debian", "12", "Fake 12", null), List.of()); }
            };
        }
    }

    /** A "language package": any file named *.pkg holding "name version". */
    static final class FakeLangAnalyzer implements Analyzer {
        public String id() { return "fake-lang"; }
        public int version() { return 1; }
        public boolean wants(String path, LayerEntry e) { return path.endsWith(".pkg"); }
        public Collector start() {
            List<InstalledPackage> out = new ArrayList<>();
            List<AnalysisWarning> warnings = new ArrayList<>();
            return new Collector() {
                public void file(LayerEntry entry, EntryContent content) throws IOException {
                    String[] f = new String(content.readAllBytes(), StandardCharsets.UTF_8).trim().split(" ");
                    if (f.length != 2) {
                        warnings.add(new AnalysisWarning(id(), entry.path(), "not 'name version'"));
                        return;
                    }
                    out.add(new InstalledPackage("npm", null, f[0], f[1], null, null, null, List.of("MIT"), List.of(entry.path()), List.of(), Map.of()));
                }
                public Result finish() { return new Result(out, null, warnings); }
            };
        }
    }

    static Analyzers analyzers() {
        return new Analyzers(List.of(new FakeOsAnalyzer(), new FakeLangAnalyzer()));
    }

    @Test
    void deletionUpgradeAttributionAndOwnership(@TempDir Path dir) {
        Path layout = dir.resolve("oci");
        TestImageBuilder.build(layout, "img", List.of(
                List.of(new TestImageBuilder.F("var/db/pkgs", "libc 1.0 usr/lib/libc.so\nopenssl 3.0.1 usr/lib/libssl.so\npy-urllib3 1.26 usr/lib/py/urllib3.pkg\n"),
                        new TestImageBuilder.F("usr/lib/py/urllib3.pkg", "urllib3 1.26"),
                        new TestImageBuilder.F("app/old.pkg", "left-pad 1.0"),
                        new TestImageBuilder.F("app/same.pkg", "lodash 4.17.15")),
                List.of(new TestImageBuilder.F("var/db/pkgs", "libc 1.0 usr/lib/libc.so\nopenssl 3.0.2 usr/lib/libssl.so\npy-urllib3 1.26 usr/lib/py/urllib3.pkg\n"),
                        new TestImageBuilder.F("app/.wh.old.pkg", ""),
                        new TestImageBuilder.F("app/same.pkg", "lodash 4.17.15"),
                        new TestImageBuilder.F("app/new.pkg", "express 4.0")),
                List.of(new TestImageBuilder.F("app/new.pkg", "express 4.1"),
                        new TestImageBuilder.F("app/broken.pkg", "garbage"))));
        Inventory inv = inventory(layout, "img", null);

        assertThat(inv.os()).hasToString("debian 12");
        assertThat(find(inv, "libc").layer().index()).isZero();
        assertThat(find(inv, "openssl").pkg().version()).isEqualTo("3.0.2");
        assertThat(find(inv, "openssl").layer().index()).as("upgraded in layer 1").isEqualTo(1);
        assertThat(find(inv, "openssl").purl()).isEqualTo("pkg:deb/debian/openssl@3.0.2?arch=amd64&distro=debian-12");
        assertThat(inv.components()).noneMatch(c -> c.pkg().name().equals("left-pad"));
        assertThat(find(inv, "lodash").layer().index()).as("rewritten unchanged: still installed by layer 0").isZero();
        assertThat(find(inv, "express").pkg().version()).isEqualTo("4.1");
        assertThat(find(inv, "express").layer().index()).isEqualTo(2);
        assertThat(find(inv, "urllib3").ownedBy()).isEqualTo(find(inv, "py-urllib3").purl());
        assertThat(find(inv, "lodash").ownedBy()).isNull();
        assertThat(inv.complete()).isFalse();
        assertThat(inv.warnings()).singleElement().satisfies(w -> assertThat(w.toString()).contains("app/broken.pkg").contains("index 2"));
    }

    @Test
    void opaqueDirectoryHidesLowerPackages(@TempDir Path dir) {
        Path layout = dir.resolve("oci");
        TestImageBuilder.build(layout, "img", List.of(
                List.of(new TestImageBuilder.F("srv/a.pkg", "a 1"), new TestImageBuilder.F("srv/b.pkg", "b 1"), new TestImageBuilder.F("keep.pkg", "k 1")),
                List.of(new TestImageBuilder.F("srv/.wh..wh..opq", ""), new TestImageBuilder.F("srv/c.pkg", "c 1"))));
        Inventory inv = inventory(layout, "img", null);
        assertThat(inv.components()).extracting(c -> c.pkg().name()).containsExactlyInAnyOrder("k", "c");
    }

    @Test
    void secondInventoryReadsNoLayer(@TempDir Path dir) {
        Path layout = dir.resolve("oci");
        TestImageBuilder.build(layout, "img", List.of(
                List.of(new TestImageBuilder.F("var/db/pkgs", "libc 1.0\n")),
                List.of(new TestImageBuilder.F("app/x.pkg", "x 1"))));
        AnalysisCache cache = AnalysisCache.inHome(dir.resolve("home"));
        AtomicInteger opened = new AtomicInteger();
        Inventory first = inventory(layout, "img", cache, opened);
        assertThat(opened.get()).isEqualTo(2);
        Inventory second = inventory(layout, "img", cache, opened);
        assertThat(opened.get()).as("no layer re-read").isEqualTo(2);
        assertThat(second.components()).isEqualTo(first.components());
    }

    static Component find(Inventory inv, String name) {
        return inv.components().stream().filter(c -> c.pkg().name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not in " + inv.components()));
    }

    static Inventory inventory(Path layout, String tag, AnalysisCache cache) {
        return inventory(layout, tag, cache, new AtomicInteger());
    }

    static Inventory inventory(Path layout, String tag, AnalysisCache cache, AtomicInteger blobOpens) {
        try (OciLayoutSource source = OciLayoutSource.open(layout, tag)) {
            ResolvedImage img = ImageResolver.resolve(source, tag, Platform.LINUX_AMD64);
            var counting = new io.drydock.image.ImageSource() {
                public io.drydock.image.Manifest manifest(String r) { return source.manifest(r); }
                public InputStream blob(io.drydock.image.Descriptor d) {
                    blobOpens.incrementAndGet();
                    return source.blob(d);
                }
                public String describe() { return source.describe(); }
                public String defaultReference() { return source.defaultReference(); }
            };
            return new Inventorier(analyzers(), new LayerReader(), cache).inventory(counting, img);
        }
    }
}
