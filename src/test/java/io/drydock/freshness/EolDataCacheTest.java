package io.drydock.freshness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link EolData#forHome}: installed or embedded data, its parsed form cached as JSON in the home and read instead of the YAML. */
class EolDataCacheTest {
    private static final LocalDate TODAY = LocalDate.of(2026, 11, 26);

    @TempDir
    Path home;

    @Test
    void theEmbeddedDataIsCachedInTheHomeAndReadFromTheCacheNextTime() throws IOException {
        EolData first = EolData.forHome(home);
        assertSameData(first, EolData.embedded());
        List<Path> caches = files(home.resolve("eol-cache"));
        assertThat(caches).hasSize(1);
        Path cache = caches.getFirst();
        assertThat(cache.getFileName().toString()).matches("[0-9a-f]{64}\\.json");
        assertThat(home.resolve("eol")).as("the cache is not installed data").doesNotExist();

        EolData second = EolData.forHome(home);
        assertSameData(second, EolData.embedded());
        assertThat(second.origin()).isEqualTo(EolData.embedded().origin());

        // Proof the second load read the cache, not the YAML: an edit to the cache shows in the answer.
        String json = Files.readString(cache);
        assertThat(json).contains("\"2026-07-11\"");
        Files.writeString(cache, json.replace("\"2026-07-11\"", "\"2031-01-01\""));
        assertThat(EolData.forHome(home).answer("debian", "12.5", TODAY).eol()).isEqualTo(LocalDate.of(2031, 1, 1));
    }

    @Test
    void aCorruptCacheIsIgnoredAndRewritten() throws IOException {
        EolData.forHome(home);
        Path cache = files(home.resolve("eol-cache")).getFirst();
        for (String corrupt : new String[] {"{not json", "{\"format\":\"drydock-eol-parsed-v1\",\"products\":[{\"name\":1}]}", ""}) {
            Files.writeString(cache, corrupt);
            EolData data = EolData.forHome(home);
            assertSameData(data, EolData.embedded());
            assertThat(data.answer("debian", "12.5", TODAY).eol()).isEqualTo(LocalDate.of(2026, 7, 11));
            assertThat(Files.readString(cache)).as("rewritten").startsWith("{\"format\":\"drydock-eol-parsed-v1\"");
            assertThat(files(home.resolve("eol-cache"))).as("no temporary left").containsExactly(cache);
        }
    }

    @Test
    void installedDataIsCachedBesideItAndAChangeToItIsANewCache() throws IOException {
        Path eol = copyOfEmbedded(home.resolve("eol"));
        replace(eol.resolve("debian.md"), "eol: 2026-07-11", "eol: 2099-07-11");
        replace(eol.resolve("nodejs.md"), "    eol: 2025-04-30\n", ""); // line 18 loses its date: a warning, cached too
        EolData parsed = EolData.forHome(home);
        assertThat(parsed.origin()).isEqualTo(eol.toString());
        assertThat(parsed.answer("debian", "12.5", TODAY).eol()).isEqualTo(LocalDate.of(2099, 7, 11));
        List<Path> caches = files(eol).stream().filter(p -> p.getFileName().toString().startsWith(".parsed-")).toList();
        assertThat(caches).hasSize(1);
        assertThat(home.resolve("eol-cache")).doesNotExist();

        EolData cached = EolData.forHome(home);
        assertSameData(cached, parsed);
        assertThat(cached.warnings()).anyMatch(w -> w.contains("nodejs.md, release 18: no eol"));
        assertThat(cached.answer("nodejs", "18.19.0", TODAY)).isEqualTo(parsed.answer("nodejs", "18.19.0", TODAY));
        assertThat(cached.answer("nodejs", "18.19.0", TODAY).warnings()).isNotEmpty();
        assertSameData(EolData.load(eol), parsed); // load(dir) itself neither reads nor is confused by the cache

        replace(eol.resolve("debian.md"), "eol: 2099-07-11", "eol: 2098-07-11");
        assertThat(EolData.forHome(home).answer("debian", "12.5", TODAY).eol()).isEqualTo(LocalDate.of(2098, 7, 11));
        List<Path> after = files(eol).stream().filter(p -> p.getFileName().toString().startsWith(".parsed-")).toList();
        assertThat(after).hasSize(1).doesNotContainAnyElementsOf(caches);
    }

    @Test
    void unusableInstalledDataGivesTheEmbeddedDataAndAWarning() throws IOException {
        Files.createDirectories(home.resolve("eol"));
        List<String> warnings = new ArrayList<>();
        EolData data = EolData.forHome(home, warnings::add);
        assertSameData(data, EolData.embedded());
        assertThat(warnings).singleElement().asString().contains("installed end-of-life data cannot be used")
                .contains("no endoflife.date product files");
    }

    @Test
    void aReadOnlyHomeStillAnswers() throws IOException {
        Path file = Files.writeString(home.resolve("not-a-dir"), "x");
        EolData data = EolData.forHome(file.resolve("home")); // the cache cannot be written under a file
        assertSameData(data, EolData.embedded());
    }

    static void assertSameData(EolData actual, EolData expected) {
        assertThat(actual.products()).isEqualTo(expected.products());
        assertThat(actual.snapshotDate()).isEqualTo(expected.snapshotDate());
        assertThat(actual.warnings()).isEqualTo(expected.warnings());
        for (EolData.Product p : expected.products()) {
            for (EolData.Release r : p.releases()) {
                assertThat(actual.answer(p.name(), r.cycle(), TODAY)).isEqualTo(expected.answer(p.name(), r.cycle(), TODAY));
            }
        }
    }

    static Path copyOfEmbedded(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String line : new String(resource("/eol/index.txt"), StandardCharsets.UTF_8).lines().map(String::strip).toList()) {
            if (!line.isEmpty() && !line.startsWith("#")) Files.write(dir.resolve(line), resource("/eol/" + line));
        }
        Files.write(dir.resolve("SOURCE.md"), resource("/eol/SOURCE.md"));
        return dir;
    }

    private static void replace(Path file, String from, String to) throws IOException {
        String text = Files.readString(file);
        assertThat(text).contains(from);
        Files.writeString(file, text.replace(from, to));
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = EolDataCacheTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.sorted().toList();
        }
    }
}
