package io.drydock.inventory.os;

import io.drydock.inventory.AnalysisWarning;
import io.drydock.inventory.InstalledPackage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ApkAnalyzerTest {

    private static final String INSTALLED = "lib/apk/db/installed";

    @Test
    void alpineInstalledDatabase() {
        LayerHarness.Results r = LayerHarness.analyze(new LayerHarness.Tar()
                .file("etc/alpine-release", "3.20.3\n")
                .file(INSTALLED, LayerHarness.resource("alpine/installed"))
                .build(), new ApkAnalyzer(), new OsReleaseAnalyzer());

        assertThat(r.warnings("apk")).isEmpty();
        assertThat(r.of("os-release").os().id()).isEqualTo("alpine");
        assertThat(r.packages("apk")).extracting(InstalledPackage::name)
                .containsExactly("musl", "busybox", "ssl_client", "libcrypto3", "ca-certificates-bundle");
        assertThat(r.packages("apk")).allSatisfy(p -> {
            assertThat(p.type()).isEqualTo("apk");
            assertThat(p.arch()).isEqualTo("x86_64");
            assertThat(p.locations()).containsExactly(INSTALLED);
            assertThat(p.sourceVersion()).isEqualTo(p.version());
        });

        InstalledPackage musl = r.get("apk", "musl");
        assertThat(musl.version()).isEqualTo("1.2.5-r0");
        assertThat(musl.sourceName()).isEqualTo("musl");
        assertThat(musl.licenses()).containsExactly("MIT");
        assertThat(musl.ownedFiles()).containsExactly("lib/ld-musl-x86_64.so.1", "lib/libc.musl-x86_64.so.1");

        InstalledPackage sslClient = r.get("apk", "ssl_client");
        assertThat(sslClient.sourceName()).isEqualTo("busybox");
        assertThat(sslClient.version()).isEqualTo("1.36.1-r29");
        assertThat(sslClient.ownedFiles()).containsExactly("usr/bin/ssl_client");

        // F: lines without R: lines are directories the package merely creates.
        assertThat(r.get("apk", "busybox").ownedFiles()).containsExactly("bin/busybox", "etc/securetty",
                "etc/udhcpd.conf", "etc/logrotate.d/acpid", "etc/network/if-up.d/dad",
                "usr/share/udhcpc/default.script");
        assertThat(r.get("apk", "libcrypto3").sourceName()).isEqualTo("openssl");
        assertThat(r.get("apk", "ca-certificates-bundle").licenses()).containsExactly("MPL-2.0 AND MIT");
    }

    @Test
    void hostileDatabaseGivesWarningsAndKeepsTheRest() {
        String huge = "P:huge\nV:1.0-r0\nF:usr/share/huge\n" + "R:some-file-with-a-long-name\n".repeat(4000);
        String installed = """
                P:first
                V:1.0-r0
                A:aarch64

                P:noversion
                A:aarch64

                V:2.0-r0
                A:aarch64

                P:garbage
                V:1.0-r0
                this is not apk

                %s
                P:last
                V:3.0-r1
                o:lastsrc
                """.formatted(huge);
        LayerHarness.Results r = LayerHarness.analyze(new LayerHarness.Tar().file(INSTALLED, installed).build(),
                new ApkAnalyzer(64 * 1024));

        assertThat(r.packages("apk")).extracting(InstalledPackage::name).containsExactly("first", "last");
        assertThat(r.get("apk", "last").sourceName()).isEqualTo("lastsrc");
        assertThat(r.get("apk", "first").ownedFiles()).isEmpty();
        List<AnalysisWarning> warnings = r.warnings("apk");
        assertThat(warnings).allSatisfy(w -> assertThat(w.path()).isEqualTo(INSTALLED));
        assertThat(warnings).extracting(AnalysisWarning::message).satisfiesExactly(
                m -> assertThat(m).startsWith("stanza 2 ").contains("noversion", "no V:"),
                m -> assertThat(m).startsWith("stanza 3 ").contains("no P:"),
                m -> assertThat(m).startsWith("stanza 4 ").contains("line 13 is not an 'X:value' line"),
                m -> assertThat(m).startsWith("stanza 5 ").contains("larger than 65536 bytes"));
    }

    @Test
    void defaultStanzaLimitAdmitsLargePackages() {
        // About 3000 files with checksums, the size of Alpine's largest packages.
        StringBuilder big = new StringBuilder("P:linux-firmware-other\nV:20240811-r0\nF:lib/firmware\n");
        for (int i = 0; i < 3000; i++) {
            big.append("R:vendor/device-").append(i).append(".bin\nZ:Q1bR1MF/BXEUNYM0BUYYaSRdr/ySc=\n");
        }
        LayerHarness.Results r = LayerHarness.analyze(new LayerHarness.Tar().file(INSTALLED, big.toString())
                .build(), new ApkAnalyzer());

        assertThat(r.warnings("apk")).isEmpty();
        assertThat(r.get("apk", "linux-firmware-other").ownedFiles()).hasSize(3000)
                .contains("lib/firmware/vendor/device-2999.bin");
    }
}
