package io.drydock.admission;

import io.drydock.DrydockException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/** Reads the body the API server posts to a webhook. */
public final class AdmissionRequests {
    public static final String API_VERSION = "admission.k8s.io/v1";
    public static final String KIND = "AdmissionReview";

    // a duplicated key would let a crafted body show one value to the API server's parser and another to ours
    private static final ObjectMapper JSON = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private AdmissionRequests() {
    }

    /** @throws AdmissionInputException naming the field when the body is not an AdmissionReview v1 request */
    public static AdmissionRequest parse(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new AdmissionInputException("body", "not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new AdmissionInputException("body", "unreadable: " + DrydockException.reason(e));
        }
        if (root == null || !root.isObject()) {
            throw new AdmissionInputException("body", "not a JSON object, so not an AdmissionReview");
        }
        String apiVersion = optionalText(root, "apiVersion", "apiVersion");
        if (!API_VERSION.equals(apiVersion)) {
            throw new AdmissionInputException("apiVersion", (apiVersion == null ? "missing" : "'" + apiVersion + "'")
                    + "; the webhook reads " + API_VERSION + " only (set admissionReviewVersions: [v1])");
        }
        String kind = optionalText(root, "kind", "kind");
        if (!KIND.equals(kind)) {
            throw new AdmissionInputException("kind", (kind == null ? "missing" : "'" + kind + "'") + ", not " + KIND);
        }
        JsonNode request = root.get("request");
        if (request == null || request.isNull()) {
            throw new AdmissionInputException("request", "missing; an AdmissionReview sent to a webhook carries a request");
        }
        if (!request.isObject()) {
            throw new AdmissionInputException("request", "must be an object");
        }
        String uid = optionalText(request, "uid", "request.uid");
        if (uid == null || uid.isBlank()) {
            throw new AdmissionInputException("request.uid", "missing; the response must echo it");
        }
        JsonNode kindNode = object(request, "kind", "request.kind");
        var gvk = new AdmissionRequest.GroupVersionKind(text(kindNode, "group", "request.kind.group", true),
                text(kindNode, "version", "request.kind.version", false), text(kindNode, "kind", "request.kind.kind", false));
        JsonNode resourceNode = object(request, "resource", "request.resource");
        var gvr = new AdmissionRequest.GroupVersionResource(text(resourceNode, "group", "request.resource.group", true),
                text(resourceNode, "version", "request.resource.version", false),
                text(resourceNode, "resource", "request.resource.resource", false));
        String operation = text(request, "operation", "request.operation", false);
        JsonNode object = request.get("object");
        if (object != null && object.isNull()) {
            object = null;
        }
        if (object != null && !object.isObject()) {
            throw new AdmissionInputException("request.object", "must be an object");
        }
        JsonNode userInfo = request.get("userInfo");
        String username = userInfo != null && userInfo.isObject() ? orEmpty(optionalText(userInfo, "username", "request.userInfo.username")) : "";
        return new AdmissionRequest(uid, gvk, gvr, orEmpty(optionalText(request, "subResource", "request.subResource")),
                orEmpty(optionalText(request, "namespace", "request.namespace")),
                orEmpty(optionalText(request, "name", "request.name")), operation, object, username);
    }

    private static JsonNode object(JsonNode parent, String key, String field) {
        JsonNode v = parent.get(key);
        if (v == null || v.isNull()) {
            throw new AdmissionInputException(field, "missing");
        }
        if (!v.isObject()) {
            throw new AdmissionInputException(field, "must be an object");
        }
        return v;
    }

    /** A required string; the core API group is the empty string, so {@code emptyAllowed} only checks presence. */
    private static String text(JsonNode parent, String key, String field, boolean emptyAllowed) {
        String v = optionalText(parent, key, field);
        if (v == null) {
            // the core group is often left out altogether by serializers that omit empty strings
            if (emptyAllowed) {
                return "";
            }
            throw new AdmissionInputException(field, "missing");
        }
        if (!emptyAllowed && v.isEmpty()) {
            throw new AdmissionInputException(field, "empty");
        }
        return v;
    }

    private static String optionalText(JsonNode parent, String key, String field) {
        JsonNode v = parent.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new AdmissionInputException(field, "must be a string");
        }
        return v.textValue();
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
