package io.drydock.admission.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.drydock.image.Descriptor;
import io.drydock.sign.SigningKeys;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-registry backoff: a registry that answers 503 is left alone for its Retry-After, so uncached images from it are
 * denied at once without a request, cached passes from it are still admitted, and other registries are not affected.
 * The throttling registry is a proxy in front of the real test registry that can be switched to answer 503.
 */
class AdmissionBackoffTest {
    @TempDir
    Path dir;

    /** Forwards to the real registry, or answers 503 with {@code Retry-After: 2} while {@code throttle} is set. */
    static final class ThrottlingProxy implements AutoCloseable {
        final AtomicBoolean throttle = new AtomicBoolean();
        final AtomicInteger throttled = new AtomicInteger();
        final AtomicInteger forwarded = new AtomicInteger();
        final HttpServer server;
        final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

        ThrottlingProxy(String upstream) throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                try (exchange) {
                    if (throttle.get()) {
                        throttled.incrementAndGet();
                        exchange.getResponseHeaders().add("Retry-After", "2");
                        exchange.sendResponseHeaders(503, -1);
                        return;
                    }
                    forwarded.incrementAndGet();
                    forward(exchange, upstream);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            server.start();
        }

        private void forward(HttpExchange exchange, String upstream) throws IOException, InterruptedException {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + upstream + exchange.getRequestURI()));
            for (String h : List.of("Accept", "Authorization")) {
                List<String> values = exchange.getRequestHeaders().get(h);
                if (values != null) {
                    values.forEach(v -> b.header(h, v));
                }
            }
            b.method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.noBody());
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            for (String h : List.of("Content-Type", "Docker-Content-Digest", "Docker-Distribution-Api-Version", "WWW-Authenticate")) {
                r.headers().firstValue(h).ifPresent(v -> exchange.getResponseHeaders().add(h, v));
            }
            boolean head = exchange.getRequestMethod().equals("HEAD");
            if (head) {
                r.headers().firstValue("Content-Length").ifPresent(v -> exchange.getResponseHeaders().add("Content-Length", v));
            }
            exchange.sendResponseHeaders(r.statusCode(), head || r.body().length == 0 ? -1 : r.body().length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(r.body());
                }
            }
        }

        String host() {
            return "127.0.0.1:" + server.getAddress().getPort();
        }

        int requests() {
            return throttled.get() + forwarded.get();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    @Test
    void aThrottlingRegistryIsLeftAloneForItsRetryAfterWhileCachedPassesAndOtherRegistriesStillWork() throws Exception {
        KeyPair alice = SigningKeys.generate();
        Files.writeString(dir.resolve("alice.pub"), SigningKeys.publicPem(alice.getPublic()));
        try (GateFixture gate = new GateFixture(dir, """
                apiVersion: drydock.io/v1
                kind: AdmissionPolicy
                default:
                  keys: [alice.pub]
                  attestations: [vuln]
                  maxAge: 24h
                  requirePassingVerdict: true
                  mode: enforce
                """);
             ThrottlingProxy proxy = new ThrottlingProxy(gate.registry.hostPort())) {
            Descriptor cached = gate.push("app", "shop/cached:1");
            gate.signAndAttest("shop/cached", cached, alice);
            Descriptor fresh = gate.push("base", "shop/fresh:1");
            gate.signAndAttest("shop/fresh", fresh, alice);
            Descriptor elsewhere = gate.push("arm64", "shop/direct:1");
            gate.signAndAttest("shop/direct", elsewhere, alice);
            String cachedViaProxy = proxy.host() + "/shop/cached@" + cached.digest();
            String freshViaProxy = proxy.host() + "/shop/fresh@" + fresh.digest();

            JsonNode warm = gate.validate("warm", cachedViaProxy);
            assertThat(warm.get("allowed").asBoolean()).as(warm.toString()).isTrue();

            proxy.throttle.set(true);
            JsonNode first = gate.validate("first", freshViaProxy);
            assertThat(first.get("allowed").asBoolean()).isFalse();
            assertThat(first.at("/status/message").asText()).contains("503");
            int afterFirst = proxy.requests();
            assertThat(proxy.throttled.get()).as("the first request reached the registry").isPositive();

            JsonNode second = gate.validate("second", freshViaProxy);
            assertThat(second.get("allowed").asBoolean()).isFalse();
            assertThat(second.at("/status/message").asText()).contains("backing off").contains(proxy.host());
            JsonNode stillCached = gate.validate("cached", cachedViaProxy);
            assertThat(stillCached.get("allowed").asBoolean()).as("a cached pass is admitted during the backoff").isTrue();
            assertThat(proxy.requests()).as("nothing sent to the registry while it is backed off").isEqualTo(afterFirst);

            JsonNode other = gate.validate("other", gate.image("shop/direct@" + elsewhere.digest()));
            assertThat(other.get("allowed").asBoolean()).as("another registry is not backed off: " + other).isTrue();

            proxy.throttle.set(false);
            Thread.sleep(2_200);
            JsonNode later = gate.validate("later", freshViaProxy);
            assertThat(later.get("allowed").asBoolean()).as("asked again after Retry-After: " + later).isTrue();
            assertThat(proxy.forwarded.get()).isGreaterThan(1);
        }
    }
}
