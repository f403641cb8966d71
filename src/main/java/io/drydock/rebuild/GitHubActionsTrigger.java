package io.drydock.rebuild;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.image.Descriptor;
import io.drydock.image.Digest;
import io.drydock.image.ImageReference;
import io.drydock.image.registry.RegistryClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Rebuilds through a GitHub Actions workflow with a {@code workflow_dispatch} trigger and the inputs {@code image},
 * {@code base} (the new base, by digest), {@code target} and {@code request_id}.
 *
 * <p>The dispatch API answers 204 without a run id, so the run is found by its name: <b>the workflow must set
 * {@code run-name: ${{ inputs.request_id }}}</b> (the request id may be part of a longer run name). Drydock looks
 * among the workflow's {@code workflow_dispatch} runs on the ref for one whose {@code display_title} or {@code name}
 * contains the request id. Before dispatching it looks too: a run of the same request that is queued, in progress or
 * succeeded is followed instead of dispatching again. After dispatching, the run is one it had not seen before,
 * created after the dispatch.
 *
 * <p>Settings: {@code owner}, {@code repo}, {@code workflow} (file name such as {@code rebuild.yml}, or id),
 * {@code ref} (branch, default {@code main}), {@code tokenEnv} (environment variable with a token that may run
 * workflows), {@code apiUrl} (default {@code https://api.github.com}; GitHub Enterprise: {@code https://HOST/api/v3}),
 * {@code pollMillis} (default 10000).
 */
public final class GitHubActionsTrigger implements RebuildStrategy {
    /** Allowed difference between GitHub's clock and this machine's when comparing a run's creation to the dispatch. */
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(2);

    private final Function<ImageReference, Optional<Digest>> digests;
    private final Function<String, String> env;

    public GitHubActionsTrigger(RegistryClient registry) {
        this(ref -> registry.head(ref).map(Descriptor::digest), System::getenv);
    }

    public GitHubActionsTrigger(Function<ImageReference, Optional<Digest>> digests, Function<String, String> env) {
        this.digests = digests;
        this.env = env;
    }

    @Override
    public String name() {
        return "github-actions";
    }

    @Override
    public RebuildResult rebuild(RebuildRequest request) {
        try (CiHttp ci = new CiHttp(name(), request, env, digests, Duration.ofSeconds(10), false)) {
            URI api = ci.baseUrl("apiUrl", "https://api.github.com");
            String repo = "/repos/" + CiHttp.encode(ci.required("owner")) + "/" + CiHttp.encode(ci.required("repo"));
            String workflow = ci.required("workflow");
            String ref = ci.optional("ref", "main");
            String token = ci.secretFromEnv("tokenEnv");
            GitHub gh = new GitHub(ci, api, repo, CiHttp.encode(workflow), ref, token);

            List<JsonNode> seen = gh.ours(ci.call(gh.get(gh.runsUrl())));
            Optional<JsonNode> existing = seen.stream().filter(r -> !"completed".equals(r.path("status").asText())
                    || "success".equals(r.path("conclusion").asText())).findFirst();
            Optional<Digest> before;
            long runId;
            if (existing.isPresent()) {
                before = ci.baselineForExisting();
                runId = existing.get().path("id").asLong();
            } else {
                before = ci.targetDigest();
                Set<Long> known = new HashSet<>();
                seen.forEach(r -> known.add(r.path("id").asLong()));
                Instant dispatched = Instant.now();
                gh.dispatch(workflow);
                runId = ci.await("the run of workflow " + workflow + " on " + ref + " named after request " + request.requestId(),
                        () -> {
                            ci.state("no run named after the request yet (the workflow must set run-name: ${{ inputs.request_id }})");
                            return gh.ours(ci.pollCall(gh.get(gh.runsUrl()))).stream()
                                    .filter(r -> !known.contains(r.path("id").asLong()))
                                    .filter(r -> createdAfter(r, dispatched.minus(CLOCK_SKEW)))
                                    .map(r -> r.path("id").asLong()).findFirst();
                        });
            }

            URI runUrl = URI.create(api + repo + "/actions/runs/" + runId);
            JsonNode run = ci.await("workflow run " + runId, () -> {
                CiHttp.Response r = ci.pollCall(gh.get(runUrl));
                if (!r.ok()) throw ci.unexpected(r);
                JsonNode n = ci.json(r);
                ci.state("status " + n.path("status").asText("?") + ", " + n.path("html_url").asText(""));
                return "completed".equals(n.path("status").asText()) ? Optional.of(n) : Optional.empty();
            });
            String conclusion = run.path("conclusion").asText("none");
            String html = run.path("html_url").asText(runUrl.toString());
            if (!"success".equals(conclusion)) {
                throw ci.fail("workflow run " + runId + " concluded " + conclusion + ": " + html);
            }
            Map<String, String> facts = new LinkedHashMap<>();
            facts.put("runId", String.valueOf(runId));
            facts.put("runUrl", html);
            facts.put("followedExisting", String.valueOf(existing.isPresent()));
            return ci.finish(before, "github-actions run " + runId + " " + html, facts);
        }
    }

    private static boolean createdAfter(JsonNode run, Instant limit) {
        try {
            return !run.hasNonNull("created_at") || !Instant.parse(run.path("created_at").asText()).isBefore(limit);
        } catch (DateTimeParseException e) {
            return true;
        }
    }

    private record GitHub(CiHttp ci, URI api, String repo, String workflow, String ref, String token) {
        URI runsUrl() {
            return URI.create(api + repo + "/actions/workflows/" + workflow + "/runs?event=workflow_dispatch&branch="
                    + CiHttp.encode(ref) + "&per_page=30");
        }

        HttpRequest.Builder headers(URI uri) {
            return ci.builder(uri).header("Authorization", "Bearer " + token)
                    .header("Accept", "application/vnd.github+json")
                    .header("X-GitHub-Api-Version", "2022-11-28");
        }

        HttpRequest get(URI uri) {
            return headers(uri).GET().build();
        }

        /** The runs in a listing whose name carries the request id, newest first (GitHub's order). */
        List<JsonNode> ours(CiHttp.Response r) {
            if (r.status() == 404) {
                throw ci.fail("GitHub knows no workflow " + workflow + " in " + repo.substring("/repos/".length())
                        + " (or the token may not see it): " + ci.describe(r));
            }
            if (!r.ok()) throw ci.unexpected(r);
            List<JsonNode> out = new ArrayList<>();
            for (JsonNode run : ci.json(r).path("workflow_runs")) {
                String id = ci.request.requestId();
                if (run.path("display_title").asText("").contains(id) || run.path("name").asText("").contains(id)) out.add(run);
            }
            return out;
        }

        void dispatch(String workflowName) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("ref", ref);
            body.put("inputs", ci.parameters("image", "base", "target", "request_id"));
            URI uri = URI.create(api + repo + "/actions/workflows/" + workflow + "/dispatches");
            CiHttp.Response r = ci.call(headers(uri).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(CiHttp.jsonText(body), StandardCharsets.UTF_8)).build());
            if (r.status() == 204 || r.status() == 200) return;
            if (r.status() == 422) {
                throw ci.fail("GitHub refused to dispatch workflow " + workflowName + " on " + ref + " (does it have a "
                        + "workflow_dispatch trigger with the inputs image, base, target and request_id?): " + ci.describe(r));
            }
            throw ci.unexpected(r);
        }
    }
}
