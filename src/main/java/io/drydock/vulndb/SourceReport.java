package io.drydock.vulndb;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What reading one source gave: how many records it held, how many the DB kept, what was skipped and why.
 *
 * @param name a short name for the source (its directory or file name)
 * @param kind {@code osv-directory}, {@code osv-file}, {@code osv-zip} or {@code alpine-secdb}
 * @param location the path or URL it was read from
 * @param readAt when the build read it
 * @param newestModified the newest {@code modified} time among its records: how fresh the feed itself is
 * @param recordsRead records (files, zip entries, secdb CVE entries) read
 * @param stored advisories from this source kept in the DB
 * @param skippedRecords records not stored at all (invalid JSON, no id, nothing Drydock can match, …)
 * @param warnings problems reported, including parts of records that were dropped (a range, a version)
 * @param reasons the number of occurrences of each reason, skipped records and dropped parts alike
 * @param sampleWarnings the first warnings, in full (the rest are counted only)
 */
public record SourceReport(
        String name,
        String kind,
        String location,
        Instant readAt,
        Instant newestModified,
        long recordsRead,
        long stored,
        long skippedRecords,
        long warnings,
        Map<String, Long> reasons,
        List<String> sampleWarnings) {

    public SourceReport {
        reasons = Map.copyOf(reasons);
        sampleWarnings = List.copyOf(sampleWarnings);
    }
}
