package io.drydock.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageSpecTest {
    @Test
    void transports(@TempDir Path dir) throws Exception {
        Path layout = Files.createDirectories(dir.resolve("lay:out"));
        Files.writeString(layout.resolve("oci-layout"), "{}");
        Path archive = Files.writeString(dir.resolve("app.tar"), "");
        assertThat(ImageSpec.parse("oci:" + layout + ":v1")).satisfies(s -> {
            assertThat(s.kind()).isEqualTo(ImageSpec.Kind.OCI_LAYOUT);
            assertThat(s.path()).isEqualTo(layout);
            assertThat(s.reference()).isEqualTo("v1");
        });
        assertThat(ImageSpec.parse("docker-archive:" + archive + ":test/app:1").reference()).isEqualTo("test/app:1");
        assertThat(ImageSpec.parse("oci-archive:" + archive).reference()).isNull();
        String d = "sha256:" + "b".repeat(64);
        assertThat(ImageSpec.parse("oci:" + layout + "@" + d).reference()).isEqualTo(d);
        assertThat(ImageSpec.parse(layout.toString()).kind()).isEqualTo(ImageSpec.Kind.OCI_LAYOUT);
        assertThat(ImageSpec.parse("docker://alpine").registryReference().toString()).isEqualTo("docker.io/library/alpine:latest");
        assertThat(ImageSpec.parse("127.0.0.1:5000/a:1").kind()).isEqualTo(ImageSpec.Kind.REGISTRY);
        assertThatThrownBy(() -> ImageSpec.parse("oci:" + dir.resolve("missing") + ":x")).hasMessageContaining("no file or directory");
    }
}
