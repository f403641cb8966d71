package io.drydock.image.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A reverse proxy in front of a real registry that misbehaves on purpose: it can corrupt blob
 * bodies, answer 503 a number of times first, or replace manifests with garbage.
 */
final class FaultyProxy implements AutoCloseable {
    private static final Set<String> HOP_HEADERS = Set.of("connection", "content-length", "transfer-encoding", "host", "date");
    private final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String upstream;
    volatile UnaryOperator<byte[]> blobBody = UnaryOperator.identity();
    volatile byte[] manifestOverride;
    final AtomicInteger failuresLeft = new AtomicInteger();
    volatile String retryAfter;
    final AtomicInteger requests = new AtomicInteger();
    /** When set, blob bodies stop after this many bytes and the connection hangs. */
    volatile int stallBlobsAfter = -1;

    FaultyProxy(String upstreamHostPort) throws IOException {
        this.upstream = "http://" + upstreamHostPort;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String hostPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        try (ex) {
            if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                if (retryAfter != null) ex.getResponseHeaders().add("Retry-After", retryAfter);
                ex.sendResponseHeaders(503, -1);
                return;
            }
            String path = ex.getRequestURI().toString();
            if (manifestOverride != null && path.contains("/manifests/")) {
                ex.getResponseHeaders().add("Content-Type", "application/vnd.oci.image.manifest.v1+json");
                ex.sendResponseHeaders(200, manifestOverride.length);
                ex.getResponseBody().write(manifestOverride);
                return;
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(upstream + path));
            ex.getRequestHeaders().forEach((k, v) -> {
                if (!HOP_HEADERS.contains(k.toLowerCase())) v.forEach(val -> b.header(k, val));
            });
            byte[] body = ex.getRequestBody().readAllBytes();
            b.method(ex.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            byte[] out = r.body();
            if (path.contains("/blobs/sha256:") && ex.getRequestMethod().equals("GET") && r.statusCode() == 200) out = blobBody.apply(out);
            r.headers().map().forEach((k, v) -> {
                if (!HOP_HEADERS.contains(k.toLowerCase())) ex.getResponseHeaders().put(k, List.copyOf(v));
            });
            boolean head = ex.getRequestMethod().equals("HEAD");
            ex.sendResponseHeaders(r.statusCode(), head || out.length == 0 ? -1 : out.length);
            if (!head && out.length > 0) {
                try (OutputStream os = ex.getResponseBody()) {
                    if (stallBlobsAfter >= 0 && path.contains("/blobs/sha256:") && out.length > stallBlobsAfter) {
                        os.write(out, 0, stallBlobsAfter);
                        os.flush();
                        Thread.sleep(30_000);
                        return;
                    }
                    os.write(out);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static byte[] flipLastByte(byte[] in) {
        byte[] copy = in.clone();
        if (copy.length > 0) copy[copy.length - 1] ^= 0x5a;
        return copy;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
