package io.drydock.fleet;

import io.drydock.store.RunningContainer;
import io.drydock.store.Store;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Workload discovery: an informer on Pods maps each running container to its image's manifest digest (from
 * {@code status.containerStatuses[].imageID}, which is what the kubelet really pulled, not the tag in the spec) and
 * to the workload at the top of its owners (a ReplicaSet's Deployment, a Job's CronJob). A digest not stored yet is
 * queued for analysis. Only the leader runs it, so one process writes what the informer sees.
 */
public final class PodWatcher implements AutoCloseable {
    private final KubernetesClient kube;
    private final Store store;
    private final Fleet fleet;
    private final List<String> namespaces;
    private final Clock clock;
    private final Consumer<String> log;
    private final List<SharedIndexInformer<Pod>> informers = new ArrayList<>();

    /** @param namespaces the namespaces to watch; every namespace when empty */
    public PodWatcher(KubernetesClient kube, Store store, Fleet fleet, List<String> namespaces, Clock clock, Consumer<String> log) {
        this.kube = kube;
        this.store = store;
        this.fleet = fleet;
        this.namespaces = List.copyOf(namespaces);
        this.clock = clock;
        this.log = log;
    }

    public synchronized PodWatcher start() {
        if (!informers.isEmpty()) {
            return this;
        }
        ResourceEventHandler<Pod> handler = new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                seen(pod);
            }

            @Override
            public void onUpdate(Pod before, Pod pod) {
                seen(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                store.putPod(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), List.of());
            }
        };
        long resync = 10 * 60 * 1000L;
        if (namespaces.isEmpty()) {
            informers.add(kube.pods().inAnyNamespace().inform(handler, resync));
        } else {
            for (String ns : namespaces) {
                informers.add(kube.pods().inNamespace(ns).inform(handler, resync));
            }
        }
        return this;
    }

    public synchronized boolean running() {
        return !informers.isEmpty();
    }

    /** Records the pod's containers and queues the analysis of digests never seen. */
    void seen(Pod pod) {
        try {
            String ns = pod.getMetadata().getNamespace();
            String name = pod.getMetadata().getName();
            if (pod.getStatus() == null || "Succeeded".equals(pod.getStatus().getPhase()) || "Failed".equals(pod.getStatus().getPhase())) {
                store.putPod(ns, name, List.of());
                return;
            }
            Owner owner = topOwner(pod);
            List<RunningContainer> containers = new ArrayList<>();
            List<ContainerStatus> statuses = Stream.of(pod.getStatus().getContainerStatuses(), pod.getStatus().getInitContainerStatuses(),
                    pod.getStatus().getEphemeralContainerStatuses()).filter(l -> l != null).flatMap(List::stream).toList();
            for (ContainerStatus s : statuses) {
                Optional<String> pulled = pulledReference(s.getImageID());
                String digest = pulled.map(r -> r.substring(r.indexOf('@') + 1)).orElse(null);
                containers.add(new RunningContainer(ns, name, s.getName(), owner.kind(), owner.name(), s.getImage(), digest, clock.instant()));
                if (pulled.isPresent() && fleet.enqueueAnalysis(pulled.get(), digest, new io.drydock.fleet.ImageAnalyser.SeenIn(ns, name))) {
                    log.accept("new image " + pulled.get() + " running in " + owner.kind() + "/" + ns + "/" + owner.name() + ": queued for analysis");
                }
            }
            store.putPod(ns, name, containers);
        } catch (RuntimeException e) {
            // one odd pod must not stop the informer; it is seen again at the next change or resync
            log.accept("pod " + pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName() + " not recorded: " + e.getMessage());
        }
    }

    /**
     * The reference by digest the kubelet pulled, from an imageID such as {@code docker-pullable://reg/repo@sha256:…}
     * or {@code reg/repo@sha256:…}; empty for a bare image id ({@code sha256:…}), which names a config, not a manifest.
     */
    static Optional<String> pulledReference(String imageId) {
        if (imageId == null || imageId.isBlank()) {
            return Optional.empty();
        }
        String id = imageId.strip();
        int scheme = id.indexOf("://");
        if (scheme >= 0) {
            id = id.substring(scheme + 3);
        }
        int at = id.indexOf("@sha256:");
        if (at <= 0 || id.length() != at + 8 + 64) {
            return Optional.empty();
        }
        return Optional.of(id);
    }

    record Owner(String kind, String name) {
    }

    /** The pod's controller, followed up one more level for ReplicaSets (to a Deployment) and Jobs (to a CronJob). */
    Owner topOwner(Pod pod) {
        String ns = pod.getMetadata().getNamespace();
        Optional<OwnerReference> ref = controller(pod);
        if (ref.isEmpty()) {
            return new Owner("Pod", pod.getMetadata().getName());
        }
        OwnerReference o = ref.get();
        try {
            HasMetadata parent = switch (o.getKind()) {
                case "ReplicaSet" -> kube.apps().replicaSets().inNamespace(ns).withName(o.getName()).get();
                case "Job" -> kube.batch().v1().jobs().inNamespace(ns).withName(o.getName()).get();
                default -> null;
            };
            if (parent != null) {
                Optional<OwnerReference> up = controller(parent);
                if (up.isPresent() && List.of("Deployment", "CronJob").contains(up.get().getKind())) {
                    return new Owner(up.get().getKind(), up.get().getName());
                }
            }
        } catch (KubernetesClientException e) {
            // the owner's owner cannot be read (RBAC, gone): the direct owner is still true
        }
        return new Owner(o.getKind(), o.getName());
    }

    private static Optional<OwnerReference> controller(HasMetadata o) {
        List<OwnerReference> refs = o.getMetadata().getOwnerReferences();
        if (refs == null) {
            return Optional.empty();
        }
        return refs.stream().filter(r -> Boolean.TRUE.equals(r.getController())).findFirst().or(() -> refs.stream().findFirst());
    }

    @Override
    public synchronized void close() {
        informers.forEach(SharedIndexInformer::close);
        informers.clear();
    }
}
