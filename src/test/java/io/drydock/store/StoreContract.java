package io.drydock.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drydock.DrydockException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link Store} must have; run once per implementation, each on a real database. */
abstract class StoreContract {
    Store store;
    final Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    /** A store on a fresh, empty database. */
    abstract Store openFresh();

    /** The same database again, as a restarted process would open it. */
    abstract Store reopen();

    @BeforeEach
    void open() {
        store = openFresh();
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void trackedBasesRecordTheirDigestAndSayWhenItChanged() {
        assertThat(store.trackBase("reg.example/debian:12")).isTrue();
        assertThat(store.trackBase("reg.example/debian:12")).as("tracking twice").isFalse();
        assertThat(store.recordBaseDigest("reg.example/debian:12", "sha256:aa", t0)).as("the first digest is the start").isFalse();
        assertThat(store.recordBaseDigest("reg.example/debian:12", "sha256:aa", t0.plusSeconds(60))).isFalse();
        assertThat(store.recordBaseDigest("reg.example/debian:12", "sha256:bb", t0.plusSeconds(120))).isTrue();
        TrackedBase b = store.trackedBase("reg.example/debian:12").orElseThrow();
        assertThat(b.digest()).isEqualTo("sha256:bb");
        assertThat(b.changedAt()).isEqualTo(t0.plusSeconds(120));
        assertThat(b.checkedAt()).isEqualTo(t0.plusSeconds(120));
        assertThatThrownBy(() -> store.recordBaseDigest("reg.example/other:1", "sha256:cc", t0))
                .isInstanceOf(DrydockException.class).hasMessageContaining("reg.example/other:1 is not tracked");
        assertThat(store.untrackBase("reg.example/debian:12")).isTrue();
        assertThat(store.trackedBases()).isEmpty();
    }

    @Test
    void edgesAreReplacedByImageBaseAndKindAndRemovedBySource() {
        LineageEdge a = new LineageEdge("app", "base:1", LineageEdge.Kind.RUNTIME, LineageEdge.Source.DOCKERFILE, null, null,
                "Dockerfile line 1", t0);
        store.putEdge(a);
        store.putEdge(new LineageEdge("app", "golang:1.22", LineageEdge.Kind.BUILD, LineageEdge.Source.DOCKERFILE, null, null,
                "Dockerfile line 3", t0));
        store.putEdge(new LineageEdge("app", "base:1", LineageEdge.Kind.RUNTIME, LineageEdge.Source.LAYERS, "sha256:app",
                "sha256:base", "2 of 3 layers", t0.plusSeconds(1)));
        store.putEdge(new LineageEdge("other", "base:1", LineageEdge.Kind.RUNTIME, LineageEdge.Source.ANNOTATION, "sha256:o",
                "sha256:base", null, t0));
        List<LineageEdge> edges = store.edges();
        assertThat(edges).hasSize(3);
        assertThat(edges.get(0)).isEqualTo(new LineageEdge("app", "base:1", LineageEdge.Kind.RUNTIME, LineageEdge.Source.LAYERS,
                "sha256:app", "sha256:base", "2 of 3 layers", t0.plusSeconds(1)));
        assertThat(store.removeEdges("app", LineageEdge.Source.DOCKERFILE)).isEqualTo(1);
        assertThat(store.edges()).extracting(LineageEdge::image).containsExactly("app", "other");
    }

    @Test
    void anEdgeFromAMoreTrustedSourceIsNotReplacedByALessTrustedOne() {
        store.putEdge(new LineageEdge("app", "base:1", LineageEdge.Kind.RUNTIME, LineageEdge.Source.MANUAL, null, null, "by hand", t0));
        store.putEdge(new LineageEdge("app", "base:1", LineageEdge.Kind.RUNTIME, LineageEdge.Source.DOCKERFILE, null, null, "scan",
                t0.plusSeconds(1)));
        assertThat(store.edges()).singleElement().extracting(LineageEdge::source).isEqualTo(LineageEdge.Source.MANUAL);
        assertThat(store.removeEdges("app", LineageEdge.Source.DOCKERFILE)).as("a rescan keeps the hand-recorded edge").isZero();
        store.putEdge(new LineageEdge("app", "base:1", LineageEdge.Kind.RUNTIME, LineageEdge.Source.MANUAL, "sha256:a", null, "again",
                t0.plusSeconds(2)));
        assertThat(store.edges()).singleElement().extracting(LineageEdge::detail).isEqualTo("again");
    }

    @Test
    void recipesAreKeptPerImage() {
        store.putRecipe(new ImageRecipe("app", "buildah", "{\"dockerfile\":\"Dockerfile\"}", t0));
        store.putRecipe(new ImageRecipe("app", "rebase", "{}", t0.plusSeconds(1)));
        assertThat(store.recipe("app")).contains(new ImageRecipe("app", "rebase", "{}", t0.plusSeconds(1)));
        assertThat(store.recipe("nope")).isEmpty();
    }

    @Test
    void aStepEnqueuedTwiceExistsOnceAndRunsWhenDue() {
        assertThat(store.enqueue(new JobSpec("rebuild", "app@sha256:1", "{\"n\":1}", t0))).isTrue();
        assertThat(store.enqueue(new JobSpec("rebuild", "app@sha256:1", "{\"n\":2}", t0))).isFalse();
        assertThat(store.enqueue(new JobSpec("rollout", "later", "{}", t0.plusSeconds(600)))).isTrue();
        Job first = store.claim("w1", Duration.ofMinutes(1), t0).orElseThrow();
        assertThat(first.kind()).isEqualTo("rebuild");
        assertThat(first.payload()).as("the first enqueue wins").isEqualTo("{\"n\":1}");
        assertThat(first.state()).isEqualTo(Job.State.RUNNING);
        assertThat(first.attempts()).isEqualTo(1);
        assertThat(first.owner()).isEqualTo("w1");
        assertThat(store.claim("w2", Duration.ofMinutes(1), t0)).as("the other step is not due yet").isEmpty();
        assertThat(store.complete(first.id(), "w1", "ok", List.of(), List.of())).isTrue();
        assertThat(store.claim("w2", Duration.ofMinutes(1), t0.plusSeconds(600))).map(Job::key).contains("later");
    }

    @Test
    void aJobWhoseLeaseRanOutIsTakenOverAndTheFormerOwnerCannotFinishIt() {
        store.enqueue(new JobSpec("push", "k", "{}", t0));
        Job held = store.claim("dead", Duration.ofSeconds(30), t0).orElseThrow();
        assertThat(store.claim("alive", Duration.ofSeconds(30), t0.plusSeconds(10))).isEmpty();
        Job taken = store.claim("alive", Duration.ofSeconds(30), t0.plusSeconds(31)).orElseThrow();
        assertThat(taken.id()).isEqualTo(held.id());
        assertThat(taken.attempts()).isEqualTo(2);
        assertThat(store.complete(held.id(), "dead", "late", List.of(), List.of(audit("x", "late")))).isFalse();
        assertThat(store.history("x")).as("nothing of a refused completion is written").isEmpty();
        assertThat(store.renew(taken.id(), "alive", t0.plusSeconds(90))).isTrue();
        assertThat(store.complete(taken.id(), "alive", "ok", List.of(), List.of())).isTrue();
        assertThat(store.job("push", "k")).map(Job::state).contains(Job.State.DONE);
    }

    @Test
    void completingWritesTheNextStepsAndTheAuditTrailInOneTransaction() {
        store.enqueue(new JobSpec("decide", "app", "{}", t0));
        Job j = store.claim("w", Duration.ofMinutes(1), t0).orElseThrow();
        // a next step without a kind violates NOT NULL: the completion and its audit entry must roll back with it
        assertThatThrownBy(() -> store.complete(j.id(), "w", "ok", List.of(new JobSpec("rebuild", "app", "{}", t0),
                new JobSpec(null, "bad", "{}", t0)), List.of(audit("app", "decided")))).isInstanceOf(DrydockException.class)
                .hasMessageContaining("completing job " + j.id());
        assertThat(store.job("decide", "app")).map(Job::state).contains(Job.State.RUNNING);
        assertThat(store.job("rebuild", "app")).isEmpty();
        assertThat(store.history("app")).isEmpty();

        assertThat(store.complete(j.id(), "w", "{\"fixes\":2}", List.of(new JobSpec("rebuild", "app", "{}", t0)),
                List.of(audit("app", "decided"), audit("app", "queued")))).isTrue();
        assertThat(store.job("decide", "app").orElseThrow().result()).isEqualTo("{\"fixes\":2}");
        assertThat(store.job("rebuild", "app")).map(Job::state).contains(Job.State.PENDING);
        assertThat(store.history("app")).extracting(AuditEntry::message).containsExactly("decided", "queued");
        assertThat(store.history("app").get(0).jobId()).isEqualTo(j.id());
    }

    @Test
    void aFailedAttemptIsRetriedLaterOrFailsForGood() {
        store.enqueue(new JobSpec("push", "a", "{}", t0));
        Job j = store.claim("w", Duration.ofMinutes(1), t0).orElseThrow();
        assertThat(store.fail(j.id(), "w", "registry 503", t0.plusSeconds(30), List.of(audit("a", "retry")))).isTrue();
        assertThat(store.claim("w", Duration.ofMinutes(1), t0.plusSeconds(10))).isEmpty();
        Job again = store.claim("w", Duration.ofMinutes(1), t0.plusSeconds(30)).orElseThrow();
        assertThat(again.attempts()).isEqualTo(2);
        assertThat(again.result()).isEqualTo("registry 503");
        assertThat(store.fail(again.id(), "w", "manifest invalid", null, List.of())).isTrue();
        assertThat(store.jobs(Job.State.FAILED)).extracting(Job::key).containsExactly("a");
        assertThat(store.claim("w", Duration.ofMinutes(1), t0.plusSeconds(3600))).isEmpty();
    }

    @Test
    void aRestartedWorkerPutsBackWhatItWasRunningAndTheStateSurvivesReopening() {
        store.enqueue(new JobSpec("rollout", "web", "{}", t0));
        store.claim("node-1", Duration.ofHours(1), t0).orElseThrow();
        store.audit(audit("web", "patched"));
        store.close();
        store = reopen();
        assertThat(store.releaseAll("node-1")).isEqualTo(1);
        Job j = store.claim("node-1", Duration.ofHours(1), t0).orElseThrow();
        assertThat(j.key()).isEqualTo("web");
        assertThat(j.attempts()).isEqualTo(2);
        assertThat(store.history("web")).extracting(AuditEntry::action).containsExactly("note");
    }

    @Test
    void concurrentWorkersNeverTakeTheSameStep() throws Exception {
        int steps = 60;
        for (int i = 0; i < steps; i++) {
            store.enqueue(new JobSpec("k", "s" + i, "{}", t0));
        }
        int workers = 6;
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<String>>> results = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            String owner = "w" + w;
            results.add(pool.submit(() -> {
                go.await();
                List<String> mine = new ArrayList<>();
                for (Optional<Job> j; (j = store.claim(owner, Duration.ofMinutes(5), t0)).isPresent(); ) {
                    mine.add(j.get().key());
                    assertThat(store.complete(j.get().id(), owner, "done", List.of(), List.of())).isTrue();
                }
                return mine;
            }));
        }
        go.countDown();
        List<String> all = Collections.synchronizedList(new ArrayList<>());
        for (Future<List<String>> f : results) {
            all.addAll(f.get());
        }
        pool.shutdown();
        Set<String> distinct = new HashSet<>(all);
        assertThat(all).hasSize(steps);
        assertThat(distinct).hasSize(steps);
        assertThat(store.jobs(Job.State.DONE)).hasSize(steps);
    }

    // -------------------------------------------------------------- the fleet

    StoredImage image(String digest, String repository) {
        return new StoredImage(digest, repository + "@" + digest, repository, "{\"v\":1}", null, t0, null, null);
    }

    MatchRecord match(String digest, FindingCounts counts, VulnHit... hits) {
        return new MatchRecord(digest, t0, String.join("\n", java.util.Arrays.stream(hits).map(VulnHit::vulnId).toList()), counts,
                List.of(hits), null);
    }

    @Test
    void matchesReplaceAnImagesCountsAndIndexRowsTogetherWithTheirNotifications() {
        store.putImage(image("sha256:aa", "r/app"));
        store.putImage(image("sha256:bb", "r/other"));
        assertThat(store.hasImage("sha256:aa")).isTrue();
        assertThat(store.hasImage("sha256:cc")).isFalse();
        VulnHit h1 = new VulnHit("CVE-1", "sha256:aa", "pkg:generic/openssl@3.0.1", "openssl", "3.0.1", "base", "HIGH", "3.0.2");
        VulnHit h2 = new VulnHit("CVE-2", "sha256:aa", "pkg:generic/lodash@4.17.15", "lodash", "4.17.15", "application", "CRITICAL", null);
        store.putMatches(List.of(match("sha256:aa", new FindingCounts(1, 1, 0, 0, 0, 1, 1, 1, 1), h1, h2)),
                List.of(new JobSpec("notify", "CVE-2|sha256:aa", "{}", t0)), List.of(audit("sha256:aa", "matched")));
        assertThat(store.hitsOf("CVE-1")).containsExactly(h1);
        assertThat(store.job("notify", "CVE-2|sha256:aa")).isPresent();
        assertThat(store.image("sha256:aa").orElseThrow().findings()).isEqualTo("CVE-1\nCVE-2");

        // matched again without CVE-1: its row goes, the counts follow
        assertThat(store.history("sha256:aa")).extracting(AuditEntry::message).containsExactly("matched");
        store.putMatches(List.of(match("sha256:aa", new FindingCounts(1, 0, 0, 0, 0, 0, 1, 0, 0), h2)), List.of(), List.of());
        assertThat(store.hitsOf("CVE-1")).isEmpty();
        assertThat(store.imageSummary("sha256:aa").orElseThrow().counts().high()).isZero();
        FleetOverview o = store.overview();
        assertThat(o.images()).isEqualTo(2);
        assertThat(o.matchedImages()).isEqualTo(1);
        assertThat(o.findings().critical()).isEqualTo(1);

        // matched again with only the difference: one row added, one re-rated, none rewritten
        VulnHit h3 = new VulnHit("CVE-3", "sha256:aa", "pkg:generic/zlib@1", "zlib", "1", "base", "LOW", null);
        VulnHit h2Rerated = new VulnHit("CVE-2", "sha256:aa", h2.purl(), "lodash", "4.17.15", "application", "HIGH", "4.17.21");
        store.putMatches(List.of(new MatchRecord("sha256:aa", t0, "CVE-2\nCVE-3", new FindingCounts(0, 1, 0, 1, 0, 1, 1, 1, 0),
                List.of(h2Rerated, h3), new MatchRecord.HitChange(List.of(h3), List.of(), List.of(h2Rerated)))), List.of(), List.of());
        assertThat(store.hitsOf("CVE-2")).containsExactly(h2Rerated);
        assertThat(store.hitsOf("CVE-3")).containsExactly(h3);
        store.putMatches(List.of(new MatchRecord("sha256:aa", t0, "CVE-2", new FindingCounts(0, 1, 0, 0, 0, 0, 1, 1, 0), List.of(h2Rerated),
                new MatchRecord.HitChange(List.of(), List.of(new VulnHit("CVE-3", "sha256:aa", h3.purl(), null, null, "base", "LOW", null)),
                        List.of()))), List.of(), List.of());
        assertThat(store.hitsOf("CVE-3")).isEmpty();
        assertThat(store.hitsOf("CVE-2")).containsExactly(h2Rerated);
        h2 = h2Rerated;

        // analysed again: the last match is kept until the next one
        store.putImage(image("sha256:aa", "r/app"));
        assertThat(store.hitsOf("CVE-2")).containsExactly(h2);
        assertThat(store.imageSummary("sha256:aa").orElseThrow().matchedAt()).isEqualTo(t0);
    }

    @Test
    void imagesAreReadInDigestOrderPageByPage() {
        for (String d : List.of("sha256:03", "sha256:01", "sha256:02")) {
            store.putImage(image(d, "r/x"));
        }
        assertThat(store.imagesFrom(null, false, 2)).extracting(StoredImage::digest).containsExactly("sha256:01", "sha256:02");
        assertThat(store.imagesFrom("sha256:02", false, 2)).extracting(StoredImage::digest).containsExactly("sha256:03");
        assertThat(store.imagesFrom("sha256:02", true, 5)).extracting(StoredImage::digest).containsExactly("sha256:02", "sha256:03");
        assertThat(store.imageDigests()).containsExactly("sha256:01", "sha256:02", "sha256:03");
    }

    @Test
    void listsFilterBySeverityFixabilityOriginNamespaceAndRepository() {
        store.putImage(image("sha256:aa", "reg/team/app"));
        store.putImage(image("sha256:bb", "reg/team/db"));
        store.putMatches(List.of(
                match("sha256:aa", new FindingCounts(1, 0, 0, 0, 0, 0, 1, 0, 0),
                        new VulnHit("CVE-9", "sha256:aa", "pkg:generic/lodash@1", "lodash", "1", "application", "CRITICAL", null)),
                match("sha256:bb", new FindingCounts(0, 1, 0, 0, 0, 1, 0, 1, 1),
                        new VulnHit("CVE-8", "sha256:bb", "pkg:generic/zlib@1", "zlib", "1", "base", "HIGH", "2"),
                        new VulnHit("CVE-9", "sha256:bb", "pkg:generic/lodash@1", "lodash", "1", "application", "CRITICAL", null))), List.of(),
                List.of());
        store.putPod("prod", "db-0", List.of(new RunningContainer("prod", "db-0", "db", "StatefulSet", "db", "reg/team/db:1", "sha256:bb", t0)));

        assertThat(store.imageSummaries(new ImageFilter("CRITICAL", null, null, null, null), 0, 10).items())
                .extracting(ImageSummary::digest).containsExactly("sha256:aa");
        assertThat(store.imageSummaries(new ImageFilter(null, true, null, null, null), 0, 10).items())
                .extracting(ImageSummary::digest).containsExactly("sha256:bb");
        assertThat(store.imageSummaries(new ImageFilter(null, null, "base", null, null), 0, 10).items())
                .extracting(ImageSummary::digest).containsExactly("sha256:bb");
        assertThat(store.imageSummaries(new ImageFilter(null, null, null, "prod", null), 0, 10).items())
                .extracting(ImageSummary::digest).containsExactly("sha256:bb");
        assertThat(store.imageSummaries(new ImageFilter(null, null, null, null, "team/app"), 0, 10).items())
                .extracting(ImageSummary::digest).containsExactly("sha256:aa");
        Page<ImageSummary> page = store.imageSummaries(ImageFilter.ALL, 1, 1);
        assertThat(page.total()).isEqualTo(2);
        assertThat(page.items()).hasSize(1);

        Page<VulnSummary> vulns = store.vulns(ImageFilter.ALL, 0, 10);
        assertThat(vulns.items()).containsExactly(new VulnSummary("CVE-9", "CRITICAL", 2, 0, 0, 2),
                new VulnSummary("CVE-8", "HIGH", 1, 1, 1, 0));
        assertThat(store.vulns(new ImageFilter(null, true, null, null, null), 0, 10).items()).extracting(VulnSummary::vulnId)
                .containsExactly("CVE-8");
        assertThat(store.vulns(new ImageFilter(null, null, null, "prod", null), 0, 10).total()).isEqualTo(2);
        assertThat(store.vulns(new ImageFilter(null, null, null, "staging", null), 0, 10).total()).isZero();
    }

    @Test
    void aPodsContainersAreReplacedAndRemovedWithIt() {
        RunningContainer a = new RunningContainer("ns", "web-1", "app", "Deployment", "web", "r/app:1", "sha256:aa", t0);
        RunningContainer b = new RunningContainer("ns", "web-1", "side", "Deployment", "web", "r/side:1", "sha256:bb", t0);
        store.putPod("ns", "web-1", List.of(a, b));
        store.putPod("ns", "web-2", List.of(new RunningContainer("ns", "web-2", "app", "Deployment", "web", "r/app:1", "sha256:aa", t0)));
        assertThat(store.running("sha256:aa")).extracting(RunningContainer::pod).containsExactly("web-1", "web-2");
        assertThat(store.overview().workloads()).isEqualTo(1);
        store.putPod("ns", "web-1", List.of(a));
        assertThat(store.running("sha256:bb")).isEmpty();
        store.putPod("ns", "web-1", List.of());
        assertThat(store.running(null)).extracting(RunningContainer::pod).containsExactly("web-2");
    }

    @Test
    void tokensAreFoundByHashOnlyAndNamesAreUnique() {
        assertThat(store.putToken("ci", "h1", ApiToken.Role.READ, t0)).isTrue();
        assertThat(store.putToken("ci", "h2", ApiToken.Role.ADMIN, t0)).isFalse();
        assertThat(store.tokenByHash("h1")).contains(new ApiToken("ci", ApiToken.Role.READ, t0));
        assertThat(store.tokenByHash("h2")).isEmpty();
        assertThat(store.deleteToken("ci")).isTrue();
        assertThat(store.tokenByHash("h1")).isEmpty();
    }

    @Test
    void admissionDecisionsAndSettingsAreKept() {
        store.recordAdmission(new AdmissionRecord(0, t0, "u1", "ns", "Pod", "p", true, "", "[]"));
        store.recordAdmission(new AdmissionRecord(0, t0, "u2", "ns", "Pod", "q", false, "unsigned", "[]"));
        assertThat(store.admissions(10, false)).extracting(AdmissionRecord::uid).containsExactly("u2", "u1");
        assertThat(store.admissions(10, true)).extracting(AdmissionRecord::message).containsExactly("unsigned");
        // many in one transaction, kept in their order
        store.recordAdmissions(List.of(new AdmissionRecord(0, t0, "u3", "ns", "Pod", "r", true, "", "[]"),
                new AdmissionRecord(0, t0, "u4", "ns", "Deployment", "s", false, "no attestation", "[{\"image\":\"x\"}]"),
                new AdmissionRecord(0, t0, "u5", "ns", "Pod", "t", true, "", "[]")));
        store.recordAdmissions(List.of());
        assertThat(store.admissions(10, false)).extracting(AdmissionRecord::uid).containsExactly("u5", "u4", "u3", "u2", "u1");
        assertThat(store.admissions(10, true)).extracting(AdmissionRecord::images).containsExactly("[{\"image\":\"x\"}]", "[]");
        store.putSetting("db", "v1", t0);
        store.putSetting("db", "v2", t0);
        assertThat(store.setting("db")).contains("v2");
        assertThat(store.setting("none")).isEmpty();
    }

    @Test
    void aWorkerTakesOnlyTheKindsItRuns() {
        store.enqueue(new JobSpec("a", "1", "{}", t0));
        store.enqueue(new JobSpec("b", "1", "{}", t0));
        assertThat(store.claim("w", Duration.ofMinutes(1), t0, Set.of("b")).orElseThrow().kind()).isEqualTo("b");
        assertThat(store.claim("w", Duration.ofMinutes(1), t0, Set.of("b"))).isEmpty();
        assertThat(store.jobCounts()).containsEntry("a/PENDING", 1L).containsEntry("b/RUNNING", 1L);
    }

    @Test
    void oneStoreAtATimeLeadsADutyAndClosingHandsItOn() {
        assertThat(store.lead("poll")).isTrue();
        assertThat(store.lead("poll")).isTrue();
        try (Store other = reopen()) {
            assertThat(other.lead("poll")).isFalse();
            assertThat(other.lead("db-update")).isTrue();
            store.close();
            assertThat(other.lead("poll")).isTrue();
        } finally {
            store = reopen();
        }
    }

    AuditEntry audit(String subject, String message) {
        return new AuditEntry(subject, t0, "note", message, null, 0);
    }
}
