package io.drydock.vulndb;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.DrydockException;
import io.drydock.vulndb.version.InvalidVersionException;
import io.drydock.vulndb.version.VersionScheme;
import io.drydock.vulndb.version.VersionSchemes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * The advisory DB, open for reading. Matching data is loaded per package on first use and kept in memory, so that
 * repeated checks (a scan, a re-match of stored inventories) cost no I/O; everything else is read on demand.
 * Thread-safe: queries may run concurrently.
 *
 * <p>The file is never changed in place (a build renames a new file over it), so an open VulnDb keeps answering
 * from the file it opened even while an update replaces it.
 */
public final class VulnDb implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final Connection db;
    private final DbMetadata metadata;
    private final PackageFilter filter;
    private final PackageTable packages = new PackageTable();
    private final PreparedStatement packageId;
    private final PreparedStatement packageRows;
    private final PreparedStatement advisoryById;
    private final PreparedStatement affectedByAdvisory;

    private VulnDb(Path path, Connection db) throws SQLException, IOException {
        this.path = path;
        this.db = db;
        this.metadata = readMetadata(Files.size(path));
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT data FROM package_filter")) {
            if (!rs.next()) {
                throw new DrydockException("the advisory DB " + path + " has no package filter; run drydock db update");
            }
            this.filter = PackageFilter.fromBytes(rs.getBytes(1));
        }
        packageId = db.prepareStatement("SELECT id FROM package WHERE ecosystem = ? AND release = ? AND name = ?");
        packageRows = db.prepareStatement("""
                SELECT a.osv_id, a.aliases, a.related, a.summary, a.modified, a.published, a.withdrawn, a.severities,
                       f.purl, f.scheme, f.ranges, f.versions, f.fix_state, f.states, f.severities
                FROM affected f JOIN advisory a ON a.id = f.advisory_id
                WHERE f.package_id = ? ORDER BY a.osv_id, f.seq""");
        advisoryById = db.prepareStatement("""
                SELECT a.id, a.osv_id, a.aliases, a.related, a.summary, a.modified, a.published, a.withdrawn, a.severities,
                       a.extra_line, b.data
                FROM advisory a LEFT JOIN extra_block b ON b.id = a.extra_block WHERE a.osv_id = ?""");
        affectedByAdvisory = db.prepareStatement("""
                SELECT p.ecosystem, p.release, p.name, f.purl, f.scheme, f.ranges, f.versions, f.fix_state, f.states, f.severities
                FROM affected f JOIN package p ON p.id = f.package_id WHERE f.advisory_id = ? ORDER BY f.seq""");
    }

    /**
     * @throws DrydockException when there is no DB at the path, it is not an advisory DB, or it was written with
     *     another schema version
     */
    public static VulnDb open(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new DrydockException("no advisory DB at " + path + "; run drydock db update");
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setOpenMode(SQLiteOpenMode.READONLY);
        Connection db = null;
        try {
            db = DriverManager.getConnection("jdbc:sqlite:" + path.toAbsolutePath(), config.toProperties());
            return new VulnDb(path, db);
        } catch (SQLException | IOException e) {
            closeQuietly(db);
            throw new DrydockException("cannot read the advisory DB " + path + ": " + DrydockException.reason(e), e);
        } catch (RuntimeException e) {
            closeQuietly(db);
            throw e;
        }
    }

    private static void closeQuietly(Connection db) {
        if (db != null) {
            try {
                db.close();
            } catch (SQLException ignored) {
                // already failing
            }
        }
    }

    public Path path() {
        return path;
    }

    public DbMetadata metadata() {
        return metadata;
    }

    /** Age of the DB against the accepted age, now. */
    public Staleness staleness(Duration maxAge) {
        return staleness(maxAge, Clock.systemUTC());
    }

    public Staleness staleness(Duration maxAge, Clock clock) {
        return Staleness.of(metadata.builtAt(), clock.instant(), maxAge);
    }

    /** Whether advisories can be asked for this ecosystem (names as OSV spells them, any case). */
    public static boolean supports(String ecosystem) {
        return Ecosystems.canonical(ecosystem).isPresent();
    }

    /**
     * The advisories that affect a package version, with the range or listed version that matched. Withdrawn
     * advisories never match.
     *
     * @param release the ecosystem's release ("12" for Debian 12, "3.20" or "v3.20" for Alpine), "" for none
     * @throws DrydockException for an unsupported ecosystem
     * @throws InvalidVersionException when the package has advisories and the version is not valid in its scheme
     */
    public List<AdvisoryMatch> query(String ecosystem, String release, String packageName, String version) {
        return query(key(ecosystem, release, packageName), version);
    }

    public List<AdvisoryMatch> query(PackageKey key, String version) {
        PackageIndex index = index(key);
        return index.isEmpty() ? List.of() : index.match(version);
    }

    /** Every advisory filed under a package, whatever the version (withdrawn ones included). */
    public List<PackageAdvisory> advisories(String ecosystem, String release, String packageName) {
        return index(key(ecosystem, release, packageName)).entries();
    }

    private static PackageKey key(String ecosystem, String release, String packageName) {
        try {
            return Ecosystems.key(ecosystem, release == null ? "" : release, packageName);
        } catch (IllegalArgumentException e) {
            throw new DrydockException(e.getMessage());
        }
    }

    private PackageIndex index(PackageKey key) {
        long hash = PackageFilter.hash(key);
        if (!filter.mightContain(hash)) {
            return PackageIndex.EMPTY; // most packages: no advisory, answered from the filter and not remembered
        }
        PackageIndex cached = packages.get(hash, key);
        if (cached != null) {
            return cached;
        }
        synchronized (db) {
            cached = packages.get(hash, key);
            if (cached == null) {
                cached = load(key, hash);
                packages.put(cached);
            }
            return cached;
        }
    }

    /** Reads a package's entries; the caller holds the lock on the connection. */
    private PackageIndex load(PackageKey key, long hash) {
        List<PackageAdvisory> entries = new ArrayList<>();
        try {
            packageId.setString(1, key.ecosystem());
            packageId.setString(2, key.release());
            packageId.setString(3, key.name());
            long id = -1;
            try (ResultSet rs = packageId.executeQuery()) {
                if (rs.next()) {
                    id = rs.getLong(1);
                }
            }
            if (id >= 0) {
                packageRows.setLong(1, id);
                try (ResultSet rs = packageRows.executeQuery()) {
                    while (rs.next()) {
                        AdvisorySummary summary = new AdvisorySummary(rs.getString(1), StoredForms.ids(rs.getString(2)),
                                StoredForms.ids(rs.getString(3)), orEmpty(rs.getString(4)), time(rs, 5), time(rs, 6),
                                time(rs, 7), StoredForms.severities(rs.getString(8)));
                        entries.add(new PackageAdvisory(summary, affected(key, rs, 9)));
                    }
                }
            }
        } catch (SQLException e) {
            throw new DrydockException("cannot read " + key + " from the advisory DB " + path + ": " + e.getMessage(), e);
        }
        // a key the filter let through by chance gets an empty index, so that it is not read again
        return PackageIndex.of(key, hash, entries);
    }

    /** The whole advisory, details and references included. */
    public Optional<Advisory> advisory(String id) {
        synchronized (db) {
            try {
                advisoryById.setString(1, id);
                long rowId;
                AdvisorySummary s;
                StoredForms.Extra extra;
                try (ResultSet rs = advisoryById.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    rowId = rs.getLong(1);
                    s = new AdvisorySummary(rs.getString(2), StoredForms.ids(rs.getString(3)), StoredForms.ids(rs.getString(4)),
                            orEmpty(rs.getString(5)), time(rs, 6), time(rs, 7), time(rs, 8), StoredForms.severities(rs.getString(9)));
                    byte[] block = rs.getBytes(11);
                    extra = StoredForms.extra(block == null ? null : StoredForms.line(block, rs.getInt(10)));
                }
                List<AffectedPackage> affected = new ArrayList<>();
                affectedByAdvisory.setLong(1, rowId);
                try (ResultSet rs = affectedByAdvisory.executeQuery()) {
                    while (rs.next()) {
                        affected.add(affected(new PackageKey(rs.getString(1), rs.getString(2), rs.getString(3)), rs, 4));
                    }
                }
                return Optional.of(new Advisory(s.id(), s.modified(), s.published(), s.withdrawn(), s.aliases(), s.related(),
                        s.summary(), extra.details(), s.severities(), extra.references(), affected, extra.databaseSpecific()));
            } catch (SQLException e) {
                throw new DrydockException("cannot read " + id + " from the advisory DB " + path + ": " + e.getMessage(), e);
            }
        }
    }

    /** Reads purl, scheme, ranges, versions, fix_state, states, severities starting at the given column. */
    private static AffectedPackage affected(PackageKey key, ResultSet rs, int first) throws SQLException {
        String scheme = rs.getString(first + 1);
        scheme = VersionSchemes.byName(scheme).map(VersionScheme::name).orElse(scheme); // one shared string
        return new AffectedPackage(key, rs.getString(first), scheme, StoredForms.ranges(rs.getString(first + 2)),
                StoredForms.versions(rs.getBytes(first + 3)), FixState.valueOf(rs.getString(first + 4)),
                StoredForms.states(rs.getString(first + 5)), StoredForms.severities(rs.getString(first + 6)));
    }

    private DbMetadata readMetadata(long bytes) throws SQLException {
        Map<String, String> meta = new HashMap<>();
        try (Statement s = db.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT key, value FROM meta")) {
                while (rs.next()) {
                    meta.put(rs.getString(1), rs.getString(2));
                }
            } catch (SQLException e) {
                throw new DrydockException("not an advisory DB: " + path + " (" + e.getMessage() + ")");
            }
            String version = meta.get("schema_version");
            if (version == null || Integer.parseInt(version) != Schema.VERSION
                    || !StoredForms.DICTIONARY_ID.equals(meta.get("dictionary"))) {
                throw new DrydockException("the advisory DB " + path + " has schema version " + version
                        + ", this Drydock reads version " + Schema.VERSION + "; run drydock db update");
            }
            List<SourceReport> sources = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT name, kind, location, read_at, newest_modified, records_read, stored,"
                    + " skipped, warnings, reasons, sample_warnings FROM source ORDER BY id")) {
                while (rs.next()) {
                    sources.add(new SourceReport(rs.getString(1), rs.getString(2), rs.getString(3),
                            Instant.ofEpochSecond(rs.getLong(4)), time(rs, 5), rs.getLong(6), rs.getLong(7), rs.getLong(8),
                            rs.getLong(9), parse(rs.getString(10), new TypeReference<Map<String, Long>>() {
                            }), parse(rs.getString(11), new TypeReference<List<String>>() {
                            })));
                }
            }
            return new DbMetadata(Schema.VERSION, Instant.parse(meta.get("built_at")), Long.parseLong(meta.get("advisories")),
                    Long.parseLong(meta.get("packages")), Long.parseLong(meta.get("affected")), bytes, sources);
        }
    }

    private static <T> T parse(String json, TypeReference<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (IOException e) {
            throw new IllegalStateException("corrupt metadata column", e);
        }
    }

    private static Instant time(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochSecond(v);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    @Override
    public void close() {
        synchronized (db) {
            try {
                db.close();
            } catch (SQLException e) {
                throw new DrydockException("cannot close the advisory DB " + path + ": " + e.getMessage(), e);
            }
        }
    }
}
