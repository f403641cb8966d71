package io.drydock.vulndb.osv;

import io.drydock.vulndb.IngestWarning;
import io.drydock.vulndb.SourceReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Collects what happens while one source is read: records read, skipped and stored, and every reason counted.
 * Warnings go to a listener as they happen; only the first few are kept in full for the report. 
 * Thread-safe: a source is read on one thread while the DB writer counts what it stores on another.
 */
public final class IngestLog {
    private static final int SAMPLE_WARNINGS = 50;

    private final String name;
    private final String kind;
    private final String location;
    private final Instant readAt;
    private final Consumer<IngestWarning> listener;
    private final Map<String, Long> reasons = new TreeMap<>();
    private final List<String> sample = new ArrayList<>();
    private long recordsRead;
    private long stored;
    private long skipped;
    private long warnings;
    private Instant newestModified;

    public IngestLog(String name, String kind, String location, Instant readAt, Consumer<IngestWarning> listener) {
        this.name = name;
        this.kind = kind;
        this.location = location;
        this.readAt = readAt;
        this.listener = listener == null ? w -> {
        } : listener;
    }

    public String name() {
        return name;
    }

    public synchronized void recordRead() {
        recordsRead++;
    }

    public synchronized long recordsRead() {
        return recordsRead;
    }

    public synchronized void stored() {
        stored++;
    }

    /** An advisory stored earlier from this source was replaced by a newer copy of the same id. */
    public synchronized void unstored() {
        stored--;
    }

    public synchronized void modified(Instant modified) {
        if (modified != null && (newestModified == null || modified.isAfter(newestModified))) {
            newestModified = modified;
        }
    }

    /** Counts something worth knowing that is not a problem (a GIT range, a withdrawn advisory). */
    public synchronized void count(String reason) {
        reasons.merge(reason, 1L, Long::sum);
    }

    /** A part of a record was dropped: counted under the reason and reported. */
    public synchronized void warn(String where, String recordId, String reason, String message) {
        count(reason);
        warnings++;
        IngestWarning w = new IngestWarning(name, where, recordId, reason, message);
        if (sample.size() < SAMPLE_WARNINGS) {
            sample.add(w.toString());
        }
        listener.accept(w);
    }

    /** A whole record was not stored. */
    public synchronized void skipRecord(String where, String recordId, String reason, String message) {
        skipped++;
        warn(where, recordId, reason, message);
    }

    /** A whole record was not stored for a reason that is not a problem (an older duplicate). */
    public synchronized void skipRecordQuietly(String reason) {
        skipped++;
        count(reason);
    }

    public synchronized SourceReport report() {
        return new SourceReport(name, kind, location, readAt, newestModified, recordsRead, stored, skipped, warnings,
                reasons, sample);
    }
}
