package io.drydock.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.drydock.DrydockException;
import io.drydock.admission.server.AdmissionHandlers;
import io.drydock.admission.server.ReloadingTls;
import io.drydock.fleet.Fleet;
import io.drydock.fleet.PodWatcher;
import io.drydock.image.Digest;
import io.drydock.store.AdmissionRecord;
import io.drydock.store.ApiToken;
import io.drydock.store.AuditEntry;
import io.drydock.store.ImageFilter;
import io.drydock.store.Store;
import io.drydock.watch.Watcher;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;

/**
 * {@code drydock serve}: the REST API, the dashboard and {@code /metrics}, the admission webhook's endpoints, the
 * registry notification endpoint, and the workers and singleton duties of the continuous watch, in one process.
 * Several replicas share one PostgreSQL: every replica serves and works; one leader at a time runs the informer,
 * the base poller and the advisory updates.
 */
public final class DrydockServer implements AutoCloseable {
    static final long MAX_BODY = 1 << 20;
    /** Admission decisions waiting for the store at most (a few minutes of a busy cluster's pod creations). */
    static final int ADMISSION_LOG_CAPACITY = 10_000;
    private static final String LEADER_DUTY = "leader";
    private static final String COOKIE = "drydock_token";

    /**
     * What the server runs, assembled by the command line.
     *
     * @param admission the webhook's handlers; null to serve none
     * @param watcher the base-update loop; null to run none
     * @param pods the workload informer; null when no cluster is watched
     * @param leadership whether this replica leads now (asked every few seconds)
     * @param extraRoutes more routes on the same server (the Harbor scanner adapter), behind the API's tokens
     */
    public record Parts(ServeConfig config, Store store, Fleet fleet, AdmissionHandlers admission, Watcher watcher, PodWatcher pods,
            BooleanSupplier leadership, List<Consumer<RoutesConfig>> extraRoutes, String replicaId, String policySummary, Clock clock,
            PrintWriter log) {
    }

    private final Parts parts;
    private final Store store;
    private final Api api;
    private final Dashboard dashboard;
    private final Tokens tokens;
    private final byte[] openApi;
    private final ReloadingTls tls;
    /** The webhook's decisions on their way to the store; null when no webhook is served. */
    private final AdmissionLog admissionLog;
    private final Javalin app;
    private final PrometheusRegistry metrics = new PrometheusRegistry();
    private final Counter httpRequests;
    private final Histogram httpLatency;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicBoolean leading = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    private volatile Instant lastPoll = Instant.EPOCH;
    private ServerConnector connector;

    public DrydockServer(Parts parts) {
        this.parts = parts;
        this.store = parts.store();
        this.api = new Api(store, parts.fleet(), parts.policySummary());
        this.dashboard = new Dashboard(api);
        this.tokens = new Tokens(store);
        this.openApi = openApiJson();
        ServeConfig config = parts.config();
        this.tls = config.tlsCert() == null ? null
                : new ReloadingTls(config.tlsCert(), config.tlsKey(), Duration.ofSeconds(10), m -> say("tls: " + m));
        httpRequests = Counter.builder().name("drydock_http_requests_total").help("HTTP requests by route and status")
                .labelNames("route", "status").register(metrics);
        httpLatency = Histogram.builder().name("drydock_http_request_duration_seconds").help("HTTP request time by route")
                .labelNames("route").classicOnly().classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5).register(metrics);
        GaugeWithCallback.builder().name("drydock_jobs").help("Steps in the shared queue by kind and state").labelNames("kind", "state")
                .callback(cb -> safely(() -> store.jobCounts().forEach((k, v) -> {
                    int slash = k.indexOf('/');
                    cb.call(v, k.substring(0, slash), k.substring(slash + 1).toLowerCase(Locale.ROOT));
                }))).register(metrics);
        GaugeWithCallback.builder().name("drydock_images").help("Analysed images in the store")
                .callback(cb -> safely(() -> cb.call(store.overview().images()))).register(metrics);
        GaugeWithCallback.builder().name("drydock_leader").help("1 when this replica runs the singleton duties")
                .callback(cb -> cb.call(leading.get() ? 1 : 0)).register(metrics);
        GaugeWithCallback.builder().name("drydock_advisory_db_built_timestamp_seconds").help("When the advisory DB in use was built")
                .callback(cb -> safely(() -> cb.call(parts.fleet().db().builtAt().getEpochSecond()))).register(metrics);
        if (parts.admission() != null) {
            admissionLog = new AdmissionLog(store, ADMISSION_LOG_CAPACITY, 1000, this::say);
            parts.admission().onDecision(d -> admissionLog.offer(new AdmissionRecord(0, parts.clock().instant(), d.uid(), d.namespace(),
                    d.kind(), d.name(), d.allowed(), d.message(), d.imagesJson())));
            CounterWithCallback.builder().name("drydock_admission_log_records_total")
                    .help("Admission decisions by what became of them in the store's log: recorded, dropped (queue full), failed (store error)")
                    .labelNames("result").callback(cb -> {
                        cb.call(admissionLog.recorded(), "recorded");
                        cb.call(admissionLog.dropped(), "dropped");
                        cb.call(admissionLog.failed(), "failed");
                    }).register(metrics);
        } else {
            admissionLog = null;
        }
        this.app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.concurrency.useVirtualThreads = true;
            c.http.maxRequestSize = MAX_BODY;
            c.jetty.addConnector((server, http) -> {
                if (tls != null) {
                    connector = tls.connector(server, http, config.host(), config.port());
                } else {
                    connector = new ServerConnector(server, new HttpConnectionFactory(http));
                    connector.setHost(config.host().isEmpty() ? null : config.host());
                    connector.setPort(config.port());
                }
                return connector;
            });
            routes(c.routes);
        });
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            // a scrape while the store is down shows the other metrics
        }
    }

    // ------------------------------------------------------------------ routes

    private void routes(RoutesConfig r) {
        r.before(ctx -> ctx.attribute("started", System.nanoTime()));
        r.after(ctx -> {
            Long started = ctx.attribute("started");
            var matched = ctx.endpoints().matchedHttpEndpoint();
            // the route's pattern, not the path: a label per digest would grow without bound
            String route = matched == null ? "unmatched" : matched.path;
            httpRequests.labelValues(route, Integer.toString(ctx.statusCode())).inc();
            if (started != null) {
                httpLatency.labelValues(route).observe((System.nanoTime() - started) / 1e9);
            }
        });
        r.exception(ApiException.class, (e, ctx) -> error(ctx, e.status, e.getMessage()));
        r.exception(DrydockException.class, (e, ctx) -> {
            say("request " + ctx.method() + " " + ctx.path() + " failed: " + e.getMessage());
            error(ctx, 503, e.getMessage());
        });
        r.exception(Exception.class, (e, ctx) -> {
            say("request " + ctx.method() + " " + ctx.path() + " failed: " + e);
            error(ctx, 500, "internal error: " + e.getClass().getSimpleName());
        });
        r.get("/healthz", ctx -> ctx.contentType("text/plain").result("ok\n"));
        r.get("/readyz", this::ready);
        r.get("/metrics", this::scrape);
        r.get("/api/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));

        r.before("/api/v1/*", ctx -> authorize(ctx, false));
        r.get("/api/v1/overview", ctx -> json(ctx, api.overview()));
        r.get("/api/v1/images", ctx -> json(ctx, api.images(filter(ctx), offset(ctx), limit(ctx))));
        r.post("/api/v1/images", this::analyse);
        r.get("/api/v1/images/{digest}", ctx -> json(ctx, api.image(digest(ctx), findingFilter(ctx))));
        r.get("/api/v1/vulnerabilities", ctx -> json(ctx, api.vulns(filter(ctx), offset(ctx), limit(ctx))));
        r.get("/api/v1/vulnerabilities/{id}", ctx -> json(ctx, api.vuln(ctx.pathParam("id"))));
        r.get("/api/v1/workloads", ctx -> json(ctx, api.workloadList(ctx.queryParam("namespace"))));
        r.get("/api/v1/lineage", ctx -> json(ctx, api.lineage()));
        r.get("/api/v1/rollouts", ctx -> json(ctx, api.rollouts(limit(ctx))));
        r.get("/api/v1/history", ctx -> json(ctx, api.history(required(ctx, "subject"))));
        r.get("/api/v1/admissions", ctx -> json(ctx, api.admissions(limit(ctx), bool(ctx, "denied", false))));
        r.get("/api/v1/policies", ctx -> json(ctx, api.policies()));
        r.get("/api/v1/advisories", ctx -> json(ctx, api.advisoryDb()));
        r.post("/api/v1/advisories/update", this::updateAdvisories);
        r.get("/api/v1/jobs", ctx -> json(ctx, api.jobs()));
        r.get("/api/v1/tokens", this::listTokens);
        r.post("/api/v1/tokens", this::createToken);
        r.delete("/api/v1/tokens/{name}", this::deleteToken);
        for (Consumer<RoutesConfig> extra : parts.extraRoutes()) {
            extra.accept(r);
        }
        if (parts.admission() != null) {
            parts.admission().mount(r);
        }
        if (parts.watcher() != null) {
            parts.watcher().mountNotifications(r);
        }

        r.get("/ui/login", ctx -> html(ctx, dashboard.login(null)));
        r.post("/ui/login", this::login);
        r.before("/", this::signedIn);
        r.before("/ui/*", this::signedIn);
        r.get("/", ctx -> html(ctx, dashboard.overview()));
        r.get("/ui/images/{digest}", ctx -> html(ctx, dashboard.image(digest(ctx))));
        r.get("/ui/vulnerabilities", ctx -> html(ctx, dashboard.vulns(filter(ctx), offset(ctx))));
        r.get("/ui/vulnerabilities/{id}", ctx -> html(ctx, dashboard.vuln(ctx.pathParam("id"))));
        r.get("/ui/lineage", ctx -> html(ctx, dashboard.lineage()));
        r.get("/ui/rollouts", ctx -> html(ctx, dashboard.rollouts()));
        r.get("/ui/admissions", ctx -> html(ctx, dashboard.admissions()));
    }

    /** Bearer token on every API call; only admins change anything. A body over the limit is refused unread. */
    private void authorize(Context ctx, boolean cookieToo) {
        long length = ctx.contentLength();
        if (length > MAX_BODY) {
            throw new ApiException(413, "request body of " + length + " bytes is over the limit of " + MAX_BODY);
        }
        String header = ctx.header("Authorization");
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : null;
        if (token == null && cookieToo) {
            token = ctx.cookie(COOKIE);
        }
        if (token == null) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"drydock\"");
            throw new ApiException(401, "missing API token: send Authorization: Bearer <token>");
        }
        ApiToken who = tokens.check(token).orElseThrow(() -> {
            ctx.header("WWW-Authenticate", "Bearer realm=\"drydock\", error=\"invalid_token\"");
            return new ApiException(401, "the API token is not valid");
        });
        boolean reading = ctx.method().name().equals("GET") || ctx.method().name().equals("HEAD");
        boolean harborScan = ctx.path().startsWith("/api/v1/scan");
        if (!reading && !harborScan && who.role() != ApiToken.Role.ADMIN) {
            throw new ApiException(403, "the token " + who.name() + " may read only; " + ctx.method() + " " + ctx.path() + " needs an admin token");
        }
        ctx.attribute("token", who);
    }

    /** The dashboard reads with the token kept in an HttpOnly cookie; it only ever reads, so the cookie cannot change anything. */
    private void signedIn(Context ctx) {
        if (ctx.path().equals("/ui/login")) {
            return;
        }
        if (tokens.check(ctx.cookie(COOKIE)).isEmpty()) {
            ctx.redirect("/ui/login");
            ctx.skipRemainingHandlers();
        }
    }

    private void login(Context ctx) {
        String token = ctx.formParam("token");
        if (tokens.check(token).isEmpty()) {
            ctx.status(401);
            html(ctx, dashboard.login("That token is not valid."));
            return;
        }
        ctx.header("Set-Cookie", COOKIE + "=" + token + "; Path=/; HttpOnly; SameSite=Strict" + (tls != null ? "; Secure" : ""));
        ctx.redirect("/");
    }

    private void ready(Context ctx) {
        try {
            store.setting("ready-check");
            parts.fleet().db().builtAt();
            ctx.contentType("text/plain").result("ready\n");
        } catch (RuntimeException e) {
            ctx.status(503).contentType("text/plain").result("not ready: " + e.getMessage() + "\n");
        }
    }

    private void scrape(Context ctx) throws IOException {
        PrometheusTextFormatWriter text = ExpositionFormats.init().getPrometheusTextFormatWriter();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        text.write(out, metrics.scrape());
        if (parts.admission() != null) {
            out.write(parts.admission().scrapeMetrics());
        }
        ctx.contentType(text.getContentType()).result(out.toByteArray());
    }

    private void analyse(Context ctx) {
        JsonNode body = body(ctx, Set.of("reference"));
        String reference = body.path("reference").asText("");
        if (!body.path("reference").isTextual() || reference.isBlank()) {
            throw new ApiException(400, "field 'reference' must be an image reference such as registry.example.com/team/app:1");
        }
        try {
            io.drydock.image.ImageReference.parse(reference);
        } catch (RuntimeException e) {
            throw new ApiException(400, "field 'reference': " + e.getMessage());
        }
        parts.fleet().enqueueAnalysis(reference);
        audit(ctx, "api-analyse", "queued the analysis of " + reference);
        ctx.status(202);
        json(ctx, Api.JSON.createObjectNode().put("queued", reference));
    }

    private void updateAdvisories(Context ctx) {
        body(ctx, Set.of());
        Instant version = parts.fleet().db().update();
        int steps = parts.fleet().enqueueRematch(version);
        audit(ctx, "api-advisory-update", "updated the advisory DB (built " + version + "), " + steps + " re-matching step(s) queued");
        ctx.status(202);
        json(ctx, Api.JSON.createObjectNode().put("builtAt", version.toString()).put("rematchSteps", steps));
    }

    private void listTokens(Context ctx) {
        requireAdmin(ctx);
        var items = Api.JSON.createArrayNode();
        store.tokens().forEach(t -> items.addObject().put("name", t.name()).put("role", t.role().name().toLowerCase(Locale.ROOT))
                .put("createdAt", t.createdAt().toString()));
        json(ctx, Api.page(items, 0, items.size(), items.size()));
    }

    private void createToken(Context ctx) {
        JsonNode body = body(ctx, Set.of("name", "role"));
        String name = body.path("name").asText("");
        if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new ApiException(400, "field 'name' must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        ApiToken.Role role;
        try {
            role = ApiToken.Role.valueOf(body.path("role").asText("read").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "field 'role' must be read or admin");
        }
        String token = tokens.create(name, role, parts.clock().instant())
                .orElseThrow(() -> new ApiException(409, "a token named " + name + " exists"));
        audit(ctx, "api-token-created", "created the " + role.name().toLowerCase(Locale.ROOT) + " token " + name);
        ctx.status(201);
        // the only time the token is shown
        json(ctx, Api.JSON.createObjectNode().put("name", name).put("role", role.name().toLowerCase(Locale.ROOT)).put("token", token));
    }

    private void deleteToken(Context ctx) {
        String name = ctx.pathParam("name");
        if (!store.deleteToken(name)) {
            throw new ApiException(404, "no token named " + name);
        }
        audit(ctx, "api-token-deleted", "deleted the token " + name);
        ctx.status(204);
    }

    private static void requireAdmin(Context ctx) {
        ApiToken who = ctx.attribute("token");
        if (who == null || who.role() != ApiToken.Role.ADMIN) {
            throw new ApiException(403, "listing tokens needs an admin token");
        }
    }

    private void audit(Context ctx, String action, String message) {
        ApiToken who = ctx.attribute("token");
        store.audit(new AuditEntry("api", parts.clock().instant(), action, message + " (token " + (who == null ? "?" : who.name()) + ")",
                null, 0));
    }

    /** A JSON object body with only {@code fields} in it; an empty body is an empty object. */
    private static JsonNode body(Context ctx, Set<String> fields) {
        byte[] raw;
        try (InputStream in = ctx.req().getInputStream()) {
            raw = in.readNBytes((int) MAX_BODY + 1);
        } catch (IOException e) {
            throw new ApiException(400, "cannot read the request body: " + DrydockException.reason(e));
        }
        if (raw.length > MAX_BODY) {
            throw new ApiException(413, "request body is over the limit of " + MAX_BODY + " bytes");
        }
        if (raw.length == 0) {
            return Api.JSON.createObjectNode();
        }
        JsonNode node;
        try {
            node = Api.JSON.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "the body is not valid JSON: " + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr());
        } catch (IOException e) {
            throw new ApiException(400, "cannot read the request body: " + DrydockException.reason(e));
        }
        if (node == null || !node.isObject()) {
            throw new ApiException(400, "the body must be a JSON object");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!fields.contains(f)) {
                throw new ApiException(400, "unknown field '" + f + "'" + (fields.isEmpty() ? ": this request takes no fields"
                        : " (known: " + String.join(", ", fields.stream().sorted().toList()) + ")"));
            }
        }
        return node;
    }

    private static String digest(Context ctx) {
        String d = ctx.pathParam("digest");
        try {
            Digest.parse(d);
        } catch (DrydockException e) {
            throw new ApiException(400, e.getMessage());
        }
        return d;
    }

    static ImageFilter filter(Context ctx) {
        String severity = ctx.queryParam("severity");
        if (severity != null) {
            severity = severity.toUpperCase(Locale.ROOT);
            if (!Set.of("CRITICAL", "HIGH", "MEDIUM", "LOW", "OTHER").contains(severity)) {
                throw new ApiException(400, "query parameter 'severity' must be critical, high, medium, low or other, not '"
                        + ctx.queryParam("severity") + "'");
            }
        }
        String origin = ctx.queryParam("origin");
        if (origin != null && !Set.of("base", "application").contains(origin)) {
            throw new ApiException(400, "query parameter 'origin' must be base or application, not '" + origin + "'");
        }
        String fixable = ctx.queryParam("fixable");
        return new ImageFilter(severity, fixable == null ? null : bool(ctx, "fixable", false), origin, ctx.queryParam("namespace"),
                ctx.queryParam("repository"));
    }

    private static ImageFilter findingFilter(Context ctx) {
        ImageFilter f = filter(ctx);
        return new ImageFilter(f.severity(), f.fixable(), f.origin(), null, null);
    }

    private static boolean bool(Context ctx, String name, boolean fallback) {
        String v = ctx.queryParam(name);
        if (v == null) {
            return fallback;
        }
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ApiException(400, "query parameter '" + name + "' must be true or false, not '" + v + "'");
        };
    }

    private static int offset(Context ctx) {
        return number(ctx, "offset", 0, 0, Integer.MAX_VALUE);
    }

    private static int limit(Context ctx) {
        return number(ctx, "limit", 50, 1, 500);
    }

    private static int number(Context ctx, String name, int fallback, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new ApiException(400, "query parameter '" + name + "' must be a whole number from " + min + " to " + max + ", not '" + v + "'");
    }

    private static String required(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            throw new ApiException(400, "query parameter '" + name + "' is required");
        }
        return v;
    }

    /** Writes a document with a strong ETag; a matching If-None-Match gets 304 and no body. */
    private static void json(Context ctx, JsonNode node) {
        byte[] body;
        try {
            body = Api.JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        String etag = "\"" + Digest.sha256(body).hex().substring(0, 32) + "\"";
        ctx.header("ETag", etag);
        ctx.header("Cache-Control", "private, no-cache");
        String match = ctx.header("If-None-Match");
        if (match != null && List.of(match.split(",")).stream().map(String::strip).anyMatch(m -> m.equals(etag) || m.equals("*"))) {
            ctx.status(304);
            return;
        }
        ctx.contentType("application/json").result(body);
    }

    private static void html(Context ctx, String page) {
        ctx.header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.contentType("text/html; charset=utf-8").result(page);
    }

    private static void error(Context ctx, int status, String message) {
        if (ctx.path().startsWith("/ui/") || ctx.path().equals("/")) {
            ctx.status(status);
            html(ctx, "<!DOCTYPE html><html><body><h1>" + status + "</h1><p id=\"error\">" + Html.escape(message) + "</p></body></html>");
            return;
        }
        ctx.status(status).contentType("application/json").result(Api.JSON.createObjectNode().put("error", message).toString());
    }

    /** The OpenAPI document, kept as YAML in the jar and served as JSON. */
    private static byte[] openApiJson() {
        try (InputStream in = DrydockServer.class.getResourceAsStream("/server/openapi.yaml")) {
            if (in == null) {
                throw new IllegalStateException("server/openapi.yaml is missing from the jar");
            }
            return Api.JSON.writeValueAsBytes(new YAMLMapper().readTree(in));
        } catch (IOException e) {
            throw new IllegalStateException("server/openapi.yaml cannot be read: " + DrydockException.reason(e), e);
        }
    }

    // ------------------------------------------------------------------ work

    public DrydockServer start() {
        String bootstrap = parts.config().adminToken();
        if (bootstrap != null && tokens.bootstrap("admin", bootstrap, parts.clock().instant())) {
            say("installed the bootstrap admin token from the configuration");
        }
        app.start();
        say("serving on " + (tls != null ? "https" : "http") + "://" + (parts.config().host().isEmpty() ? "0.0.0.0" : parts.config().host())
                + ":" + port() + " (replica " + parts.replicaId() + ", store " + store.describe() + ")");
        for (int i = 0; i < parts.config().workers(); i++) {
            String owner = parts.replicaId() + "/worker-" + i;
            store.releaseAll(owner);
            threads.add(Thread.ofPlatform().name("drydock-worker-" + i).daemon().start(() -> work(owner)));
        }
        if (parts.watcher() != null) {
            parts.watcher().recover();
        }
        threads.add(Thread.ofPlatform().name("drydock-leader").daemon().start(this::lead));
        return this;
    }

    private void work(String owner) {
        while (!stopping.get()) {
            try {
                boolean did = parts.fleet().runOne(owner);
                if (!did && parts.watcher() != null) {
                    did = parts.watcher().runStep();
                }
                if (!did) {
                    Thread.sleep(200);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // the store is unreachable or similar: the step stays held until its lease runs out, then runs again
                say("worker " + owner + ": " + e.getMessage());
                sleep(2000);
            }
        }
    }

    /** The singleton duties, run by whichever replica holds the lead; asked again every two seconds. */
    private void lead() {
        while (!stopping.get()) {
            try {
                boolean now = parts.leadership().getAsBoolean();
                if (now != leading.getAndSet(now)) {
                    say(now ? "leading: running the informer, the base poller and the advisory updates" : "no longer leading");
                }
                if (now) {
                    leaderDuties();
                } else if (parts.pods() != null && parts.pods().running()) {
                    parts.pods().close();
                }
            } catch (RuntimeException e) {
                say("leader duties: " + e.getMessage());
            }
            sleep(2000);
        }
    }

    private void leaderDuties() {
        if (parts.pods() != null && !parts.pods().running()) {
            parts.pods().start();
        }
        Fleet fleet = parts.fleet();
        Instant now = parts.clock().instant();
        Instant builtAt = fleet.db().builtAt();
        String matched = store.setting("advisories.version").orElse(null);
        if (matched == null || Instant.parse(matched).isBefore(builtAt)) {
            int steps = fleet.enqueueRematch(builtAt);
            say("advisory DB built " + builtAt + ": " + steps + " re-matching step(s) queued");
        }
        Instant updated = store.setting("advisories.updatedAt").map(Instant::parse).orElse(null);
        if (updated == null) {
            store.putSetting("advisories.updatedAt", now.toString(), now);
        } else if (!updated.plus(parts.config().advisoryEvery()).isAfter(now)) {
            store.putSetting("advisories.updatedAt", now.toString(), now);
            Instant version = fleet.db().update();
            say("advisory DB updated (built " + version + ")");
            fleet.enqueueRematch(version);
        }
        if (parts.watcher() != null && !lastPoll.plus(parts.watcher().config().poll().interval()).isAfter(now)) {
            lastPoll = now;
            parts.watcher().pollCycle();
        }
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public int port() {
        return connector.getLocalPort();
    }

    public boolean leading() {
        return leading.get();
    }

    private void say(String message) {
        synchronized (parts.log()) {
            parts.log().println("serve: " + message);
            parts.log().flush();
        }
    }

    @Override
    public void close() {
        stopping.set(true);
        for (Thread t : threads) {
            t.interrupt();
        }
        for (Thread t : threads) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (parts.pods() != null) {
            parts.pods().close();
        }
        app.stop();
        // after the last answer: what the webhook decided is in the store before the store closes
        if (admissionLog != null) {
            admissionLog.close();
        }
        if (tls != null) {
            tls.close();
        }
    }

    static ObjectNode object() {
        return Api.JSON.createObjectNode();
    }
}
