package io.drydock.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Drydock's durable state: tracked bases, the lineage graph, rebuild recipes, the job queue of the base-update loop
 * and the audit trail. Every method is one transaction: after it returns the change survives a {@code kill -9};
 * if it throws, nothing of it was written. Errors are {@link io.drydock.DrydockException}s naming the store.
 */
public interface Store extends AutoCloseable {
    /** Where the state lives, for messages: a file path or a JDBC URL without credentials. */
    String describe();

    // -- tracked bases

    /** Starts watching {@code reference}; false when it was already watched. */
    boolean trackBase(String reference);

    boolean untrackBase(String reference);

    List<TrackedBase> trackedBases();

    Optional<TrackedBase> trackedBase(String reference);

    /**
     * Records that {@code reference} was checked at {@code at} and points to {@code digest}. True when the digest
     * differs from the one recorded before (not on the first check: the first digest is where watching starts).
     */
    boolean recordBaseDigest(String reference, String digest, Instant at);

    // -- lineage

    /**
     * Adds an edge, or replaces the one with the same (image, base, kind) unless that one came from a more trusted
     * source (manual, then annotation, then layers, then Dockerfile).
     */
    void putEdge(LineageEdge edge);

    /** Removes every edge from {@code image} recorded by {@code source}, before that source records them again. */
    int removeEdges(String image, LineageEdge.Source source);

    List<LineageEdge> edges();

    // -- recipes

    void putRecipe(ImageRecipe recipe);

    Optional<ImageRecipe> recipe(String image);

    // -- jobs

    /** Enqueues a step unless one with its (kind, key) exists; true when it was new. */
    boolean enqueue(JobSpec spec);

    /**
     * Takes the oldest runnable step: pending and due, or running with an expired lease (its owner died). The step
     * is held by {@code owner} until {@code now + lease}; its attempt count goes up by one.
     */
    Optional<Job> claim(String owner, Duration lease, Instant now);

    /** As {@link #claim(String, Duration, Instant)}, among steps of the given kinds only: a worker takes what it can run. */
    Optional<Job> claim(String owner, Duration lease, Instant now, java.util.Set<String> kinds);

    /** How many steps there are, by kind and state ({@code kind/STATE}). */
    java.util.Map<String, Long> jobCounts();

    /** Extends a held step's lease; false when the step is no longer held by {@code owner}. */
    boolean renew(long jobId, String owner, Instant leaseUntil);

    /**
     * Finishes a held step, enqueues the steps that follow it and appends its audit entries, all in one
     * transaction, so a crash leaves either none or all of them. False (and nothing written) when {@code owner} no
     * longer holds the step: another worker took it over after the lease ran out and its outcome counts.
     */
    boolean complete(long jobId, String owner, String result, List<JobSpec> next, List<AuditEntry> audit);

    /**
     * Records a failed attempt: with {@code retryAt} the step goes back to pending until then, without it the step
     * has failed for good. The audit entries go in the same transaction.
     */
    boolean fail(long jobId, String owner, String error, Instant retryAt, List<AuditEntry> audit);

    /** Puts back every step {@code owner} was running: after a restart none of them is running any more. */
    int releaseAll(String owner);

    Optional<Job> job(String kind, String key);

    /** Steps in a state, oldest first; every step when {@code state} is null. */
    List<Job> jobs(Job.State state);

    // -- audit

    void audit(AuditEntry entry);

    /** The audit trail of a subject, oldest first. */
    List<AuditEntry> history(String subject);

    // -- the fleet (drydock serve)

    /** Records an analysed image; an image analysed again keeps its last match until it is matched again. */
    void putImage(StoredImage image);

    Optional<StoredImage> image(String digest);

    /** Every stored image's digest, sorted. */
    List<String> imageDigests();

    boolean hasImage(String digest);

    /**
     * Images in digest order from {@code digest} (null: from the first; {@code inclusive}: that one too), at most
     * {@code limit}: re-matching reads page by page.
     */
    List<StoredImage> imagesFrom(String digest, boolean inclusive, int limit);

    /**
     * Records matches, enqueues the steps they lead to (notifications) and appends their audit entries in one
     * transaction: an image's counts, keys and index rows change together, and a crash loses neither a match nor the
     * notification it calls for.
     */
    void putMatches(List<MatchRecord> matches, List<JobSpec> next, List<AuditEntry> audit);

    Page<ImageSummary> imageSummaries(ImageFilter filter, int offset, int limit);

    Optional<ImageSummary> imageSummary(String digest);

    FleetOverview overview();

    /** Every finding, in every image, of a vulnerability (by any id the finding is filed under). */
    List<VulnHit> hitsOf(String vulnId);

    Page<VulnSummary> vulns(ImageFilter filter, int offset, int limit);

    /** Replaces what is recorded of a pod's containers (none: the pod is gone). */
    void putPod(String namespace, String pod, List<RunningContainer> containers);

    /** Containers running {@code digest}; every running container when null. */
    List<RunningContainer> running(String digest);

    /** Creates a token; false when the name is taken. Only {@code tokenHash} is kept. */
    boolean putToken(String name, String tokenHash, ApiToken.Role role, Instant at);

    Optional<ApiToken> tokenByHash(String tokenHash);

    List<ApiToken> tokens();

    boolean deleteToken(String name);

    /** Adds the decisions to the admission log, in one transaction and in their order. */
    void recordAdmissions(List<AdmissionRecord> decisions);

    default void recordAdmission(AdmissionRecord decision) {
        recordAdmissions(List.of(decision));
    }

    /** The newest decisions first; only denials when {@code deniedOnly}. */
    List<AdmissionRecord> admissions(int limit, boolean deniedOnly);

    Optional<String> setting(String name);

    void putSetting(String name, String value, Instant at);

    /**
     * Whether this process holds the singleton duty {@code duty} now, taking it when nobody does. It is held until
     * the process ends or the store is closed (a PostgreSQL session advisory lock; a file lock beside SQLite), so a
     * replica killed with {@code kill -9} hands it on as soon as the database or the kernel notices.
     */
    boolean lead(String duty);

    @Override
    void close();
}
