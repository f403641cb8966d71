package io.drydock.lineage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.DrydockException;
import io.drydock.lineage.LineageGraph.Workload;
import io.drydock.store.LineageEdge;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@code drydock graph}'s three outputs of a {@link LineageGraph}: an indented tree, JSON and Graphviz DOT. */
final class GraphFormats {
    private static final ObjectMapper JSON = new ObjectMapper();

    private GraphFormats() {
    }

    /** One edge of the output: base → image (runtime, build) or image → workload (runs). */
    private record Edge(String from, String to, int rank, String kind, String source, String detail) {
        static final Comparator<Edge> ORDER = Comparator.comparing(Edge::from).thenComparing(Edge::to).thenComparingInt(Edge::rank);
    }

    private static List<Edge> edges(LineageGraph g) {
        List<Edge> out = new ArrayList<>();
        for (LineageEdge e : g.edges()) {
            boolean runtime = e.kind() == LineageEdge.Kind.RUNTIME;
            out.add(new Edge(e.base(), e.image(), runtime ? 0 : 1, runtime ? "runtime" : "build",
                    e.source().name().toLowerCase(Locale.ROOT), e.detail()));
        }
        for (String image : g.images()) {
            boolean imageDigest = g.digestOf(image).isPresent();
            for (Workload w : g.workloadsOf(image)) {
                out.add(new Edge(image, w.id(), 2, "runs", w.digest() != null && imageDigest ? "digest" : "reference", null));
            }
        }
        out.sort(Edge.ORDER);
        return out;
    }

    /** The workloads attached to some image, in the graph's workload order. */
    private static List<Workload> shownWorkloads(LineageGraph g) {
        Set<Workload> attached = new LinkedHashSet<>();
        for (String image : g.images()) attached.addAll(g.workloadsOf(image));
        return g.workloads().stream().filter(attached::contains).toList();
    }

    // ---- text ----

    private record Item(String image, Workload workload, boolean build, String prefix, boolean last, boolean root) {
    }

    /**
     * <pre>
     * debian:12
     * └─ company/base:1
     *    ├─ app:1
     *    │  └─ ⎈ Deployment shop/web (container web)
     *    └─ tool:1 (build)
     * </pre>
     * Each image is expanded once, under its runtime base (or as a root); under a build-time base it appears as a
     * leaf marked {@code (build)}. Children are sorted by name, workloads last; conflicts follow the trees.
     */
    static String text(LineageGraph g) {
        StringBuilder sb = new StringBuilder();
        Deque<Item> stack = new ArrayDeque<>();
        for (String root : g.roots()) {
            stack.push(new Item(root, null, false, "", true, true));
            while (!stack.isEmpty()) { // depth-first without recursion: chains can be long
                Item it = stack.pop();
                if (!it.root()) sb.append(it.prefix()).append(it.last() ? "└─ " : "├─ ");
                if (it.workload() != null) {
                    sb.append("⎈ ").append(it.workload().label()).append('\n');
                    continue;
                }
                sb.append(it.image()).append(it.build() ? " (build)" : "").append('\n');
                if (it.build()) continue;
                String childPrefix = it.root() ? "" : it.prefix() + (it.last() ? "   " : "│  ");
                List<Item> kids = new ArrayList<>();
                List<String> build = g.buildChildrenOf(it.image());
                List<String> names = new ArrayList<>(g.childrenOf(it.image()));
                names.addAll(build);
                names.sort(Comparator.naturalOrder());
                Set<String> buildOnly = new HashSet<>(build); // never also a runtime child: the graph drops such build edges
                for (String name : names) {
                    kids.add(new Item(name, null, buildOnly.contains(name), childPrefix, false, false));
                }
                for (Workload w : g.workloadsOf(it.image())) kids.add(new Item(null, w, false, childPrefix, false, false));
                for (int i = kids.size() - 1; i >= 0; i--) {
                    Item k = kids.get(i);
                    stack.push(i == kids.size() - 1 ? new Item(k.image(), k.workload(), k.build(), k.prefix(), true, false) : k);
                }
            }
        }
        if (!g.conflicts().isEmpty()) {
            sb.append("conflicts:\n");
            for (String c : g.conflicts()) sb.append("  ").append(c).append('\n');
        }
        return sb.toString();
    }

    // ---- JSON ----

    /**
     * {@code {"nodes":[{"id","kind":"image","digest"}, {"id","kind":"workload","digest","workloadKind","namespace",
     * "name","container","image"}], "edges":[{"from","to","kind":"runtime|build|runs","source","detail"}],
     * "conflicts":[...]}}: images by name then workloads, edges by from, to, kind; unknown values are null. A runs
     * edge's source says how the workload was matched: {@code digest} or {@code reference}.
     */
    static String json(LineageGraph g) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode nodes = root.putArray("nodes");
        for (String image : g.images()) {
            ObjectNode n = nodes.addObject();
            n.put("id", image);
            n.put("kind", "image");
            n.put("digest", g.digestOf(image).orElse(null));
        }
        for (Workload w : shownWorkloads(g)) {
            ObjectNode n = nodes.addObject();
            n.put("id", w.id());
            n.put("kind", "workload");
            n.put("digest", w.digest());
            n.put("workloadKind", w.kind());
            n.put("namespace", w.namespace());
            n.put("name", w.name());
            n.put("container", w.container());
            n.put("image", w.image());
        }
        ArrayNode edges = root.putArray("edges");
        for (Edge e : edges(g)) {
            ObjectNode o = edges.addObject();
            o.put("from", e.from());
            o.put("to", e.to());
            o.put("kind", e.kind());
            o.put("source", e.source());
            o.put("detail", e.detail());
        }
        ArrayNode conflicts = root.putArray("conflicts");
        g.conflicts().forEach(conflicts::add);
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new DrydockException("cannot write the lineage graph as JSON: " + e.getOriginalMessage(), e);
        }
    }

    // ---- DOT ----

    /**
     * {@code digraph lineage { rankdir=LR; ... }}: images as ellipses (those in {@code outdated} red, labelled
     * {@code (outdated)}), workloads as boxes, build edges dashed. Every id is quoted and escaped.
     */
    static String dot(LineageGraph g, Set<String> outdated) {
        StringBuilder sb = new StringBuilder("digraph lineage {\n  rankdir=LR;\n");
        for (String image : g.images()) {
            sb.append("  ").append(quote(image));
            if (outdated.contains(image)) sb.append(" [color=red, label=").append(quote(image + " (outdated)")).append(']');
            sb.append(";\n");
        }
        for (Workload w : shownWorkloads(g)) {
            sb.append("  ").append(quote(w.id())).append(" [shape=box, label=").append(quote(w.label())).append("];\n");
        }
        for (Edge e : edges(g)) {
            sb.append("  ").append(quote(e.from())).append(" -> ").append(quote(e.to()));
            if (e.rank() == 1) sb.append(" [style=dashed]");
            sb.append(";\n");
        }
        return sb.append("}\n").toString();
    }

    /** A DOT quoted string: backslashes and quotes escaped, line breaks as {@code \n}, other control characters dropped. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                default -> {
                    if (c >= 0x20 && c != 0x7f) sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }
}
