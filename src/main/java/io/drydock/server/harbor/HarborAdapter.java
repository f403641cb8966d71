package io.drydock.server.harbor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.DrydockException;
import io.drydock.scan.report.Tool;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Harbor's pluggable scanner API (goharbor/pluggable-scanner-spec, version 1.2), so that a Harbor installation can
 * scan with Drydock instead of Trivy:
 * <ul>
 *   <li>{@code GET /api/v1/metadata}: the scanner, its capabilities (vulnerability reports and SBOMs of OCI and
 *       Docker v2 image manifests) and properties;</li>
 *   <li>{@code POST /api/v1/scan}: checks the request, queues the scan and answers 202 with its id;</li>
 *   <li>{@code GET /api/v1/scan/{scan_request_id}/report}: 302 with {@code Refresh-After} while the scan runs, then
 *       the report the {@code Accept} header names (200), or the failure naming the image and the cause (500).</li>
 * </ul>
 * Authentication of Harbor to the adapter is the server's business: it mounts these routes behind its own checks.
 */
public final class HarborAdapter implements AutoCloseable {
    public static final String PROPERTY_SCANNER_TYPE = "harbor.scanner-adapter/scanner-type";
    public static final String PROPERTY_DB_UPDATED_AT = "harbor.scanner-adapter/vulnerability-database-updated-at";
    /**
     * Harbor sends the registry credential in the form the adapter declares: Basic (a robot account's user and
     * secret) or Bearer (a registry token Harbor issued for the repository). Harbor reads one value, Basic when the
     * property is missing or anything else; Drydock declares Basic and accepts both.
     */
    public static final String PROPERTY_REGISTRY_AUTHORIZATION = "harbor.scanner-adapter/registry-authorization-type";

    static final String METADATA_TYPE = "application/vnd.scanner.adapter.metadata+json";
    static final String SCAN_RESPONSE_TYPE = "application/vnd.scanner.adapter.scan.response+json; version=1.0";
    static final String ERROR_TYPE = "application/vnd.scanner.adapter.error+json; version=1.0";

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param workers scans running at once (each reads layers and decompresses: CPU and disk bound)
     * @param queueCapacity scans waiting for a worker; beyond it {@code POST /scan} answers 503
     * @param retained finished jobs kept in memory at most, at least {@code workers + queueCapacity}
     * @param retention how long a finished job's report stays fetchable
     * @param refreshAfter the poll interval told to Harbor with 302 (whole seconds, 1 to 127: Harbor reads it as a
     *     signed byte)
     */
    public record Settings(int workers, int queueCapacity, int retained, Duration retention, Duration refreshAfter) {
        public Settings {
            if (workers < 1) {
                throw new DrydockException("the Harbor adapter needs at least 1 worker, not " + workers);
            }
            if (queueCapacity < 1) {
                throw new DrydockException("the Harbor adapter's scan queue must hold at least 1 scan, not " + queueCapacity);
            }
            if (retained < workers + queueCapacity) {
                throw new DrydockException("the Harbor adapter must keep at least workers + queue (" + (workers + queueCapacity)
                        + ") jobs, not " + retained);
            }
            if (retention.isNegative() || retention.isZero()) {
                throw new DrydockException("the Harbor adapter's report retention must be positive, not " + retention);
            }
            if (refreshAfter.toSeconds() < 1 || refreshAfter.toSeconds() > 127) {
                throw new DrydockException("the Harbor adapter's Refresh-After must be 1 to 127 seconds, not " + refreshAfter);
            }
        }

        /** Two scans at a time, fifty waiting, reports kept an hour after the scan (Harbor fetches them in seconds). */
        public static Settings defaults() {
            return new Settings(2, 50, 500, Duration.ofHours(1), Duration.ofSeconds(5));
        }
    }

    private final HarborScans scans;
    private final Settings settings;
    private final Clock clock;
    private final Consumer<String> events;
    private final ScanJobs jobs;

    /** Events to standard output, the system clock. */
    public HarborAdapter(HarborScans scans, Settings settings) {
        this(scans, settings, Clock.systemUTC(), System.out::println);
    }

    /**
     * @param events one JSON line per accepted, finished and failed scan (stdout in production); never holds the
     *     registry credential
     */
    public HarborAdapter(HarborScans scans, Settings settings, Clock clock, Consumer<String> events) {
        this.scans = scans;
        this.settings = settings;
        this.clock = clock;
        this.events = events;
        this.jobs = new ScanJobs(settings.workers(), settings.queueCapacity(), settings.retained(), settings.retention(), clock);
    }

    /** Adds the three routes under {@code /api/v1}. */
    public void mount(RoutesConfig routes) {
        routes.get("/api/v1/metadata", this::metadata);
        routes.post("/api/v1/scan", this::accept);
        routes.get("/api/v1/scan/{scan_request_id}/report", this::report);
    }

    private void metadata(Context ctx) {
        ObjectNode m = JSON.createObjectNode();
        m.set("scanner", HarborReports.scanner());
        ArrayNode capabilities = m.putArray("capabilities");
        for (ReportType.Capability c : ReportType.Capability.values()) {
            ObjectNode n = capabilities.addObject();
            n.put("type", c.label());
            ArrayNode consumes = n.putArray("consumes_mime_types");
            HarborScanRequest.CONSUMES.forEach(consumes::add);
            ArrayNode produces = n.putArray("produces_mime_types");
            ReportType.mediaTypes(c).forEach(produces::add);
            if (c == ReportType.Capability.SBOM) {
                ArrayNode formats = n.putObject("additional_attributes").putArray("sbom_media_types");
                HarborScanRequest.SBOM_MEDIA_TYPES.forEach(formats::add);
            }
        }
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(PROPERTY_SCANNER_TYPE, "os-package-vulnerability");
        // one value only: Basic, Harbor's default and what the spec describes for registry.authorization (robot
        // credentials the scanner exchanges for a token); a Bearer token is accepted as well
        properties.put(PROPERTY_REGISTRY_AUTHORIZATION, "Basic");
        properties.put("org.label-schema.version", Tool.CURRENT.version());
        try {
            properties.putAll(scans.properties());
        } catch (RuntimeException e) {
            error(ctx, 500, "cannot describe the scanner: " + e.getMessage());
            return;
        }
        ObjectNode p = m.putObject("properties");
        // Harbor refuses a registration whose properties have an empty value
        properties.forEach((k, v) -> {
            if (v != null && !v.isBlank()) {
                p.put(k, v);
            }
        });
        // Harbor 2.x asks for version 1.0 of the metadata type; both versions describe the same document
        String accept = ctx.header("Accept");
        String version = accept != null && accept.contains(METADATA_TYPE) && accept.replace(" ", "").contains("version=1.0") ? "1.0" : "1.1";
        ctx.status(200).contentType(METADATA_TYPE + "; version=" + version).result(m.toString());
    }

    private void accept(Context ctx) {
        HarborScanRequest request;
        try {
            request = HarborScanRequest.parse(ctx.bodyAsBytes());
        } catch (HarborApiException e) {
            event("rejected", null, null, e.status() + " " + e.getMessage());
            error(ctx, e.status(), e.getMessage());
            return;
        }
        String id;
        try {
            id = jobs.submit(request, jobId -> scan(jobId, request));
        } catch (ScanJobs.Full e) {
            ctx.header("Retry-After", Long.toString(settings.refreshAfter().toSeconds()));
            error(ctx, 503, e.getMessage());
            return;
        }
        event("accepted", id, request, null);
        ObjectNode body = JSON.createObjectNode();
        body.put("id", id);
        ctx.status(202).contentType(SCAN_RESPONSE_TYPE).result(body.toString());
    }

    /** Runs on a worker: the scan, or a failure that names the image and the cause and never the credential. */
    private HarborScans.Scanned scan(String id, HarborScanRequest request) {
        long started = System.nanoTime();
        String image = request.target().image();
        try {
            HarborScans.Scanned result = scans.scan(request.target());
            event("finished", id, request, result.findings().size() + " findings in " + (System.nanoTime() - started) / 1_000_000 + " ms");
            return result;
        } catch (DrydockException e) {
            String message = redact("scan of " + image + " failed: " + e.getMessage(), request.target().authorization());
            event("failed", id, request, message);
            throw new DrydockException(message);
        } catch (RuntimeException e) {
            String message = redact("scan of " + image + " failed: internal error " + e, request.target().authorization());
            event("failed", id, request, message);
            throw new DrydockException(message);
        }
    }

    private void report(Context ctx) {
        Optional<ReportType> type = ReportType.negotiate(ctx.header("Accept"));
        if (type.isEmpty()) {
            error(ctx, 501, "Drydock does not produce the report type '" + HarborScanRequest.shorten(ctx.header("Accept"))
                    + "'; it produces " + String.join(", ", java.util.Arrays.stream(ReportType.values()).map(ReportType::mediaType).toList()));
            return;
        }
        String sbomType = null;
        if (type.get() == ReportType.SBOM_1_0) {
            sbomType = ctx.queryParam("sbom_media_type");
            if (sbomType == null || sbomType.isBlank()) {
                error(ctx, 400, "an SBOM report needs the query parameter sbom_media_type: "
                        + String.join(" or ", HarborScanRequest.SBOM_MEDIA_TYPES));
                return;
            }
            if (!HarborScanRequest.SBOM_MEDIA_TYPES.contains(sbomType)) {
                error(ctx, 400, "sbom_media_type '" + HarborScanRequest.shorten(sbomType) + "' is not "
                        + String.join(" or ", HarborScanRequest.SBOM_MEDIA_TYPES));
                return;
            }
        }
        String id = ctx.pathParam("scan_request_id");
        Optional<ScanJobs.Job> found = jobs.get(id);
        if (found.isEmpty()) {
            error(ctx, 404, "no scan request " + HarborScanRequest.shorten(id) + " (unknown, or its report was dropped "
                    + settings.retention().toMinutes() + " minutes after the scan)");
            return;
        }
        ScanJobs.Job job = found.get();
        switch (job.state()) {
            case QUEUED, RUNNING -> ctx.status(302).header("Refresh-After", Long.toString(settings.refreshAfter().toSeconds()));
            case FAILED -> error(ctx, 500, job.error());
            case FINISHED -> {
                ObjectNode body;
                try {
                    body = type.get() == ReportType.SBOM_1_0
                            ? HarborReports.sbomReport(job.request(), job.result(), sbomType)
                            : HarborReports.vulnerabilityReport(job.request(), job.result(), type.get());
                } catch (RuntimeException e) {
                    error(ctx, 500, "cannot write the " + type.get().mediaType() + " report of " + job.request().target().image() + ": " + e.getMessage());
                    return;
                }
                ctx.status(200).contentType(type.get().mediaType()).result(body.toString());
            }
        }
    }

    private static void error(Context ctx, int status, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("message", message);
        ctx.status(status).contentType(ERROR_TYPE).result(body.toString());
    }

    /**
     * Removes the credential from a message. Drydock's registry client never puts one in its messages; this guards
     * against a cause that quotes what it was given (a token server's error page, say).
     */
    static String redact(String message, String authorization) {
        if (authorization == null || message == null) {
            return message;
        }
        String out = message;
        String[] parts = authorization.strip().split("\\s+", 2);
        if (parts.length == 2) {
            out = out.replace(parts[1], "<redacted>");
            if (parts[0].equalsIgnoreCase("basic")) {
                try {
                    String decoded = new String(Base64.getDecoder().decode(parts[1]), StandardCharsets.UTF_8);
                    int colon = decoded.indexOf(':');
                    String secret = colon < 0 ? decoded : decoded.substring(colon + 1);
                    if (secret.length() >= 4) {
                        out = out.replace(secret, "<redacted>");
                    }
                } catch (IllegalArgumentException e) {
                    // not base64: the request check refuses such values before a scan is queued
                }
            }
        }
        return out;
    }

    private void event(String what, String id, HarborScanRequest request, String detail) {
        ObjectNode line = JSON.createObjectNode();
        line.put("time", clock.instant().toString());
        line.put("event", "harbor-scan");
        line.put("outcome", what);
        if (id != null) {
            line.put("id", id);
        }
        if (request != null) {
            line.put("image", request.target().image());
        }
        if (detail != null) {
            line.put("detail", detail);
        }
        events.accept(line.toString());
    }

    /** Stops the scan workers; queued and running scans are dropped. */
    @Override
    public void close() {
        jobs.close();
    }
}
