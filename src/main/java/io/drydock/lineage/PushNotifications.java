package io.drydock.lineage;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.drydock.DrydockException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a registry's push notification (Distribution's events envelope, Harbor's, ACR's or Docker Hub's webhook)
 * into {@link PushEvent}s. Everything else a registry reports (pulls, deletes, blob uploads, scans) yields nothing,
 * so a caller can subscribe to "all events" without being flooded.
 *
 * <p>The body comes from the network, so it is treated as hostile: size-capped, parsed strictly, and every name
 * that ends up in a later HEAD request is checked against the reference grammar so a notification cannot steer
 * that request anywhere odd. Every failure is a {@link DrydockException} whose message names the sender.
 */
public final class PushNotifications {
    /** Real notifications are a few KiB; a cap keeps a hostile sender from making us buffer and parse megabytes. */
    public static final int MAX_BODY_BYTES = 1024 * 1024;
    public static final String DISTRIBUTION_CONTENT_TYPE = "application/vnd.docker.distribution.events.v1+json";

    static final String UNKNOWN_SHAPE = "not a registry notification Drydock knows "
            + "(expected Distribution's events envelope, Harbor's, ACR's or Docker Hub's webhook)";

    // A key given twice lets a crafted body show one value to a proxy or log and another to us; trailing
    // content after the document is refused for the same reason.
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    // Only manifests and indexes name something a user can pull; Distribution also reports every layer and
    // config blob as a "push", and those must not trigger anything.
    private static final Set<String> MANIFEST_MEDIA_TYPES = Set.of(
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json",
            "application/vnd.docker.distribution.manifest.list.v2+json");

    // Same grammar as Distribution's reference package, so whatever passes here is a name a registry accepts.
    private static final Pattern REPOSITORY = Pattern.compile(
            "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}");
    private static final Pattern HOST = Pattern.compile(
            "(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::[0-9]{1,5})?"
                    + "|\\[[0-9a-fA-F:.]+\\](?::[0-9]{1,5})?");
    private static final int MAX_REPOSITORY_LENGTH = 255;

    private PushNotifications() {
    }

    /**
     * @param body        the request body as received
     * @param contentType the request's Content-Type, may be null; Distribution's own type pins the format
     * @param source      who sent it, e.g. {@code 10.0.0.5 (POST /api/notifications/distribution)}; used in messages only
     * @return the distinct push events, in the order the notification lists them; empty when it reports no push
     * @throws DrydockException when the body is empty, too large, not JSON, ambiguous or not a shape Drydock knows,
     *                          or a push in it lacks what is needed to confirm it
     */
    public static List<PushEvent> parse(byte[] body, String contentType, String source) {
        Sender from = new Sender(source);
        if (body == null || body.length == 0) {
            throw from.fail("empty body");
        }
        if (body.length > MAX_BODY_BYTES) {
            throw from.fail("body is " + body.length + " bytes, over the 1 MiB limit for a notification");
        }
        JsonNode root = read(body, from);
        boolean distributionType = DISTRIBUTION_CONTENT_TYPE.equals(mediaTypeOf(contentType));
        String format = detect(root, distributionType, from);
        List<PushEvent> events = switch (format) {
            case "distribution" -> distribution(root, from);
            case "harbor" -> harbor(root, from);
            case "acr" -> acr(root, from);
            case "dockerhub" -> dockerHub(root, from);
            default -> throw new IllegalStateException(format);
        };
        // A client retrying a manifest PUT, or a registry replaying its queue, reports the same push twice; one
        // confirmation is enough.
        return List.copyOf(new LinkedHashSet<>(events));
    }

    private static JsonNode read(byte[] body, Sender from) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            String message = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
            String where = location(e.getLocation());
            if (message.startsWith("Duplicate field")) {
                throw from.fail("ambiguous JSON: " + clean(message, 200) + where + "; a key given twice is refused", e);
            }
            throw from.fail("not JSON: " + clean(message, 200) + where, e);
        } catch (IOException e) {
            throw from.fail("unreadable body: " + clean(String.valueOf(DrydockException.reason(e)), 200), e);
        }
        if (root == null || root.isMissingNode()) {
            throw from.fail("empty body (only whitespace)");
        }
        return root;
    }

    private static String detect(JsonNode root, boolean distributionType, Sender from) {
        if (!root.isObject()) {
            throw from.fail(UNKNOWN_SHAPE + "; got a JSON " + kind(root) + " where an object belongs");
        }
        List<String> matches = new ArrayList<>();
        if (root.has("events")) {
            matches.add("distribution");
        }
        if (root.has("type") && root.has("event_data")) {
            matches.add("harbor");
        }
        if (root.has("action") && root.has("target")) {
            matches.add("acr");
        }
        if (root.has("push_data") && root.has("repository")) {
            matches.add("dockerhub");
        }
        if (distributionType && !matches.equals(List.of("distribution"))) {
            throw from.fail("Content-Type is " + DISTRIBUTION_CONTENT_TYPE
                    + " but the body is not (only) Distribution's events envelope");
        }
        if (matches.isEmpty()) {
            throw from.fail(UNKNOWN_SHAPE);
        }
        // Guessing between two readings of the same body could act on the wrong one; refuse instead.
        if (matches.size() > 1) {
            throw from.fail("ambiguous notification: its keys fit more than one webhook shape " + matches);
        }
        return matches.get(0);
    }

    private static List<PushEvent> distribution(JsonNode root, Sender from) {
        JsonNode events = root.get("events");
        if (!events.isArray()) {
            throw from.fail("events is a " + kind(events) + ", not an array");
        }
        List<PushEvent> out = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            JsonNode event = events.get(i);
            String label = "event " + (i + 1);
            if (!event.isObject()) {
                throw from.fail(label + " is a " + kind(event) + ", not an object");
            }
            String action = text(event, "action", label, from);
            if (action == null) {
                throw from.fail(label + " has no action");
            }
            if (!action.equals("push")) {
                continue; // pull, delete, mount: nothing new to look at
            }
            label = label + " (push)";
            JsonNode target = object(event, "target", label, from);
            String mediaType = text(target, "mediaType", label, "target.", from);
            String url = text(target, "url", label, "target.", from);
            if (!isManifest(mediaType, url)) {
                continue;
            }
            String repository = text(target, "repository", label, "target.", from);
            if (repository == null) {
                throw from.fail(label + " has no target.repository");
            }
            String tag = text(target, "tag", label, "target.", from);
            String digest = text(target, "digest", label, "target.", from);
            if (tag == null && digest == null) {
                throw from.fail(label + " has neither target.tag nor target.digest");
            }
            String registry = null;
            JsonNode request = event.get("request");
            if (request != null && !request.isNull()) {
                if (!request.isObject()) {
                    throw from.fail(label + ": request is a " + kind(request) + ", not an object");
                }
                registry = text(request, "host", label, "request.", from);
            }
            if (registry == null && url != null) {
                registry = hostOfUrl(url, label + ": target.url", from);
            }
            out.add(event("distribution", registry, repository, tag, digest, mediaType, label, "target.", from));
        }
        return out;
    }

    /** A push with no media type still counts when its URL says manifest: older registries leave the type out. */
    private static boolean isManifest(String mediaType, String url) {
        if (mediaType != null) {
            return MANIFEST_MEDIA_TYPES.contains(mediaTypeOf(mediaType));
        }
        return url != null && url.contains("/manifests/");
    }

    private static List<PushEvent> harbor(JsonNode root, Sender from) {
        String type = text(root, "type", "Harbor webhook", from);
        if (!"PUSH_ARTIFACT".equals(type)) {
            return List.of(); // PULL_ARTIFACT, DELETE_ARTIFACT, SCANNING_*, QUOTA_*, REPLICATION ...
        }
        String label = "Harbor PUSH_ARTIFACT";
        JsonNode data = object(root, "event_data", label, from);
        JsonNode resources = data.get("resources");
        if (resources == null || resources.isNull()) {
            throw from.fail(label + " has no event_data.resources");
        }
        if (!resources.isArray()) {
            throw from.fail(label + ": event_data.resources is a " + kind(resources) + ", not an array");
        }
        if (resources.isEmpty()) {
            throw from.fail(label + " lists no event_data.resources");
        }
        String repository = null;
        JsonNode repo = data.get("repository");
        if (repo != null && !repo.isNull()) {
            if (!repo.isObject()) {
                throw from.fail(label + ": event_data.repository is a " + kind(repo) + ", not an object");
            }
            repository = text(repo, "repo_full_name", label, "event_data.repository.", from);
            if (repository == null) {
                String namespace = text(repo, "namespace", label, "event_data.repository.", from);
                String name = text(repo, "name", label, "event_data.repository.", from);
                if (namespace != null && name != null) {
                    repository = namespace + "/" + name;
                }
            }
        }
        List<PushEvent> out = new ArrayList<>();
        for (int i = 0; i < resources.size(); i++) {
            JsonNode resource = resources.get(i);
            String resLabel = "resource " + (i + 1) + " (PUSH_ARTIFACT)";
            if (!resource.isObject()) {
                throw from.fail(resLabel + " is a " + kind(resource) + ", not an object");
            }
            String tag = text(resource, "tag", resLabel, from);
            String digest = text(resource, "digest", resLabel, from);
            String resourceUrl = text(resource, "resource_url", resLabel, from);
            if (tag == null && digest == null) {
                throw from.fail(resLabel + " has neither tag nor digest");
            }
            String registry = null;
            String repoHere = repository;
            if (resourceUrl != null) {
                // resource_url is Harbor's external host followed by the reference: host/project/repo:tag or @digest
                String withoutScheme = resourceUrl.replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*://", "");
                int slash = withoutScheme.indexOf('/');
                if (slash <= 0) {
                    throw from.fail(resLabel + ": resource_url " + quote(resourceUrl) + " has no host/repository form");
                }
                registry = withoutScheme.substring(0, slash);
                if (repoHere == null) {
                    repoHere = stripTagOrDigest(withoutScheme.substring(slash + 1));
                }
            }
            if (repoHere == null) {
                throw from.fail(resLabel + " has no event_data.repository.repo_full_name and no resource_url to take it from");
            }
            out.add(event("harbor", registry, repoHere, tag, digest, null, resLabel, "", from));
        }
        return out;
    }

    private static String stripTagOrDigest(String path) {
        int at = path.indexOf('@');
        if (at >= 0) {
            path = path.substring(0, at);
        }
        int colon = path.lastIndexOf(':');
        if (colon > path.lastIndexOf('/')) {
            path = path.substring(0, colon);
        }
        return path;
    }

    private static List<PushEvent> acr(JsonNode root, Sender from) {
        String action = text(root, "action", "ACR webhook", from);
        if (!"push".equals(action)) {
            return List.of(); // delete, chart_push, chart_delete, quarantine
        }
        String label = "ACR push";
        JsonNode target = object(root, "target", label, from);
        String repository = text(target, "repository", label, "target.", from);
        if (repository == null) {
            throw from.fail(label + " has no target.repository");
        }
        String tag = text(target, "tag", label, "target.", from);
        String digest = text(target, "digest", label, "target.", from);
        if (tag == null && digest == null) {
            throw from.fail(label + " has neither target.tag nor target.digest");
        }
        String mediaType = text(target, "mediaType", label, "target.", from);
        String registry = null;
        JsonNode request = root.get("request");
        if (request != null && !request.isNull()) {
            if (!request.isObject()) {
                throw from.fail(label + ": request is a " + kind(request) + ", not an object");
            }
            registry = text(request, "host", label, "request.", from);
        }
        return List.of(event("acr", registry, repository, tag, digest, mediaType, label, "target.", from));
    }

    private static List<PushEvent> dockerHub(JsonNode root, Sender from) {
        String label = "Docker Hub push";
        JsonNode pushData = object(root, "push_data", label, from);
        JsonNode repo = object(root, "repository", label, from);
        String repository = text(repo, "repo_name", label, "repository.", from);
        if (repository == null) {
            throw from.fail(label + " has no repository.repo_name");
        }
        // Docker Hub's own short form for official images; the registry path is library/<name>.
        if (repository.indexOf('/') < 0) {
            repository = "library/" + repository;
        }
        String tag = text(pushData, "tag", label, "push_data.", from);
        if (tag == null) {
            throw from.fail(label + " has no push_data.tag");
        }
        return List.of(event("dockerhub", "docker.io", repository, tag, null, null, label, "", from));
    }

    /** Checks every name against the reference grammar before it can reach a request line. */
    private static PushEvent event(String format, String registry, String repository, String tag, String digest,
                                   String mediaType, String label, String prefix, Sender from) {
        if (registry != null && !HOST.matcher(registry).matches()) {
            throw from.fail(label + ": registry host " + quote(registry) + " is not a host[:port]");
        }
        if (repository.length() > MAX_REPOSITORY_LENGTH || !REPOSITORY.matcher(repository).matches()) {
            throw from.fail(label + ": " + prefix + "repository " + quote(repository) + " is not a valid repository name");
        }
        if (tag != null && !TAG.matcher(tag).matches()) {
            throw from.fail(label + ": " + prefix + "tag " + quote(tag) + " is not a valid tag");
        }
        if (digest != null && !DIGEST.matcher(digest).matches()) {
            throw from.fail(label + ": " + prefix + "digest " + quote(digest) + " is not a valid digest");
        }
        return new PushEvent(registry, repository, tag, digest, mediaType, format);
    }

    private static String hostOfUrl(String url, String what, Sender from) {
        try {
            URI uri = new URI(url);
            String authority = uri.getRawAuthority();
            if (authority == null || authority.isEmpty()) {
                throw from.fail(what + " " + quote(url) + " names no host");
            }
            // user info never belongs in a registry name
            return authority.substring(authority.lastIndexOf('@') + 1);
        } catch (URISyntaxException e) {
            throw from.fail(what + " " + quote(url) + " is not a URL", e);
        }
    }

    private static JsonNode object(JsonNode parent, String key, String label, Sender from) {
        JsonNode v = parent.get(key);
        if (v == null || v.isNull()) {
            throw from.fail(label + " has no " + key);
        }
        if (!v.isObject()) {
            throw from.fail(label + ": " + key + " is a " + kind(v) + ", not an object");
        }
        return v;
    }

    private static String text(JsonNode parent, String key, String label, Sender from) {
        return text(parent, key, label, "", from);
    }

    /** The string at key, or null when absent, null or empty; any other type is an error, not a silent skip. */
    private static String text(JsonNode parent, String key, String label, String prefix, Sender from) {
        JsonNode v = parent.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw from.fail(label + ": " + prefix + key + " is a " + kind(v) + ", not a string");
        }
        String s = v.textValue();
        return s.isEmpty() ? null : s;
    }

    private static String mediaTypeOf(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semi = contentType.indexOf(';');
        return (semi >= 0 ? contentType.substring(0, semi) : contentType).trim().toLowerCase(Locale.ROOT);
    }

    private static String kind(JsonNode node) {
        return io.drydock.JsonKinds.of(node);
    }

    private static String location(JsonLocation at) {
        if (at == null || at.getLineNr() < 1) {
            return "";
        }
        return " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }

    private static String quote(String value) {
        return "'" + clean(value, 120) + "'";
    }

    /** Values come from the sender; control characters and length are trimmed so a message stays one log line. */
    private static String clean(String s, int max) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), max) + 1);
        for (int i = 0; i < s.length() && b.length() < max; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        if (s.length() > max) {
            b.append('…');
        }
        return b.toString();
    }

    private record Sender(String name) {
        Sender {
            name = name == null || name.isBlank() ? "an unnamed sender" : clean(name, 200);
        }

        DrydockException fail(String detail) {
            return new DrydockException("notification from " + name + ": " + detail);
        }

        DrydockException fail(String detail, Throwable cause) {
            return new DrydockException("notification from " + name + ": " + detail, cause);
        }
    }
}
