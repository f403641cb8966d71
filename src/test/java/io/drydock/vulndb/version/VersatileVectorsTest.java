package io.drydock.vulndb.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.nscuro.versatile.version.Version;
import io.github.nscuro.versatile.version.VersioningScheme;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The same published vectors against versatile 0.7.0 (the library the issue suggests) for the schemes it has:
 * deb, rpm, maven, npm and golang. It gets facts wrong for deb, maven, npm and golang, and although it holds every
 * rpm vector it cannot compare two EVRs of which one has no release, so Drydock uses its own schemes throughout.
 * This test prints each wrong fact so that the choice stays justified, and fails when versatile changes (then it
 * may be worth using).
 */
class VersatileVectorsTest {

    private record Case(VersioningScheme scheme, String file, int expectedWrong) {
    }

    @TestFactory
    Stream<DynamicTest> versatileAgainstThePublishedVectors() {
        return Stream.of(
                        new Case(VersioningScheme.DEB, "dpkg.txt", -1),
                        new Case(VersioningScheme.RPM, "rpm.txt", 0),
                        new Case(VersioningScheme.MAVEN, "maven.txt", -1),
                        new Case(VersioningScheme.NPM, "npm.txt", -1),
                        new Case(VersioningScheme.GOLANG, "go.txt", -1))
                .map(c -> DynamicTest.dynamicTest("versatile " + c.scheme() + " ← " + c.file(), () -> {
                    VectorRunner.Result result = VectorRunner.run("versatile " + c.scheme(), VectorFile.load(c.file()),
                            (a, b) -> Version.forScheme(c.scheme(), a).compareTo(Version.forScheme(c.scheme(), b)),
                            v -> {
                                Version.forScheme(c.scheme(), v);
                                return true;
                            },
                            null);
                    System.out.println(result.summary());
                    result.failures().forEach(f -> System.out.println("  versatile wrong: " + f));
                    if (c.expectedWrong() == 0) {
                        assertThat(result.failures()).isEmpty();
                    } else {
                        assertThat(result.failures()).isNotEmpty();
                    }
                }));
    }

    /** rpm orders a missing release before any release (rpmver.cc compare_values); versatile cannot compare them. */
    @Test
    void versatileRpmCannotCompareAnEvrWithoutReleaseToOneWithIt() {
        assertThatThrownBy(() -> Version.forScheme(VersioningScheme.RPM, "1.0")
                        .compareTo(Version.forScheme(VersioningScheme.RPM, "1.0-1")))
                .isInstanceOf(RuntimeException.class);
        assertThat(VersionSchemes.RPM.compare("1.0", "1.0-1")).isNegative();
    }
}
