package io.drydock.rebuild;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.drydock.DrydockException;
import io.drydock.image.Digest;
import io.drydock.image.ImageReference;
import io.drydock.image.Manifest;
import io.drydock.image.registry.CredentialStore;
import io.drydock.image.registry.RegistryClient;
import io.drydock.testing.TestImages;
import io.drydock.testing.TestRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each CI trigger against a small HTTP server that follows the service's documented API (paths, status codes,
 * headers, JSON shapes, its validation of credentials and parameters), and a real registry whose target tag the fake
 * CI moves when its build succeeds.
 */
class CiTriggersTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "tok-3f9a1c77e2b04d55";
    static final String READ_TOKEN = "glpat-read-77aa11";
    static final String HOOK_SECRET = "hmac-secret-5521";
    static final Map<String, String> ENV = Map.of("CI_TOKEN", TOKEN, "GL_READ", READ_TOKEN, "HOOK_SECRET", HOOK_SECRET);

    static TestRegistry registry;
    static RegistryClient client;
    static Digest oldDigest;
    static Digest newDigest;
    static Manifest oldManifest;
    static Manifest newManifest;

    final List<Fake> servers = new ArrayList<>();

    @BeforeAll
    static void start() {
        registry = TestRegistry.open();
        client = new RegistryClient(CredentialStore.none(), RegistryClient.Options.defaults());
        registry.push(TestImages.ociRef("base"), "ci/app:1");
        registry.push(TestImages.ociRef("app"), "ci/app:built");
        oldManifest = client.manifest(ref("ci/app:1"));
        newManifest = client.manifest(ref("ci/app:built"));
        oldDigest = oldManifest.digest();
        newDigest = newManifest.digest();
        assertThat(oldDigest).isNotEqualTo(newDigest);
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    @AfterEach
    void closeServers() {
        servers.forEach(Fake::close);
    }

    static ImageReference ref(String repoAndTag) {
        return ImageReference.parse(registry.hostPort() + "/" + repoAndTag);
    }

    /** The target starts out as the old image. */
    static ImageReference target(String tag) {
        client.pushManifest(ref("ci/app:" + tag), tag, oldManifest);
        return ref("ci/app:" + tag);
    }

    /** What the CI does when its build succeeds: push the new image to the target. */
    static void pushNew(ImageReference target) {
        client.pushManifest(target, target.tag(), newManifest);
    }

    static RebuildRequest request(ImageReference target, String requestId, ObjectNode settings, Duration timeout) {
        return new RebuildRequest(ref("ci/app:1").withDigest(oldDigest), ref("ci/base:1"), ref("ci/base:2").withDigest(oldDigest),
                target, settings, requestId, timeout);
    }

    static String pinnedBase() {
        return registry.hostPort() + "/ci/base@" + oldDigest;
    }

    static ObjectNode settings(Object... keyValues) {
        ObjectNode n = JSON.createObjectNode();
        for (int i = 0; i < keyValues.length; i += 2) n.set((String) keyValues[i], JSON.valueToTree(keyValues[i + 1]));
        return n;
    }

    Fake fake() {
        Fake f = new Fake();
        servers.add(f);
        return f;
    }

    static Map<String, String> strings(JsonNode object) {
        return JSON.convertValue(object, new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() { });
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static void assertNoSecret(Throwable e) {
        String all = e.getMessage() + " " + (e.getCause() == null ? "" : e.getCause().getMessage());
        assertThat(all).doesNotContain(TOKEN).doesNotContain(READ_TOKEN).doesNotContain(HOOK_SECRET)
                .doesNotContain(Base64.getEncoder().encodeToString(("drydock:" + TOKEN).getBytes(StandardCharsets.UTF_8)))
                .doesNotContain(Base64.getEncoder().encodeToString((":" + TOKEN).getBytes(StandardCharsets.UTF_8)));
    }

    // ============================================================================================ Jenkins

    /** Jenkins: parameterized job "rebuild", CSRF protection with session-bound crumbs, queue and builds. */
    final class FakeJenkins {
        final Fake http = fake();
        final String crumb = "5c1e9d0f0a7b43c2";
        final String session = "node01x9k2";
        final Map<Integer, ObjectNode> queue = new ConcurrentHashMap<>();
        final Map<Integer, Build> builds = new ConcurrentHashMap<>();
        final AtomicInteger nextQueueId = new AtomicInteger(17);
        final AtomicInteger nextBuild = new AtomicInteger(42);
        volatile String outcome = "SUCCESS";
        volatile boolean push = true;
        volatile boolean cancelQueue;
        volatile boolean neverFinish;
        volatile int queue503 = 0;
        volatile boolean echoCredentialsOnPost;
        ImageReference target;

        final class Build {
            final int number;
            final Map<String, String> params;
            final AtomicInteger polls = new AtomicInteger();
            volatile String result;
            final String resultWhenDone;

            Build(int number, Map<String, String> params, String resultWhenDone) {
                this.number = number;
                this.params = params;
                this.resultWhenDone = resultWhenDone;
            }

            ObjectNode json() {
                ObjectNode b = JSON.createObjectNode();
                b.put("_class", "hudson.model.FreeStyleBuild");
                ArrayNode parameters = b.putArray("actions").addObject().put("_class", "hudson.model.ParametersAction").putArray("parameters");
                params.forEach((k, v) -> parameters.addObject().put("_class", "hudson.model.StringParameterValue").put("name", k).put("value", v));
                b.withArray("actions").addObject().put("_class", "hudson.model.CauseAction");
                b.put("building", result == null);
                b.put("number", number);
                b.put("id", String.valueOf(number));
                b.put("fullDisplayName", "rebuild #" + number);
                if (result == null) b.putNull("result"); else b.put("result", result);
                b.put("url", http.url() + "/job/rebuild/" + number + "/");
                return b;
            }
        }

        FakeJenkins() {
            http.route("GET", "/crumbIssuer/api/json", r -> {
                if (!authorized(r)) return unauthorized();
                return Reply.json(200, JSON.createObjectNode().put("_class", "hudson.security.csrf.DefaultCrumbIssuer")
                        .put("crumb", crumb).put("crumbRequestField", "Jenkins-Crumb"))
                        .header("Set-Cookie", "JSESSIONID.4a1b2c3d=" + session + "; Path=/; HttpOnly");
            });
            http.route("POST", "/job/rebuild/buildWithParameters", r -> {
                if (!authorized(r)) return unauthorized();
                if (echoCredentialsOnPost) {
                    return Reply.html(400, "<html><body><h2>HTTP ERROR 400</h2><p>bad request from " + r.header("Authorization")
                            + " token=" + TOKEN + "</p></body></html>");
                }
                String cookie = r.header("Cookie");
                if (!crumb.equals(r.header("Jenkins-Crumb")) || cookie == null || !cookie.contains("JSESSIONID.4a1b2c3d=" + session)) {
                    return Reply.html(403, "<html><head><title>Error 403 No valid crumb was included in the request</title></head>"
                            + "<body><h2>HTTP ERROR 403 No valid crumb was included in the request</h2></body></html>");
                }
                if (!"application/x-www-form-urlencoded".equals(r.header("Content-Type"))) return Reply.html(415, "form expected");
                Map<String, String> params = r.form();
                // Jenkins merges a trigger into a queued item with the same parameters.
                for (Map.Entry<Integer, ObjectNode> e : queue.entrySet()) {
                    if (e.getValue().path("_params").equals(JSON.valueToTree(params)) && !e.getValue().has("executable")) {
                        return Reply.empty(201).header("Location", http.url() + "/queue/item/" + e.getKey() + "/");
                    }
                }
                int id = nextQueueId.getAndIncrement();
                ObjectNode item = JSON.createObjectNode();
                item.set("_params", JSON.valueToTree(params));
                item.put("_polls", 0);
                queue.put(id, item);
                return Reply.empty(201).header("Location", http.url() + "/queue/item/" + id + "/");
            });
            http.route("GET", "/queue/item/(\\d+)/api/json", r -> {
                if (!authorized(r)) return unauthorized();
                if (queue503 > 0) {
                    queue503--;
                    return Reply.html(503, "<html><body>Jenkins is restarting</body></html>");
                }
                int id = Integer.parseInt(r.group(1));
                ObjectNode item = queue.get(id);
                if (item == null) return Reply.html(404, "<html><body>Not Found</body></html>");
                int polls = item.path("_polls").asInt() + 1;
                item.put("_polls", polls);
                ObjectNode out = JSON.createObjectNode();
                out.put("id", id);
                if (cancelQueue && polls >= 2) {
                    out.put("_class", "hudson.model.Queue$LeftItem").put("cancelled", true).putNull("executable");
                } else if (polls < 2) {
                    out.put("_class", "hudson.model.Queue$WaitingItem").put("blocked", false).put("buildable", false)
                            .put("why", "In the quiet period. Expires in 4.9 sec");
                } else {
                    if (!item.has("executable")) {
                        Map<String, String> params = JSON.convertValue(item.path("_params"), JSON.getTypeFactory()
                                .constructMapType(LinkedHashMap.class, String.class, String.class));
                        Build b = new Build(nextBuild.getAndIncrement(), params, outcome);
                        builds.put(b.number, b);
                        item.set("executable", JSON.createObjectNode().put("_class", "hudson.model.FreeStyleBuild")
                                .put("number", b.number).put("url", http.url() + "/job/rebuild/" + b.number + "/"));
                    }
                    out.put("_class", "hudson.model.Queue$LeftItem").put("cancelled", false).set("executable", item.get("executable"));
                }
                return Reply.json(200, out);
            });
            http.route("GET", "/job/rebuild/(\\d+)/api/json", r -> {
                if (!authorized(r)) return unauthorized();
                Build b = builds.get(Integer.parseInt(r.group(1)));
                if (b == null) return Reply.html(404, "<html><body>Not Found</body></html>");
                if (b.polls.incrementAndGet() >= 3 && b.result == null && !neverFinish) {
                    if ("SUCCESS".equals(b.resultWhenDone) && push) pushNew(target);
                    b.result = b.resultWhenDone;
                }
                return Reply.json(200, b.json());
            });
            http.route("GET", "/job/rebuild/api/json", r -> {
                if (!authorized(r)) return unauthorized();
                ObjectNode job = JSON.createObjectNode().put("_class", "hudson.model.FreeStyleProject");
                ArrayNode list = job.putArray("builds");
                builds.values().stream().sorted((a, b) -> b.number - a.number).forEach(b -> list.add(b.json()));
                return Reply.json(200, job);
            });
        }

        boolean authorized(Req r) {
            return basic("drydock", TOKEN).equals(r.header("Authorization"));
        }

        Reply unauthorized() {
            return Reply.html(401, "<html><body>Invalid password/token for user: drydock</body></html>")
                    .header("WWW-Authenticate", "Basic realm=\"Jenkins\"");
        }

        ObjectNode settings() {
            return CiTriggersTest.settings("url", http.url() + "/", "job", "rebuild", "user", "drydock", "tokenEnv", "CI_TOKEN", "pollMillis", 20);
        }
    }

    @Test
    void jenkinsFetchesACrumbTriggersWithTheParametersAndFollowsQueueAndBuild() {
        FakeJenkins j = new FakeJenkins();
        j.target = target("jenkins-ok");
        RebuildResult result = new JenkinsTrigger(r -> client.head(r).map(d -> d.digest()), ENV::get)
                .rebuild(request(j.target, "req-jenkins-ok", j.settings(), Duration.ofSeconds(30)));

        assertThat(result.digest()).isEqualTo(newDigest);
        assertThat(client.head(j.target).orElseThrow().digest()).isEqualTo(newDigest);
        assertThat(result.facts()).containsEntry("buildNumber", "42")
                .containsEntry("buildUrl", j.http.url() + "/job/rebuild/42/")
                .containsEntry("previousDigest", oldDigest.toString());
        List<Req> posts = j.http.requests("POST", "/job/rebuild/buildWithParameters");
        assertThat(posts).hasSize(2);
        assertThat(posts.get(0).header("Jenkins-Crumb")).as("the first try has no crumb; Jenkins answers 403").isNull();
        Req accepted = posts.get(1);
        assertThat(accepted.header("Jenkins-Crumb")).isEqualTo(j.crumb);
        assertThat(accepted.header("Cookie")).contains("JSESSIONID.4a1b2c3d=" + j.session);
        assertThat(accepted.header("Authorization")).isEqualTo(basic("drydock", TOKEN));
        assertThat(accepted.form()).containsExactly(Map.entry("IMAGE", ref("ci/app:1").withDigest(oldDigest).toString()),
                Map.entry("BASE", pinnedBase()), Map.entry("TARGET", j.target.toString()), Map.entry("DRYDOCK_REQUEST_ID", "req-jenkins-ok"));
        assertThat(j.http.requests("GET", "/crumbIssuer/api/json")).hasSize(1);
        assertThat(j.http.requests("GET", "/queue/item/17/api/json")).hasSizeGreaterThanOrEqualTo(2);
        assertThat(j.http.requests("GET", "/job/rebuild/42/api/json")).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void jenkinsFailureReportsResultAndBuildUrl() {
        FakeJenkins j = new FakeJenkins();
        j.target = target("jenkins-fail");
        j.outcome = "FAILURE";
        assertThatThrownBy(() -> jenkins(j).rebuild(request(j.target, "req-jenkins-fail", j.settings(), Duration.ofSeconds(30))))
                .isInstanceOf(DrydockException.class)
                .hasMessageContaining("jenkins rebuild of " + ref("ci/app:1").withDigest(oldDigest))
                .hasMessageContaining("FAILURE")
                .hasMessageContaining(j.http.url() + "/job/rebuild/42/")
                .satisfies(CiTriggersTest::assertNoSecret);
        assertThat(client.head(j.target).orElseThrow().digest()).isEqualTo(oldDigest);
    }

    @Test
    void jenkinsUnstableAndAbortedAreFailuresToo() {
        for (String outcome : List.of("UNSTABLE", "ABORTED")) {
            FakeJenkins j = new FakeJenkins();
            j.target = target("jenkins-" + outcome.toLowerCase());
            j.outcome = outcome;
            assertThatThrownBy(() -> jenkins(j).rebuild(request(j.target, "req-" + outcome, j.settings(), Duration.ofSeconds(30))))
                    .hasMessageContaining("finished " + outcome);
        }
    }

    @Test
    void jenkinsCancelledQueueItemIsAFailure() {
        FakeJenkins j = new FakeJenkins();
        j.target = target("jenkins-cancel");
        j.cancelQueue = true;
        assertThatThrownBy(() -> jenkins(j).rebuild(request(j.target, "req-jenkins-cancel", j.settings(), Duration.ofSeconds(30))))
                .hasMessageContaining("queue item " + j.http.url() + "/queue/item/17/")
                .hasMessageContaining("cancelled");
        assertThat(j.builds).isEmpty();
    }

    @Test
    void jenkinsRetryFollowsTheBuildOfTheSameRequestInsteadOfTriggeringAgain() {
        FakeJenkins j = new FakeJenkins();
        j.target = target("jenkins-retry");
        Map<String, String> params = Map.of("DRYDOCK_REQUEST_ID", "req-jenkins-retry");
        FakeJenkins.Build failed = j.new Build(39, params, "FAILURE");
        failed.result = "FAILURE";
        j.builds.put(39, failed);
        j.builds.put(40, j.new Build(40, params, "SUCCESS"));
        j.builds.put(41, j.new Build(41, Map.of("DRYDOCK_REQUEST_ID", "another-request"), "SUCCESS"));

        RebuildResult result = jenkins(j).rebuild(request(j.target, "req-jenkins-retry", j.settings(), Duration.ofSeconds(30)));

        assertThat(result.facts()).containsEntry("buildNumber", "40").containsEntry("followedExisting", "true");
        assertThat(result.digest()).isEqualTo(newDigest);
        assertThat(j.http.requests("POST", "/job/rebuild/buildWithParameters")).isEmpty();
    }

    @Test
    void jenkinsSuccessWithoutAPushIsAnError() {
        FakeJenkins j = new FakeJenkins();
        j.target = target("jenkins-nopush");
        j.push = false;
        assertThatThrownBy(() -> jenkins(j).rebuild(request(j.target, "req-jenkins-nopush", j.settings(), Duration.ofSeconds(30))))
                .hasMessageContaining("the pipeline succeeded but " + j.target + " still points to " + oldDigest);
    }

    @Test
    void jenkinsRetriesAQueuePollThatFailsWith503() {
        FakeJenkins j = new FakeJenkins();
        j.target = target("jenkins-503");
        j.queue503 = 2;
        assertThat(jenkins(j).rebuild(request(j.target, "req-jenkins-503", j.settings(), Duration.ofSeconds(30))).digest())
                .isEqualTo(newDigest);
    }

    @Test
    void jenkinsTimesOutWhileTheBuildRuns() {
        FakeJenkins j = new FakeJenkins();
        j.target = target("jenkins-slow");
        j.neverFinish = true;
        assertThatThrownBy(() -> jenkins(j).rebuild(request(j.target, "req-jenkins-slow", j.settings(), Duration.ofSeconds(3))))
                .hasMessageContaining("Jenkins build " + j.http.url() + "/job/rebuild/42/ did not finish within 3 s")
                .hasMessageContaining("building");
    }

    @Test
    void jenkinsErrorsNeverContainTheToken() {
        FakeJenkins j = new FakeJenkins();
        j.target = target("jenkins-echo");
        j.echoCredentialsOnPost = true;
        assertThatThrownBy(() -> jenkins(j).rebuild(request(j.target, "req-jenkins-echo", j.settings(), Duration.ofSeconds(30))))
                .hasMessageContaining("POST " + j.http.url() + "/job/rebuild/buildWithParameters answered 400")
                .hasMessageContaining("***")
                .satisfies(CiTriggersTest::assertNoSecret);
    }

    @Test
    void aMissingTokenVariableIsNamedNotGuessed() {
        FakeJenkins j = new FakeJenkins();
        assertThatThrownBy(() -> new JenkinsTrigger(r -> Optional.empty(), name -> null)
                .rebuild(request(ref("ci/app:x"), "req", j.settings(), Duration.ofSeconds(5))))
                .hasMessageContaining("environment variable CI_TOKEN (settings.tokenEnv) is not set");
        assertThat(j.http.requests).isEmpty();
    }

    static JenkinsTrigger jenkins(FakeJenkins j) {
        return new JenkinsTrigger(r -> client.head(r).map(d -> d.digest()), ENV::get);
    }

    // ============================================================================================ GitHub Actions

    /** GitHub's REST API for workflow dispatch and runs; the workflow sets run-name from inputs.request_id. */
    final class FakeGitHub {
        final Fake http = fake();
        final List<ObjectNode> runs = new CopyOnWriteArrayList<>();
        final Map<Long, AtomicInteger> polls = new ConcurrentHashMap<>();
        final AtomicLong nextId = new AtomicLong(9_000_001);
        volatile String conclusion = "success";
        volatile boolean setsRunName = true;
        ImageReference target;

        FakeGitHub() {
            String repo = "/repos/acme/shop/actions";
            http.route("POST", repo + "/workflows/rebuild.yml/dispatches", r -> {
                if (!authorized(r)) return unauthorized();
                JsonNode body = r.json();
                if (!"main".equals(body.path("ref").asText())) {
                    return Reply.json(422, JSON.createObjectNode().put("message", "No ref found for: " + body.path("ref").asText())
                            .put("documentation_url", "https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event")
                            .put("status", "422"));
                }
                List<String> unexpected = new ArrayList<>();
                body.path("inputs").fieldNames().forEachRemaining(n -> {
                    if (!List.of("image", "base", "target", "request_id").contains(n)) unexpected.add(n);
                });
                if (!unexpected.isEmpty()) {
                    return Reply.json(422, JSON.createObjectNode().put("message", "Unexpected inputs provided: " + unexpected).put("status", "422"));
                }
                long id = nextId.getAndIncrement();
                ObjectNode run = run(id, setsRunName ? body.path("inputs").path("request_id").asText() : "Rebuild", "queued", null);
                run.put("_hiddenFor", 1);
                runs.add(0, run);
                return Reply.empty(204);
            });
            http.route("GET", repo + "/workflows/rebuild.yml/runs", r -> {
                if (!authorized(r)) return unauthorized();
                ArrayNode list = JSON.createArrayNode();
                for (ObjectNode run : runs) {
                    // A new run shows up in the listing a moment after the dispatch.
                    if (run.path("_hiddenFor").asInt() > 0) {
                        run.put("_hiddenFor", run.path("_hiddenFor").asInt() - 1);
                        continue;
                    }
                    if (r.query().containsKey("event") && !r.query().get("event").equals(run.path("event").asText())) continue;
                    if (r.query().containsKey("branch") && !r.query().get("branch").equals(run.path("head_branch").asText())) continue;
                    list.add(visible(run));
                }
                ObjectNode out = JSON.createObjectNode().put("total_count", list.size());
                out.set("workflow_runs", list);
                return Reply.json(200, out);
            });
            http.route("GET", repo + "/runs/(\\d+)", r -> {
                if (!authorized(r)) return unauthorized();
                long id = Long.parseLong(r.group(1));
                ObjectNode run = runs.stream().filter(x -> x.path("id").asLong() == id).findFirst().orElse(null);
                if (run == null) return Reply.json(404, JSON.createObjectNode().put("message", "Not Found"));
                int n = polls.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                if (!"completed".equals(run.path("status").asText())) {
                    if (n == 1) run.put("status", "in_progress");
                    else if (n >= 3) {
                        String c = run.has("_conclusion") ? run.path("_conclusion").asText() : conclusion;
                        if ("success".equals(c)) pushNew(target);
                        run.put("status", "completed").put("conclusion", c);
                    }
                }
                return Reply.json(200, visible(run));
            });
        }

        ObjectNode run(long id, String displayTitle, String status, String conclusion) {
            ObjectNode run = JSON.createObjectNode();
            run.put("id", id).put("name", "Rebuild image").put("display_title", displayTitle).put("head_branch", "main")
                    .put("event", "workflow_dispatch").put("status", status).put("run_number", id - 9_000_000)
                    .put("workflow_id", 161335).put("created_at", Instant.now().toString().replaceAll("\\.\\d+Z", "Z"))
                    .put("html_url", "https://github.com/acme/shop/actions/runs/" + id);
            if (conclusion == null) run.putNull("conclusion"); else run.put("conclusion", conclusion);
            return run;
        }

        ObjectNode visible(ObjectNode run) {
            ObjectNode copy = run.deepCopy();
            copy.remove(List.of("_hiddenFor", "_conclusion"));
            return copy;
        }

        boolean authorized(Req r) {
            return ("Bearer " + TOKEN).equals(r.header("Authorization")) && "application/vnd.github+json".equals(r.header("Accept"))
                    && "2022-11-28".equals(r.header("X-GitHub-Api-Version")) && r.header("User-Agent") != null;
        }

        Reply unauthorized() {
            return Reply.json(401, JSON.createObjectNode().put("message", "Bad credentials")
                    .put("documentation_url", "https://docs.github.com/rest").put("status", "401"));
        }

        ObjectNode settings() {
            return CiTriggersTest.settings("apiUrl", http.url(), "owner", "acme", "repo", "shop", "workflow", "rebuild.yml",
                    "ref", "main", "tokenEnv", "CI_TOKEN", "pollMillis", 20);
        }

        GitHubActionsTrigger trigger() {
            return new GitHubActionsTrigger(r -> client.head(r).map(d -> d.digest()), ENV::get);
        }
    }

    @Test
    void githubDispatchesFindsTheRunByItsNameAndFollowsItToSuccess() {
        FakeGitHub gh = new FakeGitHub();
        gh.target = target("gh-ok");
        // Earlier runs: another request, and a failed run of this very request (a retry after it must dispatch anew).
        gh.runs.add(gh.run(8_000_001, "req-other", "completed", "success"));
        gh.runs.add(gh.run(8_000_002, "req-gh-ok", "completed", "failure"));

        RebuildResult result = gh.trigger().rebuild(request(gh.target, "req-gh-ok", gh.settings(), Duration.ofSeconds(30)));

        assertThat(result.digest()).isEqualTo(newDigest);
        assertThat(result.facts()).containsEntry("runId", "9000001")
                .containsEntry("runUrl", "https://github.com/acme/shop/actions/runs/9000001");
        List<Req> dispatches = gh.http.requests("POST", "/repos/acme/shop/actions/workflows/rebuild.yml/dispatches");
        assertThat(dispatches).hasSize(1);
        JsonNode body = dispatches.get(0).json();
        assertThat(body.path("ref").asText()).isEqualTo("main");
        assertThat(strings(body.path("inputs"))).containsExactlyInAnyOrderEntriesOf(Map.of(
                "image", ref("ci/app:1").withDigest(oldDigest).toString(), "base", pinnedBase(),
                "target", gh.target.toString(), "request_id", "req-gh-ok"));
        assertThat(dispatches.get(0).header("Content-Type")).isEqualTo("application/json");
        Req list = gh.http.requests("GET", "/repos/acme/shop/actions/workflows/rebuild.yml/runs").get(0);
        assertThat(list.query()).containsEntry("event", "workflow_dispatch").containsEntry("branch", "main");
        assertThat(gh.http.requests("GET", "/repos/acme/shop/actions/runs/8000002")).as("the old failed run is not followed").isEmpty();
    }

    @Test
    void githubRetryFollowsTheRunningRunOfTheSameRequest() {
        FakeGitHub gh = new FakeGitHub();
        gh.target = target("gh-retry");
        gh.runs.add(gh.run(8_000_010, "req-gh-retry", "in_progress", null));

        RebuildResult result = gh.trigger().rebuild(request(gh.target, "req-gh-retry", gh.settings(), Duration.ofSeconds(30)));

        assertThat(result.facts()).containsEntry("runId", "8000010").containsEntry("followedExisting", "true");
        assertThat(result.digest()).isEqualTo(newDigest);
        assertThat(gh.http.requests("POST", "/repos/acme/shop/actions/workflows/rebuild.yml/dispatches")).isEmpty();
    }

    @Test
    void githubFailedConclusionNamesTheRun() {
        FakeGitHub gh = new FakeGitHub();
        gh.target = target("gh-fail");
        gh.conclusion = "failure";
        assertThatThrownBy(() -> gh.trigger().rebuild(request(gh.target, "req-gh-fail", gh.settings(), Duration.ofSeconds(30))))
                .hasMessageContaining("github-actions rebuild of")
                .hasMessageContaining("concluded failure")
                .hasMessageContaining("https://github.com/acme/shop/actions/runs/9000001")
                .satisfies(CiTriggersTest::assertNoSecret);
    }

    @Test
    void githubRefusedDispatchShowsGitHubsMessage() {
        FakeGitHub gh = new FakeGitHub();
        gh.target = target("gh-badref");
        ObjectNode s = gh.settings().put("ref", "release");
        assertThatThrownBy(() -> gh.trigger().rebuild(request(gh.target, "req-gh-badref", s, Duration.ofSeconds(30))))
                .hasMessageContaining("422")
                .hasMessageContaining("No ref found for: release")
                .hasMessageContaining(gh.http.url() + "/repos/acme/shop/actions/workflows/rebuild.yml/dispatches");
    }

    @Test
    void githubTimesOutWhenTheWorkflowDoesNotNameItsRun() {
        FakeGitHub gh = new FakeGitHub();
        gh.target = target("gh-noname");
        gh.setsRunName = false;
        assertThatThrownBy(() -> gh.trigger().rebuild(request(gh.target, "req-gh-noname", gh.settings(), Duration.ofMillis(600))))
                .hasMessageContaining("did not finish within 600 ms")
                .hasMessageContaining("run-name: ${{ inputs.request_id }}");
        assertThat(gh.http.requests("POST", "/repos/acme/shop/actions/workflows/rebuild.yml/dispatches")).hasSize(1);
    }

    @Test
    void githubBadCredentialsAreReportedWithoutTheToken() {
        FakeGitHub gh = new FakeGitHub();
        Map<String, String> wrongEnv = Map.of("CI_TOKEN", TOKEN + "-revoked");
        assertThatThrownBy(() -> new GitHubActionsTrigger(r -> Optional.empty(), wrongEnv::get)
                .rebuild(request(ref("ci/app:gh-401"), "req-gh-401", gh.settings(), Duration.ofSeconds(5))))
                .hasMessageContaining("401")
                .hasMessageContaining("Bad credentials")
                .satisfies(CiTriggersTest::assertNoSecret);
    }

    // ============================================================================================ Azure Pipelines

    /** Azure DevOps: Pipelines Runs API, Build API tags; a wrong PAT gets the 203 sign-in page. */
    final class FakeAzure {
        final Fake http = fake();
        final Map<Long, ObjectNode> runs = new ConcurrentHashMap<>();
        final AtomicLong nextId = new AtomicLong(1201);
        volatile String result = "succeeded";
        ImageReference target;

        FakeAzure() {
            String project = "/contoso/Shop%20Apps";
            http.route("POST", project + "/_apis/pipelines/7/runs", r -> {
                if (!authorized(r)) return signIn();
                if (!"7.1".equals(r.query().get("api-version"))) return versionMissing();
                JsonNode body = r.json();
                for (String name : iterable(body.path("templateParameters").fieldNames())) {
                    if (!List.of("image", "base", "target", "requestId").contains(name)) {
                        return Reply.json(400, JSON.createObjectNode().put("$id", "1").putNull("innerException")
                                .put("message", "Unexpected parameter '" + name + "'")
                                .put("typeName", "Microsoft.Azure.Pipelines.WebApi.PipelineValidationException, Microsoft.Azure.Pipelines.WebApi"));
                    }
                }
                long id = nextId.getAndIncrement();
                ObjectNode run = JSON.createObjectNode();
                ObjectNode links = run.putObject("_links");
                links.putObject("self").put("href", http.url() + project + "/_apis/pipelines/7/runs/" + id);
                links.putObject("web").put("href", http.url() + project + "/_build/results?buildId=" + id);
                run.putObject("pipeline").put("id", 7).put("name", "rebuild").put("folder", "\\");
                run.put("state", "inProgress").put("createdDate", Instant.now().toString()).put("id", id).put("name", "20260101." + id);
                run.put("url", http.url() + project + "/_apis/pipelines/7/runs/" + id);
                run.set("templateParameters", body.path("templateParameters"));
                run.set("_request", body);
                run.putArray("_tags");
                run.put("_polls", 0);
                runs.put(id, run);
                return Reply.json(200, visible(run));
            });
            http.route("PUT", project + "/_apis/build/builds/(\\d+)/tags/([^/]+)", r -> {
                if (!authorized(r)) return signIn();
                ObjectNode run = runs.get(Long.parseLong(r.group(1)));
                if (run == null) return Reply.json(404, JSON.createObjectNode().put("message", "Build not found"));
                run.withArray("_tags").add(r.group(2));
                return Reply.json(200, JSON.createObjectNode().put("count", 1).set("value", run.withArray("_tags")));
            });
            http.route("GET", project + "/_apis/build/builds", r -> {
                if (!authorized(r)) return signIn();
                if (!"7.1".equals(r.query().get("api-version"))) return versionMissing();
                ArrayNode value = JSON.createArrayNode();
                runs.values().stream().sorted((a, b) -> Long.compare(b.path("id").asLong(), a.path("id").asLong()))
                        .filter(run -> "7".equals(r.query().get("definitions")))
                        .filter(run -> !r.query().containsKey("tagFilters") || run.withArray("_tags").toString()
                                .contains("\"" + r.query().get("tagFilters") + "\""))
                        .forEach(run -> value.addObject().put("id", run.path("id").asLong())
                                .put("status", "completed".equals(run.path("state").asText()) ? "completed" : "inProgress")
                                .put("result", run.path("result").asText("none")).set("tags", run.withArray("_tags")));
                return Reply.json(200, JSON.createObjectNode().put("count", value.size()).set("value", value));
            });
            http.route("GET", project + "/_apis/pipelines/7/runs/(\\d+)", r -> {
                if (!authorized(r)) return signIn();
                ObjectNode run = runs.get(Long.parseLong(r.group(1)));
                if (run == null) return Reply.json(404, JSON.createObjectNode().put("message", "Run not found"));
                int polls = run.path("_polls").asInt() + 1;
                run.put("_polls", polls);
                if (polls >= 3 && !"completed".equals(run.path("state").asText())) {
                    if ("succeeded".equals(result)) pushNew(target);
                    run.put("state", "completed").put("result", result).put("finishedDate", Instant.now().toString());
                }
                return Reply.json(200, visible(run));
            });
        }

        ObjectNode visible(ObjectNode run) {
            ObjectNode copy = run.deepCopy();
            copy.remove(List.of("_request", "_tags", "_polls"));
            return copy;
        }

        boolean authorized(Req r) {
            return basic("", TOKEN).equals(r.header("Authorization"));
        }

        Reply signIn() {
            return Reply.html(203, "<html><head><title>Azure DevOps Services | Sign In</title></head><body>Sign in</body></html>");
        }

        Reply versionMissing() {
            return Reply.json(400, JSON.createObjectNode().put("message", "No api-version was supplied for the request")
                    .put("typeName", "Microsoft.VisualStudio.Services.WebApi.VssVersionNotSpecifiedException"));
        }

        ObjectNode settings() {
            return CiTriggersTest.settings("organizationUrl", http.url() + "/contoso", "project", "Shop Apps", "pipelineId", "7",
                    "refName", "refs/heads/main", "tokenEnv", "CI_TOKEN", "pollMillis", 20);
        }

        AzurePipelinesTrigger trigger(Map<String, String> env) {
            return new AzurePipelinesTrigger(r -> client.head(r).map(d -> d.digest()), env::get);
        }
    }

    static <T> Iterable<T> iterable(java.util.Iterator<T> it) {
        return () -> it;
    }

    @Test
    void azureRunsThePipelineTagsTheRunAndARetryFollowsIt() {
        FakeAzure az = new FakeAzure();
        az.target = target("az-ok");
        RebuildRequest req = request(az.target, "req-az-ok", az.settings(), Duration.ofSeconds(30));

        RebuildResult result = az.trigger(ENV).rebuild(req);

        assertThat(result.digest()).isEqualTo(newDigest);
        assertThat(result.facts()).containsEntry("runId", "1201").containsEntry("tagged", "true")
                .containsEntry("runUrl", az.http.url() + "/contoso/Shop%20Apps/_build/results?buildId=1201");
        List<Req> posts = az.http.requests("POST", "/contoso/Shop%20Apps/_apis/pipelines/7/runs");
        assertThat(posts).hasSize(1);
        JsonNode body = posts.get(0).json();
        assertThat(strings(body.path("templateParameters"))).containsExactlyInAnyOrderEntriesOf(Map.of(
                "image", ref("ci/app:1").withDigest(oldDigest).toString(), "base", pinnedBase(),
                "target", az.target.toString(), "requestId", "req-az-ok"));
        assertThat(body.path("resources").path("repositories").path("self").path("refName").asText()).isEqualTo("refs/heads/main");
        assertThat(az.runs.get(1201L).withArray("_tags").get(0).asText()).isEqualTo(AzurePipelinesTrigger.tag("req-az-ok"));

        // The same request again: the tagged run is found and followed; no second run.
        RebuildResult again = az.trigger(ENV).rebuild(request(az.target, "req-az-ok", az.settings(), Duration.ofSeconds(30)));
        assertThat(again.facts()).containsEntry("runId", "1201").containsEntry("followedExisting", "true");
        assertThat(again.digest()).isEqualTo(newDigest);
        assertThat(az.http.requests("POST", "/contoso/Shop%20Apps/_apis/pipelines/7/runs")).hasSize(1);
    }

    @Test
    void azureFailedRunIsAnErrorWithTheRunsPage() {
        FakeAzure az = new FakeAzure();
        az.target = target("az-fail");
        az.result = "failed";
        assertThatThrownBy(() -> az.trigger(ENV).rebuild(request(az.target, "req-az-fail", az.settings(), Duration.ofSeconds(30))))
                .hasMessageContaining("azure-pipelines rebuild of")
                .hasMessageContaining("run 1201 finished failed")
                .hasMessageContaining("/_build/results?buildId=1201");
        // A retry after a failure starts a new run.
        az.result = "succeeded";
        assertThat(az.trigger(ENV).rebuild(request(az.target, "req-az-fail", az.settings(), Duration.ofSeconds(30))).facts())
                .containsEntry("runId", "1202");
    }

    @Test
    void azureSignInPageMeansTheTokenWasRefused() {
        FakeAzure az = new FakeAzure();
        Map<String, String> wrong = Map.of("CI_TOKEN", TOKEN + "-expired");
        assertThatThrownBy(() -> az.trigger(wrong).rebuild(request(ref("ci/app:az-203"), "req-az-203", az.settings(), Duration.ofSeconds(5))))
                .hasMessageContaining("203")
                .hasMessageContaining("did not accept the personal access token")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TOKEN + "-expired"));
        assertThat(az.runs).isEmpty();
    }

    @Test
    void azureTimesOut() {
        FakeAzure az = new FakeAzure();
        az.target = target("az-slow");
        ObjectNode s = az.settings().put("pollMillis", 400);
        assertThatThrownBy(() -> az.trigger(ENV).rebuild(request(az.target, "req-az-slow", s, Duration.ofMillis(300))))
                .hasMessageContaining("Azure Pipelines run 1201 of pipeline 7 did not finish within 300 ms")
                .hasMessageContaining("state inProgress");
    }

    // ============================================================================================ GitLab

    /** GitLab: pipeline trigger API (trigger token in the form), pipelines API with a PRIVATE-TOKEN. */
    final class FakeGitLab {
        final Fake http = fake();
        final Map<Long, ObjectNode> pipelines = new ConcurrentHashMap<>();
        final AtomicLong nextId = new AtomicLong(5501);
        volatile String finalStatus = "success";
        ImageReference target;

        FakeGitLab() {
            String project = "/api/v4/projects/42";
            http.route("POST", project + "/trigger/pipeline", r -> {
                Map<String, String> form = r.form();
                if (!TOKEN.equals(form.get("token"))) return Reply.json(404, JSON.createObjectNode().put("message", "404 Not Found"));
                if (!"main".equals(form.get("ref"))) {
                    ObjectNode err = JSON.createObjectNode();
                    err.putObject("message").putArray("base").add("Reference not found");
                    return Reply.json(400, err);
                }
                long id = nextId.getAndIncrement();
                ObjectNode p = pipeline(id, "created");
                ArrayNode vars = p.putArray("_variables");
                form.forEach((k, v) -> {
                    Matcher m = Pattern.compile("variables\\[(.+)]").matcher(k);
                    if (m.matches()) vars.addObject().put("variable_type", "env_var").put("key", m.group(1)).put("value", v);
                });
                pipelines.put(id, p);
                return Reply.json(201, visible(p));
            });
            http.route("GET", project + "/pipelines", r -> {
                if (!authorized(r)) return unauthorized();
                ArrayNode list = JSON.createArrayNode();
                pipelines.values().stream().sorted((a, b) -> Long.compare(b.path("id").asLong(), a.path("id").asLong()))
                        .filter(p -> !r.query().containsKey("ref") || r.query().get("ref").equals(p.path("ref").asText()))
                        .filter(p -> !r.query().containsKey("source") || r.query().get("source").equals(p.path("source").asText()))
                        .forEach(p -> list.add(visible(p)));
                return Reply.json(200, list);
            });
            http.route("GET", project + "/pipelines/(\\d+)/variables", r -> {
                if (!authorized(r)) return unauthorized();
                ObjectNode p = pipelines.get(Long.parseLong(r.group(1)));
                return p == null ? Reply.json(404, JSON.createObjectNode().put("message", "404 Not found")) : Reply.json(200, p.get("_variables"));
            });
            http.route("GET", project + "/pipelines/(\\d+)", r -> {
                if (!authorized(r)) return unauthorized();
                ObjectNode p = pipelines.get(Long.parseLong(r.group(1)));
                if (p == null) return Reply.json(404, JSON.createObjectNode().put("message", "404 Not found"));
                int polls = p.path("_polls").asInt() + 1;
                p.put("_polls", polls);
                String status = p.path("status").asText();
                if (!GitLabTrigger.FINISHED.contains(status)) {
                    if (polls == 1 && "created".equals(status)) p.put("status", "pending");
                    else if (polls == 2) p.put("status", "running");
                    else {
                        if ("success".equals(finalStatus)) pushNew(target);
                        p.put("status", finalStatus).put("finished_at", Instant.now().toString());
                    }
                }
                return Reply.json(200, visible(p));
            });
        }

        ObjectNode pipeline(long id, String status) {
            ObjectNode p = JSON.createObjectNode();
            p.put("id", id).put("iid", id - 5400).put("project_id", 42).put("sha", "a91957a858320c0e17f3a0eca7cfacbff50ea29a")
                    .put("ref", "main").put("status", status).put("source", "trigger").put("created_at", Instant.now().toString())
                    .put("web_url", "https://gitlab.example.com/shop/app/-/pipelines/" + id);
            return p;
        }

        ObjectNode visible(ObjectNode p) {
            ObjectNode copy = p.deepCopy();
            copy.remove(List.of("_variables", "_polls"));
            return copy;
        }

        boolean authorized(Req r) {
            return READ_TOKEN.equals(r.header("PRIVATE-TOKEN"));
        }

        Reply unauthorized() {
            return Reply.json(401, JSON.createObjectNode().put("message", "401 Unauthorized"));
        }

        ObjectNode settings() {
            return CiTriggersTest.settings("gitlabUrl", http.url(), "projectId", "42", "ref", "main", "tokenEnv", "CI_TOKEN",
                    "readTokenEnv", "GL_READ", "pollMillis", 20);
        }

        GitLabTrigger trigger() {
            return new GitLabTrigger(r -> client.head(r).map(d -> d.digest()), ENV::get);
        }
    }

    @Test
    void gitlabTriggersWithVariablesAndFollowsThePipelineWithTheReadToken() {
        FakeGitLab gl = new FakeGitLab();
        gl.target = target("gl-ok");
        RebuildResult result = gl.trigger().rebuild(request(gl.target, "req-gl-ok", gl.settings(), Duration.ofSeconds(30)));

        assertThat(result.digest()).isEqualTo(newDigest);
        assertThat(result.facts()).containsEntry("pipelineId", "5501")
                .containsEntry("pipelineUrl", "https://gitlab.example.com/shop/app/-/pipelines/5501");
        Req trigger = gl.http.requests("POST", "/api/v4/projects/42/trigger/pipeline").get(0);
        assertThat(trigger.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
        assertThat(trigger.header("PRIVATE-TOKEN")).as("the read token is not sent to the trigger").isNull();
        assertThat(trigger.form()).containsExactly(Map.entry("token", TOKEN), Map.entry("ref", "main"),
                Map.entry("variables[IMAGE]", ref("ci/app:1").withDigest(oldDigest).toString()),
                Map.entry("variables[BASE]", pinnedBase()), Map.entry("variables[TARGET]", gl.target.toString()),
                Map.entry("variables[DRYDOCK_REQUEST_ID]", "req-gl-ok"));
        assertThat(gl.http.requests("GET", "/api/v4/projects/42/pipelines/5501")).hasSizeGreaterThanOrEqualTo(3)
                .allSatisfy(r -> assertThat(r.header("PRIVATE-TOKEN")).isEqualTo(READ_TOKEN));
    }

    @Test
    void gitlabRetryFollowsTheRunningPipelineOfTheRequest() {
        FakeGitLab gl = new FakeGitLab();
        gl.target = target("gl-retry");
        ObjectNode running = gl.pipeline(5400, "running");
        running.putArray("_variables").addObject().put("variable_type", "env_var").put("key", "DRYDOCK_REQUEST_ID").put("value", "req-gl-retry");
        gl.pipelines.put(5400L, running);
        ObjectNode other = gl.pipeline(5401, "running");
        other.putArray("_variables").addObject().put("variable_type", "env_var").put("key", "DRYDOCK_REQUEST_ID").put("value", "other");
        gl.pipelines.put(5401L, other);

        RebuildResult result = gl.trigger().rebuild(request(gl.target, "req-gl-retry", gl.settings(), Duration.ofSeconds(30)));

        assertThat(result.facts()).containsEntry("pipelineId", "5400").containsEntry("followedExisting", "true");
        assertThat(gl.http.requests("POST", "/api/v4/projects/42/trigger/pipeline")).isEmpty();
    }

    @Test
    void gitlabFailedAndCanceledPipelinesAreErrors() {
        for (String status : List.of("failed", "canceled")) {
            FakeGitLab gl = new FakeGitLab();
            gl.target = target("gl-" + status);
            gl.finalStatus = status;
            assertThatThrownBy(() -> gl.trigger().rebuild(request(gl.target, "req-gl-" + status, gl.settings(), Duration.ofSeconds(30))))
                    .hasMessageContaining("GitLab pipeline 5501 finished " + status)
                    .hasMessageContaining("https://gitlab.example.com/shop/app/-/pipelines/5501")
                    .satisfies(CiTriggersTest::assertNoSecret);
        }
    }

    @Test
    void gitlabWrongTriggerTokenIsReportedWithoutIt() {
        FakeGitLab gl = new FakeGitLab();
        Map<String, String> wrong = Map.of("CI_TOKEN", "glptt-wrong-0091", "GL_READ", READ_TOKEN);
        assertThatThrownBy(() -> new GitLabTrigger(r -> Optional.empty(), wrong::get)
                .rebuild(request(ref("ci/app:gl-404"), "req-gl-404", gl.settings(), Duration.ofSeconds(5))))
                .hasMessageContaining("POST " + gl.http.url() + "/api/v4/projects/42/trigger/pipeline answered 404")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("glptt-wrong-0091"));
    }

    // ============================================================================================ webhook

    /** A build service behind a webhook: checks the HMAC, answers 202, optionally with a status URL. */
    final class FakeHook {
        final Fake http = fake();
        volatile boolean withStatusUrl = true;
        volatile String finalState = "succeeded";
        volatile boolean pushLater = true;
        final AtomicInteger statusPolls = new AtomicInteger();
        ImageReference target;

        FakeHook() {
            http.route("POST", "/hooks/rebuild", r -> {
                String expected = WebhookTrigger.signature(HOOK_SECRET, r.body().getBytes(StandardCharsets.UTF_8));
                if (!expected.equals(r.header("X-Drydock-Signature"))) {
                    return Reply.json(401, JSON.createObjectNode().put("error", "bad signature"));
                }
                if (!"application/json".equals(r.header("Content-Type"))) return Reply.json(415, JSON.createObjectNode());
                if (withStatusUrl) {
                    return Reply.json(202, JSON.createObjectNode().put("statusUrl", "/builds/b-77/status"));
                }
                if (pushLater) {
                    Thread.ofVirtual().start(() -> {
                        try {
                            Thread.sleep(200);
                        } catch (InterruptedException e) {
                            return;
                        }
                        pushNew(target);
                    });
                }
                return Reply.empty(202);
            });
            http.route("GET", "/builds/b-77/status", r -> {
                if (statusPolls.incrementAndGet() < 3) return Reply.json(200, JSON.createObjectNode().put("state", "running"));
                if ("succeeded".equals(finalState)) pushNew(target);
                ObjectNode s = JSON.createObjectNode().put("state", finalState);
                if ("failed".equals(finalState)) s.put("message", "step 3/7 RUN make: exit status 2");
                return Reply.json(200, s);
            });
        }

        ObjectNode settings() {
            return CiTriggersTest.settings("url", http.url() + "/hooks/rebuild?key=hook-query-key-81", "secretEnv", "HOOK_SECRET",
                    "pollMillis", 20);
        }

        WebhookTrigger trigger() {
            return new WebhookTrigger(r -> client.head(r).map(d -> d.digest()), ENV::get);
        }
    }

    @Test
    void webhookSignsTheBodyAndFollowsTheStatusUrl() {
        FakeHook hook = new FakeHook();
        hook.target = target("hook-status");
        RebuildResult result = hook.trigger().rebuild(request(hook.target, "req-hook-status", hook.settings(), Duration.ofSeconds(30)));

        assertThat(result.digest()).isEqualTo(newDigest);
        Req post = hook.http.requests("POST", "/hooks/rebuild").get(0);
        assertThat(post.query()).containsEntry("key", "hook-query-key-81");
        assertThat(post.header("X-Drydock-Signature"))
                .isEqualTo(WebhookTrigger.signature(HOOK_SECRET, post.body().getBytes(StandardCharsets.UTF_8)))
                .matches("sha256=[0-9a-f]{64}");
        assertThat(post.header("X-Drydock-Request-Id")).isEqualTo("req-hook-status");
        JsonNode body = post.json();
        assertThat(body.path("image").asText()).isEqualTo(ref("ci/app:1").withDigest(oldDigest).toString());
        assertThat(body.path("oldBase").asText()).isEqualTo(ref("ci/base:1").toString());
        assertThat(body.path("newBase").asText()).isEqualTo(pinnedBase());
        assertThat(body.path("target").asText()).isEqualTo(hook.target.toString());
        assertThat(body.path("requestId").asText()).isEqualTo("req-hook-status");
        assertThat(body.has("callback") && body.get("callback").isNull()).isTrue();
        assertThat(hook.statusPolls.get()).isEqualTo(3);
    }

    @Test
    void webhookWithoutStatusUrlWaitsForTheTargetToMove() {
        FakeHook hook = new FakeHook();
        hook.target = target("hook-push");
        hook.withStatusUrl = false;
        RebuildResult result = hook.trigger().rebuild(request(hook.target, "req-hook-push", hook.settings(), Duration.ofSeconds(30)));
        assertThat(result.digest()).isEqualTo(newDigest);
        assertThat(result.facts()).containsEntry("previousDigest", oldDigest.toString());
    }

    @Test
    void webhookWithoutStatusUrlTimesOutWhenNothingIsPushed() {
        FakeHook hook = new FakeHook();
        hook.target = target("hook-nopush");
        hook.withStatusUrl = false;
        hook.pushLater = false;
        assertThatThrownBy(() -> hook.trigger().rebuild(request(hook.target, "req-hook-nopush", hook.settings(), Duration.ofMillis(500))))
                .hasMessageContaining("the push of " + hook.target)
                .hasMessageContaining("did not finish within 500 ms")
                .hasMessageContaining("is " + oldDigest);
    }

    @Test
    void webhookFailedStateCarriesTheMessage() {
        FakeHook hook = new FakeHook();
        hook.target = target("hook-fail");
        hook.finalState = "failed";
        assertThatThrownBy(() -> hook.trigger().rebuild(request(hook.target, "req-hook-fail", hook.settings(), Duration.ofSeconds(30))))
                .hasMessageContaining("webhook rebuild of")
                .hasMessageContaining("failed: step 3/7 RUN make: exit status 2");
    }

    @Test
    void webhookRefusalNamesTheUrlWithoutItsQueryOrSecret() {
        FakeHook hook = new FakeHook();
        hook.target = target("hook-401");
        Map<String, String> wrong = Map.of("HOOK_SECRET", "not-the-secret-9");
        assertThatThrownBy(() -> new WebhookTrigger(r -> client.head(r).map(d -> d.digest()), wrong::get)
                .rebuild(request(hook.target, "req-hook-401", hook.settings(), Duration.ofSeconds(5))))
                .hasMessageContaining("POST " + hook.http.url() + "/hooks/rebuild answered 401")
                .hasMessageContaining("bad signature")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hook-query-key-81").doesNotContain("not-the-secret-9"));
    }

    // ============================================================================================ the fake server

    /** One recorded request. */
    record Req(String method, String path, Map<String, String> query, Map<String, List<String>> headers, String body, Matcher match) {
        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) return e.getValue().isEmpty() ? null : e.getValue().get(0);
            }
            return null;
        }

        String group(int i) {
            return match.group(i);
        }

        Map<String, String> form() {
            return decode(body);
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    record Reply(int status, Map<String, String> headers, String body) {
        static Reply json(int status, JsonNode body) {
            return new Reply(status, new LinkedHashMap<>(Map.of("Content-Type", "application/json; charset=utf-8")), body.toString());
        }

        static Reply html(int status, String body) {
            return new Reply(status, new LinkedHashMap<>(Map.of("Content-Type", "text/html;charset=utf-8")), body);
        }

        static Reply empty(int status) {
            return new Reply(status, new LinkedHashMap<>(), null);
        }

        Reply header(String name, String value) {
            headers.put(name, value);
            return this;
        }
    }

    static Map<String, String> decode(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) return out;
        for (String pair : text.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return out;
    }

    /** A JDK HttpServer on 127.0.0.1 with routes by method and raw-path pattern; records every request. */
    static final class Fake implements AutoCloseable {
        private record Route(String method, Pattern path, Function<Req, Reply> handler) {}

        final HttpServer server;
        final List<Req> requests = new CopyOnWriteArrayList<>();
        private final List<Route> routes = new CopyOnWriteArrayList<>();
        private final ExecutorService executor = Executors.newCachedThreadPool();

        Fake() {
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            server.setExecutor(executor);
            server.createContext("/", this::handle);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        void route(String method, String pathRegex, Function<Req, Reply> handler) {
            routes.add(new Route(method, Pattern.compile(pathRegex), handler));
        }

        /** Requests with this method and raw path (query ignored). */
        List<Req> requests(String method, String path) {
            return requests.stream().filter(r -> r.method().equals(method) && r.path().equals(path)).toList();
        }

        private void handle(HttpExchange ex) throws IOException {
            try (ex) {
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                String path = ex.getRequestURI().getRawPath();
                Reply reply = null;
                Req req = null;
                for (Route route : routes) {
                    Matcher m = route.path().matcher(path);
                    if (route.method().equals(ex.getRequestMethod()) && m.matches()) {
                        req = new Req(ex.getRequestMethod(), path, decode(ex.getRequestURI().getRawQuery()),
                                Map.copyOf(ex.getRequestHeaders()), body, m);
                        requests.add(req);
                        try {
                            reply = route.handler().apply(req);
                        } catch (RuntimeException e) {
                            reply = Reply.html(500, "fake server error: " + e);
                        }
                        break;
                    }
                }
                if (req == null) {
                    requests.add(new Req(ex.getRequestMethod(), path, decode(ex.getRequestURI().getRawQuery()),
                            Map.copyOf(ex.getRequestHeaders()), body, null));
                    reply = Reply.json(404, JSON.createObjectNode().put("message", "Not Found"));
                }
                reply.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
                byte[] out = reply.body() == null ? new byte[0] : reply.body().getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
                if (out.length > 0) {
                    try (OutputStream os = ex.getResponseBody()) {
                        os.write(out);
                    }
                }
            }
        }

        @Override
        public void close() {
            server.stop(0);
            executor.shutdownNow();
        }
    }
}
