package io.drydock.cli;

import io.drydock.lineage.LineageGraph;
import io.drydock.store.LineageEdge;
import io.drydock.store.Store;
import io.drydock.store.TrackedBase;
import java.io.PrintWriter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code drydock graph}: the lineage graph as text, JSON or Graphviz DOT. */
@Command(name = "graph", description = "Print the lineage graph (bases → images) as text, JSON or Graphviz DOT.",
        footer = {"", "In DOT, a base whose tag has moved past the digest an image was built on is marked outdated.",
                "Render with: drydock graph --format dot | dot -Tsvg > lineage.svg"})
final class GraphCommand implements Callable<Integer> {
    @Option(names = "--format", defaultValue = "text", description = "text (default), json or dot.")
    String format;
    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "Add the workloads (Deployments, StatefulSets, DaemonSets, CronJobs) of this cluster, matched to images by digest; 'in-cluster' inside a pod.")
    String kubeconfig;
    @Option(names = "--namespace", paramLabel = "NS", description = "Only this namespace's workloads (default: all).")
    String namespace;
    @Mixin
    ImageOptions options;
    @Mixin
    StoreOptions store;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<LineageEdge> edges;
        Map<String, String> current;
        try (Store s = store.open(options)) {
            edges = s.edges();
            current = s.trackedBases().stream().filter(b -> b.digest() != null)
                    .collect(Collectors.toMap(TrackedBase::reference, TrackedBase::digest));
        }
        LineageGraph g = LineageGraph.of(edges, kubeconfig == null ? List.of() : workloads(kubeconfig, namespace));
        switch (format) {
            case "text" -> out.print(g.text());
            case "json" -> out.println(g.json());
            case "dot" -> out.print(g.dot(outdated(edges, current)));
            default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--format must be text, json or dot, not '" + format + "'");
        }
        out.flush();
        return 0;
    }

    /** Every container of the cluster's workloads, with the digest it is pinned to when its image names one. */
    static List<LineageGraph.Workload> workloads(String kubeconfig, String namespace) {
        try (io.fabric8.kubernetes.client.KubernetesClient kube = WatchCommand.kubernetes(kubeconfig)) {
            io.drydock.rollout.Rollout rollout = new io.drydock.rollout.Rollout(kube, java.time.Clock.systemUTC(),
                    new io.drydock.rollout.Rollout.Settings(java.time.Duration.ofMinutes(1), java.time.Duration.ofSeconds(1), 3));
            List<LineageGraph.Workload> out = new java.util.ArrayList<>();
            for (io.drydock.rollout.Rollout.RunningImage i : rollout.workloadsUsing(namespace)) {
                String image = i.image();
                int at = image.indexOf('@');
                String name;
                try {
                    name = LineageCommand.name(at < 0 ? image : image.substring(0, at));
                } catch (io.drydock.DrydockException e) {
                    name = image;
                }
                out.add(new LineageGraph.Workload(i.workload().kind(), i.workload().namespace(), i.workload().name(), i.container(), name,
                        at < 0 ? null : image.substring(at + 1)));
            }
            return out;
        }
    }

    /** Bases some image was built on at a digest other than the one their tag points to now. */
    static Set<String> outdated(List<LineageEdge> edges, Map<String, String> current) {
        Set<String> out = new LinkedHashSet<>();
        for (LineageEdge e : edges) {
            String now = current.get(e.base());
            if (e.baseDigest() != null && now != null && !now.equals(e.baseDigest())) {
                out.add(e.base());
            }
        }
        return out;
    }
}
