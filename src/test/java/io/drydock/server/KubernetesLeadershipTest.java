package io.drydock.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** Leadership by a coordination.k8s.io Lease, on the fabric8 mock server in CRUD mode (no API server runs here). */
@EnableKubernetesMockClient(crud = true)
class KubernetesLeadershipTest {
    KubernetesClient client;
    KubernetesMockServer server;

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out waiting for " + what).isLessThan(until);
            Thread.sleep(50);
        }
    }

    @Test
    void oneReplicaHoldsTheLeaseAndAnotherTakesItWhenTheLeaderStops() throws Exception {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        KubernetesLeadership a = new KubernetesLeadership(client, "drydock", "replica-a", Duration.ofSeconds(2), seen::add);
        await("a leader", Duration.ofSeconds(10), a::getAsBoolean);
        KubernetesLeadership b = new KubernetesLeadership(client, "drydock", "replica-b", Duration.ofSeconds(2), seen::add);
        try {
            Thread.sleep(3000); // longer than the lease: b would have taken it had a stopped renewing
            assertThat(a.getAsBoolean()).isTrue();
            assertThat(b.getAsBoolean()).as("one leader at a time").isFalse();
            Lease lease = client.leases().inNamespace("drydock").withName(KubernetesLeadership.LEASE_NAME).get();
            assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("replica-a");

            a.close();
            await("the other replica to lead", Duration.ofSeconds(15), b::getAsBoolean);
            assertThat(a.getAsBoolean()).isFalse();
            assertThat(client.leases().inNamespace("drydock").withName(KubernetesLeadership.LEASE_NAME).get().getSpec().getHolderIdentity())
                    .isEqualTo("replica-b");
            assertThat(seen).anyMatch(s -> s.contains("replica-b"));
        } finally {
            a.close();
            b.close();
        }
    }
}
