package io.drydock.cli;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.function.Predicate;

/**
 * A cluster for the demo: fabric8's mock API server in CRUD mode (it stores objects and bumps
 * {@code metadata.generation} on spec changes), plus a stand-in for the Deployment controller that writes status the
 * way the real one does once the new pods are up. No API server can run here; this is the honest substitute, and
 * {@code healthy} lets the demo show a rollout whose pods never become ready.
 */
final class SimulatedCluster implements AutoCloseable {
    /** Held so the setting stays: the mock server logs every request at INFO, which is noise in the demo. */
    private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    static {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final Thread controller;
    private volatile boolean running = true;

    /** @param healthy whether a pod template's images start: a template for which it is false never becomes ready */
    SimulatedCluster(Predicate<Deployment> healthy) {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
        controller = Thread.ofPlatform().name("simulated-deployment-controller").daemon().start(() -> {
            while (running) {
                try {
                    client.apps().deployments().inAnyNamespace().list().getItems().forEach(d -> reconcile(d, healthy));
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // the server is stopping, or an object changed under us: the next round sees it again
                }
            }
        });
    }

    KubernetesClient client() {
        return client;
    }

    private void reconcile(Deployment d, Predicate<Deployment> healthy) {
        long generation = d.getMetadata().getGeneration() == null ? 1 : d.getMetadata().getGeneration();
        Long observed = d.getStatus() == null ? null : d.getStatus().getObservedGeneration();
        if (observed != null && observed == generation) {
            return;
        }
        int desired = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        boolean ready = healthy.test(d);
        // as the controller writes it: the new ReplicaSet scaled up; with pods that never start, none is ready and the
        // surge keeps the old ones, until the progress deadline passes
        DeploymentStatusBuilder status = new DeploymentStatusBuilder().withObservedGeneration(generation)
                .withReplicas(ready ? desired : desired + 1).withUpdatedReplicas(ready ? desired : 1)
                .withReadyReplicas(ready ? desired : desired).withAvailableReplicas(ready ? desired : desired)
                .withConditions(new DeploymentConditionBuilder().withType("Progressing").withStatus("True")
                        .withReason(ready ? "NewReplicaSetAvailable" : "ReplicaSetUpdated").build());
        client.apps().deployments().inNamespace(d.getMetadata().getNamespace()).withName(d.getMetadata().getName())
                .editStatus(x -> new DeploymentBuilder(x).withStatus(status.build()).build());
    }

    @Override
    public void close() {
        running = false;
        controller.interrupt();
        client.close();
        server.destroy();
    }
}
