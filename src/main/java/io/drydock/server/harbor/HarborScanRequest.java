package io.drydock.server.harbor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.DrydockException;
import io.drydock.image.Digest;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Harbor's {@code ScanRequest}, read strictly: a field that is missing or wrong is refused with its name, before
 * anything is queued, so Harbor's job log says what was wrong instead of a scan failing later.
 *
 * <p>Statuses follow the spec: 400 for a body that is not JSON or a value of the wrong JSON type, 422 for a missing
 * or invalid field, 501 for a capability, report type or artifact type Drydock does not handle. Unknown fields are
 * ignored, as the spec adds fields between versions. The {@code authorization} value is never echoed.
 *
 * @param artifact the artifact as Harbor named it, echoed in every report
 */
record HarborScanRequest(HarborScans.Target target, Artifact artifact) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** The artifact types Drydock reads: image manifests (Harbor scans each manifest of an index itself). */
    static final List<String> CONSUMES = List.of("application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json");

    /** The SBOM formats of {@code sbom_media_types} and {@code ?sbom_media_type=}. */
    static final List<String> SBOM_MEDIA_TYPES = List.of("application/spdx+json", "application/vnd.cyclonedx+json");

    /** Distribution's repository name grammar: lowercase path components joined by {@code /}. */
    private static final Pattern REPOSITORY = Pattern.compile(
            "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
    private static final Pattern AUTHORIZATION = Pattern.compile("(?i)(basic|bearer) +(\\S+)");

    /** The spec's {@code Artifact}; tag and mime type are null when Harbor left them out. */
    record Artifact(String repository, String digest, String tag, String mimeType) {
    }

    static HarborScanRequest parse(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new HarborApiException(400, "the scan request is not valid JSON" + where(e) + ": " + reason(e));
        } catch (IOException e) {
            throw new HarborApiException(400, "the scan request could not be read: " + DrydockException.reason(e));
        }
        if (root == null || root.isMissingNode()) {
            throw new HarborApiException(400, "the scan request is empty; expected a JSON object with registry and artifact");
        }
        if (!root.isObject()) {
            throw new HarborApiException(400, "the scan request must be a JSON object, not " + kind(root));
        }
        JsonNode registry = object(root, "registry", true);
        URI url = registryUrl(string(registry, "registry", "url", true));
        String authorization = authorization(string(registry, "registry", "authorization", false));
        JsonNode artifact = object(root, "artifact", true);
        String repository = string(artifact, "artifact", "repository", true);
        if (repository.length() > 255 || !REPOSITORY.matcher(repository).matches()) {
            throw new HarborApiException(422, "invalid artifact.repository '" + shorten(repository)
                    + "': expected lowercase path components such as library/mongo");
        }
        String digestText = string(artifact, "artifact", "digest", true);
        Digest digest;
        try {
            digest = Digest.parse(digestText);
        } catch (DrydockException e) {
            throw new HarborApiException(422, "invalid artifact.digest: " + shorten(e.getMessage()));
        }
        String tag = string(artifact, "artifact", "tag", false);
        String mimeType = string(artifact, "artifact", "mime_type", false);
        if (mimeType != null && !CONSUMES.contains(mimeType.strip())) {
            throw new HarborApiException(501, "artifact.mime_type '" + shorten(mimeType) + "' cannot be scanned: Drydock reads "
                    + String.join(" and ", CONSUMES));
        }
        capabilities(root.get("enabled_capabilities"));
        return new HarborScanRequest(new HarborScans.Target(url, authorization, repository, digest),
                new Artifact(repository, digestText, tag, mimeType));
    }

    /** A base URL with scheme and host only: the client builds {@code /v2/…} paths on the host. */
    private static URI registryUrl(String text) {
        // a URL with user info carries a secret: never repeat it
        String shown = text.contains("@") ? "(not shown: it contains '@')" : "'" + shorten(text) + "'";
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new HarborApiException(422, "invalid registry.url " + shown + ": " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new HarborApiException(422, "invalid registry.url " + shown + ": expected http:// or https:// and a host, e.g. https://core.harbor.domain");
        }
        if (uri.getRawUserInfo() != null) {
            throw new HarborApiException(422, "invalid registry.url " + shown + ": credentials belong in registry.authorization, not in the URL");
        }
        if (uri.getHost() == null) {
            throw new HarborApiException(422, "invalid registry.url " + shown + ": it names no host");
        }
        if ((uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new HarborApiException(422, "invalid registry.url " + shown + ": expected the registry's base URL without a path, query or fragment");
        }
        return uri;
    }

    /** {@code Basic <base64 user:password>} or {@code Bearer <token>}; checked here so a typo fails at once. */
    private static String authorization(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        java.util.regex.Matcher m = AUTHORIZATION.matcher(value.strip());
        if (!m.matches()) {
            throw new HarborApiException(422, "invalid registry.authorization: expected 'Basic <base64 of user:password>' or 'Bearer <token>'");
        }
        if (m.group(1).equalsIgnoreCase("basic")) {
            try {
                String decoded = new String(Base64.getDecoder().decode(m.group(2)), StandardCharsets.UTF_8);
                if (decoded.indexOf(':') < 0) {
                    throw new HarborApiException(422, "invalid registry.authorization: the Basic credentials are not user:password");
                }
            } catch (IllegalArgumentException e) {
                throw new HarborApiException(422, "invalid registry.authorization: the Basic credentials are not base64");
            }
        }
        return value.strip();
    }

    /**
     * {@code enabled_capabilities}: checked, not kept. Drydock makes every report from one scan (matching costs little
     * next to reading the image), which the spec allows: the list narrows what Harbor will ask for.
     */
    private static void capabilities(JsonNode list) {
        if (list == null || list.isNull()) {
            return;
        }
        if (!list.isArray()) {
            throw new HarborApiException(400, "enabled_capabilities must be an array, not " + kind(list));
        }
        for (int i = 0; i < list.size(); i++) {
            String where = "enabled_capabilities[" + i + "]";
            JsonNode c = list.get(i);
            if (!c.isObject()) {
                throw new HarborApiException(400, where + " must be an object, not " + kind(c));
            }
            String type = string(c, where, "type", true);
            ReportType.Capability capability = switch (type) {
                case "vulnerability" -> ReportType.Capability.VULNERABILITY;
                case "sbom" -> ReportType.Capability.SBOM;
                default -> throw new HarborApiException(501, where + ".type '" + shorten(type)
                        + "' is not a capability of Drydock (vulnerability, sbom)");
            };
            List<String> produces = strings(c.get("produces_mime_types"), where + ".produces_mime_types");
            for (int j = 0; j < produces.size(); j++) {
                String wanted = produces.get(j);
                if (ReportType.of(wanted).filter(t -> t.capability() == capability).isEmpty()) {
                    throw new HarborApiException(501, where + ".produces_mime_types[" + j + "] '" + shorten(wanted) + "' is not a "
                            + type + " report Drydock makes (" + String.join(", ", ReportType.mediaTypes(capability)) + ")");
                }
            }
            JsonNode parameters = c.get("parameters");
            if (parameters != null && !parameters.isNull()) {
                if (!parameters.isObject()) {
                    throw new HarborApiException(400, where + ".parameters must be an object or null, not " + kind(parameters));
                }
                List<String> formats = strings(parameters.get("sbom_media_types"), where + ".parameters.sbom_media_types");
                for (int j = 0; j < formats.size(); j++) {
                    if (!SBOM_MEDIA_TYPES.contains(formats.get(j))) {
                        throw new HarborApiException(422, where + ".parameters.sbom_media_types[" + j + "] '" + shorten(formats.get(j))
                                + "' is not an SBOM format of the spec (" + String.join(", ", SBOM_MEDIA_TYPES) + ")");
                    }
                }
            }
        }
    }

    private static JsonNode object(JsonNode parent, String field, boolean required) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw new HarborApiException(422, "missing " + field);
            }
            return null;
        }
        if (!n.isObject()) {
            throw new HarborApiException(400, field + " must be an object, not " + kind(n));
        }
        return n;
    }

    /** A string field; a required one must not be blank. */
    private static String string(JsonNode parent, String parentName, String field, boolean required) {
        String name = parentName + "." + field;
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw new HarborApiException(422, "missing " + name);
            }
            return null;
        }
        if (!n.isTextual()) {
            throw new HarborApiException(400, name + " must be a string, not " + kind(n));
        }
        if (required && n.asText().isBlank()) {
            throw new HarborApiException(422, "missing " + name + " (it is empty)");
        }
        return n.asText();
    }

    private static List<String> strings(JsonNode n, String name) {
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw new HarborApiException(400, name + " must be an array of strings, not " + kind(n));
        }
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            if (!n.get(i).isTextual()) {
                throw new HarborApiException(400, name + "[" + i + "] must be a string, not " + kind(n.get(i)));
            }
            out.add(n.get(i).asText());
        }
        return out;
    }

    private static String kind(JsonNode n) {
        return io.drydock.JsonKinds.withArticle(n);
    }

    /** Input repeated in a message, cut so a huge value cannot blow up the answer or the log. */
    static String shorten(String text) {
        return text.length() <= 160 ? text : text.substring(0, 157) + "...";
    }

    private static String where(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }

    /**
     * Jackson's reason without the text it quotes: a broken request may break inside the authorization value, and
     * the message goes to the event log.
     */
    private static String reason(JsonProcessingException e) {
        String m = e.getOriginalMessage() == null ? "unreadable" : e.getOriginalMessage();
        if (m.startsWith("Trailing token")) {
            return "more content follows the JSON object";
        }
        int nl = m.indexOf('\n');
        return shorten((nl < 0 ? m : m.substring(0, nl)).replaceAll("'[^']*'", "'…'").replaceAll("\"[^\"]*\"", "\"…\""));
    }
}
