package io.drydock.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drydock.DrydockException;
import io.drydock.inventory.Component;
import io.drydock.inventory.InstalledPackage;
import io.drydock.inventory.Inventory;
import io.drydock.inventory.OsRelease;
import io.drydock.layer.LayerInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FleetMatcherTest {
    static FindingChange.FindingKey key(String id, String severity, String fixed) {
        return new FindingChange.FindingKey(id, "pkg:deb/debian/zlib@1", "base", severity, fixed);
    }

    static String lines(FindingChange.FindingKey... keys) {
        return String.join("\n", java.util.Arrays.stream(keys).map(FindingChange.FindingKey::line).sorted().toList());
    }

    @Test
    void theDifferenceSaysWhatIsNewGoneReRatedNewlyFixableAndRaised() {
        String before = lines(key("CVE-1", "HIGH", ""), key("CVE-2", "LOW", ""), key("CVE-3", "CRITICAL", ""), key("CVE-4", "MEDIUM", ""));
        List<FindingChange.FindingKey> now = List.of(key("CVE-2", "CRITICAL", ""), key("CVE-3", "HIGH", ""), key("CVE-4", "MEDIUM", "1.2"),
                key("CVE-5", "LOW", ""));
        FindingChange c = FleetMatcher.diff("sha256:aa", before, now);
        assertThat(c.added()).extracting(FindingChange.FindingKey::id).containsExactly("CVE-5");
        assertThat(c.fixed()).extracting(FindingChange.FindingKey::id).containsExactly("CVE-1");
        assertThat(c.rerated()).extracting(FindingChange.FindingKey::id).containsExactly("CVE-2", "CVE-3", "CVE-4");
        assertThat(c.raised()).as("only a more severe rating is worth telling").extracting(FindingChange.FindingKey::id).containsExactly("CVE-2");
        assertThat(FleetMatcher.diff("sha256:aa", before, List.of(key("CVE-1", "HIGH", ""), key("CVE-2", "LOW", ""), key("CVE-3", "CRITICAL", ""),
                key("CVE-4", "MEDIUM", ""))).isEmpty()).isTrue();
        assertThat(FleetMatcher.diff("sha256:aa", null, now).added()).hasSize(4);
    }

    @Test
    void theStoredInventoryKeepsWhatMatchingReadsEvenWithTabsNewlinesAndBackslashes() {
        LayerInfo base = new LayerInfo(0, "sha256:l0", "sha256:d0", "/bin/sh -c #(nop) ADD file:abc in /\tweird\nline \\ end");
        LayerInfo app = new LayerInfo(1, "sha256:l1", null, null);
        InstalledPackage deb = new InstalledPackage("deb", "debian", "libc6", "2.36-9+deb12u4", "amd64", "glibc", "2.36-9+deb12u4", List.of("LGPL"),
                List.of("var/lib/dpkg/status"), List.of("lib/x86_64-linux-gnu/libc.so.6"), Map.of("k", "v"));
        InstalledPackage jar = new InstalledPackage("maven", "org.apache.logging.log4j", "log4j-core", "2.14.1", null, null, null, List.of(),
                List.of("app/lib/a.jar", "app/lib/a.jar!/nested.jar"), List.of(), Map.of());
        Inventory inv = new Inventory("registry.example/app:1", "sha256:img", new OsRelease("debian", "12", "Debian GNU/Linux 12 (bookworm)", null),
                List.of(base, app), List.of(new Component(deb, "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64", base, null),
                new Component(jar, "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", app, "pkg:deb/debian/liblog4j2-java@2.19")), List.of());
        Inventory back = InventoryCodec.decode(InventoryCodec.encode(inv), "sha256:img");
        assertThat(back.layers()).isEqualTo(inv.layers());
        assertThat(back.os()).isEqualTo(inv.os());
        assertThat(back.image()).isEqualTo(inv.image());
        assertThat(back.components()).hasSize(2);
        Component c = back.components().get(1);
        assertThat(c.purl()).isEqualTo("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1");
        assertThat(c.ownedBy()).isEqualTo("pkg:deb/debian/liblog4j2-java@2.19");
        assertThat(c.pkg().locations()).containsExactly("app/lib/a.jar", "app/lib/a.jar!/nested.jar");
        assertThat(c.layer()).isEqualTo(app);
        InstalledPackage d = back.components().get(0).pkg();
        assertThat(List.of(d.type(), d.namespace(), d.name(), d.version(), d.arch(), d.sourceName(), d.sourceVersion()))
                .isEqualTo(List.of("deb", "debian", "libc6", "2.36-9+deb12u4", "amd64", "glibc", "2.36-9+deb12u4"));
        assertThat(d.ownedFiles()).as("file lists are not kept").isEmpty();
    }

    @Test
    void aStoredInventoryNotInDrydocksFormIsNamedNotGuessed() {
        assertThatThrownBy(() -> InventoryCodec.decode("{\"v\":1}", "sha256:bad")).isInstanceOf(DrydockException.class)
                .hasMessageContaining("sha256:bad").hasMessageContaining("analyse the image again");
        assertThatThrownBy(() -> InventoryCodec.decode(InventoryCodec.HEADER + "\nL\t0\tsha256:l\t\\N\t\\N\nC\tdeb\t\\N\tx\t1\t\\N\t\\N\t\\N\t7\tp\t\\N\n",
                "sha256:bad")).isInstanceOf(DrydockException.class).hasMessageContaining("layer 7");
        assertThatThrownBy(() -> InventoryCodec.decode(InventoryCodec.HEADER + "\nZ\tx\n", "sha256:bad")).hasMessageContaining("unknown kind");
    }
}
