package io.drydock.inventory.os;

import io.drydock.inventory.Analyzer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OsAnalyzersTest {

    /** Files each OS analyzer reads, and some look-alikes none of them should. */
    private static final List<String> PATHS = List.of(
            "etc/os-release", "usr/lib/os-release", "etc/debian_version", "etc/alpine-release", "etc/redhat-release",
            "etc/centos-release", "etc/rocky-release", "etc/almalinux-release",
            "var/lib/dpkg/status", "var/lib/dpkg/status.d/libc6", "var/lib/dpkg/info/libc6:amd64.list",
            "var/lib/dpkg/info/bash.md5sums", "usr/share/doc/bash/copyright",
            "lib/apk/db/installed",
            "var/lib/rpm/Packages", "var/lib/rpm/Packages.db", "var/lib/rpm/rpmdb.sqlite",
            "usr/lib/sysimage/rpm/rpmdb.sqlite-wal", "usr/share/rpm/Packages",
            "etc/os-release.bak", "var/lib/dpkg/available", "lib/apk/db/scripts.tar", "var/lib/rpm/Name",
            "var/lib/rpm/rpmdb.sqlite-shm", "usr/lib/os-release.d/x", "srv/var/lib/rpm/Packages");

    @Test
    void oneOfEachWithStableIds() {
        assertThat(OsAnalyzers.all()).extracting(Analyzer::id).containsExactly("os-release", "dpkg", "apk", "rpm");
        assertThat(OsAnalyzers.all()).allSatisfy(a -> assertThat(a.version()).isPositive());
    }

    @Test
    void wantedPathsDoNotOverlapSoOneStreamFeedsThemAll() {
        for (String path : PATHS) {
            List<String> wanting = OsAnalyzers.all().stream().filter(a -> a.wants(path, null)).map(Analyzer::id)
                    .toList();
            assertThat(wanting).as(path).hasSizeLessThanOrEqualTo(1);
        }
        List<String> wantedByNone = PATHS.stream()
                .filter(p -> OsAnalyzers.all().stream().noneMatch(a -> a.wants(p, null))).toList();
        assertThat(wantedByNone).containsExactly("etc/os-release.bak", "var/lib/dpkg/available",
                "lib/apk/db/scripts.tar", "var/lib/rpm/Name", "var/lib/rpm/rpmdb.sqlite-shm",
                "usr/lib/os-release.d/x", "srv/var/lib/rpm/Packages");
    }
}
