package io.drydock.bench;

import io.drydock.image.ImageResolver;
import io.drydock.image.Platform;
import io.drydock.image.ResolvedImage;
import io.drydock.image.local.OciLayoutSource;
import io.drydock.inventory.AnalysisCache;
import io.drydock.inventory.DefaultAnalyzers;
import io.drydock.inventory.Inventorier;
import io.drydock.inventory.Inventory;
import io.drydock.layer.ImageLayers;
import io.drydock.layer.LayerReader;
import io.drydock.layer.LayerVisitor;
import io.drydock.testing.TestImages;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 3's targets: a cold inventory of the reference app image takes at most 1.3x the time the
 * layer reader needs just to stream the same layers; a warm one (layers analysed before) takes
 * under 100 ms in process.
 */
@Tag("bench")
class InventoryBenchmark {
    @Test
    void coldInventoryVersusStreaming() throws Exception {
        Path layout = TestImages.ociLayout();
        Path home = Files.createTempDirectory("drydock-inv-bench");
        try (OciLayoutSource source = OciLayoutSource.open(layout, "app")) {
            ResolvedImage img = ImageResolver.resolve(source, "app", Platform.LINUX_AMD64);
            BenchSupport.Timed reset = () -> BenchSupport.deleteTree(home.resolve("analysis"));
            BenchSupport.Timed inventory = () -> new Inventorier(DefaultAnalyzers.all(), new LayerReader(), AnalysisCache.inHome(home))
                    .inventory(source, img);
            BenchSupport.Timed stream = () -> ImageLayers.walk(source, img, new LayerReader(), info -> (LayerVisitor) (entry, content) -> { });
            BenchSupport.Comparison cold = BenchSupport.compare("cold inventory vs streaming the layers", 9, reset, inventory, stream);

            Inventorier warm = new Inventorier(DefaultAnalyzers.all(), new LayerReader(), AnalysisCache.inHome(home));
            warm.inventory(source, img);
            List<Double> warmMs = new ArrayList<>();
            Inventory last = null;
            for (int i = 0; i < 20; i++) {
                long t = System.nanoTime();
                try (OciLayoutSource fresh = OciLayoutSource.open(layout, "app")) {
                    last = warm.inventory(fresh, ImageResolver.resolve(fresh, "app", Platform.LINUX_AMD64));
                }
                warmMs.add((System.nanoTime() - t) / 1e6);
            }
            double warmMedian = BenchSupport.median(warmMs);
            System.out.printf("BENCH warm inventory (resolve + cached analyses + merge): median %.1f ms over 20 runs, %d packages%n",
                    warmMedian, last.components().size());
            assertThat(cold.ratio()).as(cold.report()).isLessThanOrEqualTo(1.3);
            assertThat(warmMedian).isLessThan(100);
        } finally {
            BenchSupport.deleteTree(home);
        }
    }
}
