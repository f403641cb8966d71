package io.drydock.store;

import io.drydock.DrydockException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The SQL both stores share. The schema is the same Flyway migrations for both; what differs (connections,
 * locking, how a worker takes a job without blocking others) is in the subclasses.
 */
abstract class JdbcStore implements Store {
    /** One unit of work inside a transaction. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    protected abstract <T> T inTransaction(String what, Work<T> work);

    /** The statement that takes the oldest runnable job; parameters: owner, leaseUntil, now, now, now. */
    protected abstract String claimSql();

    /** Applies the migrations; {@code idColumn} is the database's auto-increment primary key column type. */
    static void migrate(DataSource source, String idColumn, String where) {
        try {
            Flyway.configure(JdbcStore.class.getClassLoader()).dataSource(source).locations("classpath:db/migration")
                    .placeholders(Map.of("id_column", idColumn)).load().migrate();
        } catch (FlywayException e) {
            throw new DrydockException("cannot prepare the store " + where + ": " + e.getMessage(), e);
        }
    }

    protected DrydockException failure(String what, SQLException e) {
        return new DrydockException("store " + describe() + ": " + what + " failed: " + e.getMessage(), e);
    }

    // -------------------------------------------------------------- tracked bases

    @Override
    public boolean trackBase(String reference) {
        return inTransaction("tracking " + reference, c -> update(c,
                "INSERT INTO tracked_base (reference) VALUES (?) ON CONFLICT (reference) DO NOTHING", reference) == 1);
    }

    @Override
    public boolean untrackBase(String reference) {
        return inTransaction("untracking " + reference, c -> update(c, "DELETE FROM tracked_base WHERE reference = ?", reference) == 1);
    }

    @Override
    public List<TrackedBase> trackedBases() {
        return inTransaction("listing tracked bases", c -> query(c,
                "SELECT reference, digest, checked_at, changed_at FROM tracked_base ORDER BY reference", JdbcStore::trackedBase));
    }

    @Override
    public Optional<TrackedBase> trackedBase(String reference) {
        return inTransaction("reading " + reference, c -> query(c,
                "SELECT reference, digest, checked_at, changed_at FROM tracked_base WHERE reference = ?", JdbcStore::trackedBase,
                reference).stream().findFirst());
    }

    private static TrackedBase trackedBase(ResultSet r) throws SQLException {
        return new TrackedBase(r.getString(1), r.getString(2), instant(r, 3), instant(r, 4));
    }

    @Override
    public boolean recordBaseDigest(String reference, String digest, Instant at) {
        return inTransaction("recording the digest of " + reference, c -> {
            List<Optional<String>> before = query(c, "SELECT digest FROM tracked_base WHERE reference = ?",
                    r -> Optional.ofNullable(r.getString(1)), reference);
            if (before.isEmpty()) {
                throw new DrydockException("the base " + reference + " is not tracked");
            }
            String old = before.get(0).orElse(null);
            boolean changed = !digest.equals(old);
            if (changed) {
                update(c, "UPDATE tracked_base SET digest = ?, checked_at = ?, changed_at = ? WHERE reference = ?", digest, at, at,
                        reference);
            } else {
                update(c, "UPDATE tracked_base SET checked_at = ? WHERE reference = ?", at, reference);
            }
            return changed && old != null;
        });
    }

    // -------------------------------------------------------------- lineage

    /**
     * How much a source is trusted, as SQL over a column: a human's edge is never replaced by one a scan infers, so a
     * later Dockerfile rescan (which removes its own edges) cannot take a hand-recorded one with it.
     */
    private static final String SOURCE_RANK = "(CASE %s WHEN 'MANUAL' THEN 4 WHEN 'ANNOTATION' THEN 3 WHEN 'LAYERS' THEN 2 ELSE 1 END)";

    @Override
    public void putEdge(LineageEdge e) {
        inTransaction("recording " + e.image() + " on " + e.base(), c -> update(c, """
                INSERT INTO lineage_edge (image, base, kind, source, image_digest, base_digest, detail, recorded_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (image, base, kind) DO UPDATE SET source = excluded.source, image_digest = excluded.image_digest,
                    base_digest = excluded.base_digest, detail = excluded.detail, recorded_at = excluded.recorded_at
                WHERE """ + SOURCE_RANK.formatted("excluded.source") + " >= " + SOURCE_RANK.formatted("lineage_edge.source"),
                e.image(), e.base(), e.kind().name(), e.source().name(), e.imageDigest(), e.baseDigest(), e.detail(), e.recordedAt()));
    }

    @Override
    public int removeEdges(String image, LineageEdge.Source source) {
        return inTransaction("removing edges of " + image, c -> update(c, "DELETE FROM lineage_edge WHERE image = ? AND source = ?",
                image, source.name()));
    }

    @Override
    public List<LineageEdge> edges() {
        return inTransaction("reading the lineage graph", c -> query(c, """
                SELECT image, base, kind, source, image_digest, base_digest, detail, recorded_at FROM lineage_edge
                ORDER BY image, base, kind""", r -> new LineageEdge(r.getString(1), r.getString(2),
                LineageEdge.Kind.valueOf(r.getString(3)), LineageEdge.Source.valueOf(r.getString(4)), r.getString(5), r.getString(6),
                r.getString(7), instant(r, 8))));
    }

    // -------------------------------------------------------------- recipes

    @Override
    public void putRecipe(ImageRecipe recipe) {
        inTransaction("recording how to rebuild " + recipe.image(), c -> update(c, """
                INSERT INTO image_recipe (image, strategy, settings, updated_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (image) DO UPDATE SET strategy = excluded.strategy, settings = excluded.settings,
                    updated_at = excluded.updated_at""", recipe.image(), recipe.strategy(), recipe.settings(), recipe.updatedAt()));
    }

    @Override
    public Optional<ImageRecipe> recipe(String image) {
        return inTransaction("reading the recipe of " + image, c -> query(c,
                "SELECT image, strategy, settings, updated_at FROM image_recipe WHERE image = ?",
                r -> new ImageRecipe(r.getString(1), r.getString(2), r.getString(3), instant(r, 4)), image).stream().findFirst());
    }

    // -------------------------------------------------------------- jobs

    private static final String JOB_COLUMNS = "id, kind, job_key, state, payload, result, attempts, owner, lease_until, not_before, "
            + "created_at, updated_at";

    @Override
    public boolean enqueue(JobSpec spec) {
        return inTransaction("enqueuing " + spec.kind() + " " + spec.key(), c -> insertJob(c, spec, Instant.now()));
    }

    private static boolean insertJob(Connection c, JobSpec spec, Instant now) throws SQLException {
        return update(c, """
                INSERT INTO job (kind, job_key, state, payload, attempts, not_before, created_at, updated_at)
                VALUES (?, ?, 'PENDING', ?, 0, ?, ?, ?) ON CONFLICT (kind, job_key) DO NOTHING""",
                spec.kind(), spec.key(), spec.payload(), spec.notBefore() == null ? now : spec.notBefore(), now, now) == 1;
    }

    @Override
    public Optional<Job> claim(String owner, Duration lease, Instant now) {
        return inTransaction("taking a job", c -> query(c, claimSql(), JdbcStore::job, owner, now.plus(lease), now, now, now)
                .stream().findFirst());
    }

    @Override
    public boolean renew(long jobId, String owner, Instant leaseUntil) {
        return inTransaction("renewing job " + jobId, c -> update(c,
                "UPDATE job SET lease_until = ? WHERE id = ? AND owner = ? AND state = 'RUNNING'", leaseUntil, jobId, owner) == 1);
    }

    @Override
    public boolean complete(long jobId, String owner, String result, List<JobSpec> next, List<AuditEntry> audit) {
        return inTransaction("completing job " + jobId, c -> {
            Instant now = Instant.now();
            if (update(c, "UPDATE job SET state = 'DONE', result = ?, owner = NULL, lease_until = NULL, updated_at = ? "
                    + "WHERE id = ? AND owner = ? AND state = 'RUNNING'", result, now, jobId, owner) != 1) {
                return false;
            }
            for (JobSpec s : next) {
                insertJob(c, s, now);
            }
            for (AuditEntry a : audit) {
                insertAudit(c, a.jobId() == 0 ? new AuditEntry(a.subject(), a.at(), a.action(), a.message(), a.details(), jobId) : a);
            }
            return true;
        });
    }

    @Override
    public boolean fail(long jobId, String owner, String error, Instant retryAt, List<AuditEntry> audit) {
        return inTransaction("recording the failure of job " + jobId, c -> {
            Instant now = Instant.now();
            int n = retryAt == null
                    ? update(c, "UPDATE job SET state = 'FAILED', result = ?, owner = NULL, lease_until = NULL, updated_at = ? "
                            + "WHERE id = ? AND owner = ? AND state = 'RUNNING'", error, now, jobId, owner)
                    : update(c, "UPDATE job SET state = 'PENDING', result = ?, owner = NULL, lease_until = NULL, not_before = ?, "
                            + "updated_at = ? WHERE id = ? AND owner = ? AND state = 'RUNNING'", error, retryAt, now, jobId, owner);
            if (n != 1) {
                return false;
            }
            for (AuditEntry a : audit) {
                insertAudit(c, a.jobId() == 0 ? new AuditEntry(a.subject(), a.at(), a.action(), a.message(), a.details(), jobId) : a);
            }
            return true;
        });
    }

    @Override
    public int releaseAll(String owner) {
        return inTransaction("releasing the jobs of " + owner, c -> update(c,
                "UPDATE job SET state = 'PENDING', owner = NULL, lease_until = NULL WHERE owner = ? AND state = 'RUNNING'", owner));
    }

    @Override
    public Optional<Job> job(String kind, String key) {
        return inTransaction("reading job " + kind + " " + key, c -> query(c,
                "SELECT " + JOB_COLUMNS + " FROM job WHERE kind = ? AND job_key = ?", JdbcStore::job, kind, key).stream().findFirst());
    }

    @Override
    public List<Job> jobs(Job.State state) {
        return inTransaction("listing jobs", c -> state == null
                ? query(c, "SELECT " + JOB_COLUMNS + " FROM job ORDER BY id", JdbcStore::job)
                : query(c, "SELECT " + JOB_COLUMNS + " FROM job WHERE state = ? ORDER BY id", JdbcStore::job, state.name()));
    }

    private static Job job(ResultSet r) throws SQLException {
        return new Job(r.getLong(1), r.getString(2), r.getString(3), Job.State.valueOf(r.getString(4)), r.getString(5),
                r.getString(6), r.getInt(7), r.getString(8), instant(r, 9), instant(r, 10), instant(r, 11), instant(r, 12));
    }

    // -------------------------------------------------------------- audit

    @Override
    public void audit(AuditEntry entry) {
        inTransaction("appending to the audit trail of " + entry.subject(), c -> insertAudit(c, entry));
    }

    private static int insertAudit(Connection c, AuditEntry a) throws SQLException {
        return update(c, "INSERT INTO audit (subject, at, action, message, details, job_id) VALUES (?, ?, ?, ?, ?, ?)",
                a.subject(), a.at(), a.action(), a.message(), a.details(), a.jobId());
    }

    @Override
    public List<AuditEntry> history(String subject) {
        return inTransaction("reading the history of " + subject, c -> query(c,
                "SELECT subject, at, action, message, details, job_id FROM audit WHERE subject = ? ORDER BY id",
                r -> new AuditEntry(r.getString(1), instant(r, 2), r.getString(3), r.getString(4), r.getString(5), r.getLong(6)),
                subject));
    }

    // -------------------------------------------------------------- JDBC plumbing

    @FunctionalInterface
    interface Row<T> {
        T read(ResultSet r) throws SQLException;
    }

    static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, params);
            return s.executeUpdate();
        }
    }

    static <T> List<T> query(Connection c, String sql, Row<T> row, Object... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, params);
            try (ResultSet r = s.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (r.next()) {
                    out.add(row.read(r));
                }
                return out;
            }
        }
    }

    private static void bind(PreparedStatement s, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            switch (p) {
                // NULL, not VARCHAR: PostgreSQL refuses a typed text null for a BIGINT column
                case null -> s.setNull(i + 1, Types.NULL);
                case Instant t -> s.setLong(i + 1, t.toEpochMilli());
                case Long l -> s.setLong(i + 1, l);
                case Integer n -> s.setInt(i + 1, n);
                case String str -> s.setString(i + 1, str);
                default -> throw new IllegalArgumentException("no binding for " + p.getClass());
            }
        }
    }

    private static Instant instant(ResultSet r, int column) throws SQLException {
        long v = r.getLong(column);
        return r.wasNull() ? null : Instant.ofEpochMilli(v);
    }
}
