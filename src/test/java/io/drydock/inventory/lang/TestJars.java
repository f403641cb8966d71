package io.drydock.inventory.lang;

import io.drydock.testing.HostTools;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Java archives for tests: real ones resolved from Maven Central by Maven itself (cached under
 * {@code /var/tmp/drydock-test-jars}, so only the first run on a machine needs the network), and hand-built ones.
 */
final class TestJars {
    static final Path CACHE = Path.of(System.getenv().getOrDefault("DRYDOCK_TEST_JARS", "/var/tmp/drydock-test-jars"));
    private static final String DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.6.1";
    /** {@code   com.google.guava:guava:jar:31.1-jre:compile -- module com.google.common [auto]} */
    private static final Pattern LISTED = Pattern.compile("\\s+([^:\\s]+):([^:]+):jar:([^:]+):(compile|runtime)\\b.*");

    private TestJars() {
    }

    /** A dependency as {@code mvn dependency:list} resolved it, with its jar as Maven downloaded it. */
    record Resolved(String groupId, String artifactId, String version, Path jar) {
    }

    /**
     * Resolves {@code coordinates} (groupId:artifactId:version) and their runtime dependencies with
     * {@code mvn dependency:list} and {@code dependency:copy-dependencies} on a throwaway pom, exactly as a build
     * would; the result is what a fat jar built from them contains.
     */
    static synchronized List<Resolved> resolve(String name, List<String> coordinates) {
        Path dir = CACHE.resolve(name);
        Path done = dir.resolve(".complete");
        try {
            if (!Files.exists(done)) {
                Path mvn = HostTools.require("mvn", "maven");
                Files.createDirectories(dir);
                Files.writeString(dir.resolve("pom.xml"), pom(coordinates));
                HostTools.runChecked("resolving " + coordinates + " with Maven", Duration.ofMinutes(10), List.of(
                        mvn.toString(), "-q", "-B", "-f", dir.resolve("pom.xml").toString(),
                        DEPENDENCY_PLUGIN + ":list", DEPENDENCY_PLUGIN + ":copy-dependencies",
                        "-DoutputFile=" + dir.resolve("deps.txt"), "-DoutputDirectory=" + dir.resolve("lib"),
                        "-DincludeScope=runtime"));
                Files.writeString(done, "");
            }
            List<Resolved> resolved = new ArrayList<>();
            for (String line : Files.readAllLines(dir.resolve("deps.txt"))) {
                Matcher m = LISTED.matcher(line);
                if (m.matches()) {
                    Path jar = dir.resolve("lib").resolve(m.group(2) + "-" + m.group(3) + ".jar");
                    if (!Files.isRegularFile(jar)) {
                        throw new IllegalStateException("Maven listed " + line.strip() + " but copied no " + jar);
                    }
                    resolved.add(new Resolved(m.group(1), m.group(2), m.group(3), jar));
                }
            }
            if (resolved.isEmpty()) {
                throw new IllegalStateException("no dependencies in " + dir.resolve("deps.txt"));
            }
            return resolved;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One artifact from Maven Central, without its dependencies. */
    static synchronized Path artifact(String groupId, String artifactId, String version) {
        Path dir = CACHE.resolve("single");
        Path jar = dir.resolve(artifactId + "-" + version + ".jar");
        if (!Files.isRegularFile(jar)) {
            Path mvn = HostTools.require("mvn", "maven");
            HostTools.runChecked("downloading " + artifactId + " with Maven", Duration.ofMinutes(10), List.of(
                    mvn.toString(), "-q", "-B", DEPENDENCY_PLUGIN + ":copy",
                    "-Dartifact=" + groupId + ":" + artifactId + ":" + version, "-DoutputDirectory=" + dir));
        }
        return jar;
    }

    private static String pom(List<String> coordinates) {
        StringBuilder deps = new StringBuilder();
        for (String gav : coordinates) {
            String[] parts = gav.split(":");
            deps.append("    <dependency><groupId>").append(parts[0]).append("</groupId><artifactId>").append(parts[1])
                    .append("</artifactId><version>").append(parts[2]).append("</version></dependency>\n");
        }
        return """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>io.drydock.test</groupId>
                  <artifactId>fat-jar-dependencies</artifactId>
                  <version>1</version>
                  <packaging>pom</packaging>
                  <dependencies>
                %s  </dependencies>
                </project>
                """.formatted(deps);
    }

    /** Builds a zip in memory; entries are deflated unless added with {@link #stored}. */
    static final class Builder {
        private final Map<String, byte[]> entries = new LinkedHashMap<>();
        private final Map<String, Boolean> storedEntries = new LinkedHashMap<>();

        Builder manifest(String... attributes) {
            StringBuilder text = new StringBuilder("Manifest-Version: 1.0\r\n");
            for (int i = 0; i < attributes.length; i += 2) {
                text.append(attributes[i]).append(": ").append(attributes[i + 1]).append("\r\n");
            }
            return file("META-INF/MANIFEST.MF", text.append("\r\n").toString());
        }

        Builder pom(String groupId, String artifactId, String version) {
            return file("META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties",
                    "#Generated by Maven\nversion=" + version + "\ngroupId=" + groupId + "\nartifactId=" + artifactId
                            + "\n");
        }

        Builder file(String name, String content) {
            return file(name, content.getBytes(StandardCharsets.UTF_8));
        }

        Builder file(String name, byte[] content) {
            entries.put(name, content);
            return this;
        }

        /** Stored, as Spring Boot requires for {@code BOOT-INF/lib} jars. */
        Builder stored(String name, byte[] content) {
            storedEntries.put(name, true);
            return file(name, content);
        }

        Builder stored(String name, Path file) {
            try {
                return stored(name, Files.readAllBytes(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        byte[] bytes() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
                for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                    ZipEntry entry = new ZipEntry(e.getKey());
                    if (storedEntries.containsKey(e.getKey())) {
                        CRC32 crc = new CRC32();
                        crc.update(e.getValue());
                        entry.setMethod(ZipEntry.STORED);
                        entry.setSize(e.getValue().length);
                        entry.setCompressedSize(e.getValue().length);
                        entry.setCrc(crc.getValue());
                    }
                    zip.putNextEntry(entry);
                    zip.write(e.getValue());
                    zip.closeEntry();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }
    }
}
