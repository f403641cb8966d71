package io.drydock.inventory.os;

import io.drydock.inventory.AnalysisWarning;
import io.drydock.inventory.InstalledPackage;
import io.drydock.inventory.OsRelease;
import io.drydock.testing.HostTools;
import io.drydock.testing.TestImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class DpkgAnalyzerTest {

    private static final String STATUS = "var/lib/dpkg/status";

    /** The real bookworm base layer, analyzed once for the tests that look at it. */
    private static LayerHarness.Results base;
    /** dpkg-query's own reading of that layer's database: package → Version, Architecture, source, source version. */
    private static Map<String, List<String>> dpkgQuery;
    private static Path extractedDpkg;

    @BeforeAll
    static void analyzeTheBaseLayer(@TempDir Path temp) throws IOException {
        Path blob = TestImages.blob(TestImages.layerDigests("base").get(0));
        base = LayerHarness.analyze(blob, new DpkgAnalyzer(), new OsReleaseAnalyzer());

        Path tar = HostTools.require("tar", "tar");
        Path dpkgQueryCommand = HostTools.require("dpkg-query", "dpkg");
        HostTools.runChecked("extracting var/lib/dpkg from the base layer", Duration.ofMinutes(2),
                List.of(tar.toString(), "-xzf", blob.toString(), "-C", temp.toString(), "var/lib/dpkg"));
        extractedDpkg = temp.resolve("var/lib/dpkg");
        String out = HostTools.runChecked("dpkg-query on the base layer's database", Duration.ofMinutes(1),
                List.of(dpkgQueryCommand.toString(), "--admindir=" + extractedDpkg, "-W", "-f",
                        "${db:Status-Abbrev}\\t${Package}\\t${Version}\\t${Architecture}\\t${source:Package}"
                                + "\\t${source:Version}\\n")).output();
        dpkgQuery = new TreeMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.split("\t", -1);
            if (f.length == 6 && f[0].startsWith("ii")) {
                dpkgQuery.put(f[1], List.of(f[2], f[3], f[4], f[5]));
            }
        }
    }

    @Test
    void bookwormBaseLayerYieldsExactlyTheInstalledPackagesOfTheRootfs() throws IOException {
        Map<String, String> expected = new TreeMap<>();
        for (String line : Files.readAllLines(TestImages.dpkgQueryOutput(), StandardCharsets.UTF_8)) {
            String[] f = line.split("\t");
            if (f.length == 3 && f[2].equals("install ok installed")) {
                expected.put(f[0], f[1]);
            }
        }
        Map<String, String> found = base.packages("dpkg").stream()
                .collect(Collectors.toMap(InstalledPackage::name, InstalledPackage::version, (a, b) -> {
                    throw new AssertionError("duplicate package " + a);
                }, TreeMap::new));

        assertThat(expected).hasSize(88);
        assertThat(found).isEqualTo(expected);
        assertThat(base.warnings("dpkg")).isEmpty();
        assertThat(base.packages("dpkg")).allSatisfy(p -> {
            assertThat(p.type()).isEqualTo("deb");
            assertThat(p.locations()).containsExactly(STATUS);
        });
    }

    @Test
    void sourcesAndArchitecturesAgreeWithDpkgQuery() {
        Map<String, List<String>> found = new TreeMap<>();
        for (InstalledPackage p : base.packages("dpkg")) {
            found.put(p.name(), List.of(p.version(), p.arch(), p.sourceName(), p.sourceVersion()));
        }
        assertThat(found).isEqualTo(dpkgQuery);

        assertThat(base.get("dpkg", "libc6").sourceName()).isEqualTo("glibc");
        InstalledPackage libgcc = base.get("dpkg", "libgcc-s1");
        assertThat(libgcc.sourceName()).isEqualTo("gcc-12");
        // "Source: gcc-12" carries no version, so the source version is the binary's own.
        assertThat(libgcc.sourceVersion()).isEqualTo(libgcc.version());
        // bash is a binary-only rebuild ("+bN"): "Source: bash (5.2.15-2)" names an older version than the binary's.
        InstalledPackage bash = base.get("dpkg", "bash");
        assertThat(bash.version()).startsWith(bash.sourceVersion() + "+b");
    }

    @Test
    void theSamePassNamesTheDistribution() {
        OsRelease os = base.of("os-release").os();
        assertThat(os).isEqualTo(new OsRelease("debian", "12", "Debian GNU/Linux 12 (bookworm)", "bookworm"));
        assertThat(ReleaseLine.of(os)).isEqualTo("12");
    }

    @Test
    void ownedFilesComeFromListsAndMd5sumsWithoutDirectories() throws IOException {
        InstalledPackage coreutils = base.get("dpkg", "coreutils");
        // bookworm's dpkg database still says /bin/ls; /bin is a symlink to usr/bin in the image.
        assertThat(coreutils.ownedFiles()).contains("bin/ls", "usr/bin/sort").doesNotContain("bin", "usr/bin", ".");

        InstalledPackage libc6 = base.get("dpkg", "libc6"); // its files are libc6:amd64.list and .md5sums
        assertThat(libc6.ownedFiles()).contains("lib/x86_64-linux-gnu/libc.so.6");

        for (String name : List.of("coreutils", "libc6", "bash", "apt")) {
            InstalledPackage p = base.get("dpkg", name);
            String infoName = Files.exists(extractedDpkg.resolve("info/" + name + ".list")) ? name
                    : name + ":" + p.arch();
            Set<String> listed = Files.readAllLines(extractedDpkg.resolve("info/" + infoName + ".list")).stream()
                    .map(l -> l.substring(1)).collect(Collectors.toSet());
            List<String> md5summed = Files.readAllLines(extractedDpkg.resolve("info/" + infoName + ".md5sums"))
                    .stream().map(l -> l.substring(34)).toList();
            assertThat(p.ownedFiles()).as(name).isNotEmpty().doesNotHaveDuplicates();
            assertThat(listed).as(name).containsAll(p.ownedFiles());
            assertThat(p.ownedFiles()).as(name).containsAll(md5summed);
            assertThat(p.ownedFiles()).as(name + ": no owned path is a parent of another")
                    .noneMatch(parent -> p.ownedFiles().stream().anyMatch(f -> f.startsWith(parent + "/")));
        }
    }

    @Test
    void licensesComeFromMachineReadableCopyrightFilesOnly() {
        assertThat(base.get("dpkg", "adduser").licenses()).containsExactly("GPL-2+");
        assertThat(base.get("dpkg", "grep").licenses()).containsExactly("GPL-3+");
        assertThat(base.get("dpkg", "apt").licenses()).contains("GPL-2+", "BSD-3-clause", "Expat");
        // libc6's copyright file is free-form text; libgcc-s1's doc directory is a symlink to gcc-12-base's.
        assertThat(base.get("dpkg", "libc6").licenses()).isEmpty();
        assertThat(base.get("dpkg", "libgcc-s1").licenses()).isEmpty();
    }

    @Test
    void distrolessStatusDirectoryHasOneFilePerPackageAndNoStatusField() {
        LayerHarness.Tar tar = new LayerHarness.Tar();
        for (String file : List.of("base-files", "libc6", "libc6.md5sums", "libgcc-s1", "libssl3", "tzdata")) {
            tar.file("var/lib/dpkg/status.d/" + file, LayerHarness.resource("distroless/" + file));
        }
        LayerHarness.Results r = LayerHarness.analyze(tar.build(), new DpkgAnalyzer());

        assertThat(r.warnings("dpkg")).isEmpty();
        assertThat(r.packages("dpkg")).extracting(InstalledPackage::name)
                .containsExactly("base-files", "libc6", "gcc-12-base", "libgcc-s1", "libssl3", "tzdata");

        InstalledPackage libc6 = r.get("dpkg", "libc6");
        assertThat(libc6.version()).isEqualTo("2.36-9+deb12u7");
        assertThat(libc6.arch()).isEqualTo("amd64");
        assertThat(libc6.sourceName()).isEqualTo("glibc");
        assertThat(libc6.sourceVersion()).isEqualTo("2.36-9+deb12u7");
        assertThat(libc6.locations()).containsExactly("var/lib/dpkg/status.d/libc6");
        assertThat(libc6.ownedFiles()).containsExactly("lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
                "lib/x86_64-linux-gnu/libc.so.6", "lib/x86_64-linux-gnu/libm.so.6", "usr/share/doc/libc6/copyright");

        assertThat(r.get("dpkg", "libssl3").sourceName()).isEqualTo("openssl");
        assertThat(r.get("dpkg", "gcc-12-base").locations()).containsExactly("var/lib/dpkg/status.d/libgcc-s1");
        assertThat(r.get("dpkg", "libgcc-s1").sourceName()).isEqualTo("gcc-12");
        InstalledPackage tzdata = r.get("dpkg", "tzdata");
        assertThat(tzdata.arch()).isEqualTo("all");
        assertThat(tzdata.sourceName()).isEqualTo("tzdata");
        assertThat(tzdata.ownedFiles()).isEmpty();
        assertThat(r.get("dpkg", "base-files").version()).isEqualTo("12.4+deb12u7");
    }

    @Test
    void statesDecideWhatIsInstalled() {
        String status = """
                Package: held
                Status: hold ok installed
                Version: 1.0-1

                Package: removed
                Status: deinstall ok config-files
                Version: 2.0-1

                Package: purged
                Status: purge ok not-installed
                Version: 2.0-1

                Package: midway
                Status: install ok half-configured
                Version: 3.0-1

                Package: nostatus
                Version: 4.0-1
                """;
        LayerHarness.Results r = LayerHarness.analyze(new LayerHarness.Tar().file(STATUS, status).build(),
                new DpkgAnalyzer());

        assertThat(r.packages("dpkg")).extracting(InstalledPackage::name).containsExactly("held", "midway");
        assertThat(r.get("dpkg", "midway").properties()).containsEntry("dpkgStatus", "half-configured");
        assertThat(r.get("dpkg", "held").properties()).isEmpty();
        assertThat(r.warnings("dpkg")).isEmpty();
    }

    @Test
    void multiArchListNamesDirectoriesAndDep5Licenses() {
        String status = """
                Package: libfoo1
                Status: install ok installed
                Architecture: amd64
                Multi-Arch: same
                Source: foo (1:2.0-3)
                Version: 1:2.0-3+b1

                Package: bar
                Status: install ok installed
                Architecture: all
                Version: 0.5
                """;
        String copyright = """
                Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
                Upstream-Name: bar

                Files: *
                Copyright: 2020 Someone
                License: GPL-2+ or Artistic
                 This program is free software.

                Files: debian/*
                License: GPL-2+ or Artistic

                License: Expat
                 Permission is hereby granted...
                """;
        byte[] layer = new LayerHarness.Tar()
                .file(STATUS, status)
                .file("var/lib/dpkg/info/libfoo1:amd64.list", "/.\n/usr\n/usr/lib\n/usr/lib/libfoo.so.1\n")
                .file("var/lib/dpkg/info/bar.list", "/.\n/usr\n/usr/share\n/usr/share/bar\n/usr/share/bar/data"
                        + "\n/usr/share/bar/empty-dir\n/usr/share/doc/bar/copyright\n")
                .file("var/lib/dpkg/info/bar.md5sums", "d41d8cd98f00b204e9800998ecf8427e  usr/share/bar/data\n")
                .file("var/lib/dpkg/info/bar.postinst", "#!/bin/sh\n")
                .file("usr/share/doc/bar/copyright", copyright)
                .file("usr/share/doc/libfoo1/copyright", "This package was debianized by someone.\n\nGPL.\n")
                .build();
        LayerHarness.Results r = LayerHarness.analyze(layer, new DpkgAnalyzer());

        InstalledPackage libfoo = r.get("dpkg", "libfoo1");
        assertThat(libfoo.ownedFiles()).containsExactly("usr/lib/libfoo.so.1");
        assertThat(libfoo.sourceName()).isEqualTo("foo");
        assertThat(libfoo.sourceVersion()).isEqualTo("1:2.0-3");
        assertThat(libfoo.licenses()).isEmpty();

        InstalledPackage bar = r.get("dpkg", "bar");
        // An empty directory cannot be told from a file by the list alone; it stays.
        assertThat(bar.ownedFiles()).containsExactly("usr/share/bar/data", "usr/share/bar/empty-dir",
                "usr/share/doc/bar/copyright");
        assertThat(bar.licenses()).containsExactly("GPL-2+ or Artistic", "Expat");
        assertThat(r.warnings("dpkg")).isEmpty();
    }

    @Test
    void hostileStatusFileGivesWarningsNamingTheFileAndStanzaAndKeepsTheRest() {
        byte[] garbage = new byte[4000];
        new Random(42).nextBytes(garbage);
        for (int i = 0; i < garbage.length; i++) {
            if (garbage[i] == '\n') {
                garbage[i] = 'x'; // one stanza of garbage
            }
        }
        garbage[0] = (byte) 0x80; // not a field name, not a continuation
        String hugeDescription = (" " + "x".repeat(1000) + "\n").repeat(2100);
        String before = """
                Package: first
                Status: install ok installed
                Version: 1.0

                Package: noversion
                Status: install ok installed

                """;
        String after = """

                Package: huge
                Status: install ok installed
                Version: 1.0
                Description: more than a mebibyte
                %s
                Package: bad name!
                Status: install ok installed
                Version: 1.0

                 continuation without a field
                Package: orphan
                Version: 1.0

                Package: twice
                Package: twice
                Version: 1.0

                Package: badstatus
                Status: installed
                Version: 1.0

                Package: last
                Status: install ok installed
                Version: 2:3.4-5
                """.formatted(hugeDescription);
        byte[] status = concat(before.getBytes(StandardCharsets.UTF_8), garbage, "\n".getBytes(StandardCharsets.UTF_8),
                after.getBytes(StandardCharsets.UTF_8));
        LayerHarness.Results r = LayerHarness.analyze(new LayerHarness.Tar().file(STATUS, status).build(),
                new DpkgAnalyzer());

        assertThat(r.packages("dpkg")).extracting(InstalledPackage::name).containsExactly("first", "last");
        assertThat(r.get("dpkg", "last").version()).isEqualTo("2:3.4-5");
        List<AnalysisWarning> warnings = r.warnings("dpkg");
        assertThat(warnings).allSatisfy(w -> {
            assertThat(w.analyzer()).isEqualTo("dpkg");
            assertThat(w.path()).isEqualTo(STATUS);
        });
        assertThat(warnings).extracting(AnalysisWarning::message).satisfiesExactly(
                m -> assertThat(m).startsWith("stanza 2 ").contains("noversion", "no Version"),
                m -> assertThat(m).startsWith("stanza 3 ").contains("not a 'Field: value' line"),
                m -> assertThat(m).startsWith("stanza 4 ").contains("larger than 1048576 bytes"),
                m -> assertThat(m).startsWith("stanza 5 ").contains("invalid package name"),
                m -> assertThat(m).startsWith("stanza 6 ").contains("continues a field"),
                m -> assertThat(m).startsWith("stanza 7 ").contains("repeats the field 'Package'"),
                m -> assertThat(m).startsWith("stanza 8 ").contains("malformed Status"));
    }

    @Test
    void wantsOnlyItsOwnFiles() {
        DpkgAnalyzer dpkg = new DpkgAnalyzer();
        assertThat(List.of(STATUS, "var/lib/dpkg/status.d/libc6", "var/lib/dpkg/status.d/libc6.md5sums",
                "var/lib/dpkg/info/libc6:amd64.list", "var/lib/dpkg/info/coreutils.md5sums",
                "usr/share/doc/bash/copyright")).allMatch(p -> dpkg.wants(p, null));
        assertThat(List.of("var/lib/dpkg/status-old", "var/lib/dpkg/info/bash.postinst",
                "var/lib/dpkg/info/sub/x.list", "var/lib/dpkg/status.d/", "usr/share/doc/bash/examples/copyright",
                "usr/share/doc/copyright", "usr/share/doc/bash/copyright.gz")).noneMatch(p -> dpkg.wants(p, null));
    }

    private static byte[] concat(byte[]... parts) {
        int length = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
