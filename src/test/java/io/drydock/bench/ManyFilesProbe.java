package io.drydock.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.image.Digest;
import io.drydock.image.ImageManifest;
import io.drydock.image.ImageResolver;
import io.drydock.image.ManifestCodec;
import io.drydock.image.MediaTypes;
import io.drydock.image.Platform;
import io.drydock.image.local.OciLayoutSource;
import io.drydock.image.local.OciLayoutWriter;
import io.drydock.image.local.StoredBlob;
import io.drydock.inventory.DefaultAnalyzers;
import io.drydock.inventory.Inventorier;
import io.drydock.inventory.Inventory;
import io.drydock.layer.LayerReader;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** Child-JVM side of {@link ManyFilesInventoryBenchmark}: wraps the layer in an OCI layout and inventories it. */
public final class ManyFilesProbe {
    public static void main(String[] args) throws Exception {
        Path layerFile = Path.of(args[0]);
        OciLayoutWriter layout = OciLayoutWriter.openOrCreate(Path.of(args[1]));
        StoredBlob layer;
        try (InputStream in = Files.newInputStream(layerFile)) {
            layer = layout.writeBlob(in);
        }
        var md = Digest.sha256(new byte[0]).newMessageDigest();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(layerFile), 1 << 16)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
        }
        String diffId = "sha256:" + java.util.HexFormat.of().formatHex(md.digest());
        ObjectNode config = new ObjectMapper().createObjectNode().put("architecture", "amd64").put("os", "linux");
        config.putObject("rootfs").put("type", "layers").putArray("diff_ids").add(diffId);
        StoredBlob cfg = layout.writeBlob(config.toString().getBytes(StandardCharsets.UTF_8));
        ImageManifest m = ManifestCodec.writeManifest(MediaTypes.OCI_MANIFEST, null, cfg.descriptor(MediaTypes.OCI_CONFIG),
                List.of(layer.descriptor(MediaTypes.OCI_LAYER_GZIP)), Map.of(), null);
        layout.tag("many", layout.writeManifest(m));
        try (OciLayoutSource source = OciLayoutSource.open(Path.of(args[1]), "many")) {
            Inventory inv = new Inventorier(DefaultAnalyzers.all(), new LayerReader(), null)
                    .inventory(source, ImageResolver.resolve(source, "many", Platform.LINUX_AMD64));
            Runtime rt = Runtime.getRuntime();
            System.out.println("packages=" + inv.components().size() + " heapUsedMB=" + (rt.totalMemory() - rt.freeMemory()) / (1 << 20)
                    + " maxHeapMB=" + rt.maxMemory() / (1 << 20));
        }
    }
}
