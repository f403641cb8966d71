package io.drydock.vulndb.cvss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Base scores computed from vectors against published vector/score pairs, for CVSS v2, v3.0/3.1 and v4.0. */
class CvssVectorsTest {

    @TestFactory
    Stream<DynamicTest> everyPublishedScoreIsReproduced() {
        return Stream.of("cvss-v2.txt", "cvss-v3.txt", "cvss-v4.txt").map(file -> DynamicTest.dynamicTest(file, () -> {
            List<String> wrong = new ArrayList<>();
            int checked = 0;
            for (String line : lines(file)) {
                String[] f = line.split(" ");
                double expected = Double.parseDouble(f[1]);
                checked++;
                try {
                    double actual = Cvss.score(f[0]).score();
                    if (actual != expected) {
                        wrong.add(f[0] + " expected " + expected + " got " + actual);
                    }
                } catch (RuntimeException e) {
                    wrong.add(f[0] + " threw " + e.getMessage());
                }
            }
            System.out.println(file + ": " + (checked - wrong.size()) + "/" + checked + " scores reproduced");
            assertThat(checked).isGreaterThan(50);
            assertThat(wrong).isEmpty();
        }));
    }

    @Test
    void knownAdvisoryScoresAndRatings() {
        // Log4Shell as GHSA-jfh8-c2jp-5v3q carries it
        CvssScore log4shell = Cvss.score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H");
        assertThat(log4shell.score()).isEqualTo(10.0);
        assertThat(log4shell.rating()).isEqualTo("CRITICAL");
        assertThat(log4shell.version()).isEqualTo(CvssVersion.V3_1);
        assertThat(Cvss.score("AV:N/AC:L/Au:N/C:C/I:C/A:C").score()).isEqualTo(10.0);
        assertThat(Cvss.score("(AV:N/AC:M/Au:N/C:P/I:N/A:N)").score()).isEqualTo(4.3);
        assertThat(Cvss.score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N").score()).isEqualTo(9.3);
    }

    @Test
    void malformedVectorsAreRejectedWithTheReason() {
        assertThatThrownBy(() -> Cvss.score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H"))
                .isInstanceOf(InvalidCvssException.class).hasMessageContaining("base metric A missing");
        assertThatThrownBy(() -> Cvss.score("CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"))
                .hasMessageContaining("AV cannot be Q");
        assertThatThrownBy(() -> Cvss.score("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"))
                .hasMessageContaining("given twice");
        assertThatThrownBy(() -> Cvss.score("CVSS:5.0/AV:N")).hasMessageContaining("unsupported CVSS version 5.0");
        assertThatThrownBy(() -> Cvss.score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N"))
                .hasMessageContaining("SA missing");
        assertThat(Cvss.tryScore("not a vector")).isEmpty();
    }

    private static List<String> lines(String file) throws IOException {
        try (InputStream in = CvssVectorsTest.class.getResourceAsStream("/vulndb/vectors/" + file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        }
    }
}
