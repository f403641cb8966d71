package io.drydock.inventory.lang;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.inventory.Analyzer;
import io.drydock.inventory.DefaultAnalyzers;
import io.drydock.inventory.InstalledPackage;
import io.drydock.inventory.LayerAnalysis;
import io.drydock.layer.LayerInfo;
import io.drydock.layer.LayerReader;
import io.drydock.testing.TestImages;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LanguageAnalyzersTest {

    @Test
    void oneOfEachWithDistinctIds() {
        assertThat(LanguageAnalyzers.all()).extracting(Analyzer::id).doesNotHaveDuplicates()
                .containsExactly("java-archive", "npm", "python", "executable", "gemspec", "dotnet-deps", "composer");
    }

    @Test
    void noFileOfTheFixtureImagesIsWantedByTwoAnalyzers() throws IOException {
        List<Analyzer> all = DefaultAnalyzers.all().list();
        Map<String, List<String>> wantedBy = new HashMap<>();
        for (String digest : TestImages.layerDigests("app")) {
            try (InputStream blob = Files.newInputStream(TestImages.blob(digest))) {
                new LayerReader().read(blob, LayerFeed.IMAGE, LayerFeed.layer(), (entry, content) -> {
                    if (!entry.isRegularFile()) {
                        return;
                    }
                    List<String> ids = new ArrayList<>();
                    for (Analyzer analyzer : all) {
                        if (analyzer.wants(entry.path(), entry)) {
                            ids.add(analyzer.id());
                        }
                    }
                    if (ids.size() > 1) {
                        wantedBy.put(entry.path(), ids);
                    }
                });
            }
        }
        assertThat(wantedBy).as("files wanted twice must be held in memory to be read twice").isEmpty();
    }

    @Test
    void theDebianBaseLayerHasNoApplicationPackagesAndItsExecutablesAreSkippedCheaply() throws IOException {
        Path base = TestImages.blob(TestImages.layerDigests("base").get(0));
        long[] executables = new long[2];
        try (InputStream blob = Files.newInputStream(base)) {
            new LayerReader().read(blob, LayerFeed.IMAGE, LayerFeed.layer(), (entry, content) -> {
                if (entry.isRegularFile() && ExecutableFiles.isCandidate(entry.path(), entry)) {
                    executables[0]++;
                    executables[1] += entry.size();
                }
            });
        }

        for (Analyzer analyzer : LanguageAnalyzers.all()) {
            Analyzer.Result result = LayerFeed.analyze(analyzer, base);
            assertThat(result.packages()).as(analyzer.id()).isEmpty();
            assertThat(result.warnings()).as(analyzer.id()).isEmpty();
        }

        long plain = bestOf(3, () -> time(base, null));
        long withExecutables = bestOf(3, () -> time(base, new ExecutableAnalyzer()));
        System.out.printf("executable analyzer on the Debian base layer: %d candidate files (%.0f MiB), layer read "
                        + "in %d ms alone, %d ms with the analyzer%n", executables[0], executables[1] / 1048576.0,
                plain / 1_000_000, withExecutables / 1_000_000);
        assertThat(executables[0]).as("the base layer is full of programs").isGreaterThan(100);
    }

    @Test
    void theInventoryPassOverTheAppImageFindsLog4jAndLodash() throws IOException {
        List<String> digests = TestImages.layerDigests("app");
        List<InstalledPackage> language = new ArrayList<>();
        for (int i = 0; i < digests.size(); i++) {
            try (InputStream blob = Files.newInputStream(TestImages.blob(digests.get(i)))) {
                LayerAnalysis analysis = DefaultAnalyzers.all().analyze(new LayerReader(), blob, LayerFeed.IMAGE,
                        new LayerInfo(i, digests.get(i), TestImages.diffIds("app").get(i), null));
                assertThat(analysis.warnings()).isEmpty();
                analysis.packages().stream().filter(p -> !p.isOsPackage()).forEach(language::add);
            }
        }
        assertThat(language).extracting(p -> p.type() + ":" + p.name() + "@" + p.version())
                .containsExactlyInAnyOrder("maven:log4j-core@2.14.1", "npm:lodash@4.17.15");
    }

    private static long time(Path blob, Analyzer analyzer) {
        long start = System.nanoTime();
        if (analyzer == null) {
            try (InputStream in = Files.newInputStream(blob)) {
                new LayerReader().read(in, LayerFeed.IMAGE, LayerFeed.layer(), (entry, content) -> { });
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        } else {
            LayerFeed.analyze(analyzer, blob);
        }
        return System.nanoTime() - start;
    }

    private static long bestOf(int runs, java.util.function.LongSupplier run) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < runs; i++) {
            best = Math.min(best, run.getAsLong());
        }
        return best;
    }
}
