package io.drydock.vulndb.version;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Where two versions both have a plain key, the keys must order them exactly as compareTo does. */
class PlainKeyTest {

    private static List<String> dotted(Random r, int count, String prefix) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int parts = 1 + r.nextInt(5);
            StringBuilder sb = new StringBuilder(prefix);
            for (int p = 0; p < parts; p++) {
                sb.append(p == 0 ? "" : ".").append(r.nextInt(4) == 0 ? "0" : String.valueOf(r.nextInt(r.nextBoolean() ? 3 : 1000)));
            }
            if (r.nextInt(10) == 0) {
                sb.append(".0.0"); // trailing zeros count for nothing in Maven and PEP 440
            }
            out.add(sb.toString());
        }
        return out;
    }

    private static void agree(VersionScheme scheme, List<String> versions) {
        int keyed = 0;
        for (String a : versions) {
            ParsedVersion pa = scheme.parse(a);
            long[] ka = ((PlainKey) pa).plainKey();
            for (String b : versions) {
                ParsedVersion pb = scheme.parse(b);
                long[] kb = ((PlainKey) pb).plainKey();
                if (ka != null && kb != null) {
                    keyed++;
                    assertThat(Integer.signum(PlainKey.compare(ka, 0, kb, 0))).as("%s %s vs %s", scheme.name(), a, b)
                            .isEqualTo(Integer.signum(pa.compareTo(pb)));
                }
            }
        }
        assertThat(keyed).isGreaterThan(versions.size());
    }

    @Test
    void mavenPep440AndSemverKeysAgreeWithTheirOrder() {
        Random r = new Random(4);
        List<String> maven = dotted(r, 150, "");
        maven.addAll(List.of("1.0-alpha", "1.0-SNAPSHOT", "2.0.0.RELEASE", "1.2.3.4.5"));
        agree(VersionSchemes.MAVEN, maven);
        List<String> pep = dotted(r, 150, "");
        pep.addAll(List.of("1.0rc1", "1.0.post1", "1!1.0", "1.0+local", "2.0.dev3"));
        agree(VersionSchemes.PEP440, pep);
        List<String> semver = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            semver.add(r.nextInt(4) + "." + r.nextInt(4) + "." + r.nextInt(4) + (r.nextInt(5) == 0 ? "-rc." + r.nextInt(3) : ""));
        }
        agree(VersionSchemes.NPM, semver);
        agree(VersionSchemes.GO, semver.stream().map(v -> "v" + v).toList());
    }
}
