package io.drydock.scan.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.freshness.EolData;
import io.drydock.freshness.FreshnessReport;
import io.drydock.scan.Finding;
import io.drydock.scan.Rating;
import io.drydock.scan.ScanReport;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * SARIF 2.1.0 for GitHub code scanning: one rule per vulnerability id, one result per finding located at the file
 * the package was read from, one run per image.
 *
 * <p>Suppressed findings are left out rather than written with SARIF {@code suppressions}: GitHub shows a result
 * with suppressions as an open alert, which would undo the suppression. Each run has its own
 * {@code automationDetails.id}, {@code drydock/REPOSITORY/}, whose category keeps the alerts of different images apart
 * (GitHub closes alerts missing from a re-upload of the same category) while staying the same across tags of one
 * image, so that a rebuilt {@code app:2} closes the alerts {@code app:1} had.
 */
public record SarifReport() implements ReportWriter {
    static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
    /** Our own fingerprint's name; versioned so that a change in what it hashes can be told from a new alert. */
    static final String FINGERPRINT = "drydock/v1";

    @Override
    public String name() {
        return "sarif";
    }

    @Override
    public String write(ScanReport report) {
        return write(List.of(report));
    }

    @Override
    public String write(List<ScanReport> reports) {
        ReportWriter.requireSome(reports);
        ObjectNode log = JsonReport.JSON.createObjectNode();
        log.put("$schema", SCHEMA);
        log.put("version", "2.1.0");
        ArrayNode runs = log.putArray("runs");
        reports.forEach(r -> runs.add(run(r)));
        return log.toPrettyString() + "\n";
    }

    private static ObjectNode run(ScanReport r) {
        ObjectNode run = JsonReport.JSON.createObjectNode();
        ObjectNode driver = run.putObject("tool").putObject("driver");
        driver.put("name", Tool.CURRENT.name());
        driver.put("version", Tool.CURRENT.version());
        driver.put("semanticVersion", Tool.CURRENT.semanticVersion());
        if (Tool.CURRENT.informationUri() != null) {
            driver.put("informationUri", Tool.CURRENT.informationUri());
        }
        ArrayNode rules = driver.putArray("rules");
        Map<String, List<Finding>> byId = new LinkedHashMap<>();
        r.findings().forEach(f -> byId.computeIfAbsent(f.id(), k -> new ArrayList<>()).add(f));
        Map<String, Integer> ruleIndex = new LinkedHashMap<>();
        byId.forEach((id, findings) -> {
            ruleIndex.put(id, rules.size());
            rules.add(rule(id, findings));
        });
        ArrayNode results = run.putArray("results");
        for (Finding f : r.findings()) {
            results.add(result(r, f, ruleIndex.get(f.id())));
        }
        endOfLife(r, rules, results);
        run.putObject("automationDetails").put("id", "drydock/" + repository(r.target()) + "/");
        run.put("columnKind", "unicodeCodePoints");
        run.putArray("invocations").add(invocation(r));
        ObjectNode props = run.putObject("properties");
        props.put("image", r.target());
        props.put("imageDigest", r.digest());
        props.put("os", r.os() == null ? null : r.os().toString());
        if (r.base() != null) {
            props.put("baseImage", r.base().name());
            props.put("baseImageDigest", r.base().digest());
            props.put("baseImageKnownBy", r.base().how() == null ? null : r.base().how().label());
        }
        props.put("dbBuiltAt", r.db() == null ? null : JsonReport.instant(r.db().builtAt()));
        props.put("suppressed", r.suppressed().size());
        props.put("filtered", r.filtered());
        return run;
    }

    /** One rule for every finding with this id: its severity is the worst of theirs, its help lists every package. */
    private static ObjectNode rule(String id, List<Finding> findings) {
        Finding worst = findings.stream().min((a, b) -> a.severity().compareTo(b.severity())).orElseThrow();
        String summary = findings.stream().map(Finding::summary).filter(s -> s != null && !s.isBlank()).findFirst().orElse(null);
        ObjectNode rule = JsonReport.JSON.createObjectNode();
        rule.put("id", id);
        rule.putObject("shortDescription").put("text", summary == null ? id : id + ": " + summary);
        rule.putObject("fullDescription").put("text", summary == null
                ? id + " affects " + packages(findings) + "." : summary);
        rule.put("helpUri", Vulns.helpUri(id));
        StringBuilder text = new StringBuilder();
        StringBuilder markdown = new StringBuilder();
        text.append("Vulnerability ").append(id).append('\n');
        markdown.append("**Vulnerability [").append(id).append("](").append(Vulns.helpUri(id)).append(")**\n\n");
        if (summary != null) {
            text.append(summary).append('\n');
            markdown.append(summary).append("\n\n");
        }
        markdown.append("| Severity | Package | Installed version | Fixed version | Status |\n| --- | --- | --- | --- | --- |\n");
        for (Finding f : findings) {
            text.append("Severity: ").append(f.severity().label()).append(", package: ").append(f.pkg().name())
                    .append(", installed version: ").append(f.pkg().version()).append(", fixed version: ")
                    .append(Vulns.fixedText(f, "none yet")).append('\n');
            markdown.append("| ").append(f.severity().label()).append(" | ").append(cell(f.pkg().name())).append(" | ")
                    .append(cell(f.pkg().version())).append(" | ").append(cell(Vulns.fixedText(f, "none yet"))).append(" | ")
                    .append(cell(f.status())).append(" |\n");
        }
        Set<String> ids = new LinkedHashSet<>();
        findings.forEach(f -> ids.addAll(f.allIds()));
        ids.remove(id);
        if (!ids.isEmpty()) {
            text.append("Also known as: ").append(String.join(", ", ids)).append('\n');
            markdown.append("\nAlso known as: ");
            markdown.append(String.join(", ", ids.stream().map(a -> "[" + a + "](" + Vulns.helpUri(a) + ")").toList()));
            markdown.append('\n');
        }
        ObjectNode help = rule.putObject("help");
        help.put("text", text.toString());
        help.put("markdown", markdown.toString());
        ObjectNode props = rule.putObject("properties");
        findings.stream().map(Vulns::securitySeverity).flatMap(java.util.Optional::stream).max(Double::compare)
                .ifPresent(score -> props.put("security-severity", Vulns.score(score)));
        ArrayNode tags = props.putArray("tags");
        tags.add("security");
        tags.add("vulnerability");
        tags.add(worst.severity().label());
        return rule;
    }

    private static ObjectNode result(ScanReport r, Finding f, int ruleIndex) {
        ObjectNode result = JsonReport.JSON.createObjectNode();
        result.put("ruleId", f.id());
        result.put("ruleIndex", ruleIndex);
        result.put("level", level(f.severity()));
        String fix = f.isFixable() ? "fixed in " + String.join(", ", f.fixedVersions()) : "no fixed version yet";
        result.putObject("message").put("text", "Package " + f.pkg().name() + " version " + f.pkg().version()
                + " is affected by " + f.id() + " (" + f.severity().label() + "); " + fix + ". It is in the "
                + f.origin().label() + " layers (layer " + f.layer().index() + ") of " + r.target() + ".");
        ObjectNode physical = result.putArray("locations").addObject().putObject("physicalLocation");
        physical.putObject("artifactLocation").put("uri", uri(f.pkg().paths().isEmpty() ? r.target() : f.pkg().paths().get(0)));
        physical.putObject("region").put("startLine", 1);
        ObjectNode fingerprints = result.putObject("partialFingerprints");
        String fingerprint = fingerprint(r, f);
        fingerprints.put(FINGERPRINT, fingerprint);
        // GitHub matches results across uploads on this key and would otherwise try to hash a line of a file that
        // exists in the image, not in the repository
        fingerprints.put("primaryLocationLineHash", fingerprint);
        ObjectNode props = result.putObject("properties");
        props.put("purl", f.pkg().purl());
        props.put("installedVersion", f.pkg().version());
        ArrayNode fixed = props.putArray("fixedVersions");
        f.fixedVersions().forEach(fixed::add);
        props.put("status", f.status());
        props.put("origin", f.origin().label());
        props.put("layerIndex", f.layer().index());
        props.put("layerDigest", f.layer().digest());
        props.put("image", r.target());
        return result;
    }

    static final String EOL_RUNTIME_RULE = "drydock-eol-runtime";
    static final String EOL_OS_RULE = "drydock-eol-os";

    /** One result per end-of-life runtime and for an end-of-life OS release, under two rules of Drydock's own. */
    private static void endOfLife(ScanReport r, ArrayNode rules, ArrayNode results) {
        FreshnessReport f = r.freshness();
        if (f == null) {
            return;
        }
        List<FreshnessReport.EolAnswer> eol = new ArrayList<>();
        if (f.os() != null && f.os().status() == EolData.Status.END_OF_LIFE) {
            eol.add(f.os());
        }
        f.runtimes().stream().filter(a -> a.status() == EolData.Status.END_OF_LIFE).forEach(eol::add);
        Map<String, Integer> index = new LinkedHashMap<>();
        for (FreshnessReport.EolAnswer a : eol) {
            boolean os = a.kind().equals("os");
            String ruleId = os ? EOL_OS_RULE : EOL_RUNTIME_RULE;
            if (!index.containsKey(ruleId)) {
                index.put(ruleId, rules.size());
                rules.add(eolRule(ruleId, os, f));
            }
            EolData.Answer ans = a.answer();
            ObjectNode result = results.addObject();
            result.put("ruleId", ruleId);
            result.put("ruleIndex", index.get(ruleId));
            result.put("level", "warning");
            result.putObject("message").put("text", (os ? "The OS release " : "The runtime ") + a.name() + " " + a.version()
                    + (ans.cycle() != null ? " (release line " + ans.cycle() + ")" : "") + " is end of life"
                    + (ans.eol() != null ? " since " + ans.eol() : "") + (ans.extendedEnd() != null ? ", extended support ended " + ans.extendedEnd() : "")
                    + ": it gets no security fixes." + (ans.latest() != null ? " The newest release of the line is " + ans.latest() + "." : "")
                    + " Found from " + a.evidence() + (a.layer() >= 0 ? " (layer " + a.layer() + ")" : "") + " in " + r.target()
                    + " (end-of-life data of " + f.dataDate() + ").");
            ObjectNode physical = result.putArray("locations").addObject().putObject("physicalLocation");
            physical.putObject("artifactLocation").put("uri", uri(a.path() == null ? r.target() : a.path()));
            physical.putObject("region").put("startLine", 1);
            String key = String.join("\u0000", repository(r.target()), ruleId, a.name(), ans.cycle() == null ? a.version() : ans.cycle(),
                    a.path() == null ? "" : a.path());
            String fingerprint = hash(key);
            ObjectNode fingerprints = result.putObject("partialFingerprints");
            fingerprints.put(FINGERPRINT, fingerprint);
            fingerprints.put("primaryLocationLineHash", fingerprint);
            ObjectNode props = result.putObject("properties");
            props.put("name", a.name());
            props.put("version", a.version());
            props.put("product", ans.product());
            props.put("line", ans.cycle());
            props.put("eol", ans.eol() == null ? null : ans.eol().toString());
            props.put("extendedSupportEnd", ans.extendedEnd() == null ? null : ans.extendedEnd().toString());
            props.put("latest", ans.latest());
            props.put("eolDataDate", f.dataDate() == null ? null : f.dataDate().toString());
            props.put("layerIndex", a.layer() < 0 ? null : a.layer());
            props.put("image", r.target());
        }
    }

    private static ObjectNode eolRule(String id, boolean os, FreshnessReport f) {
        ObjectNode rule = JsonReport.JSON.createObjectNode();
        rule.put("id", id);
        String what = os ? "OS release" : "language runtime";
        rule.putObject("shortDescription").put("text", "End-of-life " + what);
        rule.putObject("fullDescription").put("text", "The image contains a " + what
                + " whose release line is past its end of support (and of any extended support): it gets no security fixes.");
        rule.put("helpUri", "https://endoflife.date/");
        ObjectNode help = rule.putObject("help");
        String text = "Move to a supported release line" + (os ? " of the distribution (rebuild on a newer base image)" : " of the runtime")
                + ". Dates from endoflife.date's data of " + f.dataDate() + ".";
        help.put("text", text);
        help.put("markdown", text);
        ObjectNode props = rule.putObject("properties");
        ArrayNode tags = props.putArray("tags");
        tags.add("security");
        tags.add("end-of-life");
        return rule;
    }

    /** Notes and unreadable files, which GitHub lists with the run as tool notifications. */
    private static ObjectNode invocation(ScanReport r) {
        ObjectNode inv = JsonReport.JSON.createObjectNode();
        inv.put("executionSuccessful", true);
        if (r.scannedAt() != null) {
            inv.put("startTimeUtc", r.scannedAt().toString());
        }
        ArrayNode notifications = inv.putArray("toolExecutionNotifications");
        for (String w : r.inventoryWarnings()) {
            ObjectNode n = notifications.addObject();
            n.put("level", "warning");
            n.putObject("message").put("text", "The inventory is incomplete, findings may be missing: " + w);
        }
        for (String note : r.notes()) {
            ObjectNode n = notifications.addObject();
            n.put("level", "note");
            n.putObject("message").put("text", note);
        }
        return inv;
    }

    static String level(Rating rating) {
        return switch (rating) {
            case CRITICAL, HIGH -> "error";
            case MEDIUM -> "warning";
            case LOW, NEGLIGIBLE, UNKNOWN -> "note";
        };
    }

    /**
     * What makes a finding the same alert in the next upload: the vulnerability, the package (by type and name, not
     * version, so that an upgrade that does not fix it keeps the alert's history), the file and the part of the image.
     */
    static String fingerprint(ScanReport r, Finding f) {
        String path = f.pkg().paths().isEmpty() ? "" : f.pkg().paths().get(0);
        String key = String.join("\u0000", repository(r.target()), f.id(), f.pkg().type(), f.pkg().name(), path, f.origin().label());
        return hash(key);
    }

    private static String hash(String key) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The image's repository without tag or digest: {@code registry/team/app:1@sha256:…} gives {@code registry/team/app}. */
    static String repository(String target) {
        String name = target;
        int at = name.indexOf('@');
        if (at >= 0) {
            name = name.substring(0, at);
        }
        int colon = name.lastIndexOf(':');
        if (colon > name.lastIndexOf('/')) {
            name = name.substring(0, colon);
        }
        return name;
    }

    /**
     * A path in the image as a relative URI reference: no leading slash (GitHub resolves it against the repository),
     * characters that URIs do not allow percent-encoded, and a colon in the first segment encoded so that
     * {@code app:1} is not read as a URI scheme.
     */
    static String uri(String path) {
        String relative = path;
        while (relative.startsWith("/")) {
            relative = relative.substring(1);
        }
        StringBuilder b = new StringBuilder();
        boolean firstSegment = true;
        for (byte x : relative.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (x & 0xff);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-._~!$&'()*+,;=@/".indexOf(c) >= 0 || (c == ':' && !firstSegment);
            if (allowed) {
                b.append(c);
            } else {
                b.append('%').append(HexFormat.of().withUpperCase().toHexDigits(x));
            }
            if (c == '/') {
                firstSegment = false;
            }
        }
        return b.toString();
    }

    private static String packages(List<Finding> findings) {
        Set<String> names = new LinkedHashSet<>();
        findings.forEach(f -> names.add(f.pkg().name() + " " + f.pkg().version()));
        return String.join(", ", names);
    }

    private static String cell(String text) {
        return text == null ? "" : text.replace("|", "\\|");
    }
}
