package io.drydock.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.DrydockException;
import io.drydock.image.Descriptor;
import io.drydock.image.ImageManifest;
import io.drydock.image.ManifestCodec;
import io.drydock.image.MediaTypes;
import io.drydock.image.local.BuiltLayer;
import io.drydock.image.local.LayerBuilder;
import io.drydock.image.local.OciLayoutWriter;
import io.drydock.image.local.StoredBlob;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The demo's example image, built from files shipped in the jar: a base layer with the real
 * package metadata of a Debian bookworm minbase, and an application layer with a real jar from
 * Maven Central and a real npm package. Written as an OCI layout with tags {@code base} and {@code app}.
 */
final class DemoImage {
    static final String CREATED = "2024-01-01T00:00:00Z";
    static final String BASE_CREATED_BY = "debootstrap --variant=minbase bookworm (package metadata only)";
    static final String APP_CREATED_BY = "COPY app /app";

    private DemoImage() {
    }

    static void build(Path layoutDir) {
        OciLayoutWriter layout = OciLayoutWriter.openOrCreate(layoutDir);
        BuiltLayer base = new LayerBuilder()
                .file("usr/lib/os-release", resource("base/usr/lib/os-release"), 0644)
                .symlink("etc/os-release", "../usr/lib/os-release")
                .file("etc/debian_version", resource("base/etc/debian_version"), 0644)
                .file("var/lib/dpkg/status", resource("base/var/lib/dpkg/status"), 0644)
                .writeTo(layout);
        BuiltLayer app = new LayerBuilder()
                .file("app/lib/log4j-core-2.14.1.jar", resource("app/log4j-core-2.14.1.jar.bin"), 0644)
                .file("app/node_modules/lodash/package.json", resource("app/node_modules/lodash/package.json"), 0644)
                .file("app/node_modules/lodash/LICENSE", resource("app/node_modules/lodash/LICENSE"), 0644)
                .writeTo(layout);

        Descriptor baseManifest = writeImage(layout, List.of(base), List.of(BASE_CREATED_BY), null, Map.of());
        layout.tag("base", baseManifest);
        Descriptor appManifest = writeImage(layout, List.of(base, app), List.of(BASE_CREATED_BY, APP_CREATED_BY), "1000",
                Map.of("org.opencontainers.image.base.name", "drydock-demo/base:bookworm",
                        "org.opencontainers.image.base.digest", baseManifest.digest().toString()));
        layout.tag("app", appManifest);
    }

    private static Descriptor writeImage(OciLayoutWriter layout, List<BuiltLayer> layers, List<String> createdBy, String user,
                                         Map<String, String> annotations) {
        ObjectNode config = InspectCommand.JSON.createObjectNode();
        config.put("created", CREATED);
        config.put("architecture", "amd64");
        config.put("os", "linux");
        ObjectNode c = config.putObject("config");
        if (user != null) c.put("User", user);
        c.putArray("Env").add("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        if (user != null) {
            c.putArray("Entrypoint").add("java");
            c.putArray("Cmd").add("-jar").add("/app/app.jar");
            c.put("WorkingDir", "/app");
            c.putObject("Labels").put("org.opencontainers.image.title", "drydock-demo-app");
        } else {
            c.putArray("Cmd").add("/bin/bash");
        }
        ObjectNode rootfs = config.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode diffIds = rootfs.putArray("diff_ids");
        layers.forEach(l -> diffIds.add(l.diffId().toString()));
        ArrayNode history = config.putArray("history");
        createdBy.forEach(cb -> history.addObject().put("created", CREATED).put("created_by", cb));
        StoredBlob configBlob = layout.writeBlob(config.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        ImageManifest manifest = ManifestCodec.writeManifest(MediaTypes.OCI_MANIFEST, null, configBlob.descriptor(MediaTypes.OCI_CONFIG),
                layers.stream().map(BuiltLayer::descriptor).toList(), annotations, null);
        return layout.writeManifest(manifest);
    }

    private static byte[] resource(String name) {
        try (InputStream in = DemoImage.class.getResourceAsStream("/demo/" + name)) {
            if (in == null) throw new DrydockException("demo file " + name + " is missing from the Drydock jar (rebuild with ./drydock)");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new DrydockException("cannot read demo file " + name + ": " + e.getMessage(), e);
        }
    }
}
