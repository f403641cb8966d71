package io.drydock.rollout;

import io.drydock.DrydockException;
import java.util.List;
import java.util.Objects;

/**
 * A workload Drydock can roll out: a Deployment, StatefulSet, DaemonSet or CronJob, by namespace and name.
 *
 * @param kind one of {@link #KINDS}; given in any case, kept in the API's spelling
 */
public record WorkloadRef(String kind, String namespace, String name) {
    public static final String DEPLOYMENT = "Deployment";
    public static final String STATEFUL_SET = "StatefulSet";
    public static final String DAEMON_SET = "DaemonSet";
    public static final String CRON_JOB = "CronJob";
    public static final List<String> KINDS = List.of(DEPLOYMENT, STATEFUL_SET, DAEMON_SET, CRON_JOB);

    public WorkloadRef {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        String given = kind;
        kind = KINDS.stream().filter(k -> k.equalsIgnoreCase(given.strip())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown workload kind '" + given + "'; expected one of "
                        + String.join(", ", KINDS)));
        if (namespace.isBlank() || name.isBlank()) {
            throw new IllegalArgumentException("a workload needs a namespace and a name");
        }
    }

    /** @param ref {@code Kind/namespace/name}, e.g. {@code Deployment/shop/web} (the kind in any case) */
    public static WorkloadRef parse(String ref) {
        Objects.requireNonNull(ref, "ref");
        String[] parts = ref.strip().split("/", -1);
        if (parts.length != 3 || parts[0].isBlank() || parts[1].isBlank() || parts[2].isBlank()) {
            throw new DrydockException("not a workload reference: '" + ref + "'; expected Kind/namespace/name, e.g. Deployment/shop/web");
        }
        try {
            return new WorkloadRef(parts[0], parts[1].strip(), parts[2].strip());
        } catch (IllegalArgumentException e) {
            throw new DrydockException("not a workload reference: '" + ref + "': " + e.getMessage());
        }
    }

    /** {@code Deployment shop/web} */
    @Override
    public String toString() {
        return kind + " " + namespace + "/" + name;
    }
}
