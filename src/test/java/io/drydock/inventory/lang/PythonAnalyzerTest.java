package io.drydock.inventory.lang;

import static io.drydock.inventory.lang.LayerFeed.only;
import static io.drydock.inventory.lang.LayerFeed.warningsFor;
import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.inventory.Analyzer;
import io.drydock.inventory.InstalledPackage;
import io.drydock.inventory.Purls;
import java.io.ByteArrayInputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class PythonAnalyzerTest {
    private static final String DIST_PACKAGES = "usr/lib/python3/dist-packages/";
    private final PythonAnalyzer analyzer = new PythonAnalyzer();

    @Test
    void debiansPythonPackagesYieldTheirCoreMetadata() {
        List<String> debs = List.of("python3-urllib3", "python3-typing-extensions", "python3-six", "python3-certifi");
        LayerFeed.Tar layer = new LayerFeed.Tar();
        debs.forEach(deb -> layer.tree("", DebianPackages.unpacked(deb)));

        Analyzer.Result result = LayerFeed.analyze(analyzer, layer.bytes());

        assertThat(result.warnings()).isEmpty();
        assertThat(result.packages()).hasSize(4).allMatch(p -> p.type().equals("pypi"));
        InstalledPackage urllib3 = only(result, "urllib3");
        assertThat(urllib3.version()).isEqualTo(DebianPackages.upstreamVersion("python3-urllib3"));
        assertThat(urllib3.licenses()).containsExactly("MIT");
        assertThat(urllib3.locations())
                .containsExactly(DIST_PACKAGES + "urllib3-" + urllib3.version() + ".egg-info/PKG-INFO");

        InstalledPackage typing = only(result, "typing_extensions");
        String version = DebianPackages.upstreamVersion("python3-typing-extensions");
        assertThat(typing.version()).isEqualTo(version);
        assertThat(typing.locations()).containsExactly(DIST_PACKAGES + "typing_extensions-" + version
                + ".dist-info/METADATA");
        // no License header: the classifier names it
        assertThat(typing.licenses()).containsExactly("Python Software Foundation License");
        assertThat(typing.properties()).containsEntry("normalizedName", "typing-extensions");
        assertThat(Purls.of(typing, null)).isEqualTo("pkg:pypi/typing-extensions@" + version);

        assertThat(only(result, "certifi").licenses()).containsExactly("MPL-2.0");
        assertThat(only(result, "six").version()).isEqualTo(DebianPackages.upstreamVersion("python3-six"));
    }

    @Test
    void licenseExpressionWinsAndALicenseTextInTheLicenseHeaderIsNotTakenForAName() {
        byte[] layer = new LayerFeed.Tar()
                .file("site-packages/new_pkg-2.0.dist-info/METADATA", """
                        Metadata-Version: 2.4
                        Name: New.Pkg
                        Version: 2.0
                        License-Expression: Apache-2.0 OR MIT
                        License: Apache License 2.0
                        Classifier: License :: OSI Approved :: MIT License

                        Long description: License: not a header
                        """)
                .file("site-packages/old-1.0.egg-info/PKG-INFO", """
                        Metadata-Version: 1.1
                        Name: old
                        Version: 1.0
                        License: Copyright (c) 2004 The Authors
                                Permission is hereby granted, free of charge, to any person obtaining a copy
                                of this software and associated documentation files.
                        Classifier: License :: OSI Approved :: BSD License
                        Classifier: License :: OSI Approved
                        """)
                .file("site-packages/unknown-0.1.egg-info/PKG-INFO", "Name: unknown\nVersion: 0.1\nLicense: UNKNOWN\n")
                .bytes();

        Analyzer.Result result = LayerFeed.analyze(analyzer, layer);

        InstalledPackage newPkg = only(result, "New.Pkg");
        assertThat(newPkg.licenses()).containsExactly("Apache-2.0 OR MIT");
        assertThat(newPkg.properties()).containsEntry("normalizedName", "new-pkg");
        assertThat(only(result, "old").licenses()).containsExactly("BSD License");
        assertThat(only(result, "unknown").licenses()).isEmpty();
        assertThat(result.warnings()).isEmpty();
    }

    @Test
    void anEggInfoFileIsReadLikeAPkgInfo() {
        byte[] layer = new LayerFeed.Tar().file(DIST_PACKAGES + "chardet-5.1.0.egg-info",
                "Metadata-Version: 2.1\r\nName: chardet\r\nVersion: 5.1.0\r\nLicense: LGPL\r\n\r\nbody\r\n").bytes();

        InstalledPackage chardet = only(LayerFeed.analyze(analyzer, layer), "chardet");

        assertThat(chardet.version()).isEqualTo("5.1.0");
        assertThat(chardet.licenses()).containsExactly("LGPL");
        assertThat(chardet.locations()).containsExactly(DIST_PACKAGES + "chardet-5.1.0.egg-info");
    }

    @Test
    void metadataWithoutAVersionOrWithEndlessHeadersIsWarnedAboutAndAHugeDescriptionIsFine() {
        String endlessHeaders = "Name: endless\n" + "Classifier: Topic :: Utilities\n".repeat(1000);
        String hugeDescription = "Name: verbose\nVersion: 3.0\n\n" + "a long README\n".repeat(200_000);
        byte[] layer = new LayerFeed.Tar()
                .file("lib/noversion-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: noversion\n\nbody")
                .file("lib/endless-1.0.dist-info/METADATA", endlessHeaders)
                .file("lib/verbose-3.0.dist-info/METADATA", hugeDescription)
                .bytes();

        Analyzer.Result result = LayerFeed.analyze(new PythonAnalyzer(4096), layer);

        assertThat(warningsFor(result, "lib/noversion-1.0.dist-info/METADATA")).singleElement()
                .satisfies(w -> assertThat(w.message()).contains("no Version header"));
        assertThat(warningsFor(result, "lib/endless-1.0.dist-info/METADATA")).singleElement()
                .satisfies(w -> assertThat(w.message()).contains("past 4096 bytes"));
        assertThat(result.warnings()).hasSize(2);
        assertThat(only(result, "verbose").version()).isEqualTo("3.0");
    }

    @Test
    void wantsCoreMetadataFilesOnly() {
        byte[] layer = new LayerFeed.Tar()
                .file("a/x-1.dist-info/METADATA", "").file("a/x-1.dist-info/RECORD", "")
                .file("a/y-1.egg-info/PKG-INFO", "").file("a/z-1.egg-info", "")
                .file("a/w-1.egg/EGG-INFO/PKG-INFO", "").file("a/METADATA", "").file("a/docs/PKG-INFO", "")
                .file(".egg-info", "")
                .bytes();

        assertThat(LayerFeed.wanted(analyzer, new ByteArrayInputStream(layer))).containsExactly(
                "a/x-1.dist-info/METADATA", "a/y-1.egg-info/PKG-INFO", "a/z-1.egg-info", "a/w-1.egg/EGG-INFO/PKG-INFO");
    }
}
