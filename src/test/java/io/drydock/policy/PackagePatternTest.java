package io.drydock.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Banned-package patterns: globs over the purl without qualifiers, compared percent-decoded. */
class PackagePatternTest {
    @ParameterizedTest(name = "{0} ~ {1}: {2}")
    @CsvSource(textBlock = """
            pkg:npm/event-stream,                  pkg:npm/event-stream@3.3.6,                     true
            pkg:npm/event-stream,                  pkg:npm/event-stream-extra@1.0.0,               false
            pkg:npm/event-stream@*,                pkg:npm/event-stream@3.3.6,                     true
            pkg:npm/event-stream@3.3.6,            pkg:npm/event-stream@3.3.5,                     false
            pkg:maven/log4j/log4j@1.*,             pkg:maven/log4j/log4j@1.2.17,                   true
            pkg:maven/log4j/log4j@1.*,             pkg:maven/log4j/log4j@2.0,                      false
            pkg:maven/log4j/log4j@1.?.17,          pkg:maven/log4j/log4j@1.2.17,                   true
            pkg:maven/org.apache.logging.*/*,      pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1, true
            pkg:deb/debian/openssl,                'pkg:deb/debian/openssl@3.0.11?arch=amd64&distro=debian-12', true
            pkg:deb/debian/openssl@3.0.11,         'pkg:deb/debian/openssl@3.0.11?arch=amd64&distro=debian-12', true
            pkg:deb/debian/libc6@2.36-9+deb12u1,   'pkg:deb/debian/libc6@2.36-9%2Bdeb12u1?arch=amd64', true
            pkg:deb/debian/libc6@2.36-9+deb12u1,   'pkg:deb/debian/libc6@2.36-9+deb12u1?arch=amd64', true
            pkg:deb/debian/libc6@2.36-9+deb12u1,   'pkg:deb/debian/libc6@2.36-9 deb12u1?arch=amd64', false
            pkg:npm/%40babel/core,                 pkg:npm/%40babel/core@7.24.0,                   true
            pkg:npm/@babel/*,                      pkg:npm/%40babel/core@7.24.0,                   true
            pkg:npm/@babel/core@7.*,               pkg:npm/%40babel/core@7.24.0,                   true
            pkg:npm/@babel/core@6.*,               pkg:npm/%40babel/core@7.24.0,                   false
            pkg:npm/%40babel/*,                    pkg:npm/%40babel/core@7.24.0,                   true
            pkg:pypi/django@4.*,                   pkg:pypi/django,                                false
            pkg:golang/github.com/gin-gonic/gin,   pkg:golang/github.com/gin-gonic/gin@v1.9.1#subpath, true
            """)
    void matches(String pattern, String purl, boolean expected) {
        assertThat(new PackagePattern(pattern).matches(purl)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(textBlock = """
            event-stream
            pkg:npm
            pkg:deb/debian/openssl?arch=amd64
            pkg:golang/example.com/x#sub
            """)
    void rejectsWhatCannotMatchAPurl(String pattern) {
        assertThatThrownBy(() -> new PackagePattern(pattern)).isInstanceOf(IllegalArgumentException.class);
    }
}
