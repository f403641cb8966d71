package io.drydock.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * An open-loop HTTPS load generator run in a JVM of its own, so that its allocation, GC and JIT do not share a heap
 * or safepoints with the server it measures. Requests go on a fixed schedule whatever the answers do, each timed
 * from its slot (time the sender lost or spent waiting for a free connection counts against the server), over a
 * fixed pool of keep-alive HTTP/1.1 connections opened before the first request, as wrk2 does: a pool that grew
 * under a hiccup would measure TLS handshakes instead of the server. Prints one line: {@code sent errors p50 p99 p999 max behind
 * connections firstError} with times in microseconds.
 *
 * <p>Arguments: host port path caFile bodyFile rate seconds warmupSeconds connections. The body's {@code UID-PLACEHOLDER} is
 * replaced per request; an answer must be HTTP 200 containing {@code "allowed":true}.
 */
public final class LoadGenerator {
    private final String host;
    private final int port;
    private final String path;
    private final SSLContext tls;
    private final String template;
    private final BlockingQueue<Connection> idle = new LinkedBlockingQueue<>();
    private final AtomicInteger opened = new AtomicInteger();

    private LoadGenerator(String host, int port, String path, SSLContext tls, String template) {
        this.host = host;
        this.port = port;
        this.path = path;
        this.tls = tls;
        this.template = template;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 9) {
            System.err.println("usage: LoadGenerator host port path caFile bodyFile rate seconds warmupSeconds connections");
            System.exit(2);
        }
        LoadGenerator g = new LoadGenerator(args[0], Integer.parseInt(args[1]), args[2], trusting(Path.of(args[3])),
                Files.readString(Path.of(args[4])));
        int rate = Integer.parseInt(args[5]);
        for (int i = Integer.parseInt(args[8]); i > 0; i--) {
            g.idle.add(g.new Connection());
        }
        g.run("warmup", rate, Integer.parseInt(args[7]));
        Result r = g.run("measured", rate, Integer.parseInt(args[6]));
        System.out.println(r.line(g.opened.get()));
        System.exit(0);
    }

    record Result(int sent, int errors, long[] nanos, long behindNanos, String firstError) {
        long micros(double q) {
            long[] s = nanos.clone();
            Arrays.sort(s);
            int idx = (int) Math.ceil(q * s.length) - 1;
            return s[Math.max(0, Math.min(idx, s.length - 1))] / 1000;
        }

        String line(int connections) {
            return "RESULT " + sent + " " + errors + " " + micros(0.5) + " " + micros(0.99) + " " + micros(0.999) + " "
                    + micros(1.0) + " " + behindNanos / 1000 + " " + connections + " "
                    + (firstError == null ? "-" : firstError.replaceAll("\\s+", " "));
        }
    }

    private Result run(String name, int rate, int seconds) throws InterruptedException {
        int n = rate * seconds;
        long[] nanos = new long[n];
        AtomicInteger errors = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(n);
        long period = 1_000_000_000L / rate;
        long start = System.nanoTime() + 20_000_000L;
        long behind = 0;
        for (int i = 0; i < n; i++) {
            long slot = start + i * period;
            long now;
            while ((now = System.nanoTime()) < slot) {
                LockSupport.parkNanos(slot - now);
            }
            behind = Math.max(behind, now - slot);
            String uid = name + "-" + i;
            int k = i;
            Thread.ofVirtual().start(() -> {
                String problem;
                try {
                    problem = exchange(uid);
                } catch (IOException | RuntimeException | InterruptedException e) {
                    problem = e.toString();
                }
                nanos[k] = System.nanoTime() - slot;
                if (problem != null) {
                    errors.incrementAndGet();
                    firstError.compareAndSet(null, problem);
                }
                done.countDown();
            });
        }
        if (!done.await(seconds + 60L, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + ": " + done.getCount() + " requests never answered");
        }
        return new Result(n, errors.get(), nanos, behind, firstError.get());
    }

    /** One request on an idle connection (or a new one); null when the answer is an allow, else what was wrong. */
    private String exchange(String uid) throws IOException, InterruptedException {
        Connection c = idle.take();
        // "GET:/healthz" asks a handler that reads nothing: the baseline of a server that is not Drydock's test build
        boolean get = path.startsWith("GET:");
        byte[] body = get ? new byte[0] : template.replace("UID-PLACEHOLDER", uid).getBytes(StandardCharsets.UTF_8);
        String head = (get ? "GET " + path.substring(4) : "POST " + path) + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n"
                + (get ? "" : "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n") + "\r\n";
        c.out.write(head.getBytes(StandardCharsets.US_ASCII));
        c.out.write(body);
        c.out.flush();
        Response r;
        try {
            r = c.read();
        } catch (IOException e) {
            c.socket.close();
            idle.add(new Connection());
            throw e;
        }
        if (r.keepAlive()) {
            idle.add(c);
        } else {
            c.socket.close();
            idle.add(new Connection());
        }
        if (r.status() != 200) {
            return "HTTP " + r.status() + ": " + r.body();
        }
        return get || r.body().contains("\"allowed\":true") ? null : "not allowed: " + r.body();
    }

    private record Response(int status, String body, boolean keepAlive) {
    }

    private final class Connection {
        final SSLSocket socket;
        final InputStream in;
        final OutputStream out;

        Connection() throws IOException {
            socket = (SSLSocket) tls.getSocketFactory().createSocket(host, port);
            socket.setTcpNoDelay(true);
            socket.startHandshake();
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            out = socket.getOutputStream();
            opened.incrementAndGet();
        }

        Response read() throws IOException {
            String status = line();
            String[] parts = status.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP response: " + status);
            }
            int length = -1;
            boolean chunked = false;
            boolean close = false;
            for (String h; !(h = line()).isEmpty(); ) {
                int colon = h.indexOf(':');
                String key = h.substring(0, colon).trim().toLowerCase();
                String value = h.substring(colon + 1).trim();
                switch (key) {
                    case "content-length" -> length = Integer.parseInt(value);
                    case "transfer-encoding" -> chunked = value.equalsIgnoreCase("chunked");
                    case "connection" -> close = value.equalsIgnoreCase("close");
                    default -> { }
                }
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (chunked) {
                for (int size; (size = Integer.parseInt(line().split(";")[0].trim(), 16)) > 0; ) {
                    body.write(in.readNBytes(size));
                    line();
                }
                line();
            } else if (length >= 0) {
                body.write(in.readNBytes(length));
            }
            return new Response(Integer.parseInt(parts[1]), body.toString(StandardCharsets.UTF_8), !close);
        }

        private String line() throws IOException {
            StringBuilder sb = new StringBuilder();
            for (int b; (b = in.read()) != '\n'; ) {
                if (b < 0) {
                    throw new IOException("connection closed by the server");
                }
                if (b != '\r') {
                    sb.append((char) b);
                }
            }
            return sb.toString();
        }
    }

    static SSLContext trusting(Path caFile) throws Exception {
        return io.drydock.testing.Tls.context(caFile);
    }
}
