package io.drydock.inventory.os;

import io.drydock.inventory.AnalysisWarning;
import io.drydock.inventory.Analyzer;
import io.drydock.inventory.InstalledPackage;
import io.drydock.layer.EntryContent;
import io.drydock.layer.LayerEntry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * rpm packages from any of rpm's three database formats, read in pure Java: SQLite {@code rpmdb.sqlite} (rpm 4.16+),
 * Berkeley DB hash {@code Packages} (older RHEL family) and ndb {@code Packages.db} (SUSE), in {@code var/lib/rpm},
 * {@code usr/lib/sysimage/rpm} or {@code usr/share/rpm}. Every format holds the same header blobs, parsed by
 * {@link RpmHeader}.
 *
 * <p>Versions are {@code epoch:version-release}, the epoch only when the header has one (then also in the property
 * {@code epoch}). The source name and version come from the SOURCERPM file name; the public-key pseudo-packages
 * ({@code gpg-pubkey}) are left out.
 *
 * <p>The databases need random access, so each is copied from the layer stream to a private temporary file first
 * (at most {@code maxDatabaseBytes} each) and deleted once read. Berkeley DB and ndb files are read as soon as they
 * arrive; SQLite files wait for {@link Collector#finish()}, because a {@code rpmdb.sqlite-wal} holding recent
 * changes may follow the database in the tar.
 */
public final class RpmAnalyzer implements Analyzer {

    static final Set<String> DATABASE_DIRECTORIES = Set.of("var/lib/rpm", "usr/lib/sysimage/rpm", "usr/share/rpm");
    static final String BERKELEY_DB = "Packages";
    static final String NDB = "Packages.db";
    static final String SQLITE = "rpmdb.sqlite";
    static final String SQLITE_WAL = "rpmdb.sqlite-wal";
    private static final Set<String> DATABASE_FILES = Set.of(BERKELEY_DB, NDB, SQLITE, SQLITE_WAL);

    /** Public key pseudo-packages: {@code rpm --import} stores each trusted key as a header named so. */
    static final String PUBLIC_KEY_PACKAGE = "gpg-pubkey";

    /** A full Fedora workstation's database is a few hundred MiB; container images hold far smaller ones. */
    public static final long DEFAULT_MAX_DATABASE_BYTES = 1L << 30;

    private final Path temporaryDirectory;
    private final long maxDatabaseBytes;

    /** Temporary copies go to the system's temporary directory, at most {@link #DEFAULT_MAX_DATABASE_BYTES} each. */
    public RpmAnalyzer() {
        this(null, DEFAULT_MAX_DATABASE_BYTES);
    }

    /**
     * @param temporaryDirectory where database copies are made while they are read; null for the system default
     * @param maxDatabaseBytes   larger database files are skipped with a warning
     */
    public RpmAnalyzer(Path temporaryDirectory, long maxDatabaseBytes) {
        if (maxDatabaseBytes <= 0) {
            throw new IllegalArgumentException("maxDatabaseBytes must be positive: " + maxDatabaseBytes);
        }
        this.temporaryDirectory = temporaryDirectory;
        this.maxDatabaseBytes = maxDatabaseBytes;
    }

    @Override
    public String id() {
        return "rpm";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public boolean wants(String path, LayerEntry entry) {
        int slash = path.lastIndexOf('/');
        return slash > 0 && DATABASE_FILES.contains(path.substring(slash + 1))
                && DATABASE_DIRECTORIES.contains(path.substring(0, slash));
    }

    @Override
    public Collector start() {
        return new RpmCollector();
    }

    /** The package a header describes, or null for the public-key pseudo-packages. */
    static InstalledPackage toPackage(RpmHeader header, String location) {
        if (header.name().equals(PUBLIC_KEY_PACKAGE)) {
            return null;
        }
        String sourceName = null;
        String sourceVersion = null;
        SourceRpm source = SourceRpm.parse(header.sourceRpm());
        if (source != null) {
            sourceName = source.name();
            // A source rpm's file name has no epoch; its binaries share the spec's epoch by construction.
            sourceVersion = (header.epoch() == null ? "" : header.epoch() + ":") + source.version() + "-"
                    + source.release();
        }
        List<String> licenses = header.license() == null || header.license().isBlank()
                ? List.of() : List.of(header.license());
        Map<String, String> properties = header.epoch() == null ? Map.of() : Map.of("epoch", header.epoch().toString());
        return new InstalledPackage("rpm", null, header.name(), header.evr(), header.arch(), sourceName,
                sourceVersion, licenses, List.of(location), header.files(), properties);
    }

    /** "name-version-release.src.rpm", split at the last two dashes as rpm names its files. */
    record SourceRpm(String name, String version, String release) {
        static SourceRpm parse(String fileName) {
            if (fileName == null) {
                return null;
            }
            String base;
            if (fileName.endsWith(".src.rpm")) {
                base = fileName.substring(0, fileName.length() - ".src.rpm".length());
            } else if (fileName.endsWith(".nosrc.rpm")) {
                base = fileName.substring(0, fileName.length() - ".nosrc.rpm".length());
            } else {
                return null;
            }
            int releaseDash = base.lastIndexOf('-');
            int versionDash = releaseDash <= 0 ? -1 : base.lastIndexOf('-', releaseDash - 1);
            if (versionDash <= 0 || releaseDash == base.length() - 1 || versionDash + 1 == releaseDash) {
                return null;
            }
            return new SourceRpm(base.substring(0, versionDash), base.substring(versionDash + 1, releaseDash),
                    base.substring(releaseDash + 1));
        }
    }

    private final class RpmCollector implements Collector {
        private final List<InstalledPackage> packages = new ArrayList<>();
        private final List<AnalysisWarning> warnings = new ArrayList<>();
        /** Database directory in the image → private directory holding its rpmdb.sqlite and -wal copies. */
        private final Map<String, Path> sqliteCopies = new LinkedHashMap<>();
        private Path workDirectory;

        @Override
        public void file(LayerEntry entry, EntryContent content) throws IOException {
            String path = entry.path();
            if (entry.size() > maxDatabaseBytes) {
                warn(path, "is " + entry.size() + " bytes, more than the " + maxDatabaseBytes
                        + " an rpm database may have here; skipped");
                return;
            }
            String name = entry.name();
            if (name.equals(SQLITE) || name.equals(SQLITE_WAL)) {
                String directory = path.substring(0, path.lastIndexOf('/'));
                Path copies = sqliteCopies.get(directory);
                if (copies == null) {
                    copies = Files.createDirectory(workDirectory().resolve("sqlite-" + sqliteCopies.size()));
                    sqliteCopies.put(directory, copies);
                }
                Files.copy(content, copies.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                return;
            }
            Path copy = Files.createTempFile(workDirectory(), "db-", ".copy");
            try {
                Files.copy(content, copy, StandardCopyOption.REPLACE_EXISTING);
                try (FileChannel channel = FileChannel.open(copy, StandardOpenOption.READ)) {
                    HeaderCollector headers = new HeaderCollector(path);
                    if (name.equals(NDB)) {
                        NdbPackages.read(channel, headers);
                    } else {
                        BerkeleyDbHash.read(channel, headers);
                    }
                    headers.addPackages();
                }
            } finally {
                Files.deleteIfExists(copy);
            }
        }

        @Override
        public Result finish() {
            try {
                for (Map.Entry<String, Path> database : sqliteCopies.entrySet()) {
                    readSqlite(database.getKey(), database.getValue());
                }
            } finally {
                deleteWorkDirectory();
            }
            return new Result(packages, null, warnings);
        }

        private void readSqlite(String directory, Path copies) {
            Path database = copies.resolve(SQLITE);
            Path wal = copies.resolve(SQLITE_WAL);
            if (Files.exists(database)) {
                HeaderCollector headers = new HeaderCollector(directory + "/" + SQLITE);
                SqlitePackages.read(database, headers);
                headers.addPackages();
            } else if (sizeOf(wal) > 0) {
                warn(directory + "/" + SQLITE_WAL, "holds changes to an rpm database whose " + SQLITE
                        + " is not in this layer; they cannot be read without it");
            }
        }

        @Override
        public void close() {
            deleteWorkDirectory();
        }

        private Path workDirectory() throws IOException {
            if (workDirectory == null) {
                workDirectory = temporaryDirectory == null ? Files.createTempDirectory("drydock-rpmdb-")
                        : Files.createTempDirectory(temporaryDirectory, "drydock-rpmdb-");
            }
            return workDirectory;
        }

        private void deleteWorkDirectory() {
            if (workDirectory == null) {
                return;
            }
            try (Stream<Path> paths = Files.walk(workDirectory)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete the temporary rpm database copies in " + workDirectory,
                        e);
            } finally {
                workDirectory = null;
            }
        }

        private long sizeOf(Path file) {
            try {
                return Files.exists(file) ? Files.size(file) : 0;
            } catch (IOException e) {
                return 0;
            }
        }

        private void warn(String path, String message) {
            warnings.add(new AnalysisWarning(id(), path, message));
        }

        /** Turns the blobs of one database into packages, in header-number order. */
        private final class HeaderCollector implements HeaderSink {
            private final String path;
            private final TreeMap<Long, InstalledPackage> byNumber = new TreeMap<>();

            HeaderCollector(String path) {
                this.path = path;
            }

            @Override
            public void header(long number, byte[] blob) {
                RpmHeader header;
                try {
                    header = RpmHeader.parse(blob);
                } catch (RpmHeader.MalformedHeader e) {
                    warn(path, "header " + number + " " + e.getMessage() + "; skipped");
                    return;
                }
                InstalledPackage pkg = toPackage(header, path);
                if (pkg == null) {
                    return;
                }
                if (byNumber.putIfAbsent(number, pkg) != null) {
                    warn(path, "header number " + number + " appears twice; the first one is kept");
                }
            }

            @Override
            public void problem(String message) {
                warn(path, message);
            }

            void addPackages() {
                packages.addAll(byNumber.values());
            }
        }
    }
}
