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
import java.util.function.Function;

/**
 * Rebuilds through an Azure Pipelines YAML pipeline with the Runs API ({@code POST
 * _apis/pipelines/{id}/runs?api-version=7.1}). The pipeline declares the parameters {@code image}, {@code base}
 * (the new base, by digest), {@code target} and {@code requestId}.
 *
 * <p>Each run Drydock starts gets the build tag {@code drydock-<hash of the request id>}; a retry with the same request
 * id looks for a run with that tag (Build API, {@code tagFilters}) that is not finished or succeeded and follows it.
 *
 * <p>Settings: {@code organizationUrl} ({@code https://dev.azure.com/ORG}), {@code project}, {@code pipelineId},
 * {@code refName} (optional, e.g. {@code refs/heads/main}), {@code tokenEnv} (environment variable with a personal
 * access token with Build read &amp; execute), {@code pollMillis} (default 10000).
 */
public final class AzurePipelinesTrigger implements RebuildStrategy {
    static final String API_VERSION = "api-version=7.1";

    private final Function<ImageReference, Optional<Digest>> digests;
    private final Function<String, String> env;

    public AzurePipelinesTrigger(RegistryClient registry) {
        this(ref -> registry.head(ref).map(Descriptor::digest), System::getenv);
    }

    public AzurePipelinesTrigger(Function<ImageReference, Optional<Digest>> digests, Function<String, String> env) {
        this.digests = digests;
        this.env = env;
    }

    @Override
    public String name() {
        return "azure-pipelines";
    }

    /** The build tag that marks the runs of one request. */
    static String tag(String requestId) {
        return "drydock-" + CiHttp.shortHash(requestId, 20);
    }

    @Override
    public RebuildResult rebuild(RebuildRequest request) {
        try (CiHttp ci = new CiHttp(name(), request, env, digests, Duration.ofSeconds(10), false)) {
            String project = ci.baseUrl("organizationUrl", null) + "/" + CiHttp.encode(ci.required("project"));
            String pipelineId = ci.required("pipelineId");
            if (!pipelineId.matches("\\d+")) throw ci.fail("settings.pipelineId must be the pipeline's number, not " + pipelineId);
            String auth = ci.basic("", ci.secretFromEnv("tokenEnv"));
            String tag = tag(request.requestId());
            String runs = project + "/_apis/pipelines/" + pipelineId + "/runs";

            Optional<Long> existing = existingRun(ci, project, pipelineId, tag, auth);
            Optional<Digest> before;
            long runId;
            boolean tagged = true;
            if (existing.isPresent()) {
                before = ci.baselineForExisting();
                runId = existing.get();
            } else {
                before = ci.targetDigest();
                JsonNode run = start(ci, URI.create(runs + "?" + API_VERSION), auth);
                runId = run.path("id").asLong();
                tagged = addTag(ci, URI.create(project + "/_apis/build/builds/" + runId + "/tags/" + tag + "?" + API_VERSION), auth);
            }

            URI runUrl = URI.create(runs + "/" + runId + "?" + API_VERSION);
            JsonNode run = ci.await("Azure Pipelines run " + runId + " of pipeline " + pipelineId, () -> {
                CiHttp.Response r = ci.pollCall(ci.builder(runUrl).header("Authorization", auth).GET().build());
                check(ci, r);
                JsonNode n = ci.json(r);
                ci.state("state " + n.path("state").asText("?") + ", " + web(n));
                return "completed".equals(n.path("state").asText()) ? Optional.of(n) : Optional.empty();
            });
            String result = run.path("result").asText("unknown");
            if (!"succeeded".equals(result)) {
                throw ci.fail("Azure Pipelines run " + runId + " finished " + result + ": " + web(run));
            }
            Map<String, String> facts = new LinkedHashMap<>();
            facts.put("runId", String.valueOf(runId));
            facts.put("runUrl", web(run));
            facts.put("followedExisting", String.valueOf(existing.isPresent()));
            facts.put("tagged", String.valueOf(tagged));
            return ci.finish(before, "azure-pipelines run " + runId + " " + web(run), facts);
        }
    }

    private static String web(JsonNode run) {
        return run.path("_links").path("web").path("href").asText(run.path("url").asText(""));
    }

    /** Azure DevOps answers a bad or expired token with 203 and its sign-in page. */
    private static void check(CiHttp ci, CiHttp.Response r) {
        if (r.status() == 203 || r.status() == 401) {
            throw ci.fail(r.method() + " " + CiHttp.display(r.uri()) + " answered " + r.status()
                    + ": Azure DevOps did not accept the personal access token (expired, or without Build read & execute)");
        }
        if (!r.ok()) throw ci.unexpected(r);
    }

    private static Optional<Long> existingRun(CiHttp ci, String project, String pipelineId, String tag, String auth) {
        URI uri = URI.create(project + "/_apis/build/builds?definitions=" + pipelineId + "&tagFilters=" + tag
                + "&queryOrder=queueTimeDescending&" + API_VERSION);
        CiHttp.Response r = ci.call(ci.builder(uri).header("Authorization", auth).GET().build());
        check(ci, r);
        for (JsonNode b : ci.json(r).path("value")) {
            boolean finished = "completed".equals(b.path("status").asText());
            if (!finished || "succeeded".equals(b.path("result").asText())) return Optional.of(b.path("id").asLong());
        }
        return Optional.empty();
    }

    private static JsonNode start(CiHttp ci, URI uri, String auth) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("templateParameters", ci.parameters("image", "base", "target", "requestId"));
        String refName = ci.optional("refName", null);
        if (refName != null) {
            body.put("resources", Map.of("repositories", Map.of("self", Map.of("refName", refName))));
        }
        CiHttp.Response r = ci.call(ci.builder(uri).header("Authorization", auth).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(CiHttp.jsonText(body), StandardCharsets.UTF_8)).build());
        check(ci, r);
        JsonNode run = ci.json(r);
        if (!run.path("id").canConvertToLong()) throw ci.fail("POST " + CiHttp.display(uri) + " answered without a run id");
        return run;
    }

    /** Tags the run so that a retry finds it; a failure costs only that, so it does not fail the rebuild. */
    private static boolean addTag(CiHttp ci, URI uri, String auth) {
        try {
            CiHttp.Response r = ci.call(ci.builder(uri).header("Authorization", auth)
                    .PUT(HttpRequest.BodyPublishers.noBody()).build());
            return r.ok();
        } catch (RuntimeException e) {
            return false;
        }
    }
}
