package io.drydock.vulndb.osv;

import io.drydock.vulndb.Advisory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Somewhere advisories are read from: a directory of OSV files, one OSV file, an osv.dev {@code all.zip}
 * export, or Alpine's secdb. Reading hands every usable advisory to a sink and every problem to the log; a
 * source throws only when it cannot be read at all (missing, unreadable).
 */
public interface AdvisorySource {

    /** {@code osv-directory}, {@code osv-file}, {@code osv-zip} or {@code alpine-secdb}. */
    String kind();

    /** The path or URL, as shown to users. */
    String location();

    /** A short name for reports: the file or directory name. */
    default String name() {
        String location = location();
        String trimmed = location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
        return trimmed.substring(trimmed.lastIndexOf('/') + 1);
    }

    void read(Consumer<Advisory> sink, IngestLog log) throws IOException;

    /**
     * The source a path names: a {@code .zip} file is an osv.dev export, another file one OSV record, a
     * directory holding secdb YAML ({@code *.yaml} with {@code secfixes}) Alpine's secdb, any other directory OSV
     * files.
     */
    static AdvisorySource of(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            return AlpineSecDbSource.looksLikeSecDb(path) ? new AlpineSecDbSource(path) : new OsvDirectorySource(path);
        }
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".zip")) {
            return new OsvZipSource(path, ZipLimits.DEFAULT);
        }
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            return new AlpineSecDbSource(path);
        }
        return new OsvFileSource(path);
    }
}
