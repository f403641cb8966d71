package io.drydock.inventory.os;

import io.drydock.inventory.Analyzer;
import io.drydock.inventory.OsRelease;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OsReleaseAnalyzerTest {

    private static final String UBUNTU_NOBLE = """
            PRETTY_NAME="Ubuntu 24.04.1 LTS"
            NAME="Ubuntu"
            VERSION_ID="24.04"
            VERSION="24.04.1 LTS (Noble Numbat)"
            VERSION_CODENAME=noble
            ID=ubuntu
            ID_LIKE=debian
            HOME_URL="https://www.ubuntu.com/"
            UBUNTU_CODENAME=noble
            LOGO=ubuntu-logo
            """;

    private static final String ALPINE_3_20 = """
            NAME="Alpine Linux"
            ID=alpine
            VERSION_ID=3.20.3
            PRETTY_NAME="Alpine Linux v3.20"
            HOME_URL="https://alpinelinux.org/"
            BUG_REPORT_URL="https://gitlab.alpinelinux.org/alpine/aports/-/issues"
            """;

    private static final String UBI_9 = """
            NAME="Red Hat Enterprise Linux"
            VERSION="9.4 (Plow)"
            ID="rhel"
            ID_LIKE="fedora"
            VERSION_ID="9.4"
            PLATFORM_ID="platform:el9"
            PRETTY_NAME="Red Hat Enterprise Linux 9.4 (Plow)"
            ANSI_COLOR="0;31"
            CPE_NAME="cpe:/o:redhat:enterprise_linux:9::baseos"

            REDHAT_SUPPORT_PRODUCT_VERSION="9.4"
            """;

    private static final String DEBIAN_TRIXIE_SID = """
            PRETTY_NAME="Debian GNU/Linux trixie/sid"
            NAME="Debian GNU/Linux"
            VERSION_CODENAME=trixie
            ID=debian
            HOME_URL="https://www.debian.org/"
            """;

    private static Analyzer.Result run(LayerHarness.Tar tar) {
        return LayerHarness.analyze(tar.build(), new OsReleaseAnalyzer()).of("os-release");
    }

    @Test
    void ubuntuFromUsrLibOsReleaseBehindTheEtcSymlink() {
        Analyzer.Result r = run(new LayerHarness.Tar()
                .symlink("etc/os-release", "../usr/lib/os-release")
                .file("usr/lib/os-release", UBUNTU_NOBLE)
                .file("etc/debian_version", "trixie/sid\n"));

        assertThat(r.os()).isEqualTo(new OsRelease("ubuntu", "24.04", "Ubuntu 24.04.1 LTS", "noble"));
        assertThat(r.warnings()).isEmpty();
        assertThat(ReleaseLine.of(r.os())).isEqualTo("24.04");
    }

    @Test
    void alpineKeepsTheFullVersionAndItsReleaseLineIsMajorMinor() {
        Analyzer.Result r = run(new LayerHarness.Tar()
                .file("etc/alpine-release", "3.20.3\n")
                .file("etc/os-release", ALPINE_3_20));

        assertThat(r.os()).isEqualTo(new OsRelease("alpine", "3.20.3", "Alpine Linux v3.20", null));
        assertThat(ReleaseLine.of(r.os())).isEqualTo("3.20");
    }

    @Test
    void rhelFromQuotedIdAndItsReleaseLineIsTheMajorVersion() {
        Analyzer.Result r = run(new LayerHarness.Tar()
                .file("etc/os-release", UBI_9)
                .file("etc/redhat-release", "Red Hat Enterprise Linux release 9.4 (Plow)\n"));

        assertThat(r.os()).isEqualTo(new OsRelease("rhel", "9.4", "Red Hat Enterprise Linux 9.4 (Plow)", null));
        assertThat(ReleaseLine.of(r.os())).isEqualTo("9");
    }

    @Test
    void etcOsReleaseWinsOverUsrLibInTheSameLayerWhateverTheTarOrder() {
        String etc = "ID=debian\nVERSION_ID=\"12\"\n";
        OsRelease etcFirst = run(new LayerHarness.Tar()
                .file("etc/os-release", etc)
                .file("usr/lib/os-release", UBUNTU_NOBLE)).os();
        OsRelease usrLibFirst = run(new LayerHarness.Tar()
                .file("usr/lib/os-release", UBUNTU_NOBLE)
                .file("etc/os-release", etc)).os();

        assertThat(etcFirst).isEqualTo(new OsRelease("debian", "12", null, null));
        assertThat(usrLibFirst).isEqualTo(etcFirst);
    }

    @Test
    void debianTestingTakesItsVersionFromDebianVersion() {
        Analyzer.Result r = run(new LayerHarness.Tar()
                .file("usr/lib/os-release", DEBIAN_TRIXIE_SID)
                .file("etc/debian_version", "trixie/sid\n"));

        assertThat(r.os()).isEqualTo(new OsRelease("debian", "trixie/sid", "Debian GNU/Linux trixie/sid", "trixie"));
        assertThat(ReleaseLine.of(r.os())).isEqualTo("trixie/sid");
    }

    @Test
    void releaseFilesAloneStillNameTheDistribution() {
        assertThat(run(new LayerHarness.Tar().file("etc/alpine-release", "3.19.1\n")).os())
                .isEqualTo(new OsRelease("alpine", "3.19.1", null, null));
        assertThat(run(new LayerHarness.Tar().file("etc/debian_version", "12.7\n")).os())
                .isEqualTo(new OsRelease("debian", "12.7", null, null));
        assertThat(ReleaseLine.of(new OsRelease("debian", "12.7", null, null))).isEqualTo("12");

        OsRelease centos = run(new LayerHarness.Tar()
                .symlink("etc/redhat-release", "centos-release")
                .file("etc/centos-release", "CentOS Linux release 7.9.2009 (Core)\n")).os();
        assertThat(centos).isEqualTo(new OsRelease("centos", "7.9.2009", "CentOS Linux release 7.9.2009 (Core)", "Core"));
        assertThat(ReleaseLine.of(centos)).isEqualTo("7");

        OsRelease rocky = run(new LayerHarness.Tar()
                .file("etc/rocky-release", "Rocky Linux release 9.3 (Blue Onyx)\n")).os();
        assertThat(rocky.id()).isEqualTo("rocky");
        assertThat(rocky.versionId()).isEqualTo("9.3");
        assertThat(rocky.codename()).isEqualTo("Blue Onyx");

        OsRelease alma = run(new LayerHarness.Tar()
                .file("etc/almalinux-release", "AlmaLinux release 8.10 (Cerulean Leopard)\n")).os();
        assertThat(alma.id()).isEqualTo("almalinux");
        assertThat(ReleaseLine.of(alma)).isEqualTo("8");
    }

    @Test
    void osReleaseWithoutIdFallsBackWithAWarning() {
        Analyzer.Result r = run(new LayerHarness.Tar()
                .file("etc/os-release", "NAME=\"Something\"\n")
                .file("etc/alpine-release", "3.18.0\n"));

        assertThat(r.os().id()).isEqualTo("alpine");
        assertThat(r.warnings()).singleElement().satisfies(w -> {
            assertThat(w.path()).isEqualTo("etc/os-release");
            assertThat(w.message()).contains("no ID=");
        });
    }

    @Test
    void oversizedReleaseFileIsIgnoredWithAWarning() {
        Analyzer.Result r = run(new LayerHarness.Tar()
                .file("etc/os-release", "ID=x\n" + "#".repeat(OsReleaseAnalyzer.MAX_RELEASE_FILE_BYTES)));

        assertThat(r.os()).isNull();
        assertThat(r.warnings()).singleElement().satisfies(w -> assertThat(w.path()).isEqualTo("etc/os-release"));
    }

    @Test
    void layerWithoutReleaseFilesHasNoOs() {
        assertThat(run(new LayerHarness.Tar().file("etc/hostname", "x\n")).os()).isNull();
    }

    @Test
    void shellQuotingIsUndone() {
        var values = OsReleaseAnalyzer.parseOsRelease("""
                # comment
                A="double \\"quoted\\" \\$HOME \\\\ \\` done"
                B='single $literal \\n'
                C=unquoted\\ with\\ escapes
                D="concat"'enated'plain
                export E="exported"
                F=
                not an assignment
                G="unterminated
                """);
        assertThat(values)
                .containsEntry("A", "double \"quoted\" $HOME \\ ` done")
                .containsEntry("B", "single $literal \\n")
                .containsEntry("C", "unquoted with escapes")
                .containsEntry("D", "concatenatedplain")
                .containsEntry("E", "exported")
                .containsEntry("F", "")
                .containsEntry("G", "unterminated")
                .hasSize(7);
    }

    @Test
    void releaseLineCoversTheFamilies() {
        assertThat(ReleaseLine.of(new OsRelease("alpine", "3.21_alpha20240807", null, null))).isEqualTo("3.21");
        assertThat(ReleaseLine.of(new OsRelease("debian", "12", null, null))).isEqualTo("12");
        assertThat(ReleaseLine.of(new OsRelease("amzn", "2023", null, null))).isEqualTo("2023");
        assertThat(ReleaseLine.of(new OsRelease("ubuntu", "22.04", null, null))).isEqualTo("22.04");
        assertThat(ReleaseLine.of(new OsRelease("opensuse-leap", "15.6", null, null))).isEqualTo("15.6");
        assertThat(ReleaseLine.of(new OsRelease("debian", null, null, null))).isNull();
    }
}
