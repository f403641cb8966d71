package io.drydock.inventory.lang;

import static io.drydock.inventory.lang.LayerFeed.only;
import static io.drydock.inventory.lang.LayerFeed.warningsFor;
import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.inventory.Analyzer;
import io.drydock.inventory.InstalledPackage;
import io.drydock.testing.HostTools;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class GoBinaryAnalyzerTest {
    private final GoBinaryAnalyzer analyzer = new GoBinaryAnalyzer();

    @ParameterizedTest
    @EnumSource(GoBinaries.Variant.class)
    void aRealGoBinaryYieldsItsModulesAsGoVersionMShowsThem(GoBinaries.Variant variant) {
        Path binary = GoBinaries.binary(variant);
        String reference = GoBinaries.goVersionM(variant);
        String goVersion = group(reference, "^\\S+: (go\\S+)");

        Analyzer.Result result = LayerFeed.analyze(analyzer,
                new LayerFeed.Tar().copy("usr/local/bin/hello", binary, 0755).bytes());

        assertThat(result.warnings()).isEmpty();
        InstalledPackage main = only(result, "hello");
        assertThat(main.type()).isEqualTo("golang");
        assertThat(main.namespace()).isEqualTo("example.com/drydock");
        assertThat(main.version()).isEqualTo(group(reference, "\tmod\texample.com/drydock/hello\t(\\S+)"));
        assertThat(main.locations()).containsExactly("usr/local/bin/hello");
        assertThat(main.properties()).containsEntry("goVersion", goVersion).containsEntry("build.GOOS", "linux")
                .containsEntry("build.GOARCH", "amd64").containsEntry("build.CGO_ENABLED", "0");

        InstalledPackage quote = only(result, "quote");
        assertThat(quote.namespace()).isEqualTo("example.com");
        assertThat(quote.version()).isEqualTo("v1.5.2");
        assertThat(quote.properties()).containsEntry("sum",
                group(reference, "\tdep\texample.com/quote\tv1.5.2\t(h1:\\S+)"));

        // replace example.com/legacy v1.0.0 => example.com/fork v1.1.0: the fork's code is what is linked in
        InstalledPackage fork = only(result, "fork");
        assertThat(fork.version()).isEqualTo("v1.1.0");
        assertThat(fork.properties()).containsEntry("replaces", "example.com/legacy@v1.0.0")
                .containsEntry("sum", group(reference, "\t=>\texample.com/fork\tv1.1.0\t(h1:\\S+)"));

        InstalledPackage greeter = only(result, "greeter");
        assertThat(greeter.version()).isEqualTo("v0.0.0");
        assertThat(greeter.properties()).containsEntry("localReplacement", "./greeter");

        InstalledPackage stdlib = only(result, "stdlib");
        assertThat(stdlib.namespace()).isNull();
        assertThat(stdlib.version()).isEqualTo("v" + goVersion.substring(2));
        assertThat(result.packages()).hasSize(5);
    }

    @Test
    void theGoBuildIdNoteMarksGoBinariesUnlessBuiltWithoutABuildId() throws Exception {
        assertThat(GoBinaryAnalyzer.hasGoNote(headers(GoBinaries.binary(GoBinaries.Variant.DEFAULT)))).isTrue();
        assertThat(GoBinaryAnalyzer.hasGoNote(headers(GoBinaries.binary(GoBinaries.Variant.STRIPPED)))).isFalse();
        assertThat(GoBinaryAnalyzer.hasGoNote(headers(HostTools.which("ls").orElseThrow()))).isFalse();
    }

    private static ElfImage headers(Path file) throws Exception {
        try (var in = Files.newInputStream(file)) {
            ForwardReader reader = new ForwardReader(in, Files.size(file));
            return ElfImage.read(reader, reader.read(4));
        }
    }

    @Test
    void preGo118BuildInfoIsFollowedThroughItsPointers() {
        String modules = "path\texample.com/old\nmod\texample.com/old\tv0.3.0\th1:abc=\n"
                + "dep\tgolang.org/x/text\tv0.3.7\th1:olpwvP2KacW1ZWvsR7uQhoyTYvKAupfQrRGBFM352Gk=\n";
        byte[] elf = SyntheticElf.preGo118("go1.16.15", SyntheticElf.wrapModuleInfo(modules), true);

        Analyzer.Result result = LayerFeed.analyze(analyzer, new LayerFeed.Tar().file("bin/old", elf, 0755).bytes());

        assertThat(result.warnings()).isEmpty();
        assertThat(only(result, "old").version()).isEqualTo("v0.3.0");
        assertThat(only(result, "old").properties()).containsEntry("goVersion", "go1.16.15");
        InstalledPackage text = only(result, "text");
        assertThat(text.namespace()).isEqualTo("golang.org/x");
        assertThat(text.version()).isEqualTo("v0.3.7");
        assertThat(only(result, "stdlib").version()).isEqualTo("v1.16.15");
    }

    @Test
    void preGo118BuildInfoWhoseStringsWereNotKeptIsWarnedAbout() {
        // without the Go build ID note nothing marks the file as Go before its data segment, so read-only data is
        // not kept, and the old format's pointers lead nowhere
        byte[] elf = SyntheticElf.preGo118("go1.16.15", SyntheticElf.wrapModuleInfo("path\tx\n"), false);

        Analyzer.Result result = LayerFeed.analyze(analyzer, new LayerFeed.Tar().file("bin/old", elf, 0755).bytes());

        assertThat(result.packages()).isEmpty();
        assertThat(warningsFor(result, "bin/old")).singleElement()
                .satisfies(w -> assertThat(w.message()).contains("Go build info unreadable").contains("pre-1.18"));
    }

    @Test
    void programsThatAreNotGoYieldNothingAndNoWarning() {
        LayerFeed.Tar layer = new LayerFeed.Tar();
        for (String program : new String[] {"ls", "true", "dpkg"}) {
            layer.copy("usr/bin/" + program, HostTools.which(program).orElseThrow(), 0755);
        }
        layer.file("usr/bin/script", "#!/bin/sh\necho hi, this is long enough to be an ELF header but is not one\n"
                .getBytes(), 0755);

        Analyzer.Result result = LayerFeed.analyze(analyzer, layer.bytes());

        assertThat(result.packages()).isEmpty();
        assertThat(result.warnings()).isEmpty();
    }

    @Test
    void aTruncatedGoBinaryIsWarnedAbout() throws IOException {
        byte[] binary = Files.readAllBytes(GoBinaries.binary(GoBinaries.Variant.DEFAULT));
        byte[] layer = new LayerFeed.Tar().file("bin/cut", Arrays.copyOf(binary, binary.length / 2), 0755).bytes();

        Analyzer.Result result = LayerFeed.analyze(analyzer, layer);

        assertThat(result.packages()).isEmpty();
        assertThat(warningsFor(result, "bin/cut")).singleElement()
                .satisfies(w -> assertThat(w.message()).contains("malformed ELF file").contains("truncated"));
    }

    @Test
    void aGoBinaryOverTheSizeLimitIsWarnedAboutNotRead() throws IOException {
        byte[] binary = Files.readAllBytes(GoBinaries.binary(GoBinaries.Variant.DEFAULT));
        GoBinaryAnalyzer limited = new GoBinaryAnalyzer(new GoBinaryAnalyzer.Limits(1 << 20, 64L << 20));

        Analyzer.Result result = LayerFeed.analyze(limited, new LayerFeed.Tar().file("bin/big", binary, 0755).bytes());

        assertThat(result.packages()).isEmpty();
        assertThat(warningsFor(result, "bin/big")).singleElement()
                .satisfies(w -> assertThat(w.message()).contains("over the limit of 1048576 bytes"));
    }

    @ParameterizedTest
    @CsvSource({"go1.19.8, v1.19.8", "go1.20, v1.20.0", "go1.21rc2, v1.21.0-rc.2", "go1.9beta1, v1.9.0-beta.1",
            "go1.22.0 X:boringcrypto, v1.22.0"})
    void goVersionsBecomeSemanticVersions(String goVersion, String semantic) {
        assertThat(GoBuildInfo.semanticVersion(goVersion)).contains(semantic);
    }

    @Test
    void developmentToolchainsHaveNoStdlibVersion() {
        assertThat(GoBuildInfo.semanticVersion("devel go1.23-4c2b1d6 Tue Mar 5 2024")).isEmpty();
    }

    @Test
    void wantsExecutablesThatMayBeElf() {
        byte[] layer = new LayerFeed.Tar()
                .file("usr/bin/tool", new byte[100], 0755).file("usr/lib/libx.so.1", new byte[100], 0755)
                .file("usr/bin/data", new byte[100], 0644).file("usr/bin/tiny", new byte[10], 0755)
                .file("app/run.sh", new byte[100], 0755).file("app/node_modules/x/package.json", new byte[100], 0755)
                .file("app/lib/a.jar", new byte[100], 0755).file("py/x.dist-info/METADATA", new byte[100], 0755)
                .file("proc/1/exe", new byte[100], 0755)
                .bytes();

        assertThat(LayerFeed.wanted(analyzer, new ByteArrayInputStream(layer)))
                .containsExactly("usr/bin/tool", "usr/lib/libx.so.1");
    }

    private static String group(String text, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
        if (!m.find()) {
            throw new AssertionError("no match for " + regex + " in:\n" + text);
        }
        return m.group(1);
    }
}
