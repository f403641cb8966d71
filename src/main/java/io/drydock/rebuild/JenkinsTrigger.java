package io.drydock.rebuild;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.image.Descriptor;
import io.drydock.image.Digest;
import io.drydock.image.ImageReference;
import io.drydock.image.registry.RegistryClient;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Rebuilds through a parameterized Jenkins job: {@code POST job/<job>/buildWithParameters} with {@code IMAGE},
 * {@code BASE} (the new base, by digest), {@code TARGET} and {@code DRYDOCK_REQUEST_ID}; then the queue item until
 * it has a build, then the build until it is no longer building. A CSRF crumb is fetched and sent when Jenkins asks
 * for one (cookies are kept, as Jenkins ties crumbs to the session).
 *
 * <p>Settings: {@code url} (Jenkins root), {@code job} (folders as {@code folder/job}), {@code user},
 * {@code tokenEnv} (name of the environment variable with the user's API token), {@code pollMillis} (default 5000).
 *
 * <p>A retry with the same request id follows the job's latest build that has the same {@code DRYDOCK_REQUEST_ID}
 * and is building or succeeded; Jenkins itself merges a trigger with a queued item of identical parameters.
 */
public final class JenkinsTrigger implements RebuildStrategy {
    static final String REQUEST_PARAMETER = "DRYDOCK_REQUEST_ID";
    private static final String BUILDS_TREE = "builds[number,url,building,result,actions[parameters[name,value]]]{0,50}";

    private final Function<ImageReference, Optional<Digest>> digests;
    private final Function<String, String> env;

    public JenkinsTrigger(RegistryClient registry) {
        this(ref -> registry.head(ref).map(Descriptor::digest), System::getenv);
    }

    /**
     * @param digests the digest a tag points to now (empty when it does not exist)
     * @param env environment variables by name
     */
    public JenkinsTrigger(Function<ImageReference, Optional<Digest>> digests, Function<String, String> env) {
        this.digests = digests;
        this.env = env;
    }

    @Override
    public String name() {
        return "jenkins";
    }

    @Override
    public RebuildResult rebuild(RebuildRequest request) {
        try (CiHttp ci = new CiHttp(name(), request, env, digests, Duration.ofSeconds(5), true)) {
            URI root = ci.baseUrl("url", null);
            String job = ci.required("job");
            String auth = ci.basic(ci.required("user"), ci.secretFromEnv("tokenEnv"));
            String jobUrl = root + Arrays.stream(job.split("/")).filter(s -> !s.isBlank())
                    .map(s -> "/job/" + CiHttp.encode(s)).collect(Collectors.joining()) + "/";

            Optional<Digest> before;
            String buildUrl;
            Optional<String> existing = existingBuild(ci, jobUrl, auth);
            if (existing.isPresent()) {
                before = ci.baselineForExisting();
                buildUrl = existing.get();
            } else {
                before = ci.targetDigest();
                URI queueItem = trigger(ci, root, jobUrl, auth);
                buildUrl = awaitExecutable(ci, queueItem, jobUrl, auth);
            }

            URI buildApi = URI.create(buildUrl + "api/json");
            JsonNode build = ci.await("Jenkins build " + buildUrl, () -> {
                JsonNode b = ci.pollJson(ci.builder(buildApi).header("Authorization", auth).GET().build());
                boolean building = b.path("building").asBoolean(true);
                String result = b.path("result").asText("");
                ci.state(building ? "building" : "result " + (result.isEmpty() ? "not yet set" : result));
                return !building && !result.isEmpty() ? Optional.of(b) : Optional.empty();
            });
            String result = build.path("result").asText();
            String number = build.path("number").asText("?");
            if (!"SUCCESS".equals(result)) {
                throw ci.fail("Jenkins build #" + number + " finished " + result + ": " + buildUrl);
            }
            return ci.finish(before, "jenkins build #" + number + " " + buildUrl,
                    Map.of("buildNumber", number, "buildUrl", buildUrl, "followedExisting", String.valueOf(existing.isPresent())));
        }
    }

    /** The URL of the newest build of this request that is building or succeeded, if any. */
    private Optional<String> existingBuild(CiHttp ci, String jobUrl, String auth) {
        URI uri = URI.create(jobUrl + "api/json?tree=" + URLEncoder.encode(BUILDS_TREE, StandardCharsets.UTF_8));
        CiHttp.Response r = ci.call(ci.builder(uri).header("Authorization", auth).GET().build());
        if (r.status() == 404) throw ci.fail("Jenkins has no job at " + CiHttp.display(URI.create(jobUrl)));
        if (!r.ok()) throw ci.unexpected(r);
        for (JsonNode b : ci.json(r).path("builds")) {
            boolean ours = false;
            for (JsonNode action : b.path("actions")) {
                for (JsonNode p : action.path("parameters")) {
                    if (REQUEST_PARAMETER.equals(p.path("name").asText()) && ci.request.requestId().equals(p.path("value").asText())) {
                        ours = true;
                    }
                }
            }
            if (!ours) continue;
            boolean usable = b.path("building").asBoolean(false) || "SUCCESS".equals(b.path("result").asText());
            if (usable && b.hasNonNull("url")) return Optional.of(withSlash(b.path("url").asText()));
        }
        return Optional.empty();
    }

    /** Starts the build; the answer is the queue item's URL. */
    private URI trigger(CiHttp ci, URI root, String jobUrl, String auth) {
        URI uri = URI.create(jobUrl + "buildWithParameters");
        String body = CiHttp.form(ci.parameters("IMAGE", "BASE", "TARGET", REQUEST_PARAMETER));
        CiHttp.Response r = ci.call(post(ci, uri, auth, body, null, null));
        if (r.status() == 403 && r.body() != null && r.body().toLowerCase().contains("crumb")) {
            URI issuer = URI.create(root + "/crumbIssuer/api/json");
            CiHttp.Response c = ci.call(ci.builder(issuer).header("Authorization", auth).GET().build());
            if (!c.ok()) throw ci.fail("Jenkins asked for a CSRF crumb and " + ci.describe(c));
            JsonNode crumb = ci.json(c);
            String field = crumb.path("crumbRequestField").asText("Jenkins-Crumb");
            String value = crumb.path("crumb").asText("");
            if (value.isEmpty()) throw ci.fail("GET " + CiHttp.display(issuer) + " sent no crumb");
            ci.hide(value);
            r = ci.call(post(ci, uri, auth, body, field, value));
        }
        if (r.status() != 201 && r.status() != 200) throw ci.unexpected(r);
        String location = r.headers().firstValue("Location").orElse(null);
        if (location == null) {
            throw ci.fail("POST " + CiHttp.display(uri) + " answered " + r.status() + " without a Location header (the queue item)");
        }
        return r.uri().resolve(withSlash(location));
    }

    private static HttpRequest post(CiHttp ci, URI uri, String auth, String body, String crumbField, String crumb) {
        HttpRequest.Builder b = ci.builder(uri).header("Authorization", auth)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (crumbField != null) b.header(crumbField, crumb);
        return b.build();
    }

    /** Follows the queue item until Jenkins has started its build; the build's URL. */
    private static String awaitExecutable(CiHttp ci, URI queueItem, String jobUrl, String auth) {
        URI api = URI.create(queueItem + "api/json");
        return ci.await("Jenkins queue item " + CiHttp.display(queueItem), () -> {
            CiHttp.Response r = ci.pollCall(ci.builder(api).header("Authorization", auth).GET().build());
            if (r.status() == 404) {
                throw ci.fail("Jenkins forgot queue item " + CiHttp.display(queueItem) + " before Drydock saw its build");
            }
            if (!r.ok()) throw ci.unexpected(r);
            JsonNode item = ci.json(r);
            if (item.path("cancelled").asBoolean(false)) {
                throw ci.fail("Jenkins queue item " + CiHttp.display(queueItem) + " was cancelled before it started");
            }
            JsonNode exe = item.path("executable");
            if (exe.hasNonNull("number")) {
                String url = exe.hasNonNull("url") ? exe.path("url").asText() : jobUrl + exe.path("number").asText() + "/";
                return Optional.of(withSlash(url));
            }
            ci.state("queued" + (item.hasNonNull("why") ? ": " + item.path("why").asText() : ""));
            return Optional.empty();
        });
    }

    private static String withSlash(String url) {
        return url.endsWith("/") ? url : url + "/";
    }
}
