package io.drydock.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.DrydockException;
import io.drydock.image.Digest;
import io.drydock.scan.Finding;
import io.drydock.scan.Rating;
import io.drydock.store.AuditEntry;
import io.drydock.store.Job;
import io.drydock.store.JobSpec;
import io.drydock.store.MatchRecord;
import io.drydock.store.RunningContainer;
import io.drydock.store.Store;
import io.drydock.store.StoredImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The server's own steps on the shared job queue: analysing an image seen running, re-matching stored images after
 * an advisory update (in chunks, so that replicas share the work), and delivering notifications. Each step is claimed
 * by one worker at a time ({@code FOR UPDATE SKIP LOCKED} on PostgreSQL); a worker that dies leaves its step to be
 * taken over when its lease runs out.
 */
public final class Fleet {
    public static final String ANALYSE = "analyse";
    public static final String REMATCH = "rematch";
    public static final String NOTIFY = "notify";
    public static final Set<String> KINDS = Set.of(ANALYSE, REMATCH, NOTIFY);
    static final int MAX_ATTEMPTS = 8;

    /**
     * @param threshold the least severity a new finding must have to be notified
     * @param chunk how many images one re-matching step covers
     * @param lease how long a claimed step is held before another worker may take it over
     */
    public record Settings(Rating threshold, int chunk, Duration lease) {
        public static final Settings DEFAULTS = new Settings(Rating.HIGH, 500, Duration.ofMinutes(2));
    }

    private final Store store;
    private final AdvisoryDb db;
    private final ImageAnalyser analyser;
    private final Notifier notifier;
    private final Settings settings;
    private final Clock clock;
    private final Consumer<String> log;

    public Fleet(Store store, AdvisoryDb db, ImageAnalyser analyser, Notifier notifier, Settings settings, Clock clock, Consumer<String> log) {
        this.store = store;
        this.db = db;
        this.analyser = analyser;
        this.notifier = notifier;
        this.settings = settings;
        this.clock = clock;
        this.log = log;
    }

    public Store store() {
        return store;
    }

    public AdvisoryDb db() {
        return db;
    }

    // ------------------------------------------------------------------ enqueuing

    /** Queues the analysis of an image not seen before; false when it is stored or already queued. */
    public boolean enqueueAnalysis(String reference, String digest, ImageAnalyser.SeenIn seenIn) {
        if (store.hasImage(digest)) {
            return false;
        }
        ObjectNode p = FleetMatcher.JSON.createObjectNode().put("reference", reference).put("digest", digest);
        if (seenIn != null) {
            p.put("namespace", seenIn.namespace()).put("pod", seenIn.pod());
        }
        return store.enqueue(new JobSpec(ANALYSE, digest, p.toString(), clock.instant()));
    }

    /** Queues the analysis of an image named by tag (an API request); its digest is learnt when it is read. */
    public boolean enqueueAnalysis(String reference) {
        ObjectNode p = FleetMatcher.JSON.createObjectNode().put("reference", reference);
        return store.enqueue(new JobSpec(ANALYSE, reference + "|" + clock.millis(), p.toString(), clock.instant()));
    }

    /**
     * Queues the re-matching of every stored image with the DB built at {@code version}, in chunks of consecutive
     * digests; returns how many steps were queued (none when this version was queued before).
     */
    public int enqueueRematch(Instant version) {
        List<String> digests = store.imageDigests();
        int queued = 0;
        for (int from = 0; from < digests.size(); from += settings.chunk()) {
            int to = Math.min(digests.size(), from + settings.chunk()) - 1;
            ObjectNode p = FleetMatcher.JSON.createObjectNode().put("version", version.toString())
                    .put("first", digests.get(from)).put("last", digests.get(to));
            if (store.enqueue(new JobSpec(REMATCH, version + "|" + digests.get(from), p.toString(), clock.instant()))) {
                queued++;
            }
        }
        store.putSetting("advisories.version", version.toString(), clock.instant());
        return queued;
    }

    // ------------------------------------------------------------------ running

    /** Claims one step this fleet runs and runs it; false when there was none. */
    public boolean runOne(String owner) {
        Optional<Job> claimed = store.claim(owner, settings.lease(), clock.instant(), KINDS);
        if (claimed.isEmpty()) {
            return false;
        }
        Job job = claimed.get();
        // a step longer than the lease (a big image's first analysis) keeps its claim while its worker lives
        Thread renewer = Thread.ofVirtual().name("drydock-lease-" + job.id()).start(() -> {
            long every = Math.max(500, settings.lease().toMillis() / 3);
            try {
                while (true) {
                    Thread.sleep(every);
                    if (!store.renew(job.id(), owner, clock.instant().plus(settings.lease()))) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                // the step ended
            } catch (RuntimeException e) {
                log.accept("cannot renew the lease of " + job.kind() + " " + job.key() + ": " + e.getMessage());
            }
        });
        try {
            Outcome outcome = switch (job.kind()) {
                case ANALYSE -> analyse(job);
                case REMATCH -> rematch(job);
                case NOTIFY -> notify(job);
                default -> throw new DrydockException("unknown step kind " + job.kind());
            };
            if (!store.complete(job.id(), owner, outcome.result(), outcome.next(), outcome.audit())) {
                log.accept(job.kind() + " " + job.key() + " was taken over by another worker; its outcome there counts");
            }
        } catch (RuntimeException e) {
            boolean retry = job.attempts() < MAX_ATTEMPTS;
            Instant retryAt = retry ? clock.instant().plus(backoff(job.attempts())) : null;
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            store.fail(job.id(), owner, reason, retryAt, List.of(new AuditEntry(subject(job), clock.instant(),
                    job.kind() + (retry ? "-retry" : "-failed"), job.kind() + " failed (attempt " + job.attempts() + "): " + reason, null, 0)));
            log.accept(job.kind() + " " + job.key() + " failed" + (retry ? ", retrying at " + retryAt : " for good") + ": " + reason);
        } finally {
            renewer.interrupt();
        }
        return true;
    }

    static Duration backoff(int attempts) {
        return Duration.ofSeconds(Math.min(600, 5L << Math.min(attempts, 7)));
    }

    private String subject(Job job) {
        return job.kind().equals(REMATCH) ? "advisory-db" : payload(job).path("digest").asText(job.key());
    }

    private record Outcome(String result, List<JobSpec> next, List<AuditEntry> audit) {
    }

    private Outcome analyse(Job job) {
        JsonNode p = payload(job);
        String reference = p.path("reference").asText();
        String wanted = p.path("digest").asText("");
        if (!wanted.isEmpty() && store.hasImage(wanted)) {
            return new Outcome("already analysed", List.of(), List.of());
        }
        ImageAnalyser.SeenIn seenIn = p.hasNonNull("pod") ? new ImageAnalyser.SeenIn(p.path("namespace").asText(), p.path("pod").asText()) : null;
        ImageAnalyser.Analysis a = analyser.analyse(reference, seenIn);
        String digest = a.digest();
        if (!wanted.isEmpty() && !digest.equals(wanted)) {
            throw new DrydockException(reference + " resolved to " + digest + ", not the digest " + wanted + " that runs");
        }
        Instant now = clock.instant();
        String repository = repository(reference);
        StoredImage image = new StoredImage(digest, reference, repository, InventoryCodec.encode(a.inventory()),
                a.facts() == null ? null : json(a.facts()), now, null, null);
        store.putImage(image);
        FleetMatcher.Matched m = db.matcher().match(image, now);
        // a first analysis is shown, not notified: every deployment of an old image would otherwise page someone
        store.putMatches(List.of(m.record()), List.of(), List.of());
        String message = "analysed " + reference + ": " + a.inventory().components().size() + " packages, " + m.findings().size() + " findings";
        log.accept(message);
        return new Outcome(message, List.of(), List.of(new AuditEntry(digest, now, "analysed", message, null, 0)));
    }

    private Outcome rematch(Job job) {
        JsonNode p = payload(job);
        Instant version = Instant.parse(p.path("version").asText());
        String first = p.path("first").asText();
        String last = p.path("last").asText();
        db.ensureAtLeast(version);
        FleetMatcher matcher = db.matcher();
        int seen = 0;
        int changed = 0;
        int notified = 0;
        String after = first;
        boolean inclusive = true;
        while (true) {
            List<StoredImage> page = store.imagesFrom(after, inclusive, 200);
            inclusive = false;
            List<MatchRecord> records = new ArrayList<>();
            List<JobSpec> notifications = new ArrayList<>();
            List<AuditEntry> audit = new ArrayList<>();
            boolean done = page.isEmpty();
            for (StoredImage image : page) {
                if (image.digest().compareTo(last) > 0) {
                    done = true;
                    break;
                }
                seen++;
                Instant now = clock.instant();
                FleetMatcher.Matched m = matcher.match(image, now);
                if (image.findings() != null && m.change().isEmpty()) {
                    continue;
                }
                records.add(m.record());
                if (image.findings() != null) {
                    changed++;
                    List<JobSpec> n = notifications(image, m, now);
                    notifications.addAll(n);
                    notified += n.size();
                    audit.add(new AuditEntry(image.digest(), now, "rematched", describe(m.change()), json(m.change()), 0));
                }
            }
            store.putMatches(records, notifications, audit);
            if (done || page.size() < 200) {
                break;
            }
            after = page.get(page.size() - 1).digest();
        }
        String result = "re-matched " + seen + " image(s) with the DB built " + version + ": " + changed + " changed, " + notified + " notification(s)";
        if (changed > 0) {
            log.accept(result);
        }
        return new Outcome(result, List.of(), List.of());
    }

    private static String describe(FindingChange c) {
        return c.added().size() + " new, " + c.fixed().size() + " fixed, " + c.rerated().size() + " re-rated or newly fixable finding(s)"
                + " after an advisory update";
    }

    /** One notification per new (or newly severe) vulnerability in the image, at or above the threshold. */
    private List<JobSpec> notifications(StoredImage image, FleetMatcher.Matched m, Instant now) {
        Map<String, List<FindingChange.FindingKey>> byVuln = new LinkedHashMap<>();
        List<FindingChange.FindingKey> candidates = new ArrayList<>(m.change().added());
        candidates.addAll(m.change().raised());
        for (FindingChange.FindingKey k : candidates) {
            if (Rating.valueOf(k.severity()).compareTo(settings.threshold()) <= 0) {
                byVuln.computeIfAbsent(k.id(), x -> new ArrayList<>()).add(k);
            }
        }
        if (byVuln.isEmpty()) {
            return List.of();
        }
        Set<Notification.Workload> workloads = new LinkedHashSet<>();
        for (RunningContainer r : store.running(image.digest())) {
            workloads.add(new Notification.Workload(r.workloadKind(), r.namespace(), r.workloadName()));
        }
        List<JobSpec> out = new ArrayList<>();
        for (Map.Entry<String, List<FindingChange.FindingKey>> e : byVuln.entrySet()) {
            FindingChange.FindingKey k = e.getValue().get(0);
            Finding f = m.findings().stream().filter(x -> x.id().equals(k.id()) && x.pkg().purl().equals(k.purl())).findFirst().orElseThrow();
            List<String> packages = e.getValue().stream().map(x -> m.findings().stream().filter(y -> y.pkg().purl().equals(x.purl()))
                    .findFirst().map(y -> y.pkg().name()).orElse(x.purl())).distinct().toList();
            String delivery = Digest.sha256((e.getKey() + "|" + image.digest()).getBytes(StandardCharsets.UTF_8)).hex().substring(0, 32);
            Notification n = new Notification(delivery, e.getKey(), k.severity(), f.summary(), image.reference(), image.digest(),
                    String.join(", ", packages), f.pkg().version(), k.origin(), f.fixedVersions(), remedy(image, f), List.copyOf(workloads),
                    now.toString());
            out.add(new JobSpec(NOTIFY, e.getKey() + "|" + image.digest(), json(n), now));
        }
        return out;
    }

    private static String remedy(StoredImage image, Finding f) {
        String fix = f.fixedVersions().isEmpty() ? null : f.pkg().name() + " " + String.join(" or ", f.fixedVersions());
        if (f.origin() == io.drydock.scan.Origin.BASE) {
            ImageFacts b = FleetMatcher.facts(image);
            String base = b != null && b.base() != null && b.base().name() != null ? b.base().name() : "its base image";
            return fix == null ? "no fixed version yet; it comes with a future release of " + base
                    : "rebuild on a newer " + base + " that ships " + fix + " (a base update, no application change)";
        }
        return fix == null ? "no fixed version of " + f.pkg().name() + " yet" : "upgrade " + f.pkg().name() + " to " + String.join(" or ", f.fixedVersions())
                + " in the application";
    }

    private Outcome notify(Job job) {
        Notification n;
        try {
            n = FleetMatcher.JSON.readValue(job.payload(), Notification.class);
        } catch (IOException e) {
            throw new DrydockException("notification " + job.key() + " cannot be read: " + DrydockException.reason(e), e);
        }
        notifier.deliver(n);
        return new Outcome("delivered " + n.delivery(), List.of(), List.of(new AuditEntry(n.digest(), clock.instant(), "notified",
                n.headline(), null, 0)));
    }

    /** The repository of a reference: without its tag and digest. */
    public static String repositoryOf(String reference) {
        return repository(reference);
    }

    static String repository(String reference) {
        int at = reference.indexOf('@');
        String r = at < 0 ? reference : reference.substring(0, at);
        int slash = r.lastIndexOf('/');
        int colon = r.lastIndexOf(':');
        return colon > slash ? r.substring(0, colon) : r;
    }

    private static JsonNode payload(Job job) {
        try {
            return FleetMatcher.JSON.readTree(job.payload());
        } catch (IOException e) {
            throw new DrydockException("step " + job.kind() + " " + job.key() + " has a payload that is not JSON: " + DrydockException.reason(e), e);
        }
    }

    static String json(Object value) {
        try {
            return FleetMatcher.JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
