package io.drydock.admission.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.admission.AdmissionDecision;
import io.drydock.admission.AdmissionInputException;
import io.drydock.admission.AdmissionPolicy;
import io.drydock.admission.AdmissionRequest;
import io.drydock.admission.AdmissionRequests;
import io.drydock.admission.ClusterLookups;
import io.drydock.admission.PodImages;
import io.drydock.image.registry.Credential;
import io.drydock.image.registry.CredentialStore;
import io.drydock.image.registry.HostBackoff;
import io.drydock.image.registry.RegistryClient;
import io.drydock.DrydockException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The admission webhook's handlers: {@code POST /validate} and {@code POST /mutate} (AdmissionReview v1) and the
 * gate's metrics. {@link AdmissionServer} serves them on a TLS connector of their own ({@code drydock admission
 * serve}); {@code drydock serve} mounts the same handlers beside its API.
 */
public final class AdmissionHandlers {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Twice the largest object the API server stores (an update carries the old object too), and some room. */
    static final int MAX_REVIEW_BYTES = 8 << 20;

    /** A decision as the server's admission log keeps it. */
    public record Decided(String uid, String namespace, String kind, String name, boolean allowed, String message, String imagesJson) {
    }

    private final ServerConfig config;
    private final AdmissionPolicy policy;
    private final ClusterLookups cluster;
    private final Clock clock;
    private final PrintStream decisionLog;
    private final Metrics metrics;
    private final ImageVerifier verifier;
    private volatile Consumer<Decided> listener = d -> { };

    /**
     * @param ownCredentials Drydock's own registry credentials, a fresh store each call (pods' credentials are added to it)
     * @param decisionLog where the one-line JSON decisions go (stdout in production)
     */
    public AdmissionHandlers(ServerConfig config, ClusterLookups cluster, Supplier<CredentialStore> ownCredentials, Path lockDirectory,
            Clock clock, PrintStream decisionLog) {
        this.config = config;
        this.policy = AdmissionPolicy.read(config.policyFile());
        this.cluster = cluster;
        this.clock = clock;
        this.decisionLog = decisionLog;
        RegistryClient.Options options = registryOptions(config.registry());
        ImageVerifier[] late = new ImageVerifier[1];
        this.metrics = new Metrics(() -> late[0] == null ? 0 : late[0].registryRequests());
        VerdictCache cache = new VerdictCache(config.cacheTtl(), config.negativeCacheTtl(), clock, metrics);
        this.verifier = new ImageVerifier(new RegistryClient(ownCredentials.get(), options), ownCredentials, options, lockDirectory, cache, clock);
        late[0] = verifier;
    }

    /** Called with every decision after it was answered (the server keeps them for its admission log). */
    public AdmissionHandlers onDecision(Consumer<Decided> listener) {
        this.listener = listener;
        return this;
    }

    public void mount(io.javalin.config.RoutesConfig routes) {
        routes.post("/validate", ctx -> review(ctx, false));
        routes.post("/mutate", ctx -> review(ctx, true));
    }

    public String metricsContentType() {
        return metrics.contentType();
    }

    public byte[] scrapeMetrics() {
        return metrics.scrape();
    }

    ServerConfig config() {
        return config;
    }

    static RegistryClient.Options registryOptions(ServerConfig.Registry r) {
        RegistryClient.Options d = RegistryClient.Options.defaults();
        // short timeouts and few attempts: a slow registry must turn into a deny before the deadline, not after it
        return new RegistryClient.Options(new HashSet<>(r.insecure()), r.timeout(), r.timeout(), r.attempts(),
                java.time.Duration.ofMillis(100), java.time.Duration.ofSeconds(1), d.chunkSize(), r.caCertificates(), r.timeout(),
                new HostBackoff(java.time.Clock.systemUTC(), r.backoff(), r.maxBackoff()));
    }

    private void review(Context ctx, boolean mutating) {
        long started = System.nanoTime();
        Instant deadline = clock.instant().plus(config.deadline());
        String endpoint = mutating ? "mutate" : "validate";
        AdmissionRequest request;
        try {
            request = AdmissionRequests.parse(body(ctx));
        } catch (ReviewTooLarge e) {
            ctx.status(413).contentType("text/plain").result(e.getMessage() + "\n");
            metrics.request(endpoint, "bad_request", System.nanoTime() - started);
            logEvent("bad_request", endpoint + ": " + e.getMessage());
            return;
        } catch (AdmissionInputException e) {
            ctx.status(400).contentType("text/plain").result("not an AdmissionReview: " + e.getMessage() + "\n");
            metrics.request(endpoint, "bad_request", System.nanoTime() - started);
            logEvent("bad_request", endpoint + ": " + e.getMessage());
            return;
        }
        AdmissionDecision decision;
        String result;
        try {
            Map<String, Credential> credentials = pullCredentials(request);
            decision = AdmissionDecision.decide(request, policy, cluster.namespaceLabels(request.namespace()),
                    verifier.forRequest(policy, deadline, credentials), LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
            result = decision.allowed() ? "allowed" : "denied";
        } catch (RuntimeException e) {
            // fail closed with an answer: the API server would otherwise wait for its timeout and apply failurePolicy
            decision = new AdmissionDecision(request.uid(), false, "Drydock could not judge the request: " + e.getMessage(),
                    java.util.List.of(), Map.of(), java.util.List.of(), java.util.List.of(), "");
            result = "error";
        }
        ctx.contentType("application/json").result(write(decision.toReview(mutating)));
        long took = System.nanoTime() - started;
        metrics.request(endpoint, result, took);
        logDecision(endpoint, request, decision, took);
    }

    /**
     * The request body, read here rather than by Javalin: its limit (1 MB, and the server's own in {@code drydock
     * serve}) is below what the API server may send, an object of up to 1.5 MiB (etcd's limit) and, for an update,
     * its old version too; and a review of known length is read into one array of that length.
     */
    private static byte[] body(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > MAX_REVIEW_BYTES) {
            throw new ReviewTooLarge(declared);
        }
        byte[] body;
        try {
            InputStream in = ctx.req().getInputStream();
            body = declared >= 0 ? in.readNBytes((int) declared) : in.readNBytes(MAX_REVIEW_BYTES + 1);
        } catch (IOException e) {
            throw new AdmissionInputException("body", "unreadable: " + DrydockException.reason(e));
        }
        if (body.length > MAX_REVIEW_BYTES) {
            throw new ReviewTooLarge(body.length);
        }
        if (declared >= 0 && body.length < declared) {
            throw new AdmissionInputException("body", "ended after " + body.length + " of the " + declared + " bytes announced");
        }
        return body;
    }

    private static final class ReviewTooLarge extends RuntimeException {
        ReviewTooLarge(long bytes) {
            super("an AdmissionReview of " + bytes + " bytes is more than the " + MAX_REVIEW_BYTES + " this webhook reads");
        }
    }

    /** The pod's pull credentials, by registry; none when the object has no pod spec the gate reads. */
    private Map<String, Credential> pullCredentials(AdmissionRequest request) {
        try {
            if (new PodImages(policy.podSpecKinds()).extract(request) instanceof PodImages.Images images) {
                JsonNode spec = request.object().at(images.podSpecPointer());
                return cluster.pullCredentials(request.namespace(), spec);
            }
        } catch (AdmissionInputException e) {
            // decide() denies the malformed object with the field's name; nothing to pull with
        }
        return Map.of();
    }

    private void logDecision(String endpoint, AdmissionRequest request, AdmissionDecision decision, long nanos) {
        ObjectNode line = JSON.createObjectNode();
        line.put("time", clock.instant().toString());
        line.put("event", "decision");
        line.put("endpoint", endpoint);
        line.put("uid", request.uid());
        line.put("namespace", request.namespace());
        line.put("kind", request.kind().kind());
        line.put("name", request.name());
        line.put("operation", request.operation());
        line.put("user", request.username());
        line.put("allowed", decision.allowed());
        if (!decision.passThrough().isEmpty()) {
            line.put("passThrough", decision.passThrough());
        }
        if (!decision.message().isEmpty()) {
            line.put("reason", decision.message());
        }
        ArrayNode images = line.putArray("images");
        for (AdmissionDecision.ImageVerdict v : decision.images()) {
            ObjectNode i = images.addObject();
            i.put("image", v.image());
            i.put("pointer", v.pointer());
            i.put("digest", v.digest());
            i.put("verdict", v.outcome().name().toLowerCase(java.util.Locale.ROOT));
            i.put("mode", v.mode() == null ? null : v.mode().label());
            i.put("reason", v.reason());
        }
        line.put("millis", nanos / 1_000_000.0);
        emit(line);
        try {
            listener.accept(new Decided(request.uid(), request.namespace(), request.kind().kind(), request.name(), decision.allowed(),
                    decision.message(), write(images)));
        } catch (RuntimeException e) {
            // the admission log is a record for people; the answer was already given and stands
            logEvent("decision_not_recorded", e.getMessage());
        }
    }

    void logEvent(String event, String message) {
        ObjectNode line = JSON.createObjectNode();
        line.put("time", clock.instant().toString());
        line.put("event", event);
        line.put("message", message);
        emit(line);
    }

    private void emit(ObjectNode line) {
        String text = write(line);
        // println on a shared stream can interleave with another thread's line; one write per line cannot
        synchronized (decisionLog) {
            decisionLog.println(text);
        }
    }

    private static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
