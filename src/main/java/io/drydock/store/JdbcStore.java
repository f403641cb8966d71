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

    /**
     * The statement that takes the oldest runnable job; parameters: owner, leaseUntil, now, now, now, then the kinds.
     * It has one {@code %s} where a condition on the kinds goes.
     */
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
        return inTransaction("taking a job", c -> query(c, claimSql().formatted(""), JdbcStore::job, owner, now.plus(lease), now, now, now)
                .stream().findFirst());
    }

    @Override
    public Optional<Job> claim(String owner, Duration lease, Instant now, java.util.Set<String> kinds) {
        if (kinds.isEmpty()) {
            return Optional.empty();
        }
        List<Object> params = new ArrayList<>(List.of(owner, now.plus(lease), now, now, now));
        params.addAll(kinds.stream().sorted().toList());
        String sql = claimSql().formatted(" AND kind IN (" + String.join(", ", java.util.Collections.nCopies(kinds.size(), "?")) + ")");
        return inTransaction("taking a job", c -> query(c, sql, JdbcStore::job, params.toArray()).stream().findFirst());
    }

    @Override
    public Map<String, Long> jobCounts() {
        return inTransaction("counting jobs", c -> {
            Map<String, Long> counts = new java.util.TreeMap<>();
            for (Object[] row : query(c, "SELECT kind, state, COUNT(*) FROM job GROUP BY kind, state",
                    r -> new Object[] {r.getString(1) + "/" + r.getString(2), r.getLong(3)})) {
                counts.put((String) row[0], (Long) row[1]);
            }
            return counts;
        });
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

    // -------------------------------------------------------------- the fleet

    private static final String IMAGE_COLUMNS = "i.digest, i.reference, i.repository, c.inventory, i.facts, i.analyzed_at, i.matched_at, c.findings";
    private static final String IMAGE_JOIN = " FROM image i JOIN image_content c ON c.digest = i.digest";
    private static final String SUMMARY_COLUMNS = "digest, reference, repository, analyzed_at, matched_at, critical, high, medium, low, "
            + "other, base_findings, app_findings, fixable, base_fixable";

    @Override
    public void putImage(StoredImage i) {
        inTransaction("recording the image " + i.digest(), c -> {
            update(c, """
                    INSERT INTO image (digest, reference, repository, facts, analyzed_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (digest) DO UPDATE SET reference = excluded.reference, repository = excluded.repository,
                        facts = excluded.facts, analyzed_at = excluded.analyzed_at""",
                    i.digest(), i.reference(), i.repository(), i.facts(), i.analyzedAt());
            return update(c, """
                    INSERT INTO image_content (digest, inventory) VALUES (?, ?)
                    ON CONFLICT (digest) DO UPDATE SET inventory = excluded.inventory""", i.digest(), i.inventory());
        });
    }

    @Override
    public Optional<StoredImage> image(String digest) {
        return inTransaction("reading the image " + digest, c -> query(c, "SELECT " + IMAGE_COLUMNS + IMAGE_JOIN + " WHERE i.digest = ?",
                JdbcStore::storedImage, digest).stream().findFirst());
    }

    @Override
    public List<String> imageDigests() {
        return inTransaction("listing image digests", c -> query(c, "SELECT digest FROM image ORDER BY digest", r -> r.getString(1)));
    }

    @Override
    public boolean hasImage(String digest) {
        return inTransaction("looking up the image " + digest, c -> !query(c, "SELECT 1 FROM image WHERE digest = ?", r -> 1, digest).isEmpty());
    }

    @Override
    public List<StoredImage> imagesFrom(String digest, boolean inclusive, int limit) {
        return inTransaction("reading stored images", c -> query(c, "SELECT " + IMAGE_COLUMNS + IMAGE_JOIN + " WHERE i.digest "
                + (inclusive ? ">=" : ">") + " ? ORDER BY i.digest LIMIT ?", JdbcStore::storedImage, digest == null ? "" : digest, limit));
    }

    private static StoredImage storedImage(ResultSet r) throws SQLException {
        return new StoredImage(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), instant(r, 6), instant(r, 7),
                r.getString(8));
    }

    @Override
    public void putMatches(List<MatchRecord> matches, List<JobSpec> next, List<AuditEntry> audit) {
        if (matches.isEmpty() && next.isEmpty() && audit.isEmpty()) {
            return;
        }
        inTransaction("recording " + matches.size() + " match(es)", c -> {
            try (PreparedStatement image = c.prepareStatement("""
                    UPDATE image SET matched_at = ?, critical = ?, high = ?, medium = ?, low = ?, other = ?,
                        base_findings = ?, app_findings = ?, fixable = ?, base_fixable = ? WHERE digest = ?""");
                 PreparedStatement keys = c.prepareStatement("UPDATE image_content SET findings = ? WHERE digest = ?");
                 PreparedStatement clear = c.prepareStatement("DELETE FROM image_vuln WHERE digest = ?");
                 PreparedStatement remove = c.prepareStatement(
                         "DELETE FROM image_vuln WHERE vuln_id = ? AND digest = ? AND purl = ? AND origin = ?");
                 PreparedStatement rerate = c.prepareStatement(
                         "UPDATE image_vuln SET severity = ?, fixed = ? WHERE vuln_id = ? AND digest = ? AND purl = ? AND origin = ?");
                 PreparedStatement hit = c.prepareStatement("INSERT INTO image_vuln (vuln_id, digest, purl, package, version, origin, severity, "
                         + "fixed) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                for (MatchRecord m : matches) {
                    FindingCounts n = m.counts();
                    bind(image, m.matchedAt(), n.critical(), n.high(), n.medium(), n.low(), n.other(), n.base(),
                            n.application(), n.fixable(), n.baseFixable(), m.digest());
                    image.addBatch();
                    bind(keys, m.findings(), m.digest());
                    keys.addBatch();
                    List<VulnHit> inserted = m.hits();
                    if (m.change() == null) {
                        bind(clear, m.digest());
                        clear.addBatch();
                    } else {
                        inserted = m.change().added();
                        for (VulnHit h : m.change().removed()) {
                            bind(remove, h.vulnId(), h.digest(), h.purl(), h.origin());
                            remove.addBatch();
                        }
                        for (VulnHit h : m.change().rerated()) {
                            bind(rerate, h.severity(), h.fixed(), h.vulnId(), h.digest(), h.purl(), h.origin());
                            rerate.addBatch();
                        }
                    }
                    for (VulnHit h : inserted) {
                        bind(hit, h.vulnId(), h.digest(), h.purl(), h.pkg(), h.version(), h.origin(), h.severity(), h.fixed());
                        hit.addBatch();
                    }
                }
                image.executeBatch();
                keys.executeBatch();
                clear.executeBatch();
                remove.executeBatch();
                rerate.executeBatch();
                hit.executeBatch();
            }
            for (AuditEntry a : audit) {
                insertAudit(c, a);
            }
            Instant now = Instant.now();
            for (JobSpec s : next) {
                insertJob(c, s, now);
            }
            return null;
        });
    }

    /** Filters shared by the image and vulnerability lists, over {@code image} aliased {@code i}. */
    private static String imageConditions(ImageFilter f, List<Object> params) {
        StringBuilder w = new StringBuilder(" WHERE 1 = 1");
        if (f.repository() != null) {
            w.append(" AND i.repository LIKE ?");
            params.add("%" + f.repository() + "%");
        }
        if (f.namespace() != null) {
            w.append(" AND EXISTS (SELECT 1 FROM running_container rc WHERE rc.digest = i.digest AND rc.namespace = ?)");
            params.add(f.namespace());
        }
        if (f.severity() != null) {
            w.append(" AND i.").append(severityColumn(f.severity())).append(" > 0");
        }
        if (f.fixable() != null) {
            w.append(f.fixable() ? " AND i.fixable > 0" : " AND i.fixable < i.critical + i.high + i.medium + i.low + i.other");
        }
        if (f.origin() != null) {
            w.append(f.origin().equals("base") ? " AND i.base_findings > 0" : " AND i.app_findings > 0");
        }
        return w.toString();
    }

    private static String severityColumn(String severity) {
        return switch (severity) {
            case "CRITICAL" -> "critical";
            case "HIGH" -> "high";
            case "MEDIUM" -> "medium";
            case "LOW" -> "low";
            case "OTHER" -> "other";
            default -> throw new IllegalArgumentException("unknown severity " + severity);
        };
    }

    @Override
    public Page<ImageSummary> imageSummaries(ImageFilter filter, int offset, int limit) {
        return inTransaction("listing images", c -> {
            List<Object> params = new ArrayList<>();
            String where = imageConditions(filter, params);
            long total = query(c, "SELECT COUNT(*) FROM image i" + where, r -> r.getLong(1), params.toArray()).get(0);
            params.add(limit);
            params.add(offset);
            List<ImageSummary> items = query(c, "SELECT " + SUMMARY_COLUMNS + " FROM image i" + where
                    + " ORDER BY i.critical DESC, i.high DESC, i.repository, i.digest LIMIT ? OFFSET ?", JdbcStore::summary, params.toArray());
            return new Page<>(items, offset, limit, total);
        });
    }

    @Override
    public Optional<ImageSummary> imageSummary(String digest) {
        return inTransaction("reading the image " + digest, c -> query(c, "SELECT " + SUMMARY_COLUMNS + " FROM image WHERE digest = ?",
                JdbcStore::summary, digest).stream().findFirst());
    }

    private static ImageSummary summary(ResultSet r) throws SQLException {
        return new ImageSummary(r.getString(1), r.getString(2), r.getString(3), instant(r, 4), instant(r, 5), counts(r, 6));
    }

    private static FindingCounts counts(ResultSet r, int first) throws SQLException {
        int[] v = new int[9];
        for (int k = 0; k < 9; k++) {
            v[k] = r.getInt(first + k);
        }
        return new FindingCounts(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]);
    }

    @Override
    public FleetOverview overview() {
        return inTransaction("summing up the fleet", c -> {
            FleetOverview images = query(c, """
                    SELECT COUNT(*), COUNT(matched_at), COALESCE(SUM(critical), 0), COALESCE(SUM(high), 0), COALESCE(SUM(medium), 0),
                        COALESCE(SUM(low), 0), COALESCE(SUM(other), 0), COALESCE(SUM(base_findings), 0), COALESCE(SUM(app_findings), 0),
                        COALESCE(SUM(fixable), 0), COALESCE(SUM(base_fixable), 0) FROM image""",
                    r -> new FleetOverview(r.getLong(1), r.getLong(2), 0, 0, counts(r, 3))).get(0);
            long[] running = query(c, """
                    SELECT COUNT(*), COUNT(DISTINCT namespace || '/' || workload_kind || '/' || workload_name) FROM running_container""",
                    r -> new long[] {r.getLong(1), r.getLong(2)}).get(0);
            return new FleetOverview(images.images(), images.matchedImages(), running[1], running[0], images.findings());
        });
    }

    @Override
    public List<VulnHit> hitsOf(String vulnId) {
        return inTransaction("reading the images " + vulnId + " hits", c -> query(c,
                "SELECT vuln_id, digest, purl, package, version, origin, severity, fixed FROM image_vuln WHERE vuln_id = ? "
                        + "ORDER BY digest, package, purl",
                r -> new VulnHit(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6),
                        r.getString(7), r.getString(8)), vulnId));
    }

    private static final String SEVERITY_RANK = "(CASE v.severity WHEN 'CRITICAL' THEN 5 WHEN 'HIGH' THEN 4 WHEN 'MEDIUM' THEN 3 "
            + "WHEN 'LOW' THEN 2 WHEN 'NEGLIGIBLE' THEN 1 ELSE 0 END)";

    @Override
    public Page<VulnSummary> vulns(ImageFilter filter, int offset, int limit) {
        return inTransaction("listing vulnerabilities", c -> {
            List<Object> params = new ArrayList<>();
            StringBuilder where = new StringBuilder(" WHERE 1 = 1");
            if (filter.severity() != null) {
                where.append(filter.severity().equals("OTHER") ? " AND v.severity NOT IN ('CRITICAL', 'HIGH', 'MEDIUM', 'LOW')" : " AND v.severity = ?");
                if (!filter.severity().equals("OTHER")) {
                    params.add(filter.severity());
                }
            }
            if (filter.fixable() != null) {
                where.append(filter.fixable() ? " AND v.fixed IS NOT NULL" : " AND v.fixed IS NULL");
            }
            if (filter.origin() != null) {
                where.append(" AND v.origin = ?");
                params.add(filter.origin());
            }
            if (filter.namespace() != null) {
                where.append(" AND EXISTS (SELECT 1 FROM running_container rc WHERE rc.digest = v.digest AND rc.namespace = ?)");
                params.add(filter.namespace());
            }
            if (filter.repository() != null) {
                where.append(" AND EXISTS (SELECT 1 FROM image i WHERE i.digest = v.digest AND i.repository LIKE ?)");
                params.add("%" + filter.repository() + "%");
            }
            long total = query(c, "SELECT COUNT(DISTINCT v.vuln_id) FROM image_vuln v" + where, r -> r.getLong(1), params.toArray()).get(0);
            params.add(limit);
            params.add(offset);
            List<VulnSummary> items = query(c, "SELECT v.vuln_id, MAX(" + SEVERITY_RANK + "), COUNT(DISTINCT v.digest), "
                    + "COUNT(DISTINCT CASE WHEN v.fixed IS NOT NULL THEN v.digest END), "
                    + "COUNT(DISTINCT CASE WHEN v.origin = 'base' THEN v.digest END), "
                    + "COUNT(DISTINCT CASE WHEN v.origin = 'application' THEN v.digest END) FROM image_vuln v" + where
                    + " GROUP BY v.vuln_id ORDER BY 2 DESC, 3 DESC, v.vuln_id LIMIT ? OFFSET ?",
                    r -> new VulnSummary(r.getString(1), RANKED[r.getInt(2)], r.getInt(3), r.getInt(4), r.getInt(5), r.getInt(6)),
                    params.toArray());
            return new Page<>(items, offset, limit, total);
        });
    }

    private static final String[] RANKED = {"UNKNOWN", "NEGLIGIBLE", "LOW", "MEDIUM", "HIGH", "CRITICAL"};

    @Override
    public void putPod(String namespace, String pod, List<RunningContainer> containers) {
        inTransaction("recording the pod " + namespace + "/" + pod, c -> {
            update(c, "DELETE FROM running_container WHERE namespace = ? AND pod = ?", namespace, pod);
            for (RunningContainer r : containers) {
                update(c, """
                        INSERT INTO running_container (namespace, pod, container, workload_kind, workload_name, image, digest, seen_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)""", r.namespace(), r.pod(), r.container(), r.workloadKind(), r.workloadName(),
                        r.image(), r.digest(), r.seenAt());
            }
            return null;
        });
    }

    @Override
    public List<RunningContainer> running(String digest) {
        String columns = "SELECT namespace, pod, container, workload_kind, workload_name, image, digest, seen_at FROM running_container";
        Row<RunningContainer> row = r -> new RunningContainer(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                r.getString(6), r.getString(7), instant(r, 8));
        return inTransaction("reading running containers", c -> digest == null
                ? query(c, columns + " ORDER BY namespace, workload_kind, workload_name, pod, container", row)
                : query(c, columns + " WHERE digest = ? ORDER BY namespace, workload_kind, workload_name, pod, container", row, digest));
    }

    @Override
    public boolean putToken(String name, String tokenHash, ApiToken.Role role, Instant at) {
        return inTransaction("creating the token " + name, c -> update(c,
                "INSERT INTO api_token (name, token_hash, role, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                name, tokenHash, role.name(), at) == 1);
    }

    @Override
    public Optional<ApiToken> tokenByHash(String tokenHash) {
        return inTransaction("checking a token", c -> query(c, "SELECT name, role, created_at FROM api_token WHERE token_hash = ?",
                r -> new ApiToken(r.getString(1), ApiToken.Role.valueOf(r.getString(2)), instant(r, 3)), tokenHash).stream().findFirst());
    }

    @Override
    public List<ApiToken> tokens() {
        return inTransaction("listing tokens", c -> query(c, "SELECT name, role, created_at FROM api_token ORDER BY name",
                r -> new ApiToken(r.getString(1), ApiToken.Role.valueOf(r.getString(2)), instant(r, 3))));
    }

    @Override
    public boolean deleteToken(String name) {
        return inTransaction("deleting the token " + name, c -> update(c, "DELETE FROM api_token WHERE name = ?", name) == 1);
    }

    @Override
    public void recordAdmissions(List<AdmissionRecord> decisions) {
        if (decisions.isEmpty()) {
            return;
        }
        inTransaction("recording " + decisions.size() + " admission decision(s)", c -> {
            try (PreparedStatement insert = c.prepareStatement("""
                    INSERT INTO admission_decision (at, uid, namespace, kind, name, allowed, message, images) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")) {
                for (AdmissionRecord d : decisions) {
                    bind(insert, d.at(), d.uid(), d.namespace(), d.kind(), d.name(), d.allowed() ? 1 : 0, d.message(), d.images());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            return null;
        });
    }

    @Override
    public List<AdmissionRecord> admissions(int limit, boolean deniedOnly) {
        return inTransaction("reading admission decisions", c -> query(c,
                "SELECT id, at, uid, namespace, kind, name, allowed, message, images FROM admission_decision"
                        + (deniedOnly ? " WHERE allowed = 0" : "") + " ORDER BY id DESC LIMIT ?",
                r -> new AdmissionRecord(r.getLong(1), instant(r, 2), r.getString(3), r.getString(4), r.getString(5), r.getString(6),
                        r.getInt(7) == 1, r.getString(8), r.getString(9)), limit));
    }

    @Override
    public Optional<String> setting(String name) {
        return inTransaction("reading the setting " + name, c -> query(c, "SELECT value FROM setting WHERE name = ?", r -> r.getString(1), name)
                .stream().findFirst());
    }

    @Override
    public void putSetting(String name, String value, Instant at) {
        inTransaction("recording the setting " + name, c -> update(c, """
                INSERT INTO setting (name, value, updated_at) VALUES (?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at""", name, value, at));
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

    static void bind(PreparedStatement s, Object... params) throws SQLException {
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
