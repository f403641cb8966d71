package io.drydock.vulndb.osv;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.vulndb.Advisory;
import io.drydock.vulndb.AffectedPackage;
import io.drydock.vulndb.IngestWarning;
import io.drydock.vulndb.PackageKey;
import io.drydock.vulndb.TestData;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Alpine's real secdb (v3.9 to v3.11, 2020-06) converted to advisories. */
class AlpineSecDbSourceTest {

    @Test
    void secfixesBecomeFixedRangesPerBranch() throws IOException {
        List<IngestWarning> warnings = new ArrayList<>();
        IngestLog log = new IngestLog("alpine-secdb", "alpine-secdb", "x", Instant.EPOCH, warnings::add);
        List<Advisory> advisories = new ArrayList<>();
        AdvisorySource source = AdvisorySource.of(TestData.alpineSecDb());
        assertThat(source).isInstanceOf(AlpineSecDbSource.class);
        source.read(advisories::add, log);
        Map<String, Advisory> byId = advisories.stream().collect(Collectors.toMap(Advisory::id, Function.identity()));

        // v3.11/main.yaml: ansible 2.9.3-r0 fixes CVE-2019-14904
        Advisory ansible = byId.get("ALPINE-CVE-2019-14904");
        assertThat(ansible.aliases()).contains("CVE-2019-14904");
        assertThat(ansible.affected()).extracting(AffectedPackage::key).contains(new PackageKey("Alpine", "3.11", "ansible"));
        AffectedPackage in311 = ansible.affected().stream()
                .filter(p -> p.key().release().equals("3.11")).findFirst().orElseThrow();
        assertThat(in311.fixedVersions()).containsExactly("2.9.3-r0");
        assertThat(in311.scheme()).isEqualTo("apk");

        // "CVE-2018-8897 XSA-260": the second id becomes an alias
        assertThat(byId.get("ALPINE-CVE-2018-8897").aliases()).containsExactly("CVE-2018-8897", "XSA-260");

        // what the real data gets wrong is reported, not guessed at
        assertThat(warnings).extracting(IngestWarning::message)
                .anyMatch(m -> m.contains("\"2.7.16-33\" is not a valid apk version"))
                .anyMatch(m -> m.contains("\"4.10-1-r1\" is not a valid apk version"))
                .anyMatch(m -> m.contains("\"CVE_2019-2426\", which is no vulnerability id"))
                .anyMatch(m -> m.contains("\"CVE-????-?????\", which is no vulnerability id"));
        assertThat(warnings).allSatisfy(w -> assertThat(w.location()).matches("v3\\.\\d+/(main|community)\\.yaml:\\d+"));
        assertThat(log.report().recordsRead()).isGreaterThan(1000);
        assertThat(advisories).hasSizeGreaterThan(1000);
    }
}
