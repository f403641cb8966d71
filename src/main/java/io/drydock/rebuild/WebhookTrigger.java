package io.drydock.rebuild;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.DrydockException;
import io.drydock.image.Descriptor;
import io.drydock.image.Digest;
import io.drydock.image.ImageReference;
import io.drydock.image.registry.RegistryClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Rebuilds through any HTTP endpoint: {@code POST url} with the JSON
 * {@code {"image","oldBase","newBase","target","requestId","callback":null}} ({@code newBase} by digest) and the
 * headers {@code X-Drydock-Request-Id} and, with a secret, {@code X-Drydock-Signature: sha256=<hex HMAC-SHA256 of the
 * body>}. Any 2xx is accepted. When the answer is JSON with {@code statusUrl}, that URL is polled until its
 * {@code state} is {@code succeeded} or {@code failed} (with an optional {@code message}); otherwise Drydock waits for
 * the target tag to point to a new digest.
 *
 * <p>Drydock cannot look for an earlier run here: the receiver should use the request id to start a build only once
 * (and answer a repeated request with the same {@code statusUrl}).
 *
 * <p>Settings: {@code url}, {@code secretEnv} (optional: environment variable with the HMAC secret),
 * {@code pollMillis} (default 10000).
 */
public final class WebhookTrigger implements RebuildStrategy {
    public static final String SIGNATURE_HEADER = "X-Drydock-Signature";

    private final Function<ImageReference, Optional<Digest>> digests;
    private final Function<String, String> env;

    public WebhookTrigger(RegistryClient registry) {
        this(ref -> registry.head(ref).map(Descriptor::digest), System::getenv);
    }

    public WebhookTrigger(Function<ImageReference, Optional<Digest>> digests, Function<String, String> env) {
        this.digests = digests;
        this.env = env;
    }

    @Override
    public String name() {
        return "webhook";
    }

    /** {@code sha256=<hex>}: the HMAC-SHA256 of {@code body} with {@code secret}. */
    public static String signature(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public RebuildResult rebuild(RebuildRequest request) {
        try (CiHttp ci = new CiHttp(name(), request, env, digests, Duration.ofSeconds(10), false)) {
            String urlText = ci.required("url");
            // The URL may carry a token of the receiver's own (query string): it is a secret in messages.
            URI url;
            try {
                url = URI.create(urlText);
            } catch (IllegalArgumentException e) {
                throw ci.fail("settings.url is not a URL");
            }
            if (url.getRawQuery() != null) ci.hide(url.getRawQuery());
            if (url.getScheme() == null || !url.getScheme().matches("https?") || url.getHost() == null) {
                throw ci.fail("settings.url must be an http(s) URL, not " + CiHttp.display(url));
            }
            String secret = ci.optionalSecretFromEnv("secretEnv");

            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("image", request.image().toString());
            payload.put("oldBase", request.oldBase() == null ? null : request.oldBase().toString());
            payload.put("newBase", CiHttp.pinned(request.newBase()));
            payload.put("target", request.target().toString());
            payload.put("requestId", request.requestId());
            payload.put("callback", null);
            byte[] body = CiHttp.jsonText(payload).getBytes(StandardCharsets.UTF_8);

            Optional<Digest> before = ci.targetDigest();
            HttpRequest.Builder post = ci.builder(url).header("Content-Type", "application/json")
                    .header("X-Drydock-Request-Id", request.requestId())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if (secret != null) post.header(SIGNATURE_HEADER, signature(secret, body));
            CiHttp.Response r = ci.call(post.build());
            if (!r.ok()) throw ci.unexpected(r);

            String statusUrl = statusUrl(r);
            Map<String, String> facts = new LinkedHashMap<>();
            String summary;
            if (statusUrl != null) {
                URI status = url.resolve(statusUrl);
                facts.put("statusUrl", CiHttp.display(status));
                JsonNode done = ci.await("the build behind " + CiHttp.display(status), () -> {
                    JsonNode s = ci.pollJson(ci.builder(status).header("Accept", "application/json").GET().build());
                    String state = s.path("state").asText("?");
                    ci.state("state " + state);
                    return state.equals("succeeded") || state.equals("failed") ? Optional.of(s) : Optional.empty();
                });
                if (!"succeeded".equals(done.path("state").asText())) {
                    String message = done.path("message").asText("");
                    throw ci.fail("the build behind " + CiHttp.display(status) + " failed" + (message.isEmpty() ? "" : ": " + message));
                }
                summary = "webhook " + CiHttp.display(url) + ", build reported succeeded at " + CiHttp.display(status);
            } else {
                ci.await("the push of " + request.target() + " after POST " + CiHttp.display(url), () -> {
                    Optional<Digest> now;
                    try {
                        now = ci.targetDigest();
                    } catch (DrydockException e) {
                        throw new CiHttp.Unavailable(e.getMessage());
                    }
                    ci.state(request.target() + " is " + now.map(Digest::toString).orElse("absent"));
                    return now.isPresent() && !now.equals(before) ? now : Optional.empty();
                });
                summary = "webhook " + CiHttp.display(url) + ", new push seen at " + request.target();
            }
            return ci.finish(before, summary, facts);
        }
    }

    private static String statusUrl(CiHttp.Response r) {
        String body = r.body() == null ? "" : r.body().strip();
        if (!body.startsWith("{")) return null;
        try {
            JsonNode n = CiHttp.JSON.readTree(body);
            return n.hasNonNull("statusUrl") && !n.path("statusUrl").asText().isBlank() ? n.path("statusUrl").asText() : null;
        } catch (Exception e) {
            return null;
        }
    }
}
