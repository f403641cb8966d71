package io.drydock.vulndb.osv;

import io.drydock.vulndb.Advisory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** Every {@code *.json} file under a directory, recursively, in path order (so builds are reproducible). */
public final class OsvDirectorySource implements AdvisorySource {
    private final Path directory;

    public OsvDirectorySource(Path directory) {
        this.directory = directory;
    }

    @Override
    public String kind() {
        return "osv-directory";
    }

    @Override
    public String location() {
        return directory.toString();
    }

    @Override
    public void read(Consumer<Advisory> sink, IngestLog log) throws IOException {
        if (!Files.isDirectory(directory)) {
            throw new NoSuchFileException(directory.toString(), null, "no directory of OSV files there");
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(directory)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json"))
                    .sorted()
                    .toList();
        }
        for (Path file : files) {
            OsvFileSource.readFile(file, directory.relativize(file).toString(), sink, log);
        }
    }
}
