package io.drydock.scan.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.scan.Rating;
import org.junit.jupiter.api.Test;

class VulnsTest {
    @Test
    void cvssMethodsAndRatingsFollowTheVectorsVersion() {
        assertThat(Vulns.cvssMethod("AV:N/AC:L/Au:N/C:P/I:P/A:P")).isEqualTo("CVSSv2");
        assertThat(Vulns.cvssMethod("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")).isEqualTo("CVSSv3");
        assertThat(Vulns.cvssMethod("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")).isEqualTo("CVSSv31");
        assertThat(Vulns.cvssMethod("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")).isEqualTo("CVSSv4");
        assertThat(Vulns.cvssMethod("not a vector")).isEqualTo("other");
        assertThat(Vulns.cvssMethod(null)).isEqualTo("other");
        // v2 has no CRITICAL: a 10.0 is HIGH, as the DB rates it
        assertThat(Vulns.cvssRating(10.0, "AV:N/AC:L/Au:N/C:C/I:C/A:C")).isEqualTo(Rating.HIGH);
        assertThat(Vulns.cvssRating(9.8, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")).isEqualTo(Rating.CRITICAL);
        assertThat(Vulns.cvssRating(5.0, null)).isEqualTo(Rating.MEDIUM);
    }

    @Test
    void linksPerIdKind() {
        assertThat(Vulns.helpUri("CVE-2021-44228")).isEqualTo("https://nvd.nist.gov/vuln/detail/CVE-2021-44228");
        assertThat(Vulns.helpUri("GHSA-jfh8-c2jp-5v3q")).isEqualTo("https://osv.dev/vulnerability/GHSA-jfh8-c2jp-5v3q");
        assertThat(Vulns.source("GHSA-jfh8-c2jp-5v3q")).isEqualTo(new Vulns.Source("GitHub", "https://github.com/advisories/GHSA-jfh8-c2jp-5v3q"));
        assertThat(Vulns.source("DSA-5514-1")).isEqualTo(new Vulns.Source("OSV", "https://osv.dev/vulnerability/DSA-5514-1"));
    }

    @Test
    void securitySeverityFollowsTheRatingShown() {
        assertThat(Vulns.securitySeverity(Reports.LOG4SHELL)).contains(10.0);
        assertThat(Vulns.securitySeverity(Reports.GLIBC_UNFIXED)).contains(0.5);
    }
}
