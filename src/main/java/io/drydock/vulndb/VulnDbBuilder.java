package io.drydock.vulndb;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.DrydockException;
import io.drydock.vulndb.osv.AdvisorySource;
import io.drydock.vulndb.osv.IngestLog;
import io.drydock.vulndb.version.InvalidVersionException;
import io.drydock.vulndb.version.ParsedVersion;
import io.drydock.vulndb.version.VersionScheme;
import io.drydock.vulndb.version.VersionSchemes;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the advisory DB file from sources, and replaces the old file atomically: the new DB is written to a
 * temporary file next to the target, flushed to disk, then renamed over the target (and the directory flushed).
 * A build that fails or is killed leaves the old DB as it was; its temporary file is removed by the next build.
 *
 * <p>When two sources hold the same advisory id, the copy with the newer {@code modified} time is kept (the first
 * one read on a tie). A source that cannot be read at all fails the build, so a complete DB is never replaced by a
 * partial one; records a source cannot use are skipped and reported instead.
 */
public final class VulnDbBuilder {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TEMP_NAME = Pattern.compile("^\\.(.+)\\.(\\d+)\\.[0-9a-f]+\\.tmp$");
    private static final int BATCH = 2000;
    /** Uncompressed size of a block of advisory texts: deflate's window, so every line can refer to the others. */
    private static final int BLOCK_BYTES = 32 * 1024;

    /**
     * Progress of a build, for a CLI to show. {@link #warning} comes from the thread reading the source, the
     * others from the thread that called {@link #build()}.
     */
    public interface Listener {
        default void phase(String phase) {
        }

        default void sourceStarted(AdvisorySource source) {
        }

        /** Called every few thousand records. */
        default void recordsRead(AdvisorySource source, long records) {
        }

        default void warning(IngestWarning warning) {
        }

        default void sourceFinished(SourceReport report) {
        }
    }

    private final Path target;
    private final List<AdvisorySource> sources = new ArrayList<>();
    private Listener listener = new Listener() {
    };
    private Clock clock = Clock.systemUTC();

    private VulnDbBuilder(Path target) {
        this.target = target.toAbsolutePath();
    }

    public static VulnDbBuilder to(Path target) {
        return new VulnDbBuilder(target);
    }

    public VulnDbBuilder add(AdvisorySource source) {
        sources.add(source);
        return this;
    }

    public VulnDbBuilder listener(Listener listener) {
        this.listener = listener;
        return this;
    }

    public VulnDbBuilder clock(Clock clock) {
        this.clock = clock;
        return this;
    }

    /**
     * @throws DrydockException when a source cannot be read or the DB cannot be written; the old DB is kept
     */
    public BuildResult build() {
        long started = System.nanoTime();
        Instant builtAt = clock.instant();
        Path directory = target.getParent();
        try {
            Files.createDirectories(directory);
            removeStaleTemporaries();
        } catch (IOException e) {
            throw new DrydockException("cannot prepare " + directory + " for the advisory DB: " + DrydockException.reason(e), e);
        }
        Path temp = directory.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + ".tmp");
        try {
            Counts counts;
            List<SourceReport> reports;
            try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + temp)) {
                Writer writer = new Writer(db, builtAt);
                List<IngestLog> logs = new ArrayList<>();
                for (AdvisorySource source : sources) {
                    logs.add(writer.read(source));
                }
                // reported only now: a later source can replace what an earlier one stored
                reports = logs.stream().map(IngestLog::report).toList();
                listener.phase("indexing");
                counts = writer.finish(reports);
            }
            listener.phase("syncing");
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            replace(temp);
            long bytes = Files.size(target);
            listener.phase("done");
            return new BuildResult(target, builtAt, Duration.ofNanos(System.nanoTime() - started), reports,
                    counts.advisories(), counts.packages(), counts.affected(), bytes);
        } catch (SQLException e) {
            throw new DrydockException("cannot write the advisory DB " + temp + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new DrydockException("cannot write the advisory DB " + target + ": " + DrydockException.reason(e), e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // a later build removes it
            }
        }
    }

    private void replace(Path temp) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system of " + target.getParent() + " cannot rename atomically", e);
        }
        // the rename itself is durable only once the directory is
        try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException ignored) {
            // some file systems cannot open a directory for syncing; the rename is still atomic
        }
    }

    /** Temporary files of builds whose process is gone (killed mid-build). */
    private void removeStaleTemporaries() throws IOException {
        String name = target.getFileName().toString();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(target.getParent(), "." + name + ".*.tmp")) {
            for (Path p : entries) {
                Matcher m = TEMP_NAME.matcher(p.getFileName().toString());
                if (m.matches() && m.group(1).equals(name)) {
                    long pid = Long.parseLong(m.group(2));
                    if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                        continue; // another build is running
                    }
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private record Counts(long advisories, long packages, long affected) {
    }

    private record Kept(long rowId, Instant modified, IngestLog log) {
    }

    /** Marks the end of a source's advisories on the queue. */
    private static final Object END = new Object();

    /** An advisory with its column forms computed, on the reading thread. */
    private record Encoded(Advisory advisory, String aliases, String related, String severities, String extra,
            List<EncodedAffected> affected) {
        static Encoded of(Advisory a) {
            List<EncodedAffected> affected = new ArrayList<>(a.affected().size());
            for (AffectedPackage p : a.affected()) {
                affected.add(new EncodedAffected(StoredForms.ranges(p.ranges()), StoredForms.versions(versionsNotInRanges(p)),
                        StoredForms.states(p.states()), StoredForms.severities(p.severities())));
            }
            return new Encoded(a, StoredForms.ids(a.aliases()), StoredForms.ids(a.related()),
                    StoredForms.severities(a.severities()), StoredForms.extra(a), affected);
        }
    }

    private record EncodedAffected(String ranges, byte[] versions, String states, String severities) {
    }

    /** Writes one build: stages rows as sources deliver them, then copies them out in key order. */
    private final class Writer {
        private final Connection db;
        private final Instant builtAt;
        private final PreparedStatement insertAdvisory;
        private final PreparedStatement insertAffected;
        private final PreparedStatement insertSuperseded;
        private final PreparedStatement insertBlock;
        private final List<String> blockLines = new ArrayList<>();
        private int blockChars;
        private long blockId = 1;
        private final Map<String, Kept> kept = new HashMap<>();
        private final Map<PackageKey, Long> packageIds = new HashMap<>();
        private long nextAdvisory;
        private int pending;
        private int sourceIndex;

        Writer(Connection db, Instant builtAt) throws SQLException {
            this.db = db;
            this.builtAt = builtAt;
            try (Statement s = db.createStatement()) {
                // The file is private until renamed into place and rewritten from scratch if the build dies,
                // so SQLite's own crash safety is not needed while writing it.
                s.execute("PRAGMA journal_mode = OFF");
                s.execute("PRAGMA synchronous = OFF");
                s.execute("PRAGMA locking_mode = EXCLUSIVE");
                s.execute("PRAGMA cache_size = -65536");
                for (String ddl : Schema.TABLES) {
                    s.execute(ddl);
                }
                for (String ddl : Schema.STAGING) {
                    s.execute(ddl);
                }
            }
            db.setAutoCommit(false);
            insertAdvisory = db.prepareStatement("INSERT INTO temp.advisory_stage VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
            insertAffected = db.prepareStatement("INSERT INTO temp.affected_stage VALUES (?,?,?,?,?,?,?,?,?,?)");
            insertSuperseded = db.prepareStatement("INSERT OR IGNORE INTO temp.superseded VALUES (?)");
            insertBlock = db.prepareStatement("INSERT INTO extra_block VALUES (?,?)");
        }

        /**
         * Reads one source on a second thread, which also encodes each advisory into its column forms, while this
         * thread writes rows: parsing and encoding cost about as much as writing, so the two overlap.
         */
        IngestLog read(AdvisorySource source) throws SQLException {
            sourceIndex++;
            listener.sourceStarted(source);
            IngestLog log = new IngestLog(source.name(), source.kind(), source.location(), clock.instant(), listener::warning);
            BlockingQueue<Object> queue = new ArrayBlockingQueue<>(1024);
            AtomicBoolean stopped = new AtomicBoolean();
            Thread reader = Thread.ofPlatform().name("drydock-read-" + source.name()).daemon().start(() -> {
                Object last = END;
                try {
                    source.read(advisory -> {
                        if (stopped.get()) {
                            throw new CancellationException("the DB writer stopped");
                        }
                        put(queue, Encoded.of(advisory));
                    }, log);
                } catch (IOException e) {
                    last = new DrydockException("cannot read advisory source " + source.location() + ": " + DrydockException.reason(e), e);
                } catch (CancellationException e) {
                    last = END;
                } catch (RuntimeException | Error e) {
                    last = e;
                }
                put(queue, last);
            });
            long reported = 0;
            try {
                while (true) {
                    Object next = queue.take();
                    if (next == END) {
                        break;
                    }
                    if (next instanceof RuntimeException e) {
                        throw e;
                    }
                    if (next instanceof Error e) {
                        throw e;
                    }
                    store((Encoded) next, log);
                    long read = log.recordsRead();
                    if (read - reported >= 5000) {
                        reported = read;
                        listener.recordsRead(source, read);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DrydockException("interrupted while reading " + source.location(), e);
            } finally {
                stopped.set(true);
                queue.clear(); // unblock the reader if it waits for room
                try {
                    reader.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            flush();
            listener.recordsRead(source, log.recordsRead());
            listener.sourceFinished(log.report());
            return log;
        }

        private static void put(BlockingQueue<Object> queue, Object item) {
            try {
                queue.put(item);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted");
            }
        }

        private void store(Encoded e, IngestLog log) throws SQLException {
            Advisory a = e.advisory();
            Kept previous = kept.get(a.id());
            if (previous != null) {
                if (!isNewer(a.modified(), previous.modified())) {
                    log.skipRecordQuietly("duplicate id (a copy as new or newer was kept)");
                    return;
                }
                insertSuperseded.setLong(1, previous.rowId());
                insertSuperseded.addBatch();
                previous.log().unstored();
                previous.log().count("duplicate id (replaced by a newer copy)");
            }
            long rowId = ++nextAdvisory;
            insertAdvisory.setLong(1, rowId);
            insertAdvisory.setString(2, a.id());
            insertAdvisory.setInt(3, sourceIndex);
            setTime(insertAdvisory, 4, a.modified());
            setTime(insertAdvisory, 5, a.published());
            setTime(insertAdvisory, 6, a.withdrawn());
            insertAdvisory.setString(7, e.aliases());
            insertAdvisory.setString(8, e.related());
            insertAdvisory.setString(9, a.summary().isEmpty() ? null : a.summary());
            insertAdvisory.setString(10, e.severities());
            if (e.extra() == null) {
                insertAdvisory.setNull(11, Types.INTEGER);
                insertAdvisory.setNull(12, Types.INTEGER);
            } else {
                insertAdvisory.setLong(11, blockId);
                insertAdvisory.setInt(12, blockLines.size());
                blockLines.add(e.extra());
                blockChars += e.extra().length();
            }
            insertAdvisory.addBatch();
            for (int seq = 0; seq < a.affected().size(); seq++) {
                AffectedPackage p = a.affected().get(seq);
                EncodedAffected f = e.affected().get(seq);
                long packageId = packageIds.computeIfAbsent(p.key(), k -> (long) packageIds.size() + 1);
                insertAffected.setLong(1, packageId);
                insertAffected.setLong(2, rowId);
                insertAffected.setInt(3, seq);
                insertAffected.setString(4, p.purl());
                insertAffected.setString(5, p.scheme());
                insertAffected.setString(6, f.ranges());
                insertAffected.setBytes(7, f.versions());
                insertAffected.setString(8, p.fixState().name());
                insertAffected.setString(9, f.states());
                insertAffected.setString(10, f.severities());
                insertAffected.addBatch();
            }
            kept.put(a.id(), new Kept(rowId, a.modified(), log));
            log.stored();
            if (blockChars >= BLOCK_BYTES) {
                writeBlock();
            }
            if (++pending >= BATCH) {
                flush();
            }
        }

        private static boolean isNewer(Instant candidate, Instant current) {
            if (candidate == null) {
                return false;
            }
            return current == null || candidate.isAfter(current);
        }

        private void writeBlock() throws SQLException {
            if (blockLines.isEmpty()) {
                return;
            }
            insertBlock.setLong(1, blockId++);
            insertBlock.setBytes(2, StoredForms.block(blockLines));
            insertBlock.executeUpdate();
            blockLines.clear();
            blockChars = 0;
        }

        private void flush() throws SQLException {
            insertSuperseded.executeBatch();
            insertAdvisory.executeBatch();
            insertAffected.executeBatch();
            pending = 0;
        }

        Counts finish(List<SourceReport> reports) throws SQLException {
            writeBlock();
            flush();
            long advisories;
            long affected;
            try (Statement s = db.createStatement()) {
                advisories = s.executeUpdate("INSERT INTO advisory SELECT * FROM temp.advisory_stage"
                        + " WHERE id NOT IN (SELECT advisory_id FROM temp.superseded) ORDER BY id");
                affected = s.executeUpdate("INSERT INTO affected SELECT * FROM temp.affected_stage"
                        + " WHERE advisory_id NOT IN (SELECT advisory_id FROM temp.superseded)"
                        + " ORDER BY package_id, advisory_id, seq");
            }
            Set<Long> used = new HashSet<>();
            try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT DISTINCT package_id FROM affected")) {
                while (rs.next()) {
                    used.add(rs.getLong(1));
                }
            }
            Map<PackageKey, Long> sorted = new TreeMap<>((x, y) -> {
                int c = x.ecosystem().compareTo(y.ecosystem());
                if (c == 0) {
                    c = x.release().compareTo(y.release());
                }
                return c != 0 ? c : x.name().compareTo(y.name());
            });
            packageIds.forEach((k, v) -> {
                if (used.contains(v)) {
                    sorted.put(k, v);
                }
            });
            PackageFilter filter = PackageFilter.forKeys(sorted.size());
            sorted.keySet().forEach(filter::add);
            try (PreparedStatement p = db.prepareStatement("INSERT INTO package_filter VALUES (?)")) {
                p.setBytes(1, filter.toBytes());
                p.executeUpdate();
            }
            try (PreparedStatement p = db.prepareStatement("INSERT INTO package VALUES (?,?,?,?)")) {
                for (Map.Entry<PackageKey, Long> e : sorted.entrySet()) {
                    p.setString(1, e.getKey().ecosystem());
                    p.setString(2, e.getKey().release());
                    p.setString(3, e.getKey().name());
                    p.setLong(4, e.getValue());
                    p.addBatch();
                }
                p.executeBatch();
            }
            try (Statement s = db.createStatement()) {
                for (String ddl : Schema.INDEXES) {
                    s.execute(ddl);
                }
            }
            try (PreparedStatement p = db.prepareStatement("INSERT INTO source VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")) {
                int id = 0;
                for (SourceReport r : reports) {
                    p.setInt(1, ++id);
                    p.setString(2, r.name());
                    p.setString(3, r.kind());
                    p.setString(4, r.location());
                    p.setLong(5, r.readAt().getEpochSecond());
                    setTime(p, 6, r.newestModified());
                    p.setLong(7, r.recordsRead());
                    p.setLong(8, r.stored());
                    p.setLong(9, r.skippedRecords());
                    p.setLong(10, r.warnings());
                    p.setString(11, json(r.reasons()));
                    p.setString(12, json(r.sampleWarnings()));
                    p.addBatch();
                }
                p.executeBatch();
            }
            Map<String, String> meta = new TreeMap<>();
            meta.put("schema_version", String.valueOf(Schema.VERSION));
            meta.put("built_at", builtAt.toString());
            meta.put("dictionary", StoredForms.DICTIONARY_ID);
            meta.put("advisories", String.valueOf(advisories));
            meta.put("packages", String.valueOf(sorted.size()));
            meta.put("affected", String.valueOf(affected));
            try (PreparedStatement p = db.prepareStatement("INSERT INTO meta VALUES (?,?)")) {
                for (Map.Entry<String, String> e : meta.entrySet()) {
                    p.setString(1, e.getKey());
                    p.setString(2, e.getValue());
                    p.addBatch();
                }
                p.executeBatch();
            }
            db.commit();
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA optimize");
            }
            return new Counts(advisories, sorted.size(), affected);
        }

        private static void setTime(PreparedStatement p, int index, Instant t) throws SQLException {
            if (t == null) {
                p.setNull(index, Types.INTEGER);
            } else {
                p.setLong(index, t.getEpochSecond());
            }
        }

        private static String json(Object value) {
            try {
                return JSON.writeValueAsString(value);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * The listed versions the ranges do not already cover: the rest would only repeat what the ranges say, and
     * osv.dev's exports list every affected version, which would otherwise dominate the file.
     */
    static List<String> versionsNotInRanges(AffectedPackage p) {
        if (p.versions().isEmpty() || p.ranges().isEmpty()) {
            return p.versions();
        }
        VersionScheme own = VersionSchemes.byName(p.scheme()).orElseThrow();
        List<VersionInterval> intervals = new ArrayList<>();
        for (AffectedRange r : p.ranges()) {
            if (r.type() == RangeType.ECOSYSTEM) {
                intervals.addAll(RangeIntervals.of(r, own));
            }
        }
        List<String> out = new ArrayList<>();
        for (String v : p.versions()) {
            try {
                ParsedVersion parsed = own.parse(v);
                if (intervals.stream().noneMatch(i -> i.contains(parsed))) {
                    out.add(v);
                }
            } catch (InvalidVersionException e) {
                out.add(v);
            }
        }
        return out;
    }
}
