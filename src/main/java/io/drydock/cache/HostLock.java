package io.drydock.cache;

import io.drydock.DrydockException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A lock held by one thread of one process on this machine at a time: a file lock between processes, and, since
 * the JVM gives file locks to processes rather than threads, a lock per file between this process's threads.
 */
public final class HostLock implements AutoCloseable {
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final ReentrantLock threads;
    private final FileChannel channel;
    private final FileLock processes;

    private HostLock(ReentrantLock threads, FileChannel channel, FileLock processes) {
        this.threads = threads;
        this.channel = channel;
        this.processes = processes;
    }

    /** Waits for the lock on {@code file} (created when missing; its content is never used). */
    public static HostLock acquire(Path file) {
        Path key = file.toAbsolutePath().normalize();
        ReentrantLock threads = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
        threads.lock();
        try {
            Files.createDirectories(key.getParent());
            FileChannel channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                return new HostLock(threads, channel, channel.lock());
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (IOException e) {
            threads.unlock();
            throw new DrydockException("cannot lock " + key + ": " + DrydockException.reason(e), e);
        } catch (RuntimeException e) {
            threads.unlock();
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            processes.release();
            channel.close();
        } catch (IOException ignored) {
            // closing the channel releases the lock in any case
        } finally {
            threads.unlock();
        }
    }
}
