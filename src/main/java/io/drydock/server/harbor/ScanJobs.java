package io.drydock.server.harbor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Scan jobs: a fixed number of workers behind a bounded queue, and the jobs' states and results in memory.
 *
 * <p>Memory, not the store, because Harbor keeps the report itself: it polls {@code GET /scan/{id}/report} until it
 * gets the report (200) or the failure (500), then saves the report in its own database and never asks again. A
 * result is only needed for those few polls, so finished jobs are kept for a bounded time ({@code retention}) and
 * number ({@code retained}, the oldest finished go first). A restart loses the jobs in flight: Harbor then gets 404,
 * marks the scan failed, and the user scans again, as with Harbor's own Trivy adapter when its Redis is flushed.
 */
final class ScanJobs implements AutoCloseable {
    enum State { QUEUED, RUNNING, FINISHED, FAILED }

    /**
     * One job as it is now.
     *
     * @param result set when FINISHED
     * @param error set when FAILED: the message for Harbor, naming the image and the cause
     * @param finishedAt when it finished or failed; null before
     */
    record Job(String id, HarborScanRequest request, State state, HarborScans.Scanned result, String error, Instant finishedAt) {
        boolean done() {
            return state == State.FINISHED || state == State.FAILED;
        }
    }

    /** The queue (or the table of jobs) is full: Harbor should try again later. */
    static final class Full extends Exception {
        Full(String message) {
            super(message);
        }
    }

    private final ThreadPoolExecutor executor;
    private final int retained;
    private final Duration retention;
    private final Clock clock;
    /** In the order the jobs were accepted, so the oldest finished one is found first. */
    private final Map<String, Job> jobs = new LinkedHashMap<>();

    ScanJobs(int workers, int queueCapacity, int retained, Duration retention, Clock clock) {
        this.retained = retained;
        this.retention = retention;
        this.clock = clock;
        this.executor = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queueCapacity),
                Thread.ofPlatform().daemon().name("drydock-harbor-scan-", 1).factory());
    }

    /** Queues {@code work} (given the job's id) and returns the id at once. */
    String submit(HarborScanRequest request, Function<String, HarborScans.Scanned> work) throws Full {
        String id = UUID.randomUUID().toString();
        synchronized (jobs) {
            makeRoom();
            jobs.put(id, new Job(id, request, State.QUEUED, null, null, null));
        }
        try {
            executor.execute(() -> run(id, work));
        } catch (RejectedExecutionException e) {
            synchronized (jobs) {
                jobs.remove(id);
            }
            throw new Full("the scan queue is full (" + executor.getQueue().size() + " scans waiting, " + executor.getMaximumPoolSize()
                    + " running); try again later");
        }
        return id;
    }

    /** The job, unless it is unknown or was dropped after its retention. */
    Optional<Job> get(String id) {
        synchronized (jobs) {
            dropExpired();
            return Optional.ofNullable(jobs.get(id));
        }
    }

    private void run(String id, Function<String, HarborScans.Scanned> work) {
        update(id, j -> new Job(id, j.request(), State.RUNNING, null, null, null));
        try {
            HarborScans.Scanned result = work.apply(id);
            update(id, j -> new Job(id, j.request(), State.FINISHED, result, null, clock.instant()));
        } catch (RuntimeException e) {
            update(id, j -> new Job(id, j.request(), State.FAILED, null, e.getMessage(), clock.instant()));
        } catch (Error e) {
            update(id, j -> new Job(id, j.request(), State.FAILED, null, "the scan failed: " + e, clock.instant()));
            throw e;
        }
    }

    private void update(String id, java.util.function.UnaryOperator<Job> change) {
        synchronized (jobs) {
            jobs.computeIfPresent(id, (k, j) -> change.apply(j));
        }
    }

    /** Called holding the lock: drops expired jobs, then the oldest finished ones, until one more fits. */
    private void makeRoom() throws Full {
        dropExpired();
        for (Iterator<Job> it = jobs.values().iterator(); jobs.size() >= retained && it.hasNext(); ) {
            if (it.next().done()) {
                it.remove();
            }
        }
        if (jobs.size() >= retained) {
            throw new Full("all " + retained + " scan jobs Drydock keeps are still queued or running; try again later");
        }
    }

    private void dropExpired() {
        Instant cutoff = clock.instant().minus(retention);
        jobs.values().removeIf(j -> j.done() && j.finishedAt().isBefore(cutoff));
    }

    /** Stops the workers; scans in flight are interrupted and their jobs forgotten with the adapter. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
