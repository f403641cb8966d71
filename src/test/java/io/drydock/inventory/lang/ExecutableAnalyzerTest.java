package io.drydock.inventory.lang;

import static io.drydock.inventory.lang.LayerFeed.only;
import static io.drydock.inventory.lang.LayerFeed.warningsFor;
import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.inventory.Analyzer;
import io.drydock.testing.HostTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutableAnalyzerTest {
    @TempDir
    Path temp;

    private final ExecutableAnalyzer analyzer = new ExecutableAnalyzer();

    @Test
    void onePassFindsGoModulesAndRustCratesSideBySide() throws IOException {
        Path rust = temp.resolve("rg");
        Path section = temp.resolve("dep-v0");
        Files.write(section, RustAuditableAnalyzerTest.zlib(RustAuditableAnalyzerTest.DEPENDENCY_TREE));
        HostTools.runChecked("adding .dep-v0", Duration.ofMinutes(1), List.of(
                HostTools.require("objcopy", "binutils").toString(), "--add-section", ".dep-v0=" + section,
                HostTools.which("true").orElseThrow().toString(), rust.toString()));
        byte[] go = Files.readAllBytes(GoBinaries.binary(GoBinaries.Variant.DEFAULT));
        byte[] layer = new LayerFeed.Tar()
                .file("usr/local/bin/hello", go, 0755)
                .copy("usr/local/bin/rg", rust, 0755)
                .copy("usr/bin/ls", HostTools.which("ls").orElseThrow(), 0755)
                .file("usr/local/bin/broken", Arrays.copyOf(go, 4096), 0755)
                .bytes();

        Analyzer.Result result = LayerFeed.analyze(analyzer, layer);

        assertThat(result.packages()).filteredOn(p -> p.type().equals("golang")).hasSize(5)
                .allMatch(p -> p.locations().equals(List.of("usr/local/bin/hello")));
        assertThat(result.packages()).filteredOn(p -> p.type().equals("cargo")).hasSize(4)
                .allMatch(p -> p.locations().equals(List.of("usr/local/bin/rg")));
        assertThat(only(result, "hello").namespace()).isEqualTo("example.com/drydock");
        assertThat(only(result, "ripgrep").version()).isEqualTo("14.1.0");
        assertThat(result.packages()).hasSize(9);
        assertThat(result.warnings()).hasSize(1);
        assertThat(warningsFor(result, "usr/local/bin/broken")).singleElement().satisfies(w -> {
            assertThat(w.analyzer()).isEqualTo("executable");
            assertThat(w.message()).contains("truncated");
        });
    }

    @Test
    void itsVersionMovesWithEitherPart() {
        assertThat(analyzer.version()).isEqualTo(new GoBinaryAnalyzer().version() + new RustAuditableAnalyzer().version());
        assertThat(analyzer.id()).isEqualTo("executable");
    }
}
