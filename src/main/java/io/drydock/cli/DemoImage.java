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

    /** An older point release of the same base: glibc before the fix for CVE-2023-4911 ("Looney Tunables"). */
    static final String OLD_GLIBC = "2.36-9+deb12u1";

    /**
     * Tags: {@code base-2023} (bookworm as it was with glibc {@value #OLD_GLIBC}), {@code app} built on it, and
     * {@code base}, the current bookworm that the base tag has since moved to, as an upstream base tag does.
     */
    static void build(Path layoutDir) {
        OciLayoutWriter layout = OciLayoutWriter.openOrCreate(layoutDir);
        byte[] status = resource("base/var/lib/dpkg/status");
        BuiltLayer oldBase = baseLayer(layout, olderGlibc(new String(status, java.nio.charset.StandardCharsets.UTF_8))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        BuiltLayer currentBase = baseLayer(layout, status);
        BuiltLayer app = new LayerBuilder()
                .file("app/lib/log4j-core-2.14.1.jar", resource("app/log4j-core-2.14.1.jar.bin"), 0644)
                .file("app/node_modules/lodash/package.json", resource("app/node_modules/lodash/package.json"), 0644)
                .file("app/node_modules/lodash/LICENSE", resource("app/node_modules/lodash/LICENSE"), 0644)
                .writeTo(layout);

        Descriptor oldManifest = writeImage(layout, List.of(oldBase), List.of(BASE_CREATED_BY), null, Map.of());
        layout.tag("base-2023", oldManifest);
        Descriptor baseManifest = writeImage(layout, List.of(currentBase), List.of(BASE_CREATED_BY), null, Map.of());
        layout.tag("base", baseManifest);
        Descriptor appManifest = writeImage(layout, List.of(oldBase, app), List.of(BASE_CREATED_BY, APP_CREATED_BY), "1000",
                Map.of("org.opencontainers.image.base.name", "oci:" + layoutDir.toAbsolutePath() + ":base",
                        "org.opencontainers.image.base.digest", oldManifest.digest().toString()));
        layout.tag("app", appManifest);
    }

    private static BuiltLayer baseLayer(OciLayoutWriter layout, byte[] dpkgStatus) {
        return new LayerBuilder()
                .file("usr/lib/os-release", resource("base/usr/lib/os-release"), 0644)
                .symlink("etc/os-release", "../usr/lib/os-release")
                .file("etc/debian_version", resource("base/etc/debian_version"), 0644)
                .file("var/lib/dpkg/status", dpkgStatus, 0644)
                .writeTo(layout);
    }

    /** The status file with glibc's binary packages at {@value #OLD_GLIBC}. */
    static String olderGlibc(String status) {
        StringBuilder out = new StringBuilder();
        for (String stanza : status.split("\n\n", -1)) {
            if (!out.isEmpty()) out.append("\n\n");
            out.append(stanza.contains("\nSource: glibc\n") ? stanza.replaceAll("(?m)^Version: .*$", "Version: " + OLD_GLIBC) : stanza);
        }
        return out.toString();
    }

    private static Descriptor writeImage(OciLayoutWriter layout, List<BuiltLayer> layers, List<String> createdBy, String user,
                                         Map<String, String> annotations) {
        ObjectNode c = InspectCommand.JSON.createObjectNode();
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
        return layout.writeImage(layers, createdBy, CREATED, c, annotations);
    }

    private static byte[] resource(String name) {
        try (InputStream in = DemoImage.class.getResourceAsStream("/demo/" + name)) {
            if (in == null) throw new DrydockException("demo file " + name + " is missing from the Drydock jar (rebuild with ./drydock)");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new DrydockException("cannot read demo file " + name + ": " + DrydockException.reason(e), e);
        }
    }
}
