package io.drydock.inventory.lang;

import static io.drydock.inventory.lang.LayerFeed.only;
import static io.drydock.inventory.lang.LayerFeed.sha1;
import static io.drydock.inventory.lang.LayerFeed.warningsFor;
import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.inventory.AnalysisWarning;
import io.drydock.inventory.Analyzer;
import io.drydock.inventory.InstalledPackage;
import io.drydock.testing.TestImages;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JavaArchiveAnalyzerTest {

    /** A small Spring Boot application's dependencies: Jackson, Commons, Log4j, Guava (and its odd helpers). */
    static final List<String> FAT_JAR_DEPENDENCIES = List.of(
            "com.fasterxml.jackson.core:jackson-databind:2.13.0",
            "org.apache.commons:commons-text:1.9",
            "org.apache.logging.log4j:log4j-api:2.14.1",
            "com.google.guava:guava:31.1-jre",
            // no pom.properties inside: identified by its manifest
            "org.apache.flink:flink-shaded-guava:30.1.1-jre-14.0");

    private final JavaArchiveAnalyzer analyzer = new JavaArchiveAnalyzer();

    @Test
    void theAppFixtureLayerYieldsLog4jCoreWithTheJarsRealSha1() throws IOException {
        Path blob = TestImages.blob(TestImages.layerDigests("app").get(1));
        Analyzer.Result result = LayerFeed.analyze(analyzer, blob);

        InstalledPackage log4j = only(result, "log4j-core");
        assertThat(log4j.type()).isEqualTo("maven");
        assertThat(log4j.namespace()).isEqualTo("org.apache.logging.log4j");
        assertThat(log4j.version()).isEqualTo("2.14.1");
        assertThat(log4j.locations()).containsExactly("app/lib/log4j-core-2.14.1.jar");
        assertThat(log4j.properties()).containsEntry("source", "pom.properties")
                .containsEntry("sha1", sha1(fileFromLayer(blob, "app/lib/log4j-core-2.14.1.jar")))
                .doesNotContainKeys("partial", "embedded");
        assertThat(log4j.licenses()).containsExactly("https://www.apache.org/licenses/LICENSE-2.0.txt");
        assertThat(result.packages()).hasSize(1);
        assertThat(result.warnings()).isEmpty();
    }

    @Test
    void aSpringBootFatJarYieldsWhatMavenResolvedForIt() {
        List<TestJars.Resolved> resolved = TestJars.resolve("spring-boot-style", FAT_JAR_DEPENDENCIES);
        byte[] fatJar = springBootJar(resolved);
        byte[] layer = new LayerFeed.Tar().file("app/app.jar", fatJar).bytes();

        Analyzer.Result result = LayerFeed.analyze(analyzer, layer);

        assertThat(result.warnings()).isEmpty();
        InstalledPackage app = only(result, "demo");
        assertThat(app.namespace()).isEqualTo("com.example");
        assertThat(app.version()).isEqualTo("1.0.0");
        assertThat(app.locations()).containsExactly("app/app.jar");
        assertThat(app.properties()).containsEntry("sha1", sha1(fatJar));
        for (TestJars.Resolved dependency : resolved) {
            String location = "app/app.jar!/BOOT-INF/lib/" + dependency.jar().getFileName();
            List<InstalledPackage> atLocation = result.packages().stream()
                    .filter(p -> p.locations().equals(List.of(location))).toList();
            assertThat(atLocation).as(location).hasSize(1);
            InstalledPackage found = atLocation.get(0);
            assertThat(found.name()).as(location).isEqualTo(dependency.artifactId());
            assertThat(found.version()).as(location).isEqualTo(dependency.version());
            assertThat(found.properties()).as(location).containsEntry("sha1", sha1(dependency.jar()));
            if (found.properties().get("source").equals("pom.properties")) {
                assertThat(found.namespace()).as(location).isEqualTo(dependency.groupId());
            } else if (found.namespace() != null) {
                // a manifest's Implementation-Vendor-Id, when it has one, is the groupId
                assertThat(found.namespace()).as(location).isEqualTo(dependency.groupId());
            }
        }
        assertThat(result.packages()).hasSize(resolved.size() + 1);
        assertThat(only(result, "flink-shaded-guava").properties()).containsEntry("source", "manifest");
        assertThat(only(result, "flink-shaded-guava").namespace()).isEqualTo("org.apache.flink");

        reportSpeed(layer, fatJar, resolved.size());
    }

    /** Prints the analyzer's throughput on the fat jar: best of five, after a warm-up. */
    private void reportSpeed(byte[] layer, byte[] fatJar, int nestedJars) {
        long best = Long.MAX_VALUE;
        for (int run = 0; run < 6; run++) {
            long start = System.nanoTime();
            LayerFeed.analyze(analyzer, layer);
            long took = System.nanoTime() - start;
            if (run > 0) {
                best = Math.min(best, took);
            }
        }
        System.out.printf("java-archive analyzer: fat jar of %.1f MiB with %d nested jars in %.0f ms (%.0f MiB/s)%n",
                fatJar.length / 1048576.0, nestedJars, best / 1e6, fatJar.length / 1048576.0 / (best / 1e9));
    }

    @Test
    void anEarHoldingAWarReportsTheWarsLibrariesTwoLevelsDown() {
        List<TestJars.Resolved> resolved = TestJars.resolve("spring-boot-style", FAT_JAR_DEPENDENCIES);
        TestJars.Builder war = new TestJars.Builder().manifest().pom("com.example", "shop-web", "2.1.0")
                .file("WEB-INF/web.xml", "<web-app/>");
        for (TestJars.Resolved dependency : resolved) {
            war.file("WEB-INF/lib/" + dependency.jar().getFileName(), read(dependency.jar()));
        }
        byte[] warBytes = war.bytes();
        byte[] ear = new TestJars.Builder().manifest().file("META-INF/application.xml", "<application/>")
                .file("shop-web.war", warBytes).bytes();

        Analyzer.Result result = LayerFeed.analyze(analyzer, new LayerFeed.Tar().file("opt/shop.ear", ear).bytes());

        assertThat(result.warnings()).isEmpty();
        assertThat(only(result, "shop-web").locations()).containsExactly("opt/shop.ear!/shop-web.war");
        assertThat(only(result, "shop-web").properties()).containsEntry("sha1", sha1(warBytes));
        assertThat(only(result, "commons-text").locations())
                .containsExactly("opt/shop.ear!/shop-web.war!/WEB-INF/lib/commons-text-1.9.jar");
        assertThat(result.packages()).hasSize(resolved.size() + 1);
    }

    @Test
    void anExecutableJarWithALauncherScriptInFrontIsStillRead() {
        byte[] jar = new TestJars.Builder().manifest("Main-Class", "com.example.Main").pom("com.example", "tool", "3.0")
                .bytes();
        byte[] script = LayerFeed.utf8("#!/bin/bash\n# launcher as Spring Boot writes it\nexec java -jar \"$0\" \"$@\"\n"
                .repeat(100));
        byte[] executable = concat(script, jar);

        Analyzer.Result result = LayerFeed.analyze(analyzer,
                new LayerFeed.Tar().file("usr/local/bin/tool.jar", executable, 0755).bytes());

        assertThat(only(result, "tool").properties()).containsEntry("sha1", sha1(executable));
        assertThat(result.warnings()).isEmpty();
    }

    @Test
    void aShadedJarWithTwoPomPropertiesYieldsTwoPackagesAndOnlyItselfGetsTheSha1() {
        byte[] shaded = new TestJars.Builder().manifest("Implementation-Version", "2.0")
                .pom("com.example", "service", "2.0").pom("com.google.code.gson", "gson", "2.8.9")
                .file("com/example/Service.class", "classes").file("com/example/shaded/gson/Gson.class", "classes")
                .bytes();

        Analyzer.Result result = LayerFeed.analyze(analyzer,
                new LayerFeed.Tar().file("srv/service-2.0.jar", shaded).bytes());

        assertThat(result.packages()).hasSize(2);
        assertThat(only(result, "service").properties()).containsEntry("sha1", sha1(shaded))
                .doesNotContainKey("embedded");
        InstalledPackage gson = only(result, "gson");
        assertThat(gson.namespace()).isEqualTo("com.google.code.gson");
        assertThat(gson.version()).isEqualTo("2.8.9");
        assertThat(gson.properties()).containsEntry("embedded", "true").doesNotContainKey("sha1");
        assertThat(gson.locations()).containsExactly("srv/service-2.0.jar");
    }

    @Test
    void aRealVendoredJarWithSixPomPropertiesNamesItselfAfterTheOneMatchingItsFileName() {
        Path jar = TestJars.artifact("org.apache.beam", "beam-vendor-guava-26_0-jre", "0.1");

        Analyzer.Result result = LayerFeed.analyze(analyzer,
                new LayerFeed.Tar().copy("app/lib/" + jar.getFileName(), jar, 0644).bytes());

        // Gradle's shadow plugin wrote the module's own pom.properties as org.apache.beam:guava-26_0-jre
        InstalledPackage self = only(result, "guava-26_0-jre");
        assertThat(self.version()).isEqualTo("0.1");
        assertThat(self.properties()).containsEntry("sha1", sha1(jar));
        InstalledPackage guava = only(result, "guava");
        assertThat(guava.version()).isEqualTo("26.0-jre");
        assertThat(guava.properties()).containsEntry("embedded", "true");
        assertThat(result.packages()).extracting(InstalledPackage::name).containsExactlyInAnyOrder("guava-26_0-jre",
                "guava", "jsr305", "error_prone_annotations", "j2objc-annotations", "animal-sniffer-annotations");
    }

    @Test
    void pomPropertiesWinOverADisagreeingManifest() {
        byte[] jar = new TestJars.Builder()
                .manifest("Implementation-Title", "Widgets", "Implementation-Version", "9.9.9",
                        "Implementation-Vendor-Id", "org.other")
                .pom("com.example", "widgets", "1.2.3").bytes();

        Analyzer.Result result = LayerFeed.analyze(analyzer, new LayerFeed.Tar().file("lib/widgets.jar", jar).bytes());

        InstalledPackage widgets = only(result, "widgets");
        assertThat(widgets.namespace()).isEqualTo("com.example");
        assertThat(widgets.version()).isEqualTo("1.2.3");
        assertThat(widgets.properties()).containsEntry("source", "pom.properties").containsEntry("sha1", sha1(jar));
        assertThat(result.packages()).hasSize(1);
    }

    @Test
    void withoutPomPropertiesTheManifestIdentifiesTheJar() {
        byte[] bySymbolicName = new TestJars.Builder()
                .manifest("Bundle-SymbolicName", "org.example.widgets;singleton:=true", "Bundle-Version", "4.5.6",
                        "Bundle-License", "Apache-2.0;link=\"https://www.apache.org/licenses/LICENSE-2.0\"")
                .bytes();
        byte[] byFileName = new TestJars.Builder()
                .manifest("Implementation-Title", "Gadget Library", "Implementation-Version", "2.0.1",
                        "Implementation-Vendor-Id", "org.example")
                .bytes();

        Analyzer.Result result = LayerFeed.analyze(analyzer, new LayerFeed.Tar()
                .file("lib/widgets.jar", bySymbolicName).file("lib/gadgets-2.0.1.jar", byFileName).bytes());

        InstalledPackage widgets = only(result, "org.example.widgets");
        assertThat(widgets.version()).isEqualTo("4.5.6");
        assertThat(widgets.namespace()).isNull();
        assertThat(widgets.licenses()).containsExactly("Apache-2.0");
        assertThat(widgets.properties()).containsEntry("source", "manifest").containsEntry("sha1", sha1(bySymbolicName));
        InstalledPackage gadgets = only(result, "gadgets");
        assertThat(gadgets.namespace()).isEqualTo("org.example");
        assertThat(gadgets.version()).isEqualTo("2.0.1");
        assertThat(gadgets.properties()).containsEntry("source", "manifest");
    }

    @Test
    void withNoMetadataAtAllTheFileNameIdentifiesTheJar() {
        byte[] bare = new TestJars.Builder().file("org/springframework/core/SpringVersion.class", "classes").bytes();

        Analyzer.Result result = LayerFeed.analyze(analyzer, new LayerFeed.Tar()
                .file("lib/spring-core-5.3.9.jar", bare).file("lib/app.jar", bare).bytes());

        InstalledPackage spring = only(result, "spring-core");
        assertThat(spring.version()).isEqualTo("5.3.9");
        assertThat(spring.namespace()).isNull();
        assertThat(spring.properties()).containsEntry("source", "filename").containsEntry("sha1", sha1(bare));
        assertThat(result.packages()).as("app.jar names no version: nothing to report").hasSize(1);
        assertThat(result.warnings()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
            "spring-core-5.3.9.jar, spring-core, 5.3.9",
            "commons-lang3-3.12.0.jar, commons-lang3, 3.12.0",
            "xyz-1.0-SNAPSHOT.jar, xyz, 1.0-SNAPSHOT",
            "guava-31.1-jre.jar, guava, 31.1-jre",
            "log4j-1.2-api-2.17.1.jar, log4j-1.2-api, 2.17.1",
            "beam-vendor-guava-26_0-jre-0.1.jar, beam-vendor-guava-26_0-jre, 0.1",
            "listenablefuture-9999.0-empty-to-avoid-conflict-with-guava.jar, listenablefuture, "
                    + "9999.0-empty-to-avoid-conflict-with-guava",
            "netty-codec-4.1.72.Final.jar, netty-codec, 4.1.72.Final",
            "jetty-server-9.4.44.v20210927.jar, jetty-server, 9.4.44.v20210927",
            "xyz-1.0-20211010.123456-3.jar, xyz, 1.0-20211010.123456-3",
            "jackson-datatype-jsr310-2.13.0.jar, jackson-datatype-jsr310, 2.13.0",
            "commons-io-2.11.0.war, commons-io, 2.11.0",
    })
    void fileNamesSplitIntoArtifactAndVersion(String fileName, String artifact, String version) {
        assertThat(JarFileName.parse(fileName)).contains(new JarFileName(artifact, version));
    }

    @ParameterizedTest
    @CsvSource({"app.jar", "bcprov-jdk15on.jar", "my-app-latest.jar", "x-.jar"})
    void fileNamesWithoutAVersionDoNotParse(String fileName) {
        assertThat(JarFileName.parse(fileName)).isEmpty();
    }

    @Test
    void aZipBombStopsAtTheLimitWithAWarningAndTheRestOfTheLayerIsStillRead() {
        byte[] bomb = new TestJars.Builder().pom("com.example", "bomb", "1.0")
                .file("zeros.bin", new byte[64 << 20]).bytes();
        byte[] good = new TestJars.Builder().pom("com.example", "good", "1.0").bytes();
        JavaArchiveAnalyzer limited = new JavaArchiveAnalyzer(new JavaArchiveAnalyzer.Limits(4, 16L << 20, 1000, 1 << 20));

        Analyzer.Result result = LayerFeed.analyze(limited,
                new LayerFeed.Tar().file("app/bomb-1.0.jar", bomb).file("app/good-1.0.jar", good).bytes());

        List<AnalysisWarning> warnings = warningsFor(result, "app/bomb-1.0.jar");
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0).message()).contains("more than 16777216 bytes decompressed").contains("partial");
        assertThat(warnings.get(0).analyzer()).isEqualTo("java-archive");
        assertThat(only(result, "bomb").properties()).containsEntry("partial", "true").doesNotContainKey("sha1");
        assertThat(only(result, "good").properties()).containsEntry("sha1", sha1(good)).doesNotContainKey("partial");
        assertThat(bomb.length).as("the bomb is small on disk").isLessThan(1 << 20);
    }

    @Test
    void tooManyEntriesStopAtTheLimit() {
        TestJars.Builder many = new TestJars.Builder().pom("com.example", "many", "1.0");
        for (int i = 0; i < 500; i++) {
            many.file("f/" + i, "x");
        }
        JavaArchiveAnalyzer limited = new JavaArchiveAnalyzer(new JavaArchiveAnalyzer.Limits(4, 1L << 30, 100, 1 << 20));

        Analyzer.Result result = LayerFeed.analyze(limited, new LayerFeed.Tar().file("many-1.0.jar", many.bytes()).bytes());

        assertThat(warningsFor(result, "many-1.0.jar")).singleElement()
                .satisfies(w -> assertThat(w.message()).contains("more than 100 entries"));
        assertThat(only(result, "many").properties()).containsEntry("partial", "true");
    }

    @Test
    void aJarNestedInItselfManyTimesIsOpenedOnlyToTheDepthLimit() {
        byte[] nest = new TestJars.Builder().pom("com.example", "nest", "1.0").bytes();
        for (int level = 0; level < 12; level++) {
            nest = new TestJars.Builder().pom("com.example", "nest", "1.0").file("nest-1.0.jar", nest).bytes();
        }

        Analyzer.Result result = LayerFeed.analyze(analyzer, new LayerFeed.Tar().file("app/nest-1.0.jar", nest).bytes());

        String tooDeep = "app/nest-1.0.jar" + "!/nest-1.0.jar".repeat(5);
        assertThat(warningsFor(result, tooDeep)).singleElement()
                .satisfies(w -> assertThat(w.message()).contains("nested 5 levels deep, more than the limit of 4"));
        assertThat(result.warnings()).hasSize(1);
        List<InstalledPackage> nests = LayerFeed.named(result, "nest");
        assertThat(nests).hasSize(5);
        InstalledPackage deepest = nests.stream()
                .filter(p -> p.locations().get(0).equals("app/nest-1.0.jar" + "!/nest-1.0.jar".repeat(4)))
                .findFirst().orElseThrow();
        assertThat(deepest.properties()).containsEntry("partial", "true").containsKey("sha1");
    }

    @Test
    void aTruncatedJarWarnsAndKeepsWhatItReadMarkedPartial() throws IOException {
        Path blob = TestImages.blob(TestImages.layerDigests("app").get(1));
        byte[] log4j = fileFromLayer(blob, "app/lib/log4j-core-2.14.1.jar");
        byte[] truncated = Arrays.copyOf(log4j, log4j.length * 6 / 10);
        byte[] good = new TestJars.Builder().pom("com.example", "good", "1.0").bytes();

        Analyzer.Result result = LayerFeed.analyze(analyzer, new LayerFeed.Tar()
                .file("app/lib/log4j-core-2.14.1.jar", truncated).file("app/lib/good-1.0.jar", good).bytes());

        assertThat(warningsFor(result, "app/lib/log4j-core-2.14.1.jar")).singleElement()
                .satisfies(w -> assertThat(w.message()).startsWith("truncated or corrupt archive"));
        InstalledPackage partial = only(result, "log4j-core");
        assertThat(partial.version()).isEqualTo("2.14.1");
        assertThat(partial.properties()).containsEntry("partial", "true").doesNotContainKey("sha1");
        assertThat(only(result, "good").properties()).doesNotContainKey("partial");
    }

    @Test
    void aCorruptNestedJarWarnsUnderItsOwnLocationAndTheOuterJarGoesOn() {
        byte[] inner = new TestJars.Builder().pom("com.example", "inner", "1.0").file("big.txt", "x".repeat(50_000))
                .bytes();
        byte[] broken = Arrays.copyOf(inner, inner.length / 2);
        byte[] fine = new TestJars.Builder().pom("com.example", "fine", "1.0").bytes();
        byte[] outer = new TestJars.Builder().pom("com.example", "outer", "1.0")
                .stored("BOOT-INF/lib/inner-1.0.jar", broken).stored("BOOT-INF/lib/fine-1.0.jar", fine).bytes();

        Analyzer.Result result = LayerFeed.analyze(analyzer, new LayerFeed.Tar().file("outer-1.0.jar", outer).bytes());

        assertThat(warningsFor(result, "outer-1.0.jar!/BOOT-INF/lib/inner-1.0.jar")).singleElement()
                .satisfies(w -> assertThat(w.message()).startsWith("truncated or corrupt nested archive"));
        assertThat(result.warnings()).hasSize(1);
        assertThat(only(result, "inner").properties()).containsEntry("partial", "true");
        assertThat(only(result, "fine").properties()).containsEntry("sha1", sha1(fine));
        assertThat(only(result, "outer").properties()).containsEntry("sha1", sha1(outer)).doesNotContainKey("partial");
    }

    @Test
    void aFileNamedLikeAJarThatIsNotAZipIsReportedAndYieldsNothing() {
        Analyzer.Result result = LayerFeed.analyze(analyzer,
                new LayerFeed.Tar().file("lib/notes-1.0.jar", "just text, not a zip").bytes());

        assertThat(result.packages()).isEmpty();
        assertThat(warningsFor(result, "lib/notes-1.0.jar")).singleElement()
                .satisfies(w -> assertThat(w.message()).contains("not a zip archive"));
    }

    @Test
    void wantsJavaArchivesByExtensionOnly() {
        byte[] layer = new LayerFeed.Tar().file("a/x.jar", "z").file("a/y.WAR", "z").file("a/z.ear", "z")
                .file("a/p.hpi", "z").file("a/x.jar.sha1", "z").file("a/.jar", "z").file("a/jar", "z").bytes();

        assertThat(LayerFeed.wanted(analyzer, new java.io.ByteArrayInputStream(layer)))
                .containsExactly("a/x.jar", "a/y.WAR", "a/z.ear", "a/p.hpi");
    }

    private static byte[] springBootJar(List<TestJars.Resolved> dependencies) {
        TestJars.Builder jar = new TestJars.Builder()
                .manifest("Main-Class", "org.springframework.boot.loader.JarLauncher",
                        "Start-Class", "com.example.demo.DemoApplication", "Spring-Boot-Classes", "BOOT-INF/classes/",
                        "Spring-Boot-Lib", "BOOT-INF/lib/")
                .pom("com.example", "demo", "1.0.0")
                .file("BOOT-INF/classes/com/example/demo/DemoApplication.class", "not really bytecode")
                .file("BOOT-INF/classes/application.properties", "server.port=8080\n");
        for (TestJars.Resolved dependency : dependencies) {
            jar.stored("BOOT-INF/lib/" + dependency.jar().getFileName(), dependency.jar());
        }
        return jar.bytes();
    }

    static byte[] fileFromLayer(Path blob, String path) throws IOException {
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(blob)));
             TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                if (entry.getName().replaceFirst("^\\./", "").equals(path)) {
                    return tar.readAllBytes();
                }
            }
        }
        throw new AssertionError(path + " is not in " + blob);
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
