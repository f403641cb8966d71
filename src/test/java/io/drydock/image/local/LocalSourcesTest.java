package io.drydock.image.local;

import io.drydock.image.ImageSource;
import io.drydock.image.ImageSpec;
import io.drydock.image.local.Fixtures.SampleImage;
import io.drydock.image.local.Fixtures.TestTar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalSourcesTest {
    @TempDir
    Path dir;

    @Test
    void opensTheSourceEachTransportNames() throws Exception {
        Path layout = dir.resolve("layout");
        SampleImage image = Fixtures.writeSample(OciLayoutWriter.openOrCreate(layout), "v1", "spec");
        Path archive = new TestTar().tree(layout, "").writeTo(dir.resolve("image.tar"));

        try (ImageSource source = LocalSources.open(ImageSpec.parse("oci:" + layout + ":v1"))) {
            assertThat(source).isInstanceOf(OciLayoutSource.class);
            assertThat(source.defaultReference()).isEqualTo("v1");
            assertThat(source.manifest(null).digest()).isEqualTo(image.manifest().digest());
        }
        try (ImageSource source = LocalSources.open(ImageSpec.parse("oci-archive:" + archive + ":v1"))) {
            assertThat(source).isInstanceOf(OciArchiveSource.class);
            assertThat(source.describe()).isEqualTo("oci-archive:" + archive + ":v1");
            assertThat(source.manifest(null).digest()).isEqualTo(image.manifest().digest());
        }
        // A bare path to a file is taken for a docker archive; one holding an OCI layout still reads.
        try (ImageSource source = LocalSources.open(ImageSpec.parse(archive.toString()))) {
            assertThat(source).isInstanceOf(DockerArchiveSource.class);
            assertThat(source.manifest(null).digest()).isEqualTo(image.manifest().digest());
        }
        assertThatThrownBy(() -> LocalSources.open(ImageSpec.parse("docker://alpine:3.20")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
