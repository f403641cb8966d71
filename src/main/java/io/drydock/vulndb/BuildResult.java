package io.drydock.vulndb;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a DB build produced.
 *
 * @param advisories advisories stored (withdrawn ones included; they never match)
 * @param packages distinct (ecosystem, release, package) keys
 * @param affectedEntries (advisory, package) entries
 * @param bytes the size of the DB file
 */
public record BuildResult(
        Path path,
        Instant builtAt,
        Duration took,
        List<SourceReport> sources,
        long advisories,
        long packages,
        long affectedEntries,
        long bytes) {

    public BuildResult {
        sources = List.copyOf(sources);
    }

    public long recordsRead() {
        return sources.stream().mapToLong(SourceReport::recordsRead).sum();
    }

    public long skippedRecords() {
        return sources.stream().mapToLong(SourceReport::skippedRecords).sum();
    }
}
