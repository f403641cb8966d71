package io.drydock.rebuild;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.DrydockException;
import io.drydock.image.Digest;
import io.drydock.image.ImageReference;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What the CI triggers share for one rebuild: settings and secrets (read from environment variables whose names the
 * settings give, and kept out of every message), HTTP calls, a polling loop bounded by the request's timeout, and the
 * final look at the target tag. One instance per {@link RebuildStrategy#rebuild} call; it owns its HTTP client.
 */
final class CiHttp implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String USER_AGENT = "drydock/0.1";
    private static final int EXCERPT = 300;
    private static final Duration MAX_CALL = Duration.ofSeconds(30);

    /** A request that could not be answered now (connection failure, 5xx, 429): polling tries again. */
    static final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    /** An HTTP exchange with its body read as text. */
    record Response(String method, URI uri, int status, HttpHeaders headers, String body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    final String service;
    final RebuildRequest request;
    final Duration poll;
    private final Function<String, String> env;
    private final Function<ImageReference, Optional<Digest>> digests;
    private final HttpClient http;
    private final List<String> secrets = new ArrayList<>();
    private final long deadline;
    private String lastState = "nothing heard yet";

    /**
     * @param cookies keep cookies between calls (Jenkins ties its CSRF crumb to the session)
     */
    CiHttp(String service, RebuildRequest request, Function<String, String> env,
           Function<ImageReference, Optional<Digest>> digests, Duration defaultPoll, boolean cookies) {
        this.service = service;
        this.request = request;
        this.env = env;
        this.digests = digests;
        this.deadline = System.nanoTime() + request.timeout().toNanos();
        this.poll = Duration.ofMillis(positiveLong("pollMillis", defaultPoll.toMillis()));
        HttpClient.Builder b = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER);
        if (cookies) b.cookieHandler(new CookieManager());
        this.http = b.build();
    }

    @Override
    public void close() {
        http.close();
    }

    // ------------------------------------------------------------------ settings and secrets

    String required(String key) {
        JsonNode v = request.settings().get(key);
        if (v == null || v.isNull() || v.isContainerNode() || v.asText().isBlank()) {
            throw fail("settings." + key + " is missing");
        }
        return v.asText().trim();
    }

    String optional(String key, String fallback) {
        JsonNode v = request.settings().get(key);
        return v == null || v.isNull() || v.isContainerNode() || v.asText().isBlank() ? fallback : v.asText().trim();
    }

    long positiveLong(String key, long fallback) {
        JsonNode v = request.settings().get(key);
        if (v == null || v.isNull()) return fallback;
        if (!v.canConvertToLong() && !v.asText().matches("\\d+") || v.asLong() <= 0) {
            throw fail("settings." + key + " must be a positive number, not " + v);
        }
        return v.asLong();
    }

    /** A URL setting without a trailing slash; userinfo and query are refused so that no secret hides in it. */
    URI baseUrl(String key, String fallback) {
        String text = fallback == null ? required(key) : optional(key, fallback);
        URI u;
        try {
            u = URI.create(text.replaceAll("/+$", ""));
        } catch (IllegalArgumentException e) {
            throw fail("settings." + key + " is not a URL");
        }
        if (u.getScheme() == null || !u.getScheme().matches("https?") || u.getHost() == null) {
            throw fail("settings." + key + " must be an http(s) URL, not " + display(u));
        }
        if (u.getRawUserInfo() != null) {
            throw fail("settings." + key + " must not contain credentials: name an environment variable in the settings instead");
        }
        return u;
    }

    /**
     * The value of the environment variable named by {@code settings.<key>}; it is remembered as a secret and
     * replaced by {@code ***} in every message this helper makes.
     */
    String secretFromEnv(String key) {
        String name = optional(key, null);
        if (name == null) {
            throw fail("settings." + key + " is missing: it names the environment variable that holds the credential");
        }
        String value = env.apply(name);
        if (value == null || value.isBlank()) {
            throw fail("the environment variable " + name + " (settings." + key + ") is not set");
        }
        hide(value);
        return value;
    }

    /** Like {@link #secretFromEnv} but null when the setting is absent. */
    String optionalSecretFromEnv(String key) {
        return optional(key, null) == null ? null : secretFromEnv(key);
    }

    void hide(String secret) {
        if (secret != null && !secret.isEmpty()) {
            secrets.add(secret);
            secrets.add(URLEncoder.encode(secret, StandardCharsets.UTF_8));
        }
    }

    /** {@code Basic base64(user:password)}; the encoded form is a secret too. */
    String basic(String user, String password) {
        String encoded = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        hide(encoded);
        return "Basic " + encoded;
    }

    String redact(String text) {
        if (text == null) return null;
        String out = text;
        for (String s : secrets) out = out.replace(s, "***");
        return out;
    }

    // ------------------------------------------------------------------ errors

    /** An error naming the service and the image; secrets are removed. */
    DrydockException fail(String what) {
        return new DrydockException(redact(service + " rebuild of " + request.image() + ": " + what));
    }

    DrydockException fail(String what, Throwable cause) {
        return new DrydockException(redact(service + " rebuild of " + request.image() + ": " + what), cause);
    }

    /** "POST https://host/path answered 403: excerpt" as an error. */
    DrydockException unexpected(Response r) {
        return fail(describe(r));
    }

    String describe(Response r) {
        String excerpt = excerpt(r);
        return r.method() + " " + display(r.uri()) + " answered " + r.status() + (excerpt.isEmpty() ? "" : ": " + excerpt);
    }

    /** The start of a response body, HTML reduced to its text. */
    static String excerpt(Response r) {
        String body = r.body() == null ? "" : r.body();
        boolean html = r.headers().firstValue("Content-Type").map(t -> t.contains("html")).orElse(false)
                || body.stripLeading().startsWith("<");
        if (html) {
            body = body.replaceAll("(?is)<(script|style)[^>]*>.*?</\\1>", " ").replaceAll("<[^>]*>", " ");
        }
        body = body.replaceAll("\\s+", " ").strip();
        return body.length() > EXCERPT ? body.substring(0, EXCERPT) + "..." : body;
    }

    /** A URL as messages show it: no userinfo, no query (webhook URLs carry tokens there). */
    static String display(URI u) {
        StringBuilder sb = new StringBuilder();
        if (u.getScheme() != null) sb.append(u.getScheme()).append("://");
        if (u.getHost() != null) sb.append(u.getHost());
        if (u.getPort() >= 0) sb.append(':').append(u.getPort());
        if (u.getRawPath() != null) sb.append(u.getRawPath());
        return sb.toString();
    }

    // ------------------------------------------------------------------ HTTP

    HttpRequest.Builder builder(URI uri) {
        return HttpRequest.newBuilder(uri).header("User-Agent", USER_AGENT).timeout(callTimeout());
    }

    private Duration callTimeout() {
        long left = deadline - System.nanoTime();
        return Duration.ofNanos(Math.max(Duration.ofSeconds(1).toNanos(), Math.min(left, MAX_CALL.toNanos())));
    }

    /** Sends once; a connection failure is an error (used to start builds, which must not be sent twice blindly). */
    Response call(HttpRequest req) {
        try {
            return exchange(req);
        } catch (Unavailable e) {
            throw fail(e.getMessage());
        }
    }

    /**
     * Sends a request made while polling: a connection failure, a 5xx or a 429 is {@link Unavailable}, so that
     * {@link #await} asks again; any other answer is returned.
     */
    Response pollCall(HttpRequest req) {
        Response r = exchange(req);
        if (r.status() >= 500 || r.status() == 429) throw new Unavailable(redact(describe(r)));
        return r;
    }

    /** {@link #pollCall} that expects 2xx JSON. */
    JsonNode pollJson(HttpRequest req) {
        Response r = pollCall(req);
        if (!r.ok()) throw unexpected(r);
        return json(r);
    }

    private Response exchange(HttpRequest req) {
        try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(req.method(), req.uri(), r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            String why = DrydockException.reason(e) == null ? e.getClass().getSimpleName() : DrydockException.reason(e);
            throw new Unavailable(redact(req.method() + " " + display(req.uri()) + " failed: " + why));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail("interrupted during " + req.method() + " " + display(req.uri()));
        }
    }

    JsonNode json(Response r) {
        try {
            JsonNode n = JSON.readTree(r.body() == null ? "" : r.body());
            if (n == null || n.isMissingNode()) throw fail(r.method() + " " + display(r.uri()) + " answered " + r.status() + " with no JSON");
            return n;
        } catch (JsonProcessingException e) {
            throw fail(r.method() + " " + display(r.uri()) + " answered " + r.status() + " with something that is not JSON: "
                    + excerpt(r));
        }
    }

    static String jsonText(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    static String encode(String pathSegment) {
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    // ------------------------------------------------------------------ polling

    /** What the last poll saw; timeouts report it. */
    void state(String state) {
        this.lastState = state;
    }

    /**
     * Calls {@code step} every {@link #poll} until it returns a value or the request's timeout has passed.
     * {@link Unavailable} from a step is remembered and retried; other exceptions end the wait.
     *
     * @param what what is waited for, as the timeout message names it (with its URL)
     */
    <T> T await(String what, Supplier<Optional<T>> step) {
        while (true) {
            try {
                Optional<T> r = step.get();
                if (r.isPresent()) return r.get();
            } catch (Unavailable e) {
                lastState = "last request failed: " + e.getMessage();
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw fail(what + " did not finish within " + human(request.timeout()) + " (" + lastState + ")");
            }
            sleep(Math.min(poll.toNanos(), left));
        }
    }

    private void sleep(long nanos) {
        try {
            Thread.sleep(Duration.ofNanos(nanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail("interrupted while waiting");
        }
    }

    static String human(Duration d) {
        if (d.toMillis() < 1000 || d.toSeconds() < 10 && d.toMillisPart() != 0) return d.toMillis() + " ms";
        if (d.toSeconds() < 120) return d.toSeconds() + " s";
        return d.toMinutes() + " min" + (d.toSecondsPart() == 0 ? "" : " " + d.toSecondsPart() + " s");
    }

    // ------------------------------------------------------------------ the request's images

    /** A reference a build tool can use as is: {@code name@digest} when pinned (tools refuse tag and digest together). */
    static String pinned(ImageReference ref) {
        return ref.digest() != null ? ref.name() + "@" + ref.digest() : ref.toString();
    }

    /** The standard build parameters, in the names each service uses. */
    Map<String, String> parameters(String image, String base, String target, String requestId) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(image, request.image().toString());
        m.put(base, pinned(request.newBase()));
        m.put(target, request.target().toString());
        m.put(requestId, request.requestId());
        return m;
    }

    /** The digest the target tag has now (before a trigger: what a successful build must replace). */
    Optional<Digest> targetDigest() {
        return targetDigest(service, request, digests);
    }

    /**
     * What the target must differ from when Drydock follows a run an earlier attempt started: the target may already
     * hold its result, so only the deployed image's own digest (if known) is excluded.
     */
    Optional<Digest> baselineForExisting() {
        return Optional.ofNullable(request.image().digest());
    }

    /** The result after the service reported success: the target must exist and have moved away from {@code before}. */
    RebuildResult finish(Optional<Digest> before, String summary, Map<String, String> facts) {
        Digest now = moved(service, request, digests, before);
        Map<String, String> all = new LinkedHashMap<>(facts);
        all.put("requestId", request.requestId());
        before.ifPresent(d -> all.put("previousDigest", d.toString()));
        return new RebuildResult(now, request.target(), redact(summary + "; " + request.target() + " is now " + now), all);
    }

    static Optional<Digest> targetDigest(String service, RebuildRequest request, Function<ImageReference, Optional<Digest>> digests) {
        try {
            ImageReference t = request.target();
            return digests.apply(t.tag() != null ? t.withTag(t.tag()) : t);
        } catch (DrydockException e) {
            throw new DrydockException(service + " rebuild of " + request.image() + ": cannot read " + request.target() + ": "
                    + e.getMessage(), e);
        }
    }

    static Digest moved(String service, RebuildRequest request, Function<ImageReference, Optional<Digest>> digests,
                        Optional<Digest> before) {
        Optional<Digest> now = targetDigest(service, request, digests);
        if (now.isEmpty()) {
            throw new DrydockException(service + " rebuild of " + request.image() + ": the build succeeded but "
                    + request.target() + " does not exist");
        }
        if (before.isPresent() && before.get().equals(now.get())) {
            throw new DrydockException(service + " rebuild of " + request.image() + ": the pipeline succeeded but "
                    + request.target() + " still points to " + before.get());
        }
        return now.get();
    }

    /** The first {@code hexChars} of the SHA-256 of {@code text}: stable names and tags for a request id. */
    static String shortHash(String text, int hexChars) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, hexChars);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
