package io.drydock.server;

import io.drydock.DrydockException;
import io.drydock.store.AdmissionRecord;
import io.drydock.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Keeps the webhook's decisions in the store without holding up its answers: a decision is handed over and the
 * answer goes out, and one writer thread records what has gathered, many decisions to a transaction. Writing on the
 * request path would make every answer wait for the store; a store that is slow or locked for a while (SQLite's
 * single writer busy with a re-match, a PostgreSQL failover) would then push answers past the API server's timeout,
 * and with {@code failurePolicy: Fail} no pod could start.
 *
 * <p>The store's log is for people. The complete record is the decision line on standard output: a decision that
 * finds the queue full, or that the store still refuses after a few tries, is counted and left out of the store,
 * never waited for.
 */
final class AdmissionLog implements AutoCloseable {
    static final int BATCH = 500;
    private static final int ATTEMPTS = 3;

    private final Store store;
    private final int capacity;
    private final BlockingQueue<AdmissionRecord> queue;
    private final Consumer<String> say;
    private final long retryMillis;
    private final AtomicLong recorded = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Thread writer;
    private volatile boolean closing;

    /**
     * @param capacity decisions waiting for the store at most; beyond it they are dropped from the store's log
     * @param say where problems are reported (never a decision's content beyond its count)
     */
    AdmissionLog(Store store, int capacity, long retryMillis, Consumer<String> say) {
        this.store = store;
        this.capacity = capacity;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.retryMillis = retryMillis;
        this.say = say;
        this.writer = Thread.ofPlatform().daemon().name("drydock-admission-log").start(this::drain);
    }

    /** Queues the decision for the store and returns at once. */
    void offer(AdmissionRecord decision) {
        if (closing || !queue.offer(decision)) {
            long n = dropped.incrementAndGet();
            if (n == 1 || n % 1000 == 0) {
                say.accept("the admission log in the store is " + capacity + " decisions behind; " + n
                        + " decision(s) left out of it so far (their lines on standard output are complete)");
            }
        }
    }

    long recorded() {
        return recorded.get();
    }

    long dropped() {
        return dropped.get();
    }

    /** Decisions the store refused even after retries. */
    long failed() {
        return failed.get();
    }

    int queued() {
        return queue.size();
    }

    private void drain() {
        List<AdmissionRecord> batch = new ArrayList<>(BATCH);
        while (!closing || !queue.isEmpty()) {
            try {
                AdmissionRecord first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
            } catch (InterruptedException e) {
                // only close() ends the loop, after the queue is written
                continue;
            }
            queue.drainTo(batch, BATCH - 1);
            write(batch);
            batch.clear();
        }
    }

    private void write(List<AdmissionRecord> batch) {
        for (int attempt = 1; ; attempt++) {
            try {
                store.recordAdmissions(batch);
                recorded.addAndGet(batch.size());
                return;
            } catch (RuntimeException e) {
                if (attempt == ATTEMPTS || closing) {
                    failed.addAndGet(batch.size());
                    say.accept("could not record " + batch.size() + " admission decision(s) in the store after " + attempt
                            + " attempt(s): " + DrydockException.reason(e));
                    return;
                }
                try {
                    Thread.sleep(retryMillis * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Writes what is queued (a store that does not answer is given 10 s), then stops the writer. */
    @Override
    public void close() {
        closing = true;
        try {
            writer.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            say.accept("the store did not take the last " + queue.size() + " admission decision(s) within 10 s; they are not in its log");
        }
    }
}
