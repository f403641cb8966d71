package io.drydock.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.DrydockException;
import io.drydock.image.ImageReference;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The gate's answer to one AdmissionRequest, and each image's part in it (for the decision's log line).
 *
 * @param message why the request was denied; empty when allowed
 * @param warnings shown to the user by kubectl (images unverified in {@code warn} mode)
 * @param auditAnnotations recorded in the API server's audit log (exemptions, images unverified in {@code audit} mode)
 * @param patch replacements of images given by tag with the digest that was verified; empty when denied
 * @param passThrough why the request was not looked at, or empty
 */
public record AdmissionDecision(String uid, boolean allowed, String message, List<String> warnings,
        Map<String, String> auditAnnotations, List<ImagePatch> patch, List<ImageVerdict> images, String passThrough) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public AdmissionDecision {
        warnings = List.copyOf(warnings);
        auditAnnotations = Map.copyOf(auditAnnotations);
        patch = List.copyOf(patch);
        images = List.copyOf(images);
    }

    /** A JSON Patch {@code replace} of one image field. */
    public record ImagePatch(String pointer, String from, String to) {
    }

    public enum Outcome { VERIFIED, EXEMPT, FAILED, UNAVAILABLE, INVALID }

    /**
     * @param digest the digest judged: the one verified, or the one that failed or could not be verified once the tag
     *     was resolved; null when no digest was reached (or the image was exempt or invalid)
     */
    public record ImageVerdict(String pointer, String image, String digest, Outcome outcome, AdmissionMode mode, String reason) {
    }

    /**
     * Judges a request.
     *
     * @param namespaceLabels the labels of the request's Namespace as the API server has them; never taken from the
     *        request, whose object's labels and annotations anyone creating a pod can write
     * @param today the date exemptions' expiry is compared with (UTC)
     */
    public static AdmissionDecision decide(AdmissionRequest request, AdmissionPolicy policy, Map<String, String> namespaceLabels,
            Verification verification, LocalDate today) {
        String uid = request.uid();
        PodImages.Extraction extraction;
        AdmissionInputException malformed = null;
        try {
            extraction = new PodImages(policy.podSpecKinds()).extract(request);
        } catch (AdmissionInputException e) {
            extraction = null;
            malformed = e;
        }
        if (extraction instanceof PodImages.PassThrough pass) {
            return new AdmissionDecision(uid, true, "", List.of(), Map.of(), List.of(), List.of(), pass.reason());
        }
        String namespace = request.namespace();
        Optional<String> namespaceExempt = policy.namespaceExemption(namespace, namespaceLabels, today);
        if (namespaceExempt.isPresent()) {
            return new AdmissionDecision(uid, true, "", List.of(), Map.of("exempt", "namespace " + namespace + ": "
                    + namespaceExempt.get()), List.of(), List.of(), "");
        }
        String subject = request.kind().kind() + " " + (namespace.isEmpty() ? "" : namespace + "/")
                + (request.name().isEmpty() ? "(unnamed)" : request.name());
        if (malformed != null) {
            // an object the gate cannot read is denied whatever the mode: its images could be anything
            return denied(uid, subject, List.of("malformed object: " + malformed.getMessage()), List.of(), Map.of(), List.of());
        }

        List<String> denials = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Map<String, List<String>> audit = new LinkedHashMap<>();
        List<ImagePatch> patch = new ArrayList<>();
        List<ImageVerdict> verdicts = new ArrayList<>();
        boolean pinning = policy.pinningFor(namespace);
        // the same image in several containers is verified once per request; across requests the server's cache does it
        Map<String, Verification.Outcome> seen = new HashMap<>();

        for (PodImages.PodImage site : ((PodImages.Images) extraction).images()) {
            String where = "image " + site.image() + " (" + describeContainer(site) + ")";
            ImageReference ref;
            try {
                ref = ImageReference.parse(site.image());
            } catch (DrydockException bad) {
                // no node could pull it either, so denying costs nothing whatever the mode
                denials.add(where + ": " + bad.getMessage());
                verdicts.add(new ImageVerdict(site.pointer(), site.image(), null, Outcome.INVALID, AdmissionMode.ENFORCE, bad.getMessage()));
                continue;
            }
            Optional<String> exempt = policy.imageExemption(ref, namespaceLabels, today);
            if (exempt.isPresent()) {
                audit.computeIfAbsent("exempt", k -> new ArrayList<>()).add(site.image() + ": " + exempt.get());
                verdicts.add(new ImageVerdict(site.pointer(), site.image(), null, Outcome.EXEMPT, null, exempt.get()));
                continue;
            }
            AdmissionPolicy.ImageRule rule = policy.ruleFor(ref);
            AdmissionMode mode = policy.modeFor(namespace, rule);
            Verification.Outcome outcome = seen.computeIfAbsent(ref.toString(), k -> verifySafely(verification, ref, rule));

            String problem;
            Outcome kind;
            String digest = null;
            switch (outcome) {
                case Verification.Verified v when ref.digest() != null && !ref.digest().equals(v.digest()) -> {
                    problem = "names " + ref.digest() + " but " + v.digest() + " is what was verified";
                    kind = Outcome.FAILED;
                }
                case Verification.Verified v -> {
                    problem = null;
                    kind = Outcome.VERIFIED;
                    digest = v.digest().toString();
                }
                case Verification.Failed f -> {
                    problem = "not verified under " + rule.where() + ": " + f.reason();
                    kind = Outcome.FAILED;
                    digest = f.digest() == null ? null : f.digest().toString();
                }
                case Verification.Unavailable u -> {
                    problem = "the registry could not be reached to verify it (" + u.reason() + "); without proof the image is not admitted";
                    kind = Outcome.UNAVAILABLE;
                    digest = u.digest() == null ? null : u.digest().toString();
                }
            }
            verdicts.add(new ImageVerdict(site.pointer(), site.image(), digest, kind, mode, problem == null ? "" : problem));
            if (problem == null) {
                if (pinning && ref.digest() == null) {
                    patch.add(new ImagePatch(site.pointer(), site.image(), ref.withDigest(((Verification.Verified) outcome).digest()).toString()));
                }
                continue;
            }
            switch (mode) {
                case ENFORCE -> denials.add(where + ": " + problem);
                case WARN -> warnings.add("Drydock (warn mode): " + where + ": " + problem);
                case AUDIT -> audit.computeIfAbsent("unverified", k -> new ArrayList<>()).add(where + ": " + problem);
            }
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        audit.forEach((k, v) -> annotations.put(k, String.join("; ", v)));
        if (!denials.isEmpty()) {
            return denied(uid, subject, denials, warnings, annotations, verdicts);
        }
        return new AdmissionDecision(uid, true, "", warnings, annotations, patch, verdicts, "");
    }

    private static AdmissionDecision denied(String uid, String subject, List<String> denials, List<String> warnings,
            Map<String, String> annotations, List<ImageVerdict> verdicts) {
        return new AdmissionDecision(uid, false, "Drydock denied " + subject + ": " + String.join("; ", denials),
                warnings, annotations, List.of(), verdicts, "");
    }

    private static Verification.Outcome verifySafely(Verification verification, ImageReference ref, AdmissionPolicy.ImageRule rule) {
        try {
            Verification.Outcome o = verification.verify(ref, rule);
            return o != null ? o : new Verification.Unavailable("the verifier gave no answer");
        } catch (RuntimeException e) {
            // fail closed, but not as a definitive failure: whatever went wrong says nothing about the image
            return new Verification.Unavailable("verification failed: " + e.getMessage());
        }
    }

    private static String describeContainer(PodImages.PodImage site) {
        return (site.containerName().isEmpty() ? "" : "container " + site.containerName() + ", ") + site.pointer();
    }

    /**
     * The AdmissionReview v1 response body. The validating endpoint answers without the patch: a validating webhook
     * may not mutate, and the API server rejects a response that tries.
     */
    public ObjectNode toReview(boolean mutating) {
        ObjectNode review = JSON.createObjectNode();
        review.put("apiVersion", AdmissionRequests.API_VERSION);
        review.put("kind", AdmissionRequests.KIND);
        ObjectNode response = review.putObject("response");
        response.put("uid", uid);
        response.put("allowed", allowed);
        if (!allowed) {
            ObjectNode status = response.putObject("status");
            status.put("code", 403);
            status.put("reason", "Forbidden");
            status.put("message", message);
        }
        if (!warnings.isEmpty()) {
            ArrayNode w = response.putArray("warnings");
            warnings.forEach(w::add);
        }
        if (!auditAnnotations.isEmpty()) {
            ObjectNode a = response.putObject("auditAnnotations");
            auditAnnotations.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> a.put(e.getKey(), e.getValue()));
        }
        if (mutating && allowed && !patch.isEmpty()) {
            response.put("patchType", "JSONPatch");
            response.put("patch", Base64.getEncoder().encodeToString(jsonPatch()));
        }
        return review;
    }

    /** The patch as RFC 6902 JSON: one {@code replace} per pinned image. */
    public byte[] jsonPatch() {
        ArrayNode ops = JSON.createArrayNode();
        for (ImagePatch p : patch) {
            ObjectNode op = ops.addObject();
            op.put("op", "replace");
            op.put("path", p.pointer());
            op.put("value", p.to());
        }
        try {
            return JSON.writeValueAsString(ops).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
