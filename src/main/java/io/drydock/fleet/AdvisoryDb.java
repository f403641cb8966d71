package io.drydock.fleet;

import io.drydock.DrydockException;
import io.drydock.vulndb.VulnDb;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The advisory DB a server matches with, swapped in place after an update. Each replica keeps its own copy; a
 * re-matching step names the DB build it was enqueued for, and a replica whose copy is older updates first, so two
 * replicas never compare matches made with different data.
 */
public final class AdvisoryDb implements AutoCloseable {
    /** Brings a newer DB to {@code target} (built from the configured sources, or pulled), replacing it atomically. */
    @FunctionalInterface
    public interface Feed {
        void update(Path target);
    }

    private final Path path;
    private final Feed feed;
    private final ScheduledExecutorService closer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "drydock-db-closer");
        t.setDaemon(true);
        return t;
    });
    private volatile FleetMatcher current;

    public AdvisoryDb(Path path, Feed feed) {
        this.path = path;
        this.feed = feed;
    }

    /** Opens the DB, building it first when there is none. */
    public synchronized AdvisoryDb open() {
        if (!java.nio.file.Files.exists(path)) {
            feed.update(path);
        }
        swap(VulnDb.open(path));
        return this;
    }

    public FleetMatcher matcher() {
        FleetMatcher m = current;
        if (m == null) {
            throw new IllegalStateException("the advisory DB is not open");
        }
        return m;
    }

    public Instant builtAt() {
        return matcher().db().metadata().builtAt();
    }

    /** Updates from the feed and swaps the new DB in; returns its build time. */
    public synchronized Instant update() {
        feed.update(path);
        swap(VulnDb.open(path));
        return builtAt();
    }

    /** Makes sure this replica matches with a DB at least as new as {@code version}, updating when it is older. */
    public synchronized void ensureAtLeast(Instant version) {
        if (version == null || !builtAt().isBefore(version)) {
            return;
        }
        Instant now = update();
        if (now.isBefore(version)) {
            throw new DrydockException("the advisory DB here was built " + now + ", older than the " + version
                    + " this step needs, even after an update");
        }
    }

    private void swap(VulnDb db) {
        FleetMatcher old = current;
        current = new FleetMatcher(db);
        if (old != null) {
            // matches already running finish with the DB they started with
            closer.schedule(() -> old.db().close(), 60, TimeUnit.SECONDS);
        }
    }

    @Override
    public synchronized void close() {
        closer.shutdownNow();
        if (current != null) {
            current.db().close();
        }
    }
}
