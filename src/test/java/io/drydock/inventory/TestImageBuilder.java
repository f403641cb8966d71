package io.drydock.inventory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.image.ImageManifest;
import io.drydock.image.ManifestCodec;
import io.drydock.image.MediaTypes;
import io.drydock.image.local.BuiltLayer;
import io.drydock.image.local.LayerBuilder;
import io.drydock.image.local.OciLayoutWriter;
import io.drydock.image.local.StoredBlob;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Writes small multi-layer images into an OCI layout for tests: each layer is a list of files. */
public final class TestImageBuilder {
    public record F(String path, String content) {
    }

    private TestImageBuilder() {
    }

    public static void build(Path layoutDir, String tag, List<List<F>> layers) {
        OciLayoutWriter layout = OciLayoutWriter.openOrCreate(layoutDir);
        List<BuiltLayer> built = new ArrayList<>();
        for (List<F> files : layers) {
            LayerBuilder b = new LayerBuilder();
            for (F f : files) b.file(f.path(), f.content().getBytes(StandardCharsets.UTF_8), 0644);
            built.add(b.writeTo(layout));
        }
        ObjectNode config = new ObjectMapper().createObjectNode();
        config.put("architecture", "amd64").put("os", "linux");
        ArrayNode diffIds = config.putObject("rootfs").put("type", "layers").putArray("diff_ids");
        ArrayNode history = config.putArray("history");
        for (int i = 0; i < built.size(); i++) {
            diffIds.add(built.get(i).diffId().toString());
            history.addObject().put("created_by", "step " + i);
        }
        StoredBlob cfg = layout.writeBlob(config.toString().getBytes(StandardCharsets.UTF_8));
        ImageManifest m = ManifestCodec.writeManifest(MediaTypes.OCI_MANIFEST, null, cfg.descriptor(MediaTypes.OCI_CONFIG),
                built.stream().map(BuiltLayer::descriptor).toList(), Map.of(), null);
        layout.tag(tag, layout.writeManifest(m));
    }
}
