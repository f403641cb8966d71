package io.drydock.vulndb;

import io.drydock.DrydockException;
import io.drydock.vulndb.osv.AlpineSecDbSource;
import io.drydock.vulndb.osv.AdvisorySource;
import io.drydock.vulndb.osv.OsvDirectorySource;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The real advisories shipped in Drydock's jar (see {@code vulndb/embedded/README.md}): the offline default source. */
public final class EmbeddedAdvisories {
    private EmbeddedAdvisories() {
    }

    public static List<AdvisorySource> sources() {
        Path root = root();
        return List.of(new OsvDirectorySource(root.resolve("osv")), new OsvDirectorySource(root.resolve("debian12-changelog-osv")),
                new AlpineSecDbSource(root.resolve("alpine-secdb")));
    }

    private static Path root() {
        URL url = EmbeddedAdvisories.class.getResource("/vulndb/embedded/README.md");
        if (url == null) throw new DrydockException("the embedded advisories are missing from the Drydock jar");
        try {
            URI uri = url.toURI();
            if (uri.getScheme().equals("jar")) {
                FileSystem fs;
                try {
                    fs = FileSystems.newFileSystem(uri, Map.of());
                } catch (FileSystemAlreadyExistsException e) {
                    fs = FileSystems.getFileSystem(uri);
                }
                return fs.getPath("/vulndb/embedded");
            }
            return Path.of(uri).getParent();
        } catch (URISyntaxException | IOException e) {
            throw new DrydockException("cannot open the embedded advisories: " + DrydockException.reason(e), e);
        }
    }
}
