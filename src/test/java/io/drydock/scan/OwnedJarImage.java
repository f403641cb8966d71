package io.drydock.scan;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.image.Descriptor;
import io.drydock.image.local.BuiltLayer;
import io.drydock.image.local.LayerBuilder;
import io.drydock.image.local.OciLayoutWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A Debian 12 image whose one package, liblog4j2-java, installed the real log4j-core 2.14.1 jar: the jar is then
 * the distribution's to judge (Debian backports fixes without changing the upstream version).
 */
final class OwnedJarImage {
    static final String JAR = "usr/share/java/log4j-core.jar";

    private OwnedJarImage() {
    }

    static void build(Path layoutDir) throws IOException {
        OciLayoutWriter layout = OciLayoutWriter.openOrCreate(layoutDir);
        String status = """
                Package: liblog4j2-java
                Status: install ok installed
                Priority: optional
                Section: java
                Maintainer: Debian Java Maintainers <pkg-java-maintainers@lists.alioth.debian.org>
                Architecture: all
                Source: apache-log4j2
                Version: 2.14.1-1
                Description: Apache Log4j2 logging library for Java

                """;
        BuiltLayer layer = new LayerBuilder()
                .file("etc/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n")
                .file("var/lib/dpkg/status", status)
                .file("var/lib/dpkg/info/liblog4j2-java.list", "/.\n/usr\n/usr/share\n/usr/share/java\n/" + JAR + "\n")
                .file(JAR, log4jJar(), 0644)
                .writeTo(layout);
        Descriptor image = layout.writeImage(List.of(layer), List.of("apt-get install liblog4j2-java"), "2024-01-01T00:00:00Z",
                new ObjectMapper().createObjectNode(), Map.of());
        layout.tag("owned", image);
    }

    /** The real jar: the copy Maven puts into the build's classes for the demo, else the local Maven repository's. */
    static byte[] log4jJar() throws IOException {
        try (InputStream in = OwnedJarImage.class.getResourceAsStream("/demo/app/log4j-core-2.14.1.jar.bin")) {
            if (in != null) {
                return in.readAllBytes();
            }
        }
        Path m2 = Path.of(System.getProperty("user.home"), ".m2", "repository", "org", "apache", "logging", "log4j", "log4j-core",
                "2.14.1", "log4j-core-2.14.1.jar");
        return Files.readAllBytes(m2);
    }
}
