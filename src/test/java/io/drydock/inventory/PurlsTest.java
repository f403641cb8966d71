package io.drydock.inventory;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PurlsTest {
    static InstalledPackage pkg(String type, String ns, String name, String version) {
        return new InstalledPackage(type, ns, name, version, null, null, null, List.of(), List.of(), List.of(), Map.of());
    }

    @Test
    void ecosystemConventions() {
        assertThat(Purls.of(pkg("npm", "babel", "code-frame", "7.12.13"), null)).isEqualTo("pkg:npm/%40babel/code-frame@7.12.13");
        assertThat(Purls.of(pkg("npm", null, "lodash", "4.17.15"), null)).isEqualTo("pkg:npm/lodash@4.17.15");
        assertThat(Purls.of(pkg("maven", "org.apache.logging.log4j", "log4j-core", "2.14.1"), null))
                .isEqualTo("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1");
        assertThat(Purls.of(pkg("pypi", null, "Typing_Extensions", "4.4.0"), null)).isEqualTo("pkg:pypi/typing-extensions@4.4.0");
        assertThat(Purls.of(pkg("golang", "example.com", "app", "(devel)"), null)).isEqualTo("pkg:golang/example.com/app");
        InstalledPackage deb = new InstalledPackage("deb", null, "libc6", "2.36-9+deb12u4", "amd64", "glibc", "2.36-9+deb12u4",
                List.of(), List.of(), List.of(), Map.of());
        assertThat(Purls.of(deb, new OsRelease("debian", "12", null, "bookworm")))
                .isEqualTo("pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12&upstream=glibc%402.36-9%2Bdeb12u4");
    }
}
