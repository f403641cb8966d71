package io.drydock.server;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Leadership by a {@code coordination.k8s.io} Lease, with fabric8's leader election: the usual way for replicas in a
 * cluster, and it needs nothing but the API server. A leader that stops renewing (killed, partitioned) loses the
 * Lease after its duration and another replica takes it.
 */
public final class KubernetesLeadership implements BooleanSupplier, AutoCloseable {
    public static final String LEASE_NAME = "drydock-serve-leader";

    private final AtomicBoolean leading = new AtomicBoolean();
    private final CompletableFuture<?> election;

    public KubernetesLeadership(KubernetesClient kube, String namespace, String identity, Duration leaseDuration, Consumer<String> log) {
        this.election = kube.leaderElector().withConfig(new LeaderElectionConfigBuilder()
                .withName("drydock-serve")
                .withLock(new LeaseLock(namespace, LEASE_NAME, identity))
                .withLeaseDuration(leaseDuration)
                .withRenewDeadline(leaseDuration.multipliedBy(2).dividedBy(3))
                .withRetryPeriod(leaseDuration.dividedBy(5))
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(() -> leading.set(true), () -> leading.set(false),
                        leader -> log.accept("the Lease " + namespace + "/" + LEASE_NAME + " is held by " + leader)))
                .build()).build().start();
    }

    @Override
    public boolean getAsBoolean() {
        return leading.get();
    }

    @Override
    public void close() {
        election.cancel(true);
        leading.set(false);
    }
}
