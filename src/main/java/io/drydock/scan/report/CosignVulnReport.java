package io.drydock.scan.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.scan.ScanReport;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The predicate of cosign's vulnerability attestation ({@link #PREDICATE_TYPE}): who ran the scan
 * ({@code invocation}), with what scanner and advisory DB, the JSON report as the result, and when. Only the
 * predicate: signing wraps it in an in-toto statement whose subject is the image digest. The field names are those
 * of cosign's {@code CosignVulnPredicate}, which {@code cosign attest --type vuln} decodes the predicate into: a
 * single {@code scanner} object, although cosign's spec document still shows a {@code scanners} array.
 *
 * @param invocation where the scan ran, for a policy that only trusts scans from CI
 * @param clock gives {@code scanFinishedOn}: the report is finished when it is written
 */
public record CosignVulnReport(Invocation invocation, Clock clock) implements ReportWriter {
    public static final String PREDICATE_TYPE = "https://cosign.sigstore.dev/attestation/vuln/v1";

    /**
     * cosign's {@code invocation}. Strings are empty rather than null when unknown: cosign decodes them into Go
     * strings, and policies written for it compare them with "".
     *
     * @param parameters the scan's command-line arguments
     * @param uri where the run can be seen, e.g. the CI job's page
     * @param eventId the CI system's id of the run
     * @param builderId which CI system ran it
     */
    public record Invocation(List<String> parameters, String uri, String eventId, String builderId) {
        public static final Invocation NONE = new Invocation(List.of(), "", "", "");

        public Invocation {
            parameters = List.copyOf(parameters);
            uri = uri == null ? "" : uri;
            eventId = eventId == null ? "" : eventId;
            builderId = builderId == null ? "" : builderId;
        }

        /**
         * The run as GitHub Actions or GitLab CI describe it in their environment variables; {@link #NONE}'s empty
         * strings elsewhere. Taking the map rather than reading the environment keeps it testable.
         */
        public static Invocation fromEnvironment(Map<String, String> env, List<String> parameters) {
            if ("true".equals(env.get("GITHUB_ACTIONS")) && env.get("GITHUB_RUN_ID") != null) {
                String server = env.getOrDefault("GITHUB_SERVER_URL", "https://github.com");
                String uri = env.get("GITHUB_REPOSITORY") == null ? ""
                        : server + "/" + env.get("GITHUB_REPOSITORY") + "/actions/runs/" + env.get("GITHUB_RUN_ID");
                return new Invocation(parameters, uri, env.get("GITHUB_RUN_ID"), "GitHub Actions");
            }
            if ("true".equals(env.get("GITLAB_CI")) && env.get("CI_JOB_ID") != null) {
                return new Invocation(parameters, env.get("CI_JOB_URL"), env.get("CI_JOB_ID"), "GitLab CI");
            }
            return new Invocation(parameters, "", "", "");
        }
    }

    @Override
    public String name() {
        return "cosign-vuln";
    }

    @Override
    public String write(ScanReport report) {
        return predicate(report).toPrettyString() + "\n";
    }

    public ObjectNode predicate(ScanReport r) {
        ObjectNode predicate = JsonReport.JSON.createObjectNode();
        ObjectNode inv = predicate.putObject("invocation");
        ArrayNode parameters = inv.putArray("parameters");
        invocation.parameters().forEach(parameters::add);
        inv.put("uri", invocation.uri());
        inv.put("event_id", invocation.eventId());
        inv.put("builder.id", invocation.builderId());
        ObjectNode scanner = predicate.putObject("scanner");
        scanner.put("uri", Tool.CURRENT.purl());
        scanner.put("version", Tool.CURRENT.version());
        ObjectNode db = scanner.putObject("db");
        db.put("uri", dbUri(r));
        // the build time identifies a Drydock DB: it is rebuilt whole, never patched
        db.put("version", r.db() == null || r.db().builtAt() == null ? "" : r.db().builtAt().toString());
        scanner.set("result", new JsonReport().tree(r));
        ObjectNode metadata = predicate.putObject("metadata");
        Instant finished = clock.instant();
        // cosign decodes both as Go time.Time, which accepts RFC 3339 and not an empty string
        metadata.put("scanStartedOn", (r.scannedAt() == null ? finished : r.scannedAt()).toString());
        metadata.put("scanFinishedOn", finished.toString());
        return predicate;
    }

    /** The DB's source when it was built from one; with several, the result's {@code db.sources} names them all. */
    private static String dbUri(ScanReport r) {
        if (r.db() == null || r.db().sources().size() != 1) {
            return "";
        }
        return r.db().sources().get(0);
    }
}
