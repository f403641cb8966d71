package io.drydock.vulndb;

import java.time.Instant;
import java.util.List;

/**
 * The DB file's metadata record.
 *
 * @param bytes the size of the file
 */
public record DbMetadata(
        int schemaVersion,
        Instant builtAt,
        long advisories,
        long packages,
        long affectedEntries,
        long bytes,
        List<SourceReport> sources) {

    public DbMetadata {
        sources = List.copyOf(sources);
    }

    /** Whether some source had records skipped or parts dropped, which {@code db status} should say. */
    public boolean hasSkips() {
        return sources.stream().anyMatch(s -> s.skippedRecords() > 0 || s.warnings() > 0);
    }
}
