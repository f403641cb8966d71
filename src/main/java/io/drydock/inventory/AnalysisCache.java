package io.drydock.inventory;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.image.Digest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Per-layer analyses on disk, keyed by the layer's diffID and the analyzer set, so a layer is read
 * once whatever image it appears in. A corrupt or stale entry is treated as missing.
 */
public final class AnalysisCache {
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private final Path root;

    public AnalysisCache(Path root) {
        this.root = root;
    }

    public static AnalysisCache inHome(Path drydockHome) {
        return new AnalysisCache(drydockHome.resolve("analysis"));
    }

    private Path file(String layerKey, String analyzerSet) {
        Digest d = Digest.parse(layerKey);
        String set = Digest.sha256(analyzerSet.getBytes(StandardCharsets.UTF_8)).hex().substring(0, 16);
        return root.resolve(d.algorithm()).resolve(d.hex() + "-" + set + ".json");
    }

    public Optional<LayerAnalysis> get(String layerKey, String analyzerSet) {
        Path f = file(layerKey, analyzerSet);
        if (!Files.isRegularFile(f)) return Optional.empty();
        try {
            LayerAnalysis a = JSON.readValue(f.toFile(), LayerAnalysis.class);
            return a.analyzerSet().equals(analyzerSet) ? Optional.of(a) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public void put(String layerKey, LayerAnalysis analysis) {
        Path f = file(layerKey, analysis.analyzerSet());
        try {
            io.drydock.cache.AtomicFile.replace(f, JSON.writeValueAsBytes(analysis));
        } catch (IOException e) {
            // The cache is an optimisation: failing to store only costs a re-read next time.
        }
    }
}
