package io.drydock.store;

import io.drydock.DrydockException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The embedded store: one SQLite file in {@code DRYDOCK_HOME}. One connection per process, used by one thread at a
 * time; write transactions begin IMMEDIATE so that two processes on one file queue on the lock instead of failing
 * half-way. WAL journaling keeps every committed transaction across a {@code kill -9}.
 */
public final class SqliteStore extends JdbcStore {
    static final String CLAIM = """
            UPDATE job SET state = 'RUNNING', owner = ?, lease_until = ?, attempts = attempts + 1, updated_at = ?
            WHERE id = (SELECT id FROM job WHERE ((state = 'PENDING' AND not_before <= ?) OR (state = 'RUNNING' AND lease_until < ?))%s
                        ORDER BY id LIMIT 1)
            RETURNING id, kind, job_key, state, payload, result, attempts, owner, lease_until, not_before, created_at, updated_at""";

    private final Path file;
    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();

    private SqliteStore(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    public static SqliteStore open(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new DrydockException("cannot create the directory of the store " + file + ": " + DrydockException.reason(e), e);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(30_000);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        // the fleet's index of findings is large and written at random places: a page cache of 64 MiB, not 2
        config.setCacheSize(-65_536);
        SQLiteDataSource source = new SQLiteDataSource(config);
        source.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
        migrate(source, "INTEGER PRIMARY KEY AUTOINCREMENT", file.toString());
        try {
            return new SqliteStore(file, source.getConnection());
        } catch (SQLException e) {
            throw new DrydockException("cannot open the store " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return file.toString();
    }

    @Override
    protected String claimSql() {
        return CLAIM;
    }

    @Override
    protected <T> T inTransaction(String what, Work<T> work) {
        lock.lock();
        try {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failure(what, e);
        } finally {
            lock.unlock();
        }
    }

    /** Held file locks by duty: the kernel drops a process's locks when it dies, however it dies. */
    private final java.util.Map<String, java.nio.channels.FileLock> leading = new java.util.HashMap<>();

    @Override
    public synchronized boolean lead(String duty) {
        java.nio.channels.FileLock held = leading.get(duty);
        if (held != null && held.isValid()) {
            return true;
        }
        Path lockFile = file.resolveSibling(file.getFileName() + ".leader-" + duty.replaceAll("[^A-Za-z0-9._-]", "_"));
        try {
            java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(lockFile, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.WRITE);
            java.nio.channels.FileLock taken = channel.tryLock();
            if (taken == null) {
                channel.close();
                return false;
            }
            leading.put(duty, taken);
            return true;
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return false; // another store object in this process holds it
        } catch (IOException e) {
            throw new DrydockException("cannot take the lead for " + duty + " with " + lockFile + ": " + DrydockException.reason(e), e);
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            for (java.nio.channels.FileLock l : leading.values()) {
                try {
                    l.channel().close();
                } catch (IOException ignored) {
                    // closing releases the lock; nothing else to do
                }
            }
            leading.clear();
        }
        lock.lock();
        try {
            connection.close();
        } catch (SQLException e) {
            throw failure("closing", e);
        } finally {
            lock.unlock();
        }
    }
}
