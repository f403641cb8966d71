package io.drydock.image;

import io.drydock.DrydockException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManifestCodecTest {
    private static final Digest A = Digest.sha256("a".getBytes());
    private static final Digest B = Digest.sha256("b".getBytes());

    @Test
    void roundTripKeepsBytesAndDigest() {
        ImageManifest m = ManifestCodec.writeManifest(MediaTypes.OCI_MANIFEST, null, Descriptor.of(MediaTypes.OCI_CONFIG, A, 1),
                List.of(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, B, 2)), Map.of("k", "v"), null);
        Manifest parsed = ManifestCodec.parse(m.raw(), null, "test");
        assertThat(parsed).isInstanceOf(ImageManifest.class);
        assertThat(parsed.digest()).isEqualTo(Digest.sha256(m.raw()));
        ImageManifest pm = (ImageManifest) parsed;
        assertThat(pm.layers()).extracting(Descriptor::digest).containsExactly(B);
        assertThat(pm.annotations()).containsEntry("k", "v");
    }

    @Test
    void mediaTypeFromContentTypeWhenBodyHasNone() {
        String umociStyle = "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"" + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + A
                + "\",\"size\":1},\"layers\":[]}";
        Manifest m = ManifestCodec.parse(umociStyle.getBytes(StandardCharsets.UTF_8), MediaTypes.DOCKER_MANIFEST + "; charset=utf-8", "x");
        assertThat(m.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
    }

    @Test
    void indexWithPlatforms() {
        Descriptor amd = new Descriptor(MediaTypes.OCI_MANIFEST, A, 10, new Platform("linux", "amd64", null, null), Map.of(), null);
        Descriptor arm = new Descriptor(MediaTypes.OCI_MANIFEST, B, 10, new Platform("linux", "arm64", "v8", null), Map.of(), null);
        ImageIndex idx = ManifestCodec.writeIndex(MediaTypes.OCI_INDEX, List.of(amd, arm), Map.of());
        assertThat(ImageResolver.selectPlatform(idx, Platform.parse("linux/arm64"), "idx").digest()).isEqualTo(B);
        assertThatThrownBy(() -> ImageResolver.selectPlatform(idx, Platform.parse("linux/s390x"), "registry/app:1"))
                .hasMessageContaining("registry/app:1 has no image for platform linux/s390x")
                .hasMessageContaining("available: linux/amd64, linux/arm64/v8");
    }

    @Test
    void rejectsGarbageNamingTheSource() {
        assertThatThrownBy(() -> ManifestCodec.parse("<html>oops</html>".getBytes(), "text/html", "registry.example/app:1"))
                .isInstanceOf(DrydockException.class)
                .hasMessageContaining("registry.example/app:1 is not valid JSON");
        assertThatThrownBy(() -> ManifestCodec.parse("{\"schemaVersion\":2,\"layers\":[]}".getBytes(), null, "here"))
                .hasMessageContaining("has no config descriptor");
        assertThatThrownBy(() -> ManifestCodec.parse("{\"schemaVersion\":1,\"fsLayers\":[]}".getBytes(), null, "old"))
                .hasMessageContaining("schema 1");
        assertThatThrownBy(() -> ManifestCodec.parse(("{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:zz\",\"size\":1},\"layers\":[]}").getBytes(), null, "bad"))
                .hasMessageContaining("invalid digest");
    }

    @Test
    void verifyingStreamRejectsWrongContent() throws Exception {
        byte[] data = "hello".getBytes();
        try (var in = new VerifyingInputStream(new java.io.ByteArrayInputStream(data), Digest.sha256(data), 5, "blob x")) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
        assertThatThrownBy(() -> new VerifyingInputStream(new java.io.ByteArrayInputStream("hellO".getBytes()), Digest.sha256(data), 5, "blob x").readAllBytes())
                .hasMessageContaining("blob x does not match its digest");
        assertThatThrownBy(() -> new VerifyingInputStream(new java.io.ByteArrayInputStream("hel".getBytes()), Digest.sha256(data), 5, "blob y").readAllBytes())
                .hasMessageContaining("blob y has 3 bytes but its descriptor declares 5");
    }
}
