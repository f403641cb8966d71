package io.drydock.inventory.lang;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.drydock.inventory.Analyzer;
import io.drydock.testing.HostTools;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bytes flipped at random (fixed seeds, so failures reproduce) in the headers of executables and archives: whatever
 * comes out, reading never throws, and so never fails the layer; a healthy file next to the broken one is still
 * found.
 */
class CorruptInputTest {
    private static final int ROUNDS = 150;

    @TempDir
    java.nio.file.Path temp;

    @Test
    void corruptElfHeadersNeverFailTheLayer() throws IOException {
        java.nio.file.Path rust = temp.resolve("rg");
        java.nio.file.Path section = temp.resolve("dep-v0");
        Files.write(section, RustAuditableAnalyzerTest.zlib(RustAuditableAnalyzerTest.DEPENDENCY_TREE));
        HostTools.runChecked("adding .dep-v0", Duration.ofMinutes(1), List.of(
                HostTools.require("objcopy", "binutils").toString(), "--add-section", ".dep-v0=" + section,
                HostTools.which("true").orElseThrow().toString(), rust.toString()));
        byte[] rustBinary = Files.readAllBytes(rust);
        byte[] oldGo = SyntheticElf.preGo118("go1.16.15",
                SyntheticElf.wrapModuleInfo("path\tx\nmod\tx\tv1.0.0\t\n"), true);
        long shoff = java.nio.ByteBuffer.wrap(rustBinary).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(40);
        Random random = new Random(20240501);
        ExecutableAnalyzer analyzer = new ExecutableAnalyzer();

        for (int round = 0; round < ROUNDS; round++) {
            byte[] brokenRust = rustBinary.clone();
            byte[] brokenGo = oldGo.clone();
            for (int flip = 0; flip < 4; flip++) {
                // the file header and program headers, and the section header table at the end
                brokenRust[random.nextInt(512)] = (byte) random.nextInt();
                brokenRust[(int) shoff + random.nextInt(rustBinary.length - (int) shoff)] = (byte) random.nextInt();
                brokenGo[random.nextBoolean() ? random.nextInt(0x300) : 0x2000 + random.nextInt(0x60)] =
                        (byte) random.nextInt();
            }
            byte[] layer = new LayerFeed.Tar().file("bin/rust", brokenRust, 0755).file("bin/go", brokenGo, 0755)
                    .file("bin/healthy", oldGo, 0755).bytes();

            int seed = round;
            assertThatCode(() -> {
                Analyzer.Result result = LayerFeed.analyze(analyzer, layer);
                assertThat(result.packages()).as("round " + seed)
                        .anyMatch(p -> p.locations().equals(List.of("bin/healthy")));
            }).as("round " + round).doesNotThrowAnyException();
        }
    }

    @Test
    void corruptJarsNeverFailTheLayer() {
        byte[] inner = new TestJars.Builder().pom("com.example", "inner", "1.0").file("a.txt", "x".repeat(2000)).bytes();
        byte[] jar = new TestJars.Builder().manifest("Implementation-Version", "1.0").pom("com.example", "outer", "1.0")
                .stored("lib/inner-1.0.jar", inner).file("lib/deflated-1.0.jar", inner).bytes();
        byte[] healthy = new TestJars.Builder().pom("com.example", "healthy", "1.0").bytes();
        Random random = new Random(42);
        JavaArchiveAnalyzer analyzer = new JavaArchiveAnalyzer();

        for (int round = 0; round < ROUNDS; round++) {
            byte[] broken = jar.clone();
            for (int flip = 0; flip < 3; flip++) {
                broken[random.nextInt(broken.length)] = (byte) random.nextInt();
            }
            byte[] layer = new LayerFeed.Tar().file("app/broken-1.0.jar", broken).file("app/healthy-1.0.jar", healthy)
                    .bytes();

            int seed = round;
            assertThatCode(() -> {
                Analyzer.Result result = LayerFeed.analyze(analyzer, layer);
                assertThat(LayerFeed.only(result, "healthy").version()).as("round " + seed).isEqualTo("1.0");
            }).as("round " + round).doesNotThrowAnyException();
        }
    }
}
