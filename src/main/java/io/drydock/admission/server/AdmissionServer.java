package io.drydock.admission.server;

import io.drydock.admission.ClusterLookups;
import io.drydock.image.registry.CredentialStore;
import io.javalin.Javalin;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The admission webhook over HTTPS ({@code drydock admission serve}): the {@link AdmissionHandlers} plus
 * {@code GET /healthz} and {@code GET /metrics}. Javalin 7 on Jetty 12, with one TLS connector whose certificate
 * {@link ReloadingTls} swaps in place.
 */
public final class AdmissionServer implements AutoCloseable {
    /** Reviews in progress at once, at most (the API server sends far fewer, even when a large Deployment scales up). */
    static final int MAX_THREADS = 1000;
    private final AdmissionHandlers handlers;
    private final ReloadingTls tls;
    private final Javalin app;
    private ServerConnector connector;

    /**
     * @param ownCredentials Drydock's own registry credentials, a fresh store each call (pods' credentials are added to it)
     * @param decisionLog where the one-line JSON decisions go (stdout in production)
     */
    public AdmissionServer(ServerConfig config, ClusterLookups cluster, Supplier<CredentialStore> ownCredentials, Path lockDirectory,
            Clock clock, PrintStream decisionLog) {
        this(config, cluster, ownCredentials, lockDirectory, clock, decisionLog, routes -> { });
    }

    /** Test hook: {@code extraRoutes} mounts more routes on the same Javalin and TLS connector (the benchmark's no-op baseline). */
    AdmissionServer(ServerConfig config, ClusterLookups cluster, Supplier<CredentialStore> ownCredentials, Path lockDirectory,
            Clock clock, PrintStream decisionLog, Consumer<io.javalin.config.RoutesConfig> extraRoutes) {
        this.handlers = new AdmissionHandlers(config, cluster, ownCredentials, lockDirectory, clock, decisionLog);
        Consumer<String> note = message -> handlers.logEvent("tls", message);
        this.tls = new ReloadingTls(config.certFile(), config.keyFile(), config.certificateCheckInterval(), note);
        this.app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            // Platform threads: a review is short, CPU-bound work (registry calls run on virtual threads of their own,
            // behind the deadline), and with a platform pool Jetty runs it on the thread that read the request instead of
            // handing it to a virtual thread's carrier. Measured with AdmissionBenchmark's load: p50 0.25 instead of 0.5 ms.
            c.concurrency.useVirtualThreads = false;
            // Every review waiting on the registry holds its thread until the deadline: a burst of new pods must not
            // find the pool full, or its reviews would start (and end) a deadline late. Idle threads cost little.
            QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 8, 60_000);
            threads.setName("drydock-admission");
            c.jetty.threadPool = threads;
            c.jetty.addConnector((server, http) -> {
                connector = tls.connector(server, http, config.host(), config.port());
                return connector;
            });
            handlers.mount(c.routes);
            c.routes.get("/healthz", ctx -> ctx.contentType("text/plain").result("ok\n"));
            c.routes.get("/metrics", ctx -> ctx.contentType(handlers.metricsContentType()).result(handlers.scrapeMetrics()));
            extraRoutes.accept(c.routes);
        });
    }

    public AdmissionServer start() {
        app.start();
        return this;
    }

    /** The port actually bound (the configured one, or the one chosen for port 0). */
    public int port() {
        return connector.getLocalPort();
    }

    int certificateReloads() {
        return tls.reloads();
    }

    @Override
    public void close() {
        app.stop();
        tls.close();
    }
}
