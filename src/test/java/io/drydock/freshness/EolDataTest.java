package io.drydock.freshness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drydock.DrydockException;
import io.drydock.freshness.EolData.Answer;
import io.drydock.freshness.EolData.Release;
import io.drydock.freshness.EolData.Status;
import io.drydock.freshness.EolData.Support;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The embedded endoflife.date snapshot (commit a70eca33, 2026-08-22) and directories of product files with faults in them. */
class EolDataTest {
    private static final LocalDate TODAY = LocalDate.of(2026, 11, 26);
    private static final LocalDate SNAPSHOT = LocalDate.of(2026, 8, 22);

    private final EolData data = EolData.embedded();

    @TempDir
    Path dir;

    @Test
    void theEmbeddedSnapshotLoadsAllProductsCleanlyWithItsDate() {
        assertThat(data.products()).extracting(EolData.Product::name).containsExactly("almalinux", "alpine-linux", "amazon-linux",
                "debian", "dotnet", "eclipse-temurin", "go", "nodejs", "openjdk-builds-from-oracle", "php", "python", "rhel",
                "rocky-linux", "ruby", "ubuntu");
        assertThat(data.warnings()).isEmpty();
        assertThat(data.snapshotDate()).isEqualTo(SNAPSHOT);
        assertThat(EolData.embedded()).isSameAs(data);
        EolData.Product debian = data.product("debian").orElseThrow();
        assertThat(debian.title()).isEqualTo("Debian");
        assertThat(debian.category()).isEqualTo("os");
        assertThat(debian.releases().getFirst().cycle()).isEqualTo("13");
        Release bookworm = debian.release("12").orElseThrow();
        assertThat(bookworm.codename()).isEqualTo("Bookworm");
        assertThat(bookworm.releaseDate()).isEqualTo(LocalDate.of(2023, 6, 10));
        assertThat(bookworm.eol()).isEqualTo(Support.on(LocalDate.of(2026, 7, 11)));
        assertThat(bookworm.extended()).isEqualTo(Support.on(LocalDate.of(2028, 6, 30)));
        assertThat(bookworm.latest()).isEqualTo("12.15");
        assertThat(bookworm.latestReleaseDate()).isEqualTo(LocalDate.of(2026, 7, 11));
        assertThat(data.product("ubuntu").orElseThrow().release("22.04").orElseThrow().lts()).isTrue();
        assertThat(data.product("ubuntu").orElseThrow().release("22.10").orElseThrow().lts()).isFalse();
        // nodejs gives the date a line entered LTS instead of true
        assertThat(data.product("nodejs").orElseThrow().release("22").orElseThrow().lts()).isTrue();
        assertThat(data.product("nodejs").orElseThrow().release("23").orElseThrow().lts()).isFalse();
        assertThat(data.product("freebsd")).isEmpty();
    }

    @Test
    void debian12AfterItsSecuritySupportIsInLtsOnly() {
        Answer a = data.answer("debian", "12.5", TODAY);
        assertThat(a.product()).isEqualTo("debian");
        assertThat(a.version()).isEqualTo("12.5");
        assertThat(a.cycle()).isEqualTo("12");
        assertThat(a.status()).isEqualTo(Status.EXTENDED_SUPPORT_ONLY);
        assertThat(a.eol()).isEqualTo(LocalDate.of(2026, 7, 11));
        assertThat(a.extendedEnd()).isEqualTo(LocalDate.of(2028, 6, 30));
        assertThat(a.latest()).isEqualTo("12.15");
        assertThat(a.latestInLine()).isFalse();
        assertThat(a.dataDate()).isEqualTo(SNAPSHOT);
        assertThat(a.warnings()).isEmpty();
        assertThat(a.daysUntilEol(TODAY)).hasValue(-138);
        assertThat(a.daysUntilExtendedEnd(TODAY)).hasValue(582);
        assertThat(a.summary()).isEqualTo("debian 12.5 (line 12): security support ended 2026-07-11, extended support until 2028-06-30;"
                + " newest 12.15 (data of 2026-08-22)");

        assertThat(data.answer("debian", "12.15", TODAY).latestInLine()).isTrue();
        // the end date itself counts as ended
        assertThat(data.answer("debian", "12", LocalDate.of(2026, 7, 10)).status()).isEqualTo(Status.SUPPORTED);
        assertThat(data.answer("debian", "12", LocalDate.of(2026, 7, 11)).status()).isEqualTo(Status.EXTENDED_SUPPORT_ONLY);
        assertThat(data.answer("debian", "12", LocalDate.of(2028, 6, 30)).status()).isEqualTo(Status.END_OF_LIFE);
    }

    @Test
    void operatingSystems() {
        Answer bullseye = data.answer("debian", "11.9", TODAY); // LTS ended 2026-08-31
        assertThat(bullseye.status()).isEqualTo(Status.END_OF_LIFE);
        assertThat(bullseye.eol()).isEqualTo(LocalDate.of(2024, 8, 14));
        assertThat(bullseye.extendedEnd()).isEqualTo(LocalDate.of(2026, 8, 31));
        assertThat(data.answer("debian", "13.1", TODAY).status()).isEqualTo(Status.SUPPORTED);
        assertThat(data.answer("ubuntu", "22.04", TODAY).status()).isEqualTo(Status.SUPPORTED);
        Answer focal = data.answer("ubuntu", "20.04", TODAY);
        assertThat(focal.status()).isEqualTo(Status.EXTENDED_SUPPORT_ONLY);
        assertThat(focal.extendedEnd()).isEqualTo(LocalDate.of(2030, 4, 2));
        assertThat(data.answer("alpine-linux", "3.19.1", TODAY).status()).isEqualTo(Status.END_OF_LIFE);
        assertThat(data.answer("alpine-linux", "3.22.2", TODAY).status()).isEqualTo(Status.SUPPORTED);
        assertThat(data.answer("rhel", "9.3", TODAY).status()).isEqualTo(Status.SUPPORTED);
        Answer al2023 = data.answer("amazon-linux", "2023", TODAY);
        assertThat(al2023.status()).isEqualTo(Status.SUPPORTED);
        assertThat(al2023.eol()).isEqualTo(LocalDate.of(2029, 6, 30));
        assertThat(data.answer("amazon-linux", "2", TODAY).status()).isEqualTo(Status.END_OF_LIFE);
    }

    @Test
    void runtimes() {
        Answer node16 = data.answer("nodejs", "16.20.2", TODAY);
        assertThat(node16.status()).isEqualTo(Status.END_OF_LIFE);
        assertThat(node16.eol()).isEqualTo(LocalDate.of(2023, 9, 11));
        assertThat(node16.extendedEnd()).isNull(); // eoes: false
        assertThat(node16.latestInLine()).isTrue();

        Answer node22 = data.answer("nodejs", "22.11.0", TODAY);
        assertThat(node22.status()).isEqualTo(Status.SUPPORTED);
        assertThat(node22.eol()).isEqualTo(LocalDate.of(2027, 4, 30));
        assertThat(node22.latest()).isEqualTo("22.23.2");
        assertThat(data.product("nodejs").orElseThrow().release("22").orElseThrow().extended()).isEqualTo(Support.NOT_PLANNED);

        Answer node3 = data.answer("nodejs", "3.0.0", TODAY); // eol: true, no date
        assertThat(node3.status()).isEqualTo(Status.END_OF_LIFE);
        assertThat(node3.eol()).isNull();
        assertThat(node3.daysUntilEol(TODAY)).isEmpty();

        assertThat(data.answer("python", "3.8.18", TODAY).status()).isEqualTo(Status.END_OF_LIFE);
        assertThat(data.answer("python", "3.11.2", TODAY).status()).isEqualTo(Status.SUPPORTED);

        Answer java17 = data.answer("eclipse-temurin", "17.0.9+9", TODAY);
        assertThat(java17.status()).isEqualTo(Status.SUPPORTED);
        assertThat(java17.eol()).isEqualTo(LocalDate.of(2027, 10, 31));
        assertThat(java17.latest()).isEqualTo("17.0.20.1+1");
        assertThat(java17.latestInLine()).isFalse();
        assertThat(data.answer("eclipse-temurin", "17.0.20.1", TODAY).latestInLine()).isTrue();
        Answer java8 = data.answer("eclipse-temurin", "1.8.0_392", TODAY);
        assertThat(java8.cycle()).isEqualTo("8");
        assertThat(java8.eol()).isEqualTo(LocalDate.of(2030, 12, 31));
        assertThat(java8.latest()).isEqualTo("8u502-b07");
        assertThat(data.answer("eclipse-temurin", "1.8.0_502", TODAY).latestInLine()).isTrue();

        Answer go122 = data.answer("go", "go1.22.3", TODAY);
        assertThat(go122.status()).isEqualTo(Status.END_OF_LIFE);
        assertThat(go122.eol()).isEqualTo(LocalDate.of(2025, 2, 11));
        Answer go127 = data.answer("go", "1.27.0", TODAY); // eol: false
        assertThat(go127.status()).isEqualTo(Status.SUPPORTED);
        assertThat(go127.eol()).isNull();
        assertThat(go127.latestInLine()).isTrue();

        assertThat(data.answer("dotnet", "8.0.1", TODAY).status()).isEqualTo(Status.END_OF_LIFE); // ended 2026-11-10
        assertThat(data.answer("dotnet", "10.0.3", TODAY).status()).isEqualTo(Status.SUPPORTED);
        assertThat(data.answer("ruby", "3.2.2", TODAY).status()).isEqualTo(Status.END_OF_LIFE);
        assertThat(data.answer("php", "8.2.7", TODAY).status()).isEqualTo(Status.SUPPORTED);
    }

    @ParameterizedTest(name = "{0} {1} is in line {2}")
    @CsvSource({
            "debian, 12.5, 12",
            "debian, 12, 12",
            "debian, bookworm, 12",
            "debian, 3.1r8, 3.1",
            "ubuntu, 22.04, 22.04",
            "ubuntu, 22.04.3 LTS, 22.04",
            "ubuntu, jammy, 22.04",
            "alpine-linux, 3.19.1, 3.19",
            "alpine-linux, 3.1.4, 3.1",
            "alpine-linux, 3.10.9, 3.10",
            "nodejs, 18.19.0, 18",
            "nodejs, v18.19.0, 18",
            "python, 3.11.2, 3.11",
            "python, 3.1.5, 3.1",
            "eclipse-temurin, 17.0.9+9, 17",
            "eclipse-temurin, 17.0.9, 17",
            "eclipse-temurin, 1.8.0_392, 8",
            "eclipse-temurin, 8u392-b08, 8",
            "eclipse-temurin, 21, 21",
            "go, 1.22.3, 1.22",
            "go, go1.22.3, 1.22",
            "go, 1.22rc1, 1.22",
            "dotnet, 8.0.1, 8", // endoflife.date's .NET cycles are "8", "9", "10" (and "3.1" for .NET Core)
            "dotnet, 3.1.32, 3.1",
            "ruby, 3.2.2, 3.2",
            "ruby, 2.0.0p648, 2.0.0",
            "php, 8.2.7, 8.2",
            "rhel, 9.3, 9",
            "rocky-linux, 8.10, 8",
            "amazon-linux, 2023, 2023",
            "amazon-linux, 2023.5.20240722.0, 2023",
            "amazon-linux, 2.0.20240109.0, 2",
            "amazon-linux, 2018.03.0.20231218.0, 2018.03",
    })
    void aVersionFallsInTheLongestCycleOnDotBoundaries(String product, String version, String cycle) {
        assertThat(data.releaseFor(product, version)).map(Release::cycle).hasValue(cycle);
    }

    @ParameterizedTest(name = "{0} {1} has no line")
    @CsvSource({"nodejs, 99.1", "alpine-linux, 3.99", "python, 3", "debian, sid", "go, 2.0", "eclipse-temurin, 12.0.2",
            "debian, ''", "freebsd, 14.1"})
    void anUnknownLineIsEmpty(String product, String version) {
        assertThat(data.releaseFor(product, version)).isEmpty();
    }

    @Test
    void anUnknownLineAnswersWithAClearWarning() {
        Answer a = data.answer("nodejs", "99.1", TODAY);
        assertThat(a.status()).isEqualTo(Status.UNKNOWN_LINE);
        assertThat(a.cycle()).isNull();
        assertThat(a.eol()).isNull();
        assertThat(a.latest()).isNull();
        assertThat(a.latestInLine()).isFalse();
        assertThat(a.dataDate()).isEqualTo(SNAPSHOT);
        assertThat(a.warnings()).singleElement().asString()
                .contains("99.1", "release line not in the end-of-life data of 2026-08-22", "26, 25, 24");
        assertThat(a.summary()).contains("release line unknown", "data of 2026-08-22");

        Answer unknownProduct = data.answer("freebsd", "14.1", TODAY);
        assertThat(unknownProduct.status()).isEqualTo(Status.UNKNOWN_LINE);
        assertThat(unknownProduct.warnings()).singleElement().asString().contains("no end-of-life data for freebsd");
    }

    @Test
    void aDirectoryWithAMissingEolAndABadDateWarnsNamingFileAndCycleAndTheRestAnswers() throws IOException {
        copyEmbeddedTo(dir);
        edit("debian.md", """
                    releaseDate: 2023-06-10
                    eol: 2026-07-11
                """, """
                    releaseDate: 2023-06-10
                """);
        edit("nodejs.md", "    eol: 2027-04-30\n", "    eol: 30/04/2027\n");
        edit("python.md", "    releaseDate: 2022-10-24\n", "    releaseDate: 2022-02-30\n");

        EolData loaded = EolData.load(dir);

        assertThat(loaded.snapshotDate()).isEqualTo(SNAPSHOT); // from SOURCE.md
        assertThat(loaded.origin()).isEqualTo(dir.toString());
        assertThat(loaded.warnings()).hasSize(3);
        assertThat(loaded.warnings()).anySatisfy(w -> assertThat(w).contains("debian.md", "release 12", "no eol"));
        assertThat(loaded.warnings()).anySatisfy(w -> assertThat(w).contains("nodejs.md", "release 22", "30/04/2027", "not a date"));
        assertThat(loaded.warnings()).anySatisfy(w -> assertThat(w).contains("python.md", "release 3.11", "releaseDate", "2022-02-30"));

        Answer debian12 = loaded.answer("debian", "12.5", TODAY);
        assertThat(debian12.status()).isEqualTo(Status.UNKNOWN_DATE);
        assertThat(debian12.cycle()).isEqualTo("12");
        assertThat(debian12.eol()).isNull();
        assertThat(debian12.extendedEnd()).isEqualTo(LocalDate.of(2028, 6, 30));
        assertThat(debian12.latest()).isEqualTo("12.15");
        assertThat(debian12.dataDate()).isEqualTo(SNAPSHOT);
        assertThat(debian12.warnings()).anySatisfy(w -> assertThat(w).contains("debian.md", "release 12", "no eol"));
        assertThat(debian12.warnings()).anySatisfy(w -> assertThat(w).contains("support status unknown"));
        assertThat(debian12.summary()).contains("end-of-life date unknown");

        Answer node22 = loaded.answer("nodejs", "22.1.0", TODAY);
        assertThat(node22.status()).isEqualTo(Status.UNKNOWN_DATE);
        assertThat(node22.warnings()).anySatisfy(w -> assertThat(w).contains("nodejs.md", "release 22", "30/04/2027"));

        Answer python311 = loaded.answer("python", "3.11.2", TODAY); // a bad release date does not hide the eol
        assertThat(python311.status()).isEqualTo(Status.SUPPORTED);
        assertThat(python311.warnings()).singleElement().asString().contains("python.md", "release 3.11");

        // everything else answers as before, without warnings
        assertThat(loaded.products()).hasSize(15);
        assertThat(loaded.answer("debian", "13.1", TODAY).status()).isEqualTo(Status.SUPPORTED);
        assertThat(loaded.answer("debian", "11", TODAY).status()).isEqualTo(Status.END_OF_LIFE);
        Answer node20 = loaded.answer("nodejs", "20.1.0", TODAY);
        assertThat(node20.status()).isEqualTo(Status.END_OF_LIFE);
        assertThat(node20.warnings()).isEmpty();
        assertThat(loaded.answer("go", "1.22.3", TODAY).status()).isEqualTo(Status.END_OF_LIFE);
    }

    @Test
    void aFileWithoutYamlFrontMatterIsSkippedWithAWarningAndTheOthersLoad() throws IOException {
        copyEmbeddedTo(dir);
        Files.writeString(dir.resolve("notes.md"), "# Not a product\n\nJust markdown.\n");
        Files.writeString(dir.resolve("broken.md"), """
                ---
                title: Broken
                releases: [unclosed
                  - releaseCycle: "1"
                ---
                text
                """);
        Files.writeString(dir.resolve("scalar.md"), "---\njust a sentence\n---\n");

        EolData loaded = EolData.load(dir);

        assertThat(loaded.warnings()).hasSize(3);
        assertThat(loaded.warnings()).anySatisfy(w -> assertThat(w).startsWith("notes.md:").contains("no YAML front matter", "skipped"));
        assertThat(loaded.warnings()).anySatisfy(w -> assertThat(w).startsWith("broken.md:").contains("not valid YAML", "skipped"));
        assertThat(loaded.warnings()).anySatisfy(w -> assertThat(w).startsWith("scalar.md:").contains("not a YAML mapping"));
        assertThat(loaded.product("broken")).isEmpty();
        assertThat(loaded.product("notes")).isEmpty();
        assertThat(loaded.products()).hasSize(15);
        assertThat(loaded.answer("debian", "12.5", TODAY).status()).isEqualTo(Status.EXTENDED_SUPPORT_ONLY);
    }

    @Test
    void withoutSourceMdTheSnapshotDateIsTheNewestDateInTheData() throws IOException {
        copyEmbeddedTo(dir);
        Files.delete(dir.resolve("SOURCE.md"));
        EolData loaded = EolData.load(dir);
        // amazon-linux 2023 and 2: latestReleaseDate 2026-08-20, the newest date in the snapshot
        assertThat(loaded.snapshotDate()).isEqualTo(LocalDate.of(2026, 8, 20));
        assertThat(loaded.answer("debian", "12", TODAY).dataDate()).isEqualTo(LocalDate.of(2026, 8, 20));
        assertThat(loaded.warnings()).isEmpty();
    }

    @Test
    void aSourceMdSnapshotLineGivesTheDate() throws IOException {
        copyEmbeddedTo(dir);
        Files.writeString(dir.resolve("SOURCE.md"), "endoflife.date products/, commit 0123abcd of 2027-01-02\n\nsnapshot: 2027-01-03\n");
        assertThat(EolData.load(dir).snapshotDate()).isEqualTo(LocalDate.of(2027, 1, 3));
    }

    @Test
    void aDirectoryWithoutProductFilesIsAnError() throws IOException {
        assertThatThrownBy(() -> EolData.load(dir)).isInstanceOf(DrydockException.class)
                .hasMessageContaining("no endoflife.date product files");
        assertThatThrownBy(() -> EolData.load(dir.resolve("absent"))).isInstanceOf(DrydockException.class)
                .hasMessageContaining("not a directory");
        Files.writeString(dir.resolve("junk.md"), "nothing here\n");
        assertThatThrownBy(() -> EolData.load(dir)).isInstanceOf(DrydockException.class).hasMessageContaining("junk.md");
    }

    @Test
    void supportValues() {
        LocalDate day = LocalDate.of(2026, 7, 11);
        assertThat(Support.on(day).endedOn(day.minusDays(1))).hasValue(false);
        assertThat(Support.on(day).endedOn(day)).hasValue(true);
        assertThat(Support.ENDED.endedOn(day)).hasValue(true);
        assertThat(Support.NOT_PLANNED.endedOn(day)).hasValue(false);
        assertThat(Support.UNKNOWN.endedOn(day)).isEmpty();
        assertThat(Support.UNKNOWN.known()).isFalse();
        assertThat(Support.ENDED.known()).isTrue();
        assertThatThrownBy(() -> new Support(day, true)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void osAndRuntimeNamesMapToProducts() {
        assertThat(EolData.productForOs("debian")).hasValue("debian");
        assertThat(EolData.productForOs("ubuntu")).hasValue("ubuntu");
        assertThat(EolData.productForOs("alpine")).hasValue("alpine-linux");
        assertThat(EolData.productForOs("\"rhel\"")).hasValue("rhel");
        assertThat(EolData.productForOs("rocky")).hasValue("rocky-linux");
        assertThat(EolData.productForOs("almalinux")).hasValue("almalinux");
        assertThat(EolData.productForOs("amzn")).hasValue("amazon-linux");
        assertThat(EolData.productForOs("centos")).isEmpty();
        assertThat(EolData.productForOs(null)).isEmpty();
        assertThat(EolData.productForRuntime("java")).hasValue("eclipse-temurin");
        assertThat(EolData.productForRuntime("node")).hasValue("nodejs");
        assertThat(EolData.productForRuntime("python")).hasValue("python");
        assertThat(EolData.productForRuntime("go")).hasValue("go");
        assertThat(EolData.productForRuntime("dotnet")).hasValue("dotnet");
        assertThat(EolData.productForRuntime("ruby")).hasValue("ruby");
        assertThat(EolData.productForRuntime("PHP")).hasValue("php");
        assertThat(EolData.productForRuntime("perl")).isEmpty();
        // every mapped product is in the shipped data
        for (String os : List.of("debian", "ubuntu", "alpine", "rhel", "rocky", "almalinux", "amzn")) {
            assertThat(data.product(EolData.productForOs(os).orElseThrow())).as(os).isPresent();
        }
        for (String runtime : List.of("java", "node", "python", "go", "dotnet", "ruby", "php")) {
            assertThat(data.product(EolData.productForRuntime(runtime).orElseThrow())).as(runtime).isPresent();
        }
    }

    /** The shipped product files, their SOURCE.md and LICENSE, as a directory like the one {@code db update --eol} reads. */
    private static void copyEmbeddedTo(Path target) throws IOException {
        List<String> names = new ArrayList<>(resource("index.txt").lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList());
        assertThat(names).hasSize(15);
        names.add("SOURCE.md");
        names.add("LICENSE");
        for (String name : names) {
            Files.writeString(target.resolve(name), resource(name));
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = Objects.requireNonNull(EolDataTest.class.getResourceAsStream("/eol/" + name), name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private void edit(String file, String from, String to) throws IOException {
        Path path = dir.resolve(file);
        String text = Files.readString(path);
        assertThat(text).as(file).contains(from);
        Files.writeString(path, text.replaceFirst(Pattern.quote(from), Matcher.quoteReplacement(to)));
    }
}
