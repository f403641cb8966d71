package io.drydock.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * An open-loop HTTPS load generator run in a JVM of its own, so that its allocation, GC and JIT do not share a heap
 * or safepoints with the server it measures. As in wrk2, each of a fixed number of keep-alive HTTP/1.1 connections
 * (opened before the first request) has its own share of a fixed schedule: connection k sends requests k, k+C, k+2C…
 * at their slots whatever the answers do, and each request is timed from its slot, so a late answer also counts
 * against the requests queued behind it on that connection. One platform thread per connection blocks in the
 * socket read, so an answer wakes its thread directly (no hand-off between threads in the generator).
 *
 * <p>Before the measured run the server is warmed up closed loop (every connection sends as fast as it is answered
 * for {@code warmupSeconds}, enough requests for the JIT to compile the whole path) and then paced for two seconds,
 * unmeasured. Prints one line: {@code RESULT sent errors p50 p99 p999 max behind connections warmupRequests firstError}
 * with times in microseconds.
 *
 * <p>Arguments: host port path caFile bodyFile rate seconds warmupSeconds connections. The body's {@code UID-PLACEHOLDER} is
 * replaced per request; an answer must be HTTP 200 containing {@code "allowed":true}. A path {@code GET:/x} sends GETs.
 */
public final class LoadGenerator {
    private final String host;
    private final int port;
    private final String path;
    private final SSLContext tls;
    private final String template;
    private final List<Connection> connections = new ArrayList<>();
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
            g.connections.add(g.new Connection());
        }
        int warmed = g.closedLoop("warmup", Integer.parseInt(args[7]));
        g.paced("settle", rate, 2);
        Result r = g.paced("measured", rate, Integer.parseInt(args[6]));
        System.out.println(r.line(g.opened.get(), warmed));
        System.exit(0);
    }

    record Result(int sent, int errors, long[] nanos, long behindNanos, String firstError) {
        long micros(double q) {
            long[] s = nanos.clone();
            Arrays.sort(s);
            int idx = (int) Math.ceil(q * s.length) - 1;
            return s[Math.max(0, Math.min(idx, s.length - 1))] / 1000;
        }

        String line(int connections, int warmupRequests) {
            return "RESULT " + sent + " " + errors + " " + micros(0.5) + " " + micros(0.99) + " " + micros(0.999) + " "
                    + micros(1.0) + " " + behindNanos / 1000 + " " + connections + " " + warmupRequests + " "
                    + (firstError == null ? "-" : firstError.replaceAll("\\s+", " "));
        }
    }

    /** Every connection sends back to back for {@code seconds}; returns how many requests were answered. */
    private int closedLoop(String name, int seconds) throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicInteger answered = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int k = 0; k < connections.size(); k++) {
            int slot = k;
            threads.add(Thread.ofPlatform().name(name + "-" + k).start(() -> {
                for (int i = 0; System.nanoTime() < end; i++) {
                    String problem = exchangeOn(slot, name + "-" + slot + "-" + i);
                    if (problem != null) {
                        firstError.compareAndSet(null, problem);
                        return;
                    }
                    answered.incrementAndGet();
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        if (firstError.get() != null) {
            throw new IllegalStateException(name + ": " + firstError.get());
        }
        return answered.get();
    }

    /** {@code rate} requests per second for {@code seconds}, request i on connection i mod C at its own slot. */
    private Result paced(String name, int rate, int seconds) throws InterruptedException {
        int n = rate * seconds;
        int c = connections.size();
        long[] nanos = new long[n];
        long[] behind = new long[c];
        AtomicInteger errors = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        long period = 1_000_000_000L / rate;
        long start = System.nanoTime() + 20_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (int k = 0; k < c; k++) {
            int slotOwner = k;
            threads.add(Thread.ofPlatform().name(name + "-" + k).start(() -> {
                for (int i = slotOwner; i < n; i += c) {
                    long slot = start + i * period;
                    long now;
                    while ((now = System.nanoTime()) < slot) {
                        LockSupport.parkNanos(slot - now);
                    }
                    behind[slotOwner] = Math.max(behind[slotOwner], now - slot);
                    String problem = exchangeOn(slotOwner, name + "-" + i);
                    nanos[i] = System.nanoTime() - slot;
                    if (problem != null) {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, problem);
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        return new Result(n, errors.get(), nanos, Arrays.stream(behind).max().orElse(0), firstError.get());
    }

    /** One exchange on connection {@code k}, reopening it when it failed or the server closed it; null when allowed. */
    private String exchangeOn(int k, String uid) {
        try {
            return exchange(k, uid);
        } catch (IOException | RuntimeException e) {
            return e.toString();
        }
    }

    /** One request on connection {@code k}: null when the answer is an allow, else what was wrong. */
    private String exchange(int k, String uid) throws IOException {
        Connection c = connections.get(k);
        // "GET:/healthz" asks a handler that reads nothing: the baseline of a server that is not Drydock's test build
        boolean get = path.startsWith("GET:");
        byte[] body = get ? new byte[0] : template.replace("UID-PLACEHOLDER", uid).getBytes(StandardCharsets.UTF_8);
        String head = (get ? "GET " + path.substring(4) : "POST " + path) + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n"
                + (get ? "" : "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n") + "\r\n";
        Response r;
        try {
            byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
            byte[] request = Arrays.copyOf(headBytes, headBytes.length + body.length);
            System.arraycopy(body, 0, request, headBytes.length, body.length);
            // one write, so one TLS record and one segment per request
            c.out.write(request);
            c.out.flush();
            r = c.read();
        } catch (IOException e) {
            c.socket.close();
            connections.set(k, new Connection());
            throw e;
        }
        if (!r.keepAlive()) {
            c.socket.close();
            connections.set(k, new Connection());
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
