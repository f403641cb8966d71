package io.drydock.bench;

import io.drydock.image.Digest;
import io.drydock.layer.EntryContent;
import io.drydock.layer.LayerEntry;
import io.drydock.layer.LayerInfo;
import io.drydock.layer.LayerReader;
import io.drydock.testing.TestImages;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 2's read target: streaming every entry of the application image's layers, contents
 * included, takes at most 1.2x the time of {@code tar -xzf} of the same layers.
 */
@Tag("bench")
class ImageReadBenchmark {
    @Test
    void readVersusTarExtract() throws Exception {
        List<String> layers = TestImages.layerDigests("app");
        Path out = Files.createTempDirectory("drydock-read-bench");
        byte[] buf = new byte[64 * 1024];
        BenchSupport.Timed reset = () -> {
            BenchSupport.deleteTree(out);
            Files.createDirectories(out);
        };
        BenchSupport.Timed drydock = () -> {
            LayerReader reader = new LayerReader();
            for (int i = 0; i < layers.size(); i++) {
                try (InputStream in = Files.newInputStream(TestImages.blob(layers.get(i)))) {
                    reader.read(in, "app", new LayerInfo(i, layers.get(i), null, null), (LayerEntry e, EntryContent c) -> {
                        while (c.read(buf, 0, buf.length) >= 0) {
                            // every byte is read, as an analyzer that hashes files would
                        }
                    });
                }
            }
        };
        BenchSupport.Timed tar = () -> {
            for (String l : layers) {
                BenchSupport.run(List.of("tar", "-xzf", TestImages.blob(l).toString(), "-C", out.toString()));
            }
        };
        BenchSupport.Comparison c = BenchSupport.compare("read app image layers vs tar -xzf", 5, reset, drydock, tar);
        BenchSupport.deleteTree(out);
        assertThat(Digest.parse(layers.get(0))).isNotNull();
        assertThat(c.ratio()).as(c.report()).isLessThanOrEqualTo(1.2);
    }
}
