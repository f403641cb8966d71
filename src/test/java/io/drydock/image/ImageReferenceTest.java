package io.drydock.image;

import io.drydock.DrydockException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageReferenceTest {
    private static final String D = "sha256:" + "a".repeat(64);

    @ParameterizedTest
    @CsvSource({
            "alpine, docker.io/library/alpine:latest",
            "alpine:3.20, docker.io/library/alpine:3.20",
            "library/alpine, docker.io/library/alpine:latest",
            "docker.io/alpine, docker.io/library/alpine:latest",
            "index.docker.io/library/alpine:1, docker.io/library/alpine:1",
            "bitnami/redis:7, docker.io/bitnami/redis:7",
            "localhost/app, localhost/app:latest",
            "localhost:5000/team/app:v1.2, localhost:5000/team/app:v1.2",
            "127.0.0.1:5000/test/app:1, 127.0.0.1:5000/test/app:1",
            "ghcr.io/org/sub/app, ghcr.io/org/sub/app:latest",
            "Registry.Example.com/app, registry.example.com/app:latest",
            "[::1]:5000/app:x, [::1]:5000/app:x",
            "my-registry:5000/a__b/c.d-e:tag_1, my-registry:5000/a__b/c.d-e:tag_1",
    })
    void normalisesLikeDocker(String input, String expected) {
        assertThat(ImageReference.parse(input).toString()).isEqualTo(expected);
    }

    @Test
    void digestsAndTagsTogether() {
        ImageReference r = ImageReference.parse("registry:5000/app:1@" + D);
        assertThat(r.registry()).isEqualTo("registry:5000");
        assertThat(r.repository()).isEqualTo("app");
        assertThat(r.tag()).isEqualTo("1");
        assertThat(r.digest()).isEqualTo(Digest.parse(D));
        assertThat(r.manifestReference()).isEqualTo(D);
        ImageReference pinned = ImageReference.parse("alpine@" + D);
        assertThat(pinned.tag()).isNull();
        assertThat(pinned.toString()).isEqualTo("docker.io/library/alpine@" + D);
        assertThat(pinned.apiHost()).isEqualTo("registry-1.docker.io");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "UPPER/app", "app:", "app:-bad", "app@sha256:123", "a//b", "app:" + "x" + "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy", "-app", "app!"})
    void rejectsInvalidReferencesQuotingTheInput(String input) {
        assertThatThrownBy(() -> ImageReference.parse(input))
                .isInstanceOf(DrydockException.class)
                .hasMessageContaining("invalid image reference '" + input + "'");
    }

    @Test
    void digestValidation() {
        assertThat(Digest.parse(D).tagForm()).isEqualTo("sha256-" + "a".repeat(64));
        assertThatThrownBy(() -> Digest.parse("sha256:ABC")).hasMessageContaining("invalid digest");
        assertThatThrownBy(() -> Digest.parse("md5:" + "a".repeat(32))).hasMessageContaining("unsupported digest algorithm");
        assertThatThrownBy(() -> Digest.parse("nocolon")).hasMessageContaining("expected algorithm:hex");
        assertThat(Digest.sha256(new byte[0]).toString())
                .isEqualTo("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void platformMatching() {
        assertThat(Platform.parse("linux/arm64").accepts(new Platform("linux", "arm64", "v8", null))).isTrue();
        assertThat(Platform.parse("linux/arm64/v8").accepts(new Platform("linux", "arm64", null, null))).isTrue();
        assertThat(Platform.parse("linux/arm/v7").accepts(new Platform("linux", "arm", "v6", null))).isFalse();
        assertThat(Platform.LINUX_AMD64.accepts(new Platform("windows", "amd64", null, null))).isFalse();
        assertThatThrownBy(() -> Platform.parse("linux")).hasMessageContaining("invalid platform 'linux'");
    }
}
