package io.drydock.inventory.lang;

import static io.drydock.inventory.lang.LayerFeed.only;
import static io.drydock.inventory.lang.LayerFeed.warningsFor;
import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.inventory.Analyzer;
import io.drydock.inventory.InstalledPackage;
import io.drydock.testing.HostTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RustAuditableAnalyzerTest {
    /** The dependency tree as cargo auditable writes it: runtime kind and non-root left out, indices for edges. */
    static final String DEPENDENCY_TREE = """
            {"packages":[
              {"name":"ripgrep","version":"14.1.0","source":"local","dependencies":[1,2,3],"root":true},
              {"name":"regex","version":"1.10.2","source":"crates.io","dependencies":[2]},
              {"name":"memchr","version":"2.7.1","source":"crates.io"},
              {"name":"cc","version":"1.0.83","source":"crates.io","kind":"build"}
            ],"format":1}
            """;

    @TempDir
    Path temp;

    private final RustAuditableAnalyzer analyzer = new RustAuditableAnalyzer();

    @Test
    void aBinaryWithACargoAuditableSectionYieldsItsCrates() {
        Path binary = withSections("rg", section(".dep-v0", zlib(DEPENDENCY_TREE)));

        Analyzer.Result result = LayerFeed.analyze(analyzer, new LayerFeed.Tar().copy("usr/bin/rg", binary, 0755).bytes());

        assertThat(result.warnings()).isEmpty();
        assertThat(result.packages()).hasSize(4).allMatch(p -> p.type().equals("cargo"))
                .allMatch(p -> p.locations().equals(List.of("usr/bin/rg")));
        InstalledPackage root = only(result, "ripgrep");
        assertThat(root.version()).isEqualTo("14.1.0");
        assertThat(root.properties()).containsEntry("root", "true").containsEntry("source", "local");
        assertThat(only(result, "regex").properties()).containsEntry("source", "crates.io").doesNotContainKey("kind");
        assertThat(only(result, "cc").properties()).containsEntry("kind", "build");
    }

    @Test
    void anOrdinaryBinaryYieldsNothingAndNoWarning() {
        Path plain = HostTools.which("true").orElseThrow();

        Analyzer.Result result = LayerFeed.analyze(analyzer, new LayerFeed.Tar().copy("bin/true", plain, 0755).bytes());

        assertThat(result.packages()).isEmpty();
        assertThat(result.warnings()).isEmpty();
    }

    @Test
    void onlyTheTailBeforeTheSectionTableIsRead() {
        RustAuditableAnalyzer limited = new RustAuditableAnalyzer(
                new RustAuditableAnalyzer.Limits(1L << 30, 1 << 20, 1 << 20));
        byte[] debugInfo = new byte[3 << 20];
        Path sectionLast = withSections("near", section(".debug_big", debugInfo), section(".dep-v0", zlib(DEPENDENCY_TREE)));
        Path sectionFirst = withSections("far", section(".dep-v0", zlib(DEPENDENCY_TREE)), section(".debug_big", debugInfo));

        Analyzer.Result result = LayerFeed.analyze(limited, new LayerFeed.Tar()
                .copy("bin/near", sectionLast, 0755).copy("bin/far", sectionFirst, 0755).bytes());

        assertThat(result.packages()).hasSize(4).allMatch(p -> p.locations().equals(List.of("bin/near")));
        assertThat(warningsFor(result, "bin/far")).singleElement().satisfies(w -> assertThat(w.message())
                .contains(".dep-v0").contains("outside the last 1048576 bytes before the section table"));
    }

    @Test
    void aSectionThatInflatesPastTheLimitOrIsNotZlibIsWarnedAbout() {
        RustAuditableAnalyzer limited = new RustAuditableAnalyzer(
                new RustAuditableAnalyzer.Limits(1L << 30, 16 << 20, 1 << 20));
        String huge = "{\"packages\":[" + " ".repeat(4 << 20) + "]}";
        Path bomb = withSections("bomb", section(".dep-v0", zlib(huge)));
        Path garbage = withSections("garbage", section(".dep-v0", "not zlib at all".getBytes(StandardCharsets.UTF_8)));
        Path fine = withSections("fine", section(".dep-v0", zlib(DEPENDENCY_TREE)));

        Analyzer.Result result = LayerFeed.analyze(limited, new LayerFeed.Tar().copy("bin/bomb", bomb, 0755)
                .copy("bin/garbage", garbage, 0755).copy("bin/fine", fine, 0755).bytes());

        assertThat(warningsFor(result, "bin/bomb")).singleElement()
                .satisfies(w -> assertThat(w.message()).contains("inflates to more than 1048576 bytes"));
        assertThat(warningsFor(result, "bin/garbage")).singleElement()
                .satisfies(w -> assertThat(w.message()).contains("not zlib data"));
        assertThat(result.warnings()).hasSize(2).allMatch(w -> w.analyzer().equals("rust-auditable"));
        assertThat(result.packages()).hasSize(4);
    }

    private record Section(String name, byte[] content) {
    }

    private static Section section(String name, byte[] content) {
        return new Section(name, content);
    }

    /**
     * A copy of this machine's {@code true} with sections added by binutils, in this order in the file. Like cargo auditable's,
     * they are not loaded (no SHF_ALLOC), so the linker-like placement puts them behind the loaded segments.
     */
    private Path withSections(String name, Section... sections) {
        try {
            Path objcopy = HostTools.require("objcopy", "binutils");
            List<String> command = new ArrayList<>(List.of(objcopy.toString()));
            // objcopy puts each added section in front of those added before it: add them last to first
            for (Section s : java.util.Arrays.asList(sections).reversed()) {
                Path content = temp.resolve(name + s.name());
                Files.write(content, s.content());
                command.add("--add-section");
                command.add(s.name() + "=" + content);
            }
            Path out = temp.resolve(name);
            command.add(HostTools.which("true").orElseThrow().toString());
            command.add(out.toString());
            HostTools.runChecked("adding sections with objcopy", Duration.ofMinutes(1), command);
            String sectionsSeen = HostTools.runChecked("listing sections", Duration.ofMinutes(1),
                    List.of(HostTools.require("readelf", "binutils").toString(), "-SW", out.toString())).output();
            assertThat(sectionsSeen).contains(".dep-v0");
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] zlib(String json) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (DeflaterOutputStream out = new DeflaterOutputStream(bytes, new Deflater(Deflater.BEST_COMPRESSION))) {
            out.write(json.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
