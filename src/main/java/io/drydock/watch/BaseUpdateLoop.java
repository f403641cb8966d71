package io.drydock.watch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.DrydockException;
import io.drydock.image.Descriptor;
import io.drydock.image.Digest;
import io.drydock.image.ImageManifest;
import io.drydock.image.ImageReference;
import io.drydock.image.Manifest;
import io.drydock.image.registry.RegistryClient;
import io.drydock.inventory.Inventory;
import io.drydock.rebuild.Rebase;
import io.drydock.rebuild.RebuildDecision;
import io.drydock.rebuild.RebuildRequest;
import io.drydock.rebuild.RebuildResult;
import io.drydock.rebuild.RebuildStrategy;
import io.drydock.rollout.RolloutOutcome;
import io.drydock.rollout.WorkloadRef;
import io.drydock.store.AuditEntry;
import io.drydock.store.Job;
import io.drydock.store.JobSpec;
import io.drydock.store.LineageEdge;
import io.drydock.store.Store;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The base-update loop as recorded, idempotent steps: a base changed → decide for each image on it → rebuild →
 * validate (scan, policy, sign) → roll out, and when a rebuilt image is itself a base, its change starts the same
 * steps for the images on it. That is the topological order: an image is rebuilt only after the base it depends on
 * was rebuilt and validated, and each (image, base digest) pair exists once as a step, whatever the number of
 * triggers.
 *
 * <p>Each step is a {@link Job}; a step's outcome, the steps it starts and its audit entries are written in one
 * transaction. A step's side effects (a push, a signature, a patch) are idempotent, so after a crash between the
 * side effect and that transaction the step runs again and finds its work done: nothing is lost, nothing happens
 * twice, and the audit trail has no gap.
 */
public final class BaseUpdateLoop {
    public static final String BASE_CHANGED = "base-changed";
    public static final String DECIDE = "decide";
    public static final String APPROVAL = "approval";
    public static final String REBUILD = "rebuild";
    public static final String VALIDATE = "validate";
    public static final String ROLLOUT = "rollout";
    public static final String REFRESH = "refresh";
    /** The steps this loop runs: a server's other workers share the queue and take other kinds. */
    public static final java.util.Set<String> KINDS = java.util.Set.of(BASE_CHANGED, DECIDE, APPROVAL, REBUILD, VALIDATE, ROLLOUT, REFRESH);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ATTEMPTS = 3;

    /** Inventories of images by pinned reference (analysis cached per layer by the caller). */
    @FunctionalInterface
    public interface Inventories {
        Inventory of(String pinnedReference);
    }

    /** Scan, policy and signing of a new image, as {@code drydock validate} does. */
    @FunctionalInterface
    public interface Validation {
        Validated validate(ImageReference pinned, String baseName);
    }

    /** @param notes what was checked and signed, or why it failed */
    public record Validated(boolean passed, List<String> notes) {
        public Validated {
            notes = List.copyOf(notes);
        }
    }

    /** The cluster side: which workloads run a repository, and rolling one of them out. */
    public interface Rollouts {
        List<WorkloadRef> workloadsRunning(String repository);

        RolloutOutcome rollOut(WorkloadRef workload, String repository, String newImage, String reason);
    }

    private final Store store;
    private final RegistryClient client;
    private final WatchConfig config;
    private final Inventories inventories;
    private final RebuildDecision decisions;
    private final Function<String, RebuildStrategy> strategies;
    private final Validation validation;
    private final Rollouts rollouts;
    private final Clock clock;
    private final String owner;
    private final PrintWriter log;
    private final String crashAfter;

    public BaseUpdateLoop(Store store, RegistryClient client, WatchConfig config, Inventories inventories, RebuildDecision decisions,
            Function<String, RebuildStrategy> strategies, Validation validation, Rollouts rollouts, Clock clock, String owner,
            PrintWriter log) {
        this.store = store;
        this.client = client;
        this.config = config;
        this.inventories = inventories;
        this.decisions = decisions;
        this.strategies = strategies;
        this.validation = validation;
        this.rollouts = rollouts;
        this.clock = clock;
        this.owner = owner;
        this.log = log;
        // a test hook for the crash drills: stop dead (as kill -9 would) right after a step's side effect, before its
        // outcome is recorded, which is the moment a crash costs the most
        this.crashAfter = System.getenv("DRYDOCK_TEST_CRASH_AFTER");
    }

    /** Starts the loop for a base whose tag moved; false when this change was already known. */
    public boolean baseChanged(String base, String oldDigest, String newDigest, String how) {
        ObjectNode p = JSON.createObjectNode().put("base", base).put("old", oldDigest).put("new", newDigest).put("how", how);
        boolean fresh = store.enqueue(new JobSpec(BASE_CHANGED, base + "@" + newDigest, p.toString(), clock.instant()));
        if (fresh) {
            store.audit(new AuditEntry(base, clock.instant(), "changed", base + " moved from " + shortDigest(oldDigest) + " to "
                    + shortDigest(newDigest) + " (" + how + ")", p.toString(), 0));
        }
        return fresh;
    }

    /**
     * Enqueues the scheduled refreshes that are due: one step per image with a {@code refresh} interval and per
     * period of it, however often this is called and however many workers call it.
     */
    public int scheduleRefreshes() {
        int n = 0;
        Instant now = clock.instant();
        for (WatchConfig.ImageEntry e : config.images()) {
            if (e.refresh() == null) {
                continue;
            }
            long period = now.getEpochSecond() / Math.max(1, e.refresh().getSeconds());
            ObjectNode p = JSON.createObjectNode().put("image", e.image()).put("period", period);
            if (store.enqueue(new JobSpec(REFRESH, e.image() + "|" + period, p.toString(), e.schedule().nextAllowed(now).at()))) {
                n++;
            }
        }
        return n;
    }

    private String advisoriesSeen;

    /**
     * Refreshes every golden base (an image with a refresh schedule) once per new version of the advisory DB: new
     * advisories may name packages the distribution has fixed since the base was built, and a refresh that finds
     * nothing to update pushes nothing. The first version this process sees is where it starts.
     *
     * @param version what identifies the DB's contents (its file's time and size); null when there is no DB yet
     * @return how many refreshes were enqueued
     */
    public int refreshOnAdvisoryUpdate(String version) {
        if (version == null || version.equals(advisoriesSeen)) {
            return 0;
        }
        boolean first = advisoriesSeen == null;
        advisoriesSeen = version;
        if (first) {
            return 0;
        }
        int n = 0;
        Instant now = clock.instant();
        for (WatchConfig.ImageEntry e : config.images()) {
            if (e.refresh() == null) {
                continue;
            }
            ObjectNode p = JSON.createObjectNode().put("image", e.image()).put("advisories", version);
            if (store.enqueue(new JobSpec(REFRESH, e.image() + "|advisories-" + version, p.toString(), e.schedule().nextAllowed(now).at()))) {
                store.audit(new AuditEntry(e.image(), now, "refresh-requested", "the advisory DB changed: refreshing the golden base",
                        null, 0));
                n++;
            }
        }
        return n;
    }

    /** Asks for a refresh of {@code image} at the next pass (after an advisory that hits a golden base, say). */
    public static void requestRefresh(Store store, WatchConfig config, Clock clock, String image, String who) {
        WatchConfig.ImageEntry entry = config.image(image).orElseThrow(() -> new DrydockException(image + " is not in the watch configuration "
                + config.file()));
        if (entry.strategy().equals("rebase")) {
            throw new DrydockException(image + " is rebuilt by rebase, which cannot refresh it on the same base; give it a building strategy");
        }
        Instant now = clock.instant();
        ObjectNode p = JSON.createObjectNode().put("image", entry.image()).put("requestedBy", who);
        store.enqueue(new JobSpec(REFRESH, entry.image() + "|requested-" + now.toEpochMilli(), p.toString(), now));
        store.audit(new AuditEntry(entry.image(), now, "refresh-requested", "refresh requested by " + who, null, 0));
    }

    /** Puts back what this worker was running when it stopped; call once at start. */
    public int recover() {
        return store.releaseAll(owner);
    }

    /** Runs due steps until none is left; returns how many ran. */
    public int runUntilIdle() {
        int n = 0;
        while (runOne()) {
            n++;
        }
        return n;
    }

    /** Runs one due step, if there is one. */
    public boolean runOne() {
        Optional<Job> claimed = store.claim(owner, config.stepLease(), clock.instant(), KINDS);
        if (claimed.isEmpty()) {
            return false;
        }
        Job job = claimed.get();
        Outcome outcome;
        try {
            JsonNode payload = JSON.readTree(job.payload());
            outcome = switch (job.kind()) {
                case BASE_CHANGED -> baseChangedStep(payload, job);
                case DECIDE -> decideStep(payload, job);
                case APPROVAL -> approvalStep(payload, job);
                case REBUILD -> rebuildStep(payload, job);
                case VALIDATE -> validateStep(payload, job);
                case ROLLOUT -> rolloutStep(payload, job);
                case REFRESH -> refreshStep(payload, job);
                default -> throw new DrydockException("unknown step kind " + job.kind());
            };
        } catch (Rebase.Refused e) {
            finishFailed(job, e.getMessage(), false);
            return true;
        } catch (IOException | RuntimeException e) {
            finishFailed(job, DrydockException.reason(e) == null ? e.toString() : DrydockException.reason(e), job.attempts() < MAX_ATTEMPTS);
            return true;
        }
        if (job.kind().equals(crashAfter)) {
            log.flush();
            Runtime.getRuntime().halt(137);
        }
        if (!store.complete(job.id(), owner, outcome.result(), outcome.next(), outcome.audit())) {
            say("step " + job.kind() + " " + job.key() + " was taken over by another worker; its outcome there counts");
        }
        return true;
    }

    private record Outcome(String result, List<JobSpec> next, List<AuditEntry> audit) {
    }

    private void finishFailed(Job job, String reason, boolean retry) {
        String subject = subjectOf(job);
        Instant retryAt = retry ? clock.instant().plus(config.retryDelay().multipliedBy(1L << Math.min(job.attempts() - 1, 6))) : null;
        AuditEntry entry = new AuditEntry(subject, clock.instant(), retry ? job.kind() + "-retry" : job.kind() + "-failed",
                job.kind() + " failed" + (retry ? " (attempt " + job.attempts() + ", retrying at " + retryAt + ")" : "") + ": " + reason,
                null, job.id());
        store.fail(job.id(), owner, reason, retryAt, List.of(entry));
        say(entry.message());
    }

    private static String subjectOf(Job job) {
        try {
            JsonNode p = JSON.readTree(job.payload());
            for (String k : List.of("workload", "image", "base")) {
                if (p.hasNonNull(k)) {
                    return p.get(k).asText();
                }
            }
        } catch (IOException ignored) {
            // fall back to the key
        }
        return job.key();
    }

    // ------------------------------------------------------------------ steps

    private Outcome baseChangedStep(JsonNode p, Job job) {
        String base = p.get("base").asText();
        List<String> images = dependents(base);
        List<JobSpec> next = new ArrayList<>();
        for (String image : images) {
            ObjectNode d = JSON.createObjectNode().put("image", image).put("base", base).put("old", p.path("old").asText(null))
                    .put("new", p.get("new").asText());
            next.add(new JobSpec(DECIDE, image + "|" + p.get("new").asText(), d.toString(), clock.instant()));
        }
        String message = images.isEmpty() ? "no tracked image is built on " + base
                : images.size() + " image(s) built on " + base + ": " + String.join(", ", images);
        say(message);
        return new Outcome(message, next, List.of(new AuditEntry(base, clock.instant(), "dependents", message, null, job.id())));
    }

    /** Images whose runtime base is {@code base}: from the configuration and the lineage graph. */
    List<String> dependents(String base) {
        String wanted = WatchConfig.normalise(base);
        Set<String> out = new LinkedHashSet<>();
        for (WatchConfig.ImageEntry i : config.images()) {
            if (i.base() != null && WatchConfig.normalise(i.base()).equals(wanted)) {
                out.add(i.image());
            }
        }
        for (LineageEdge e : store.edges()) {
            if (e.kind() == LineageEdge.Kind.RUNTIME && WatchConfig.normalise(e.base()).equals(wanted) && config.image(e.image()).isPresent()) {
                out.add(config.image(e.image()).get().image());
            }
        }
        return List.copyOf(out);
    }

    private Outcome decideStep(JsonNode p, Job job) {
        String image = p.get("image").asText();
        String base = p.get("base").asText();
        String oldDigest = p.path("old").asText(null);
        String newDigest = p.get("new").asText();
        WatchConfig.ImageEntry entry = config.image(image).orElseThrow(() -> new DrydockException(image + " is no longer configured"));
        ImageReference ref = ImageReference.parse(image);
        Digest current = client.head(ref).map(Descriptor::digest)
                .orElseThrow(() -> new DrydockException("the image " + image + " does not exist in its registry"));
        ImageReference baseRef = ImageReference.parse(base);
        ImageManifest imageManifest = manifest(ref.withDigest(current));
        List<Digest> imageLayers = imageManifest.layers().stream().map(Descriptor::digest).toList();
        if (startsWith(imageLayers, layers(baseRef.withDigest(Digest.parse(newDigest))))) {
            return new Outcome("already on the new base", List.of(), List.of(new AuditEntry(image, clock.instant(), "rebuild-skipped",
                    "no rebuild: " + image + " is already built on " + shortDigest(newDigest), null, job.id())));
        }
        // the base the image was really built on: its annotation when that names a prefix of its layers, else the
        // digest the tag had before (an image can lag behind several base updates)
        String builtOn = null;
        int baseLayers = 0;
        List<String> candidates = new ArrayList<>();
        String annotated = imageManifest.annotations().get("org.opencontainers.image.base.digest");
        if (annotated != null) {
            candidates.add(annotated);
        }
        if (oldDigest != null) {
            candidates.add(oldDigest);
        }
        for (String candidate : candidates) {
            List<Digest> candidateLayers = layerDigests(baseRef.withDigest(Digest.parse(candidate)));
            if (candidateLayers != null && candidateLayers.size() < imageLayers.size() && startsWith(imageLayers, candidateLayers)) {
                builtOn = candidate;
                baseLayers = candidateLayers.size();
                break;
            }
        }
        oldDigest = builtOn;
        Inventory imageInventory = inventories.of(ref.withDigest(current).toString());
        Inventory newBase = inventories.of(baseRef.withDigest(Digest.parse(newDigest)).toString());
        RebuildDecision.Decision d = decisions.decide(imageInventory, baseLayers, newBase, entry.rule() != null ? entry.rule() : config.rule());
        ObjectNode details = JSON.createObjectNode().put("imageDigest", current.toString()).put("base", base).put("newBaseDigest", newDigest)
                .put("rebuild", d.rebuild()).put("remaining", d.remaining());
        ArrayNode fixed = details.putArray("fixes");
        d.fixedIds().forEach(fixed::add);
        List<AuditEntry> audit = new ArrayList<>();
        audit.add(new AuditEntry(image, clock.instant(), d.rebuild() ? "rebuild-decided" : "rebuild-skipped",
                (d.rebuild() ? "rebuild: " : "no rebuild: ") + d.reason()
                        + (d.fixedIds().isEmpty() ? "" : " (" + String.join(", ", d.fixedIds().stream().limit(5).toList())
                        + (d.fixedIds().size() > 5 ? ", …" : "") + ")"), details.toString(), job.id()));
        say(audit.get(0).message() + " — " + image);
        if (!d.rebuild()) {
            return new Outcome(details.toString(), List.of(), audit);
        }
        ObjectNode r = JSON.createObjectNode().put("image", image).put("imageDigest", current.toString()).put("base", base)
                .put("old", oldDigest).put("new", newDigest);
        String key = image + "|" + newDigest;
        Schedule.Window window = entry.schedule().nextAllowed(clock.instant());
        if (entry.schedule().approvalRequired()) {
            Instant deadline = clock.instant().plus(entry.schedule().approvalDeadline());
            r.put("deadline", deadline.toString());
            audit.add(new AuditEntry(image, clock.instant(), "approval-requested", "waiting for approval until " + deadline
                    + " ('drydock approve " + image + "')", null, job.id()));
            return new Outcome(details.toString(), List.of(new JobSpec(APPROVAL, key, r.toString(), deadline)), audit);
        }
        if (window.delayed()) {
            audit.add(new AuditEntry(image, clock.instant(), "rebuild-scheduled", "quiet hours: the rebuild waits until " + window.at(),
                    null, job.id()));
        }
        if (entry.refresh() != null) {
            // a golden base: rebuilt as a refresh, so that a rebuild on the new base that changes no package is not pushed
            return new Outcome(details.toString(), List.of(new JobSpec(REFRESH, key, r.toString(), window.at())), audit);
        }
        return new Outcome(details.toString(), List.of(new JobSpec(REBUILD, key, r.toString(), window.at())), audit);
    }

    /** An approval that reached its deadline without an answer. */
    private Outcome approvalStep(JsonNode p, Job job) {
        String image = p.get("image").asText();
        if (store.job(REBUILD, job.key()).isPresent()) {
            return new Outcome("approved before the deadline", List.of(), List.of());
        }
        WatchConfig.ImageEntry entry = config.image(image).orElseThrow(() -> new DrydockException(image + " is no longer configured"));
        if (entry.schedule().proceedWithoutApproval()) {
            Schedule.Window window = entry.schedule().nextAllowed(clock.instant());
            return new Outcome("proceeding", List.of(new JobSpec(REBUILD, job.key(), p.toString(), window.at())), List.of(
                    new AuditEntry(image, clock.instant(), "approval-expired", "no answer by the deadline: rebuilding as configured",
                            null, job.id())));
        }
        return new Outcome("expired", List.of(), List.of(new AuditEntry(image, clock.instant(), "approval-expired",
                "no answer by the deadline: the rebuild for " + shortDigest(p.get("new").asText()) + " is dropped", null, job.id())));
    }

    /**
     * A human approved a waiting rebuild: it runs at once (outside quiet hours). False when nothing waits for
     * approval for this image.
     */
    public static boolean approve(Store store, WatchConfig config, Clock clock, String image, String who) {
        WatchConfig.ImageEntry entry = config.image(image).orElseThrow(() -> new DrydockException(image + " is not in the watch configuration "
                + config.file()));
        for (Job j : store.jobs(Job.State.PENDING)) {
            if (j.kind().equals(APPROVAL) && j.key().startsWith(entry.image() + "|")) {
                boolean fresh = store.enqueue(new JobSpec(REBUILD, j.key(), j.payload(), entry.schedule().nextAllowed(clock.instant()).at()));
                if (fresh) {
                    store.audit(new AuditEntry(entry.image(), clock.instant(), "approved", "approved by " + who, null, j.id()));
                }
                return fresh;
            }
        }
        return false;
    }

    private Outcome rebuildStep(JsonNode p, Job job) {
        String image = p.get("image").asText();
        WatchConfig.ImageEntry entry = config.image(image).orElseThrow(() -> new DrydockException(image + " is no longer configured"));
        ImageReference current = ImageReference.parse(image).withDigest(Digest.parse(p.get("imageDigest").asText()));
        ImageReference base = ImageReference.parse(p.get("base").asText());
        ImageReference oldBase = p.hasNonNull("old") ? base.withDigest(Digest.parse(p.get("old").asText())) : null;
        ImageReference newBase = base.withDigest(Digest.parse(p.get("new").asText()));
        ImageReference target = ImageReference.parse(entry.target());
        RebuildStrategy strategy = strategies.apply(entry.strategy());
        say("rebuilding " + image + " on " + newBase + " with " + strategy.name());
        RebuildResult result = strategy.rebuild(new RebuildRequest(current, oldBase, newBase, target, entry.settings(), job.key(),
                config.rebuildTimeout()));
        ObjectNode v = JSON.createObjectNode().put("image", image).put("target", entry.target()).put("digest", result.digest().toString())
                .put("previous", current.digest().toString()).put("base", base.toString()).put("new", newBase.digest().toString());
        ObjectNode facts = JSON.createObjectNode();
        result.facts().forEach(facts::put);
        v.set("facts", facts);
        return new Outcome(v.toString(), List.of(new JobSpec(VALIDATE, entry.target() + "@" + result.digest(), v.toString(), clock.instant())),
                List.of(new AuditEntry(image, clock.instant(), "rebuilt", result.summary() + " → " + result.digest(), v.toString(), job.id())));
    }

    /**
     * A golden base rebuilt on its current base (its Dockerfile installs the latest updates) into a candidate tag;
     * promoted to its tag, validated and cascaded only when it installs other packages than the image it would
     * replace. A refresh that changes nothing is not pushed: downstream images would be rebuilt for nothing.
     */
    private Outcome refreshStep(JsonNode p, Job job) {
        String image = p.get("image").asText();
        WatchConfig.ImageEntry entry = config.image(image).orElseThrow(() -> new DrydockException(image + " is no longer configured"));
        ImageReference ref = ImageReference.parse(image);
        Digest current = client.head(ref).map(Descriptor::digest)
                .orElseThrow(() -> new DrydockException("the image " + image + " does not exist in its registry"));
        String baseName = entry.base() != null ? entry.base()
                : manifest(ref.withDigest(current)).annotations().get("org.opencontainers.image.base.name");
        if (baseName == null) {
            throw new Rebase.Refused("cannot refresh " + image + ": its base is not known (set base: in the watch configuration)");
        }
        ImageReference base = ImageReference.parse(baseName).withDigest(null);
        Digest baseDigest = client.head(base).map(Descriptor::digest)
                .orElseThrow(() -> new DrydockException("the base " + base + " of " + image + " does not exist in its registry"));
        ImageReference target = ImageReference.parse(entry.target());
        ImageReference candidate = target.withTag(target.tag() + "-drydock-refresh");
        RebuildStrategy strategy = strategies.apply(entry.strategy());
        say("refreshing " + image + " on " + base.withDigest(baseDigest) + " with " + strategy.name());
        RebuildResult built = strategy.rebuild(new RebuildRequest(ref.withDigest(current), base.withDigest(baseDigest),
                base.withDigest(baseDigest), candidate, entry.settings(), job.key(), config.rebuildTimeout()));
        Set<String> before = purls(inventories.of(ref.withDigest(current).toString()));
        Set<String> after = purls(inventories.of(candidate.withDigest(built.digest()).toString()));
        if (before.equals(after)) {
            return new Outcome("unchanged", List.of(), List.of(new AuditEntry(image, clock.instant(), "refresh-unchanged",
                    "refreshed on " + shortDigest(baseDigest.toString()) + ": the same " + after.size()
                            + " packages, so nothing is pushed to " + target + " (the candidate is " + candidate + "@"
                            + shortDigest(built.digest().toString()) + ")", null, job.id())));
        }
        List<String> changes = new ArrayList<>();
        after.stream().filter(x -> !before.contains(x)).sorted().limit(5).forEach(x -> changes.add("+" + x));
        before.stream().filter(x -> !after.contains(x)).sorted().limit(5).forEach(x -> changes.add("-" + x));
        client.pushManifest(target, target.tag(), manifest(candidate.withDigest(built.digest())));
        ObjectNode v = JSON.createObjectNode().put("image", image).put("target", entry.target()).put("digest", built.digest().toString())
                .put("previous", current.toString()).put("base", base.toString()).put("new", baseDigest.toString());
        return new Outcome(v.toString(), List.of(new JobSpec(VALIDATE, entry.target() + "@" + built.digest(), v.toString(), clock.instant())),
                List.of(new AuditEntry(image, clock.instant(), "refreshed", "refreshed " + image + " → " + built.digest() + ": "
                        + String.join(", ", changes) + (changes.size() >= 5 ? ", …" : ""), v.toString(), job.id())));
    }

    private static Set<String> purls(Inventory inventory) {
        Set<String> out = new java.util.TreeSet<>();
        inventory.components().forEach(c -> out.add(c.purl()));
        return out;
    }

    private Outcome validateStep(JsonNode p, Job job) {
        String image = p.get("image").asText();
        String target = p.get("target").asText();
        Digest digest = Digest.parse(p.get("digest").asText());
        ImageReference pinned = ImageReference.parse(target).withDigest(digest);
        Validated v = validation.validate(pinned, p.get("base").asText() + "@" + p.get("new").asText());
        if (!v.passed()) {
            return new Outcome("failed", List.of(), List.of(new AuditEntry(image, clock.instant(), "validation-failed",
                    "the new image " + shortDigest(digest.toString()) + " failed validation and is not rolled out: "
                            + String.join("; ", v.notes()), null, job.id())));
        }
        List<JobSpec> next = new ArrayList<>();
        List<AuditEntry> audit = new ArrayList<>();
        audit.add(new AuditEntry(image, clock.instant(), "validated", "validated and signed " + pinned + ": " + String.join("; ", v.notes()),
                null, job.id()));
        String repository = pinned.name();
        if (rollouts != null) {
            for (WorkloadRef w : rollouts.workloadsRunning(repository)) {
                ObjectNode r = JSON.createObjectNode().put("workload", path(w)).put("image", image).put("repository", repository)
                        .put("newImage", repository + "@" + digest).put("reason", "base update of " + p.get("base").asText());
                next.add(new JobSpec(ROLLOUT, path(w) + "|" + digest, r.toString(), clock.instant()));
            }
        }
        // a rebuilt image that is itself a tracked base: the images on it are next, now that it is validated
        if (store.trackedBase(WatchConfig.normalise(target)).isPresent()) {
            String tracked = WatchConfig.normalise(target);
            String before = store.trackedBase(tracked).get().digest();
            if (!digest.toString().equals(before)) {
                store.recordBaseDigest(tracked, digest.toString(), clock.instant());
                ObjectNode b = JSON.createObjectNode().put("base", tracked).put("old", before).put("new", digest.toString())
                        .put("how", "rebuilt by Drydock");
                next.add(new JobSpec(BASE_CHANGED, tracked + "@" + digest, b.toString(), clock.instant()));
                audit.add(new AuditEntry(tracked, clock.instant(), "changed", tracked + " moved from " + shortDigest(before) + " to "
                        + shortDigest(digest.toString()) + " (rebuilt by Drydock)", b.toString(), job.id()));
            }
        }
        say("validated " + pinned + "; " + (next.size()) + " next step(s)");
        return new Outcome("passed", next, audit);
    }

    private Outcome rolloutStep(JsonNode p, Job job) {
        WorkloadRef workload = WorkloadRef.parse(p.get("workload").asText());
        String image = p.get("image").asText();
        RolloutOutcome o = rollouts.rollOut(workload, p.get("repository").asText(), p.get("newImage").asText(), p.get("reason").asText());
        String action = switch (o.state()) {
            case ROLLED_OUT -> "rolled-out";
            case ROLLED_BACK -> "rolled-back";
            case ROLLBACK_FAILED -> "rollback-failed";
            case NOT_APPLICABLE -> "rollout-skipped";
            case REFUSED -> "rollout-refused";
        };
        String message = workload + ": " + action + " " + p.get("newImage").asText() + (o.reason() == null ? "" : " (" + o.reason() + ")");
        say(message);
        ObjectNode details = JSON.createObjectNode().put("workload", path(workload)).put("newImage", p.get("newImage").asText());
        ObjectNode previous = details.putObject("previousImages");
        o.previousImages().forEach(previous::put);
        return new Outcome(action, List.of(), List.of(new AuditEntry(image, clock.instant(), action, message, details.toString(), job.id()),
                new AuditEntry(path(workload), clock.instant(), action, message, details.toString(), job.id())));
    }

    /** {@code Deployment/shop/web}: how workloads are named in steps and the audit trail ({@link WorkloadRef#parse}). */
    static String path(WorkloadRef w) {
        return w.kind() + "/" + w.namespace() + "/" + w.name();
    }

    private ImageManifest manifest(ImageReference ref) {
        Manifest m = client.manifest(ref);
        if (m instanceof ImageManifest im) {
            return im;
        }
        throw new DrydockException(ref + " is an index; name the platform's manifest");
    }

    private List<Digest> layers(ImageReference ref) {
        return manifest(ref).layers().stream().map(Descriptor::digest).toList();
    }

    /** The layers of a base digest that may be gone from the registry (deleted, garbage-collected): null then. */
    private List<Digest> layerDigests(ImageReference ref) {
        try {
            return layers(ref);
        } catch (io.drydock.image.registry.RegistryException.NotFound e) {
            return null;
        }
    }

    private static boolean startsWith(List<Digest> layers, List<Digest> prefix) {
        return prefix.size() <= layers.size() && layers.subList(0, prefix.size()).equals(prefix);
    }

    private static String shortDigest(String digest) {
        if (digest == null) {
            return "(unknown)";
        }
        int colon = digest.indexOf(':');
        return colon < 0 || digest.length() < colon + 13 ? digest : digest.substring(0, colon + 13);
    }

    private void say(String message) {
        log.println("watch: " + message);
        log.flush();
    }
}
