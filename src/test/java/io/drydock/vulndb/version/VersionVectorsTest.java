package io.drydock.vulndb.version;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every version scheme against the published test vectors of the tool it reproduces. */
class VersionVectorsTest {

    private record Case(VersionScheme scheme, String file, Function<String, String> normalize) {
    }

    @TestFactory
    Stream<DynamicTest> everySchemeHoldsEveryPublishedFact() {
        VersionScheme php = new VersionScheme() {
            @Override
            public String name() {
                return "php version_compare";
            }

            @Override
            public boolean isValid(String version) {
                return true;
            }

            @Override
            public int compare(String a, String b) {
                return PhpVersionCompare.compare(a, b);
            }

            @Override
            public ParsedVersion parse(String version) {
                throw new UnsupportedOperationException();
            }
        };
        return Stream.of(
                        new Case(VersionSchemes.DPKG, "dpkg.txt", null),
                        new Case(VersionSchemes.APK, "apk.txt", null),
                        new Case(VersionSchemes.RPM, "rpm.txt", null),
                        new Case(VersionSchemes.MAVEN, "maven.txt", null),
                        new Case(VersionSchemes.NPM, "npm.txt", null),
                        new Case(VersionSchemes.PEP440, "pep440.txt", VersionSchemes.PEP440::normalize),
                        new Case(VersionSchemes.GO, "go.txt", null),
                        new Case(VersionSchemes.RUBYGEMS, "rubygems.txt", null),
                        new Case(VersionSchemes.NUGET, "nuget.txt", null),
                        new Case(VersionSchemes.COMPOSER, "composer.txt", VersionSchemes.COMPOSER::normalize),
                        new Case(php, "php-version-compare.txt", null))
                .map(c -> DynamicTest.dynamicTest(c.scheme().name() + " ← " + c.file(), () -> {
                    VectorRunner.Result result = VectorRunner.run(c.scheme(), VectorFile.load(c.file()), c.normalize());
                    System.out.println(result.summary());
                    assertThat(result.checked()).isGreaterThan(10);
                    assertThat(result.failures()).isEmpty();
                }));
    }
}
