package io.drydock.vulndb;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** The real advisory data under src/test/resources/vulndb (see its README for sources and licences). */
public final class TestData {
    private TestData() {
    }

    public static Path resource(String relative) {
        URL url = TestData.class.getResource("/vulndb/" + relative);
        if (url == null) {
            throw new IllegalStateException("missing test resource vulndb/" + relative);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path osv() {
        return resource("osv");
    }

    public static Path debianChangelogOsv() {
        return resource("debian12-changelog-osv");
    }

    public static Path alpineSecDb() {
        return resource("alpine-secdb");
    }

    public static Path hostile() {
        return resource("hostile");
    }

    /** A plain zip (deflate, default level) of every JSON file under the directories: the size to beat. */
    public static long zipJson(Path zip, List<Path> directories) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(zip), 1 << 16); ZipOutputStream z = new ZipOutputStream(out)) {
            for (Path dir : directories) {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                        z.putNextEntry(new ZipEntry(dir.getFileName() + "/" + dir.relativize(f)));
                        z.write(Files.readAllBytes(f));
                        z.closeEntry();
                    }
                }
            }
        }
        return Files.size(zip);
    }
}
