package io.drydock.vulndb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drydock.vulndb.version.VersionSchemes;
import org.junit.jupiter.api.Test;

class EcosystemsTest {

    @Test
    void releaseQualifiedEcosystemsAreSplitAndNormalised() {
        assertThat(Ecosystems.split("Debian:12").orElseThrow()).containsExactly("Debian", "12");
        assertThat(Ecosystems.split("Alpine:v3.20").orElseThrow()).containsExactly("Alpine", "3.20");
        assertThat(Ecosystems.split("Ubuntu:22.04:LTS").orElseThrow()).containsExactly("Ubuntu", "22.04");
        assertThat(Ecosystems.split("Ubuntu:Pro:18.04:LTS").orElseThrow()).containsExactly("Ubuntu", "18.04:pro");
        assertThat(Ecosystems.split("Red Hat:rhel_aus:8.4::appstream").orElseThrow()).containsExactly("Red Hat", "rhel_aus:8.4::appstream");
        assertThat(Ecosystems.split("Rocky Linux:9").orElseThrow()).containsExactly("Rocky Linux", "9");
        assertThat(Ecosystems.split("Maven").orElseThrow()).containsExactly("Maven", "");
        assertThat(Ecosystems.split("Maven:https://maven.google.com").orElseThrow()).containsExactly("Maven", "https://maven.google.com");
        assertThat(Ecosystems.split("OSS-Fuzz")).isEmpty();
    }

    @Test
    void queriesUseTheSameNormalisationAsTheData() {
        assertThat(Ecosystems.key("alpine", "3.20.3", "openssl")).isEqualTo(new PackageKey("Alpine", "3.20", "openssl"));
        assertThat(Ecosystems.key("Alpine", "v3.20", "openssl")).isEqualTo(new PackageKey("Alpine", "3.20", "openssl"));
        assertThat(Ecosystems.key("pypi", "", "Django_REST.framework")).isEqualTo(new PackageKey("PyPI", "", "django-rest-framework"));
        assertThat(Ecosystems.key("NuGet", "", "Newtonsoft.Json")).isEqualTo(new PackageKey("NuGet", "", "newtonsoft.json"));
        assertThatThrownBy(() -> Ecosystems.key("Hackage", "", "aeson")).hasMessageContaining("unsupported ecosystem \"Hackage\"");
    }

    @Test
    void everyEcosystemHasItsScheme() {
        assertThat(Ecosystems.scheme("Debian")).contains(VersionSchemes.DPKG);
        assertThat(Ecosystems.scheme("Ubuntu")).contains(VersionSchemes.DPKG);
        assertThat(Ecosystems.scheme("Alpine")).contains(VersionSchemes.APK);
        assertThat(Ecosystems.scheme("Red Hat")).contains(VersionSchemes.RPM);
        assertThat(Ecosystems.scheme("Rocky Linux")).contains(VersionSchemes.RPM);
        assertThat(Ecosystems.scheme("AlmaLinux")).contains(VersionSchemes.RPM);
        assertThat(Ecosystems.scheme("Maven")).contains(VersionSchemes.MAVEN);
        assertThat(Ecosystems.scheme("npm")).contains(VersionSchemes.NPM);
        assertThat(Ecosystems.scheme("PyPI")).contains(VersionSchemes.PEP440);
        assertThat(Ecosystems.scheme("Go")).contains(VersionSchemes.GO);
        assertThat(Ecosystems.scheme("crates.io")).contains(VersionSchemes.SEMVER);
        assertThat(Ecosystems.scheme("RubyGems")).contains(VersionSchemes.RUBYGEMS);
        assertThat(Ecosystems.scheme("NuGet")).contains(VersionSchemes.NUGET);
        assertThat(Ecosystems.scheme("Packagist")).contains(VersionSchemes.COMPOSER);
        assertThat(Ecosystems.scheme(RangeType.SEMVER, "Go")).isEqualTo(VersionSchemes.GO);
        assertThat(Ecosystems.scheme(RangeType.SEMVER, "PyPI")).isEqualTo(VersionSchemes.SEMVER);
    }
}
