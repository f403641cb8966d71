package io.drydock.cli;

import io.drydock.DrydockException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A real OCI registry for the demo: Debian's {@code docker-registry} on a free loopback port, its storage in a
 * directory of the demo. The launcher installs the package when the demo runs.
 */
final class DemoRegistry implements AutoCloseable {
    private static final List<Path> BINARIES = List.of(Path.of("/usr/bin/docker-registry"), Path.of("/usr/sbin/docker-registry"));

    private final Process process;
    private final int port;

    private DemoRegistry(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static DemoRegistry start(Path dir) {
        Path binary = BINARIES.stream().filter(Files::isExecutable).findFirst().orElseThrow(() -> new DrydockException(
                "the demo's second act needs a local registry: install the Debian package docker-registry "
                        + "(./drydock demo does when it can), or run 'drydock demo --first-act-only'"));
        try {
            Files.createDirectories(dir.resolve("storage"));
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Path config = dir.resolve("config.yml");
            Files.writeString(config, """
                    version: 0.1
                    log:
                      level: error
                      accesslog:
                        disabled: true
                    storage:
                      filesystem:
                        rootdirectory: %s
                    http:
                      addr: 127.0.0.1:%d
                    """.formatted(dir.resolve("storage"), port));
            Process p = new ProcessBuilder(binary.toString(), "serve", config.toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("registry.log").toFile()).start();
            DemoRegistry r = new DemoRegistry(p, port);
            r.awaitReady(dir.resolve("registry.log"));
            return r;
        } catch (IOException e) {
            throw new DrydockException("cannot start the demo registry: " + DrydockException.reason(e), e);
        }
    }

    private void awaitReady(Path log) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Instant deadline = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                break;
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://" + hostPort() + "/v2/")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        close();
        String tail;
        try {
            tail = Files.readString(log);
        } catch (IOException e) {
            tail = "";
        }
        throw new DrydockException("the demo registry did not start on " + hostPort() + ": " + tail.strip());
    }

    String hostPort() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
