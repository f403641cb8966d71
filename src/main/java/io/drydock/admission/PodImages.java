package io.drydock.admission;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Finds every image an admission request can make a node run: the containers, init containers and ephemeral
 * containers of a pod spec, wherever the kind keeps that spec.
 */
public final class PodImages {
    /** The kinds Kubernetes itself ships with pod specs; templates count whatever their replica count. */
    public static final List<PodSpecLocation> BUILT_IN = List.of(
            new PodSpecLocation("", "Pod", "/spec"),
            new PodSpecLocation("", "ReplicationController", "/spec/template/spec"),
            new PodSpecLocation("apps", "Deployment", "/spec/template/spec"),
            new PodSpecLocation("apps", "ReplicaSet", "/spec/template/spec"),
            new PodSpecLocation("apps", "StatefulSet", "/spec/template/spec"),
            new PodSpecLocation("apps", "DaemonSet", "/spec/template/spec"),
            new PodSpecLocation("batch", "Job", "/spec/template/spec"),
            new PodSpecLocation("batch", "CronJob", "/spec/jobTemplate/spec/template/spec"));

    static final String EPHEMERAL_SUBRESOURCE = "ephemeralcontainers";
    private static final List<String> CONTAINER_LISTS = List.of("containers", "initContainers", "ephemeralContainers");
    // DELETE and CONNECT carry no object that could start a container
    private static final Set<String> OPERATIONS_WITH_IMAGES = Set.of("CREATE", "UPDATE");

    private final List<PodSpecLocation> locations;

    /** @param extra kinds with pod specs beyond the built-in ones (Argo Rollouts, operators' CRDs); they win over built-ins */
    public PodImages(List<PodSpecLocation> extra) {
        List<PodSpecLocation> all = new ArrayList<>(extra);
        all.addAll(BUILT_IN);
        this.locations = List.copyOf(all);
    }

    /** One image field: its JSON Pointer in the object, what it says, and which container it belongs to. */
    public record PodImage(String pointer, String image, String containerName) {
    }

    /** What the request names: images to judge, or a reason it has none the gate should look at. */
    public sealed interface Extraction permits Images, PassThrough {
    }

    /** @param images in document order: containers, then init containers, then ephemeral containers */
    public record Images(String podSpecPointer, List<PodImage> images) implements Extraction {
        public Images {
            images = List.copyOf(images);
        }
    }

    /** Not a request the gate judges: said explicitly so that the log can tell "passed" from "not looked at". */
    public record PassThrough(String reason) implements Extraction {
    }

    /** @throws AdmissionInputException naming the JSON path when the object's pod spec is malformed */
    public Extraction extract(AdmissionRequest request) {
        if (!OPERATIONS_WITH_IMAGES.contains(request.operation())) {
            return new PassThrough(request.operation() + " does not start containers");
        }
        PodSpecLocation location = locations.stream().filter(l -> l.matches(request.kind())).findFirst().orElse(null);
        if (location == null) {
            return new PassThrough("kind " + request.kind() + " has no pod spec the configuration knows of");
        }
        boolean ephemeral = request.isSubResource(EPHEMERAL_SUBRESOURCE) && location.kind().equals("Pod") && location.group().isEmpty();
        if (!request.subResource().isEmpty() && !ephemeral) {
            // status, scale, binding, eviction...: none of them can change which image runs
            return new PassThrough("subresource " + request.subResource() + " cannot change images");
        }
        if (request.object() == null) {
            throw new AdmissionInputException("request.object", "missing for " + request.operation() + " of " + request.kind().kind());
        }
        JsonNode spec = request.object().at(JsonPointer.compile(location.podSpec()));
        if (spec.isMissingNode() || spec.isNull()) {
            throw new AdmissionInputException(location.podSpec(), "missing; a " + request.kind().kind() + " keeps its pod spec here");
        }
        if (!spec.isObject()) {
            throw new AdmissionInputException(location.podSpec(), "must be an object (a pod spec)");
        }
        // the ephemeralcontainers subresource can only add ephemeral containers; the rest of the pod was judged when it was created
        List<String> lists = ephemeral ? List.of("ephemeralContainers") : CONTAINER_LISTS;
        List<PodImage> images = new ArrayList<>();
        for (String list : lists) {
            images.addAll(containerImages(spec, location.podSpec() + "/" + list, spec.get(list)));
        }
        return new Images(location.podSpec(), images);
    }

    private static List<PodImage> containerImages(JsonNode spec, String pointer, JsonNode containers) {
        if (containers == null || containers.isNull()) {
            return List.of();
        }
        if (!containers.isArray()) {
            throw new AdmissionInputException(pointer, "must be an array of containers");
        }
        List<PodImage> out = new ArrayList<>();
        for (int i = 0; i < containers.size(); i++) {
            JsonNode c = containers.get(i);
            String at = pointer + "/" + i;
            if (!c.isObject()) {
                throw new AdmissionInputException(at, "must be an object (a container)");
            }
            JsonNode image = c.get("image");
            // Kubernetes lets workload templates leave image out for tools to fill in; the gate cannot vouch for nothing
            if (image == null || image.isNull()) {
                throw new AdmissionInputException(at + "/image", "missing");
            }
            if (!image.isTextual() || image.textValue().isBlank()) {
                throw new AdmissionInputException(at + "/image", "must be a non-empty string");
            }
            JsonNode name = c.get("name");
            out.add(new PodImage(at + "/image", image.textValue(), name != null && name.isTextual() ? name.textValue() : ""));
        }
        return out;
    }
}
