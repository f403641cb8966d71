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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Rebuilds through a GitLab pipeline trigger ({@code POST /api/v4/projects/:id/trigger/pipeline}) with the variables
 * {@code IMAGE}, {@code BASE} (the new base, by digest), {@code TARGET} and {@code DRYDOCK_REQUEST_ID}, then follows
 * the pipeline with a separate read token until it is success, failed, canceled or skipped.
 *
 * <p>A retry with the same request id first looks at the project's latest triggered pipelines on the ref: one that is
 * running or succeeded and whose {@code DRYDOCK_REQUEST_ID} variable matches is followed instead of triggering again
 * (when the read token may not see pipeline variables, a new pipeline is triggered).
 *
 * <p>Settings: {@code gitlabUrl} (default {@code https://gitlab.com}), {@code projectId} (number or
 * {@code group/project}), {@code ref} (default {@code main}), {@code tokenEnv} (environment variable with the pipeline
 * trigger token), {@code readTokenEnv} (environment variable with a token with {@code read_api}),
 * {@code pollMillis} (default 10000).
 */
public final class GitLabTrigger implements RebuildStrategy {
    static final Set<String> FINISHED = Set.of("success", "failed", "canceled", "skipped");

    private final Function<ImageReference, Optional<Digest>> digests;
    private final Function<String, String> env;

    public GitLabTrigger(RegistryClient registry) {
        this(ref -> registry.head(ref).map(Descriptor::digest), System::getenv);
    }

    public GitLabTrigger(Function<ImageReference, Optional<Digest>> digests, Function<String, String> env) {
        this.digests = digests;
        this.env = env;
    }

    @Override
    public String name() {
        return "gitlab";
    }

    @Override
    public RebuildResult rebuild(RebuildRequest request) {
        try (CiHttp ci = new CiHttp(name(), request, env, digests, Duration.ofSeconds(10), false)) {
            String project = ci.baseUrl("gitlabUrl", "https://gitlab.com") + "/api/v4/projects/" + CiHttp.encode(ci.required("projectId"));
            String ref = ci.optional("ref", "main");
            String triggerToken = ci.secretFromEnv("tokenEnv");
            String readToken = ci.secretFromEnv("readTokenEnv");

            Optional<Long> existing = existingPipeline(ci, project, ref, readToken);
            Optional<Digest> before;
            long pipelineId;
            if (existing.isPresent()) {
                before = ci.baselineForExisting();
                pipelineId = existing.get();
            } else {
                before = ci.targetDigest();
                pipelineId = trigger(ci, URI.create(project + "/trigger/pipeline"), ref, triggerToken);
            }

            URI pipelineUrl = URI.create(project + "/pipelines/" + pipelineId);
            JsonNode pipeline = ci.await("GitLab pipeline " + pipelineId, () -> {
                CiHttp.Response r = ci.pollCall(get(ci, pipelineUrl, readToken));
                if (!r.ok()) throw ci.unexpected(r);
                JsonNode n = ci.json(r);
                String status = n.path("status").asText("?");
                ci.state("status " + status + ", " + n.path("web_url").asText(""));
                return FINISHED.contains(status) ? Optional.of(n) : Optional.empty();
            });
            String status = pipeline.path("status").asText();
            String web = pipeline.path("web_url").asText(CiHttp.display(pipelineUrl));
            if (!"success".equals(status)) {
                throw ci.fail("GitLab pipeline " + pipelineId + " finished " + status + ": " + web);
            }
            Map<String, String> facts = new LinkedHashMap<>();
            facts.put("pipelineId", String.valueOf(pipelineId));
            facts.put("pipelineUrl", web);
            facts.put("followedExisting", String.valueOf(existing.isPresent()));
            return ci.finish(before, "gitlab pipeline " + pipelineId + " " + web, facts);
        }
    }

    private static HttpRequest get(CiHttp ci, URI uri, String readToken) {
        return ci.builder(uri).header("PRIVATE-TOKEN", readToken).GET().build();
    }

    private static Optional<Long> existingPipeline(CiHttp ci, String project, String ref, String readToken) {
        URI list = URI.create(project + "/pipelines?source=trigger&ref=" + CiHttp.encode(ref) + "&order_by=id&sort=desc&per_page=20");
        CiHttp.Response r = ci.call(get(ci, list, readToken));
        if (r.status() == 404) throw ci.fail("GitLab has no project at " + CiHttp.display(URI.create(project)) + " (or the read token may not see it)");
        if (!r.ok()) throw ci.unexpected(r);
        for (JsonNode p : ci.json(r)) {
            String status = p.path("status").asText();
            if (FINISHED.contains(status) && !"success".equals(status)) continue;
            long id = p.path("id").asLong();
            CiHttp.Response v = ci.call(get(ci, URI.create(project + "/pipelines/" + id + "/variables"), readToken));
            if (v.status() == 403) return Optional.empty();
            if (!v.ok()) throw ci.unexpected(v);
            for (JsonNode var : ci.json(v)) {
                if (JenkinsTrigger.REQUEST_PARAMETER.equals(var.path("key").asText())
                        && ci.request.requestId().equals(var.path("value").asText())) {
                    return Optional.of(id);
                }
            }
        }
        return Optional.empty();
    }

    private static long trigger(CiHttp ci, URI uri, String ref, String token) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("token", token);
        form.put("ref", ref);
        ci.parameters("IMAGE", "BASE", "TARGET", JenkinsTrigger.REQUEST_PARAMETER)
                .forEach((k, v) -> form.put("variables[" + k + "]", v));
        CiHttp.Response r = ci.call(ci.builder(uri).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(CiHttp.form(form), StandardCharsets.UTF_8)).build());
        if (r.status() != 201 && r.status() != 200) throw ci.unexpected(r);
        JsonNode p = ci.json(r);
        if (!p.path("id").canConvertToLong()) throw ci.fail("POST " + CiHttp.display(uri) + " answered without a pipeline id");
        return p.path("id").asLong();
    }
}
