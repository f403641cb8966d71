package io.drydock.lineage;

import io.drydock.DrydockException;
import io.drydock.store.LineageEdge;
import io.drydock.store.LineageEdge.Kind;
import io.drydock.store.LineageEdge.Source;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Which image is built on which, merged from the three sources (Dockerfiles, the OCI base annotations, shared
 * leading layers) plus manual edges, and which workloads run the images. It runs from bases through images,
 * transitively, to workloads, so one question is cheap: what must be rebuilt and redeployed when a base changes.
 *
 * <p>Nodes are image references exactly as given (the caller normalises them). Each image has at most one
 * runtime base (what it runs on); build-time bases (a {@code COPY --from=golang}, a {@code RUN --mount from=})
 * are kept apart: shown, and followed by {@link #affected(String, boolean)} only when asked, because an image
 * rebuilt from its Dockerfile does pick up a changed build-time base.
 *
 * <p>When several edges connect the same image and base with the same kind, or sources disagree on an image's
 * runtime base, the most trustworthy source wins:
 * <ol>
 * <li>{@link Source#MANUAL}: a human said so, deliberately, usually to correct one of the others;</li>
 * <li>{@link Source#ANNOTATION}: {@code org.opencontainers.image.base.name} is written by the build that made
 * the image, a fact about the image as built;</li>
 * <li>{@link Source#LAYERS}: shared leading layers are a fact too, but an inferred one (a base whose layers are
 * a prefix by coincidence, a tag pointing at an identical image);</li>
 * <li>{@link Source#DOCKERFILE}: intent; the file in the repository may have moved on since the image was built.</li>
 * </ol>
 * Within one source the most recent edge wins ({@code recordedAt}, unknown is oldest), then the smallest base
 * reference. A disagreement on the runtime base is not an error: the loser is dropped and a note kept in
 * {@link #conflicts()}. A cycle, through runtime or build edges, is an error at build time naming its images.
 *
 * <p>Workloads (Deployments, StatefulSets, DaemonSets, CronJobs; the kind is not checked) are attached to an image
 * by digest when both the workload and the image have a known digest, else by reference. An image's digest is the
 * one given to {@link Builder#image(String, String)}, else the most recent {@code imageDigest} seen on its edges,
 * else the most recent {@code baseDigest} its children were built on.
 *
 * <p>Immutable and thread-safe; every list it returns is sorted, so outputs can be compared.
 */
public final class LineageGraph {
    /** One container of a workload and the image it runs; {@code digest} is null when the pod spec names a tag only. */
    public record Workload(String kind, String namespace, String name, String container, String image, String digest) {
        /** {@code Deployment shop/web (container web)}. */
        public String label() {
            return kind + " " + (namespace == null ? "" : namespace + "/") + name
                    + (container == null ? "" : " (container " + container + ")");
        }

        /** {@code Deployment/shop/web/web}: unique among workloads, used as the node id in JSON and DOT. */
        public String id() {
            return kind + "/" + (namespace == null ? "" : namespace + "/") + name + (container == null ? "" : "/" + container);
        }
    }

    /**
     * What a change of a base touches.
     *
     * @param images    the images built on it, transitively, parents before children, each once; not the base itself
     * @param workloads the workloads running any of them or the base itself, sorted, each once
     */
    public record Affected(List<String> images, List<Workload> workloads) {
        public Affected {
            images = List.copyOf(images);
            workloads = List.copyOf(workloads);
        }
    }

    /**
     * The base an image's leading layers were found to equal.
     *
     * @param base        the base with the most layers among those whose layers are all a leading part of the image's;
     *                    on a tie (identical layer lists, e.g. two tags of one image), the smallest reference
     * @param layers      how many leading layers the image shares with it
     * @param alsoMatched the other references with exactly the same layers, sorted; empty without a tie
     */
    public record PrefixMatch(String base, int layers, List<String> alsoMatched) {
        public PrefixMatch {
            Objects.requireNonNull(base, "base");
            alsoMatched = List.copyOf(alsoMatched);
        }

        /** The {@link Source#LAYERS} edge this match stands for. */
        public LineageEdge toEdge(String image, String imageDigest, String baseDigest, Instant recordedAt) {
            String detail = "leading " + layers + (layers == 1 ? " layer" : " layers") + " equal " + base + "'s"
                    + (alsoMatched.isEmpty() ? "" : " (same layers: " + String.join(", ", alsoMatched) + ")");
            return new LineageEdge(image, base, Kind.RUNTIME, Source.LAYERS, imageDigest, baseDigest, detail, recordedAt);
        }
    }

    /** Higher wins; see the class comment for why. */
    static int priority(Source source) {
        return switch (source) {
            case MANUAL -> 4;
            case ANNOTATION -> 3;
            case LAYERS -> 2;
            case DOCKERFILE -> 1;
        };
    }

    /** Best first: source priority, then most recent, then the rest only so that the choice is deterministic. */
    static final Comparator<LineageEdge> PREFERRED = Comparator.comparingInt((LineageEdge e) -> -priority(e.source()))
            .thenComparing(LineageEdge::recordedAt, Comparator.nullsLast(Comparator.reverseOrder()))
            .thenComparing(LineageEdge::base)
            .thenComparing(LineageEdge::detail, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(LineageEdge::imageDigest, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(LineageEdge::baseDigest, Comparator.nullsLast(Comparator.naturalOrder()));

    private static final Comparator<Workload> WORKLOAD_ORDER = Comparator.comparing(Workload::kind)
            .thenComparing(Workload::namespace, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(Workload::name)
            .thenComparing(Workload::container, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(Workload::image)
            .thenComparing(Workload::digest, Comparator.nullsFirst(Comparator.naturalOrder()));

    private static final int[] NONE = new int[0];

    private final String[] names; // sorted, so index order is name order
    private final Map<String, Integer> index;
    private final String[] digests;
    private final int[] parent; // runtime base, -1 for none
    private final LineageEdge[] parentEdge;
    private final int[][] children; // runtime children, ascending
    private final int[][] buildChildren; // images using this one as a build-time base, ascending
    private final int[][] buildBases; // the build-time bases of this image, ascending
    private final LineageEdge[][] buildEdges; // parallel to buildBases
    private final Workload[] workloads; // sorted, distinct
    private final int[][] workloadsOfNode; // indexes into workloads, ascending
    private final Map<String, int[]> workloadsByReference;
    private final List<String> conflicts;

    private LineageGraph(Builder b) {
        // 1. Merge: best edge per (image, base, kind).
        Map<String, Map<String, LineageEdge>> runtimeByImage = new TreeMap<>();
        Map<String, Map<String, LineageEdge>> buildByImage = new TreeMap<>();
        for (LineageEdge e : b.edges) {
            var byImage = e.kind() == Kind.RUNTIME ? runtimeByImage : buildByImage;
            byImage.computeIfAbsent(e.image(), k -> new TreeMap<>()).merge(e.base(), e,
                    (x, y) -> PREFERRED.compare(x, y) <= 0 ? x : y);
        }
        // 2. One runtime base per image; the others become conflict notes.
        Map<String, LineageEdge> runtime = new TreeMap<>();
        List<String> notes = new ArrayList<>();
        for (var entry : runtimeByImage.entrySet()) {
            List<LineageEdge> candidates = new ArrayList<>(entry.getValue().values());
            candidates.sort(PREFERRED);
            LineageEdge winner = candidates.get(0);
            runtime.put(entry.getKey(), winner);
            for (LineageEdge loser : candidates.subList(1, candidates.size())) {
                notes.add(entry.getKey() + ": runtime base " + winner.base() + " " + provenance(winner) + " kept over "
                        + loser.base() + " " + provenance(loser));
            }
        }
        notes.sort(Comparator.naturalOrder());
        this.conflicts = List.copyOf(notes);
        // A build-time base that is also the runtime base adds nothing.
        List<LineageEdge> build = new ArrayList<>();
        for (var entry : buildByImage.entrySet()) {
            LineageEdge rt = runtime.get(entry.getKey());
            for (LineageEdge e : entry.getValue().values()) {
                if (rt == null || !rt.base().equals(e.base())) build.add(e);
            }
        }
        // 3. Nodes.
        TreeSet<String> nodeNames = new TreeSet<>(b.images.keySet());
        for (LineageEdge e : runtime.values()) {
            nodeNames.add(e.image());
            nodeNames.add(e.base());
        }
        for (LineageEdge e : build) {
            nodeNames.add(e.image());
            nodeNames.add(e.base());
        }
        int n = nodeNames.size();
        this.names = nodeNames.toArray(new String[0]);
        this.index = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) index.put(names[i], i);
        this.digests = digests(b, names, index);
        // 4. Adjacency.
        this.parent = new int[n];
        Arrays.fill(parent, -1);
        this.parentEdge = new LineageEdge[n];
        int[] childCount = new int[n];
        for (LineageEdge e : runtime.values()) {
            int img = index.get(e.image());
            parent[img] = index.get(e.base());
            parentEdge[img] = e;
            childCount[parent[img]]++;
        }
        this.children = new int[n][];
        for (int i = 0; i < n; i++) children[i] = childCount[i] == 0 ? NONE : new int[childCount[i]];
        Arrays.fill(childCount, 0);
        for (int img = 0; img < n; img++) { // ascending, so each list ends up sorted
            if (parent[img] >= 0) children[parent[img]][childCount[parent[img]]++] = img;
        }
        build.sort(Comparator.comparing((LineageEdge e) -> index.get(e.base())).thenComparing(e -> index.get(e.image())));
        List<List<Integer>> bc = new ArrayList<>(n);
        List<List<LineageEdge>> bb = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            bc.add(null);
            bb.add(null);
        }
        for (LineageEdge e : build) {
            int img = index.get(e.image());
            int base = index.get(e.base());
            if (bc.get(base) == null) bc.set(base, new ArrayList<>());
            bc.get(base).add(img);
            if (bb.get(img) == null) bb.set(img, new ArrayList<>());
            bb.get(img).add(e);
        }
        this.buildChildren = new int[n][];
        this.buildBases = new int[n][];
        this.buildEdges = new LineageEdge[n][];
        for (int i = 0; i < n; i++) {
            buildChildren[i] = bc.get(i) == null ? NONE : bc.get(i).stream().mapToInt(Integer::intValue).toArray();
            List<LineageEdge> es = bb.get(i) == null ? new ArrayList<>() : bb.get(i);
            es.sort(Comparator.comparing(e -> index.get(e.base())));
            buildEdges[i] = es.toArray(new LineageEdge[0]);
            buildBases[i] = es.stream().mapToInt(e -> index.get(e.base())).toArray();
        }
        checkAcyclic();
        // 5. Workloads.
        TreeSet<Workload> ws = new TreeSet<>(WORKLOAD_ORDER);
        ws.addAll(b.workloads);
        this.workloads = ws.toArray(new Workload[0]);
        Map<String, List<Integer>> nodesByDigest = new HashMap<>();
        for (int i = 0; i < n; i++) {
            if (digests[i] != null) nodesByDigest.computeIfAbsent(digests[i], k -> new ArrayList<>()).add(i);
        }
        List<List<Integer>> attached = new ArrayList<>(n);
        for (int i = 0; i < n; i++) attached.add(null);
        Map<String, List<Integer>> byRef = new HashMap<>();
        for (int w = 0; w < workloads.length; w++) {
            Workload wl = workloads[w];
            byRef.computeIfAbsent(wl.image(), k -> new ArrayList<>()).add(w);
            TreeSet<Integer> nodes = new TreeSet<>();
            if (wl.digest() != null) nodes.addAll(nodesByDigest.getOrDefault(wl.digest(), List.of()));
            Integer byName = index.get(wl.image());
            if (byName != null && (wl.digest() == null || digests[byName] == null)) nodes.add(byName);
            for (int node : nodes) {
                if (attached.get(node) == null) attached.set(node, new ArrayList<>());
                attached.get(node).add(w);
            }
        }
        this.workloadsOfNode = new int[n][];
        for (int i = 0; i < n; i++) {
            workloadsOfNode[i] = attached.get(i) == null ? NONE : attached.get(i).stream().mapToInt(Integer::intValue).toArray();
        }
        this.workloadsByReference = new HashMap<>();
        byRef.forEach((ref, list) -> workloadsByReference.put(ref, list.stream().mapToInt(Integer::intValue).toArray()));
    }

    private static String provenance(LineageEdge e) {
        String source = e.source().name().toLowerCase(Locale.ROOT);
        return "(" + source + (e.detail() == null || e.detail().isBlank() ? "" : ": " + e.detail()) + ")";
    }

    private static String[] digests(Builder b, String[] names, Map<String, Integer> index) {
        // Most recent first, then the better source, then the smallest digest: deterministic.
        Comparator<LineageEdge> recent = Comparator.comparing(LineageEdge::recordedAt, Comparator.nullsLast(Comparator.reverseOrder()))
                .thenComparingInt(e -> -priority(e.source()));
        LineageEdge[] own = new LineageEdge[names.length];
        LineageEdge[] asBase = new LineageEdge[names.length];
        for (LineageEdge e : b.edges) {
            Integer img = index.get(e.image());
            if (img != null && e.imageDigest() != null && better(recent, e, own[img], LineageEdge::imageDigest)) own[img] = e;
            Integer base = index.get(e.base());
            if (base != null && e.baseDigest() != null && better(recent, e, asBase[base], LineageEdge::baseDigest)) asBase[base] = e;
        }
        String[] digests = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            String given = b.images.get(names[i]);
            digests[i] = given != null ? given : own[i] != null ? own[i].imageDigest() : asBase[i] != null ? asBase[i].baseDigest() : null;
        }
        return digests;
    }

    private static boolean better(Comparator<LineageEdge> order, LineageEdge e, LineageEdge current,
            Function<LineageEdge, String> digest) {
        if (current == null) return true;
        int c = order.compare(e, current);
        return c < 0 || c == 0 && digest.apply(e).compareTo(digest.apply(current)) < 0;
    }

    /** Depth-first over runtime and build edges together; a back edge is a cycle, reported base → image. */
    private void checkAcyclic() {
        int n = names.length;
        byte[] state = new byte[n]; // 0 new, 1 on the stack, 2 done
        int[] stack = new int[n];
        int[] next = new int[n]; // position in the node's combined child list
        for (int root = 0; root < n; root++) {
            if (state[root] != 0) continue;
            int top = 0;
            stack[0] = root;
            state[root] = 1;
            next[root] = 0;
            while (top >= 0) {
                int u = stack[top];
                int k = next[u]++;
                int v;
                if (k < children[u].length) v = children[u][k];
                else if (k - children[u].length < buildChildren[u].length) v = buildChildren[u][k - children[u].length];
                else {
                    state[u] = 2;
                    top--;
                    continue;
                }
                if (state[v] == 1) {
                    List<String> cycle = new ArrayList<>();
                    int from = top;
                    while (stack[from] != v) from--;
                    for (int i = from; i <= top; i++) cycle.add(names[stack[i]]);
                    cycle.add(names[v]);
                    throw new DrydockException("lineage cycle (base → image): " + String.join(" → ", cycle)
                            + "; an image cannot be built on itself, check the edges of " + String.join(", ", new TreeSet<>(cycle)));
                }
                if (state[v] == 0) {
                    state[v] = 1;
                    next[v] = 0;
                    stack[++top] = v;
                }
            }
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static LineageGraph of(List<LineageEdge> edges, List<Workload> workloads) {
        return builder().edges(edges).workloads(workloads).build();
    }

    /** Collects edges, workloads and known image digests; {@link #build()} merges and checks them. Not thread-safe. */
    public static final class Builder {
        private final List<LineageEdge> edges = new ArrayList<>();
        private final List<Workload> workloads = new ArrayList<>();
        private final Map<String, String> images = new HashMap<>();

        private Builder() {
        }

        public Builder edge(LineageEdge e) {
            if (e == null) throw new DrydockException("lineage edge is null");
            if (e.image() == null || e.image().isBlank()) {
                throw new DrydockException("lineage edge with no image (base " + e.base() + ", " + e.source() + ")");
            }
            if (e.base() == null || e.base().isBlank()) {
                throw new DrydockException("lineage edge of " + e.image() + " has no base (" + e.source() + ")");
            }
            if (e.kind() == null || e.source() == null) {
                throw new DrydockException("lineage edge " + e.image() + " on " + e.base() + " has no kind or source");
            }
            edges.add(e);
            return this;
        }

        public Builder edges(Collection<LineageEdge> es) {
            es.forEach(this::edge);
            return this;
        }

        public Builder workload(Workload w) {
            if (w == null) throw new DrydockException("workload is null");
            if (w.kind() == null || w.name() == null) {
                throw new DrydockException("workload running " + w.image() + " has no kind or name");
            }
            if (w.image() == null || w.image().isBlank()) throw new DrydockException("workload " + w.label() + " has no image");
            workloads.add(w);
            return this;
        }

        public Builder workloads(Collection<Workload> ws) {
            ws.forEach(this::workload);
            return this;
        }

        /**
         * Adds an image even without edges, and/or its current digest ({@code null} for unknown), which takes
         * precedence over the digests seen on edges. A later non-null digest for the same reference replaces it.
         */
        public Builder image(String reference, String digest) {
            if (reference == null || reference.isBlank()) throw new DrydockException("image reference is empty");
            if (digest != null || !images.containsKey(reference)) images.put(reference, digest);
            return this;
        }

        /** @throws DrydockException for a cycle, naming its images */
        public LineageGraph build() {
            return new LineageGraph(this);
        }
    }

    // ---- queries ----

    /** Every image, sorted. */
    public List<String> images() {
        return List.of(names);
    }

    public boolean contains(String image) {
        return index.containsKey(image);
    }

    public Optional<String> digestOf(String image) {
        Integer i = index.get(image);
        return i == null ? Optional.empty() : Optional.ofNullable(digests[i]);
    }

    /** The runtime base. */
    public Optional<String> parentOf(String image) {
        Integer i = index.get(image);
        return i == null || parent[i] < 0 ? Optional.empty() : Optional.of(names[parent[i]]);
    }

    /** The edge that made {@link #parentOf} the runtime base: which source, what detail. */
    public Optional<LineageEdge> parentEdgeOf(String image) {
        Integer i = index.get(image);
        return i == null ? Optional.empty() : Optional.ofNullable(parentEdge[i]);
    }

    /** The images whose runtime base this is, sorted. */
    public List<String> childrenOf(String base) {
        Integer i = index.get(base);
        return i == null ? List.of() : names(children[i]);
    }

    /** The images using this one as a build-time base only, sorted. */
    public List<String> buildChildrenOf(String base) {
        Integer i = index.get(base);
        return i == null ? List.of() : names(buildChildren[i]);
    }

    /** The build-time bases of an image (not its runtime base), sorted. */
    public List<String> buildBasesOf(String image) {
        Integer i = index.get(image);
        return i == null ? List.of() : names(buildBases[i]);
    }

    /** The runtime chain above an image: its base, that one's base, ... up to a root. Empty for a root or an unknown image. */
    public List<String> ancestors(String image) {
        Integer i = index.get(image);
        if (i == null) return List.of();
        List<String> chain = new ArrayList<>();
        for (int p = parent[i]; p >= 0; p = parent[p]) chain.add(names[p]); // acyclic: checked at build time
        return List.copyOf(chain);
    }

    /** The images with no runtime base, sorted: where {@link #text()} starts its trees. */
    public List<String> roots() {
        List<String> roots = new ArrayList<>();
        for (int i = 0; i < names.length; i++) if (parent[i] < 0) roots.add(names[i]);
        return List.copyOf(roots);
    }

    /** The kept edges, runtime and build, sorted by base, image, kind. */
    public List<LineageEdge> edges() {
        List<LineageEdge> out = new ArrayList<>();
        for (int base = 0; base < names.length; base++) {
            List<LineageEdge> here = new ArrayList<>();
            for (int c : children[base]) here.add(parentEdge[c]);
            for (int c : buildChildren[base]) {
                for (LineageEdge e : buildEdges[c]) if (e.base().equals(names[base])) here.add(e);
            }
            here.sort(Comparator.comparing((LineageEdge e) -> e.image()).thenComparing(LineageEdge::kind));
            out.addAll(here);
        }
        return List.copyOf(out);
    }

    /** Disagreements on runtime bases, one human-readable note per dropped edge, sorted. */
    public List<String> conflicts() {
        return conflicts;
    }

    /** Every workload given, sorted by kind, namespace, name, container; including those running no known image. */
    public List<Workload> workloads() {
        return List.of(workloads);
    }

    /** The workloads running this image (by digest, else by reference; see the class comment), sorted. */
    public List<Workload> workloadsOf(String image) {
        Integer i = index.get(image);
        return i == null ? List.of() : workloadList(workloadsOfNode[i]);
    }

    /**
     * What a change of {@code base} touches: the images built on it transitively through runtime edges, and
     * through build edges too when {@code includeBuildBases} (an image rebuilt from its Dockerfile picks up a
     * changed build-time base), in topological order (by depth below the base as in {@link #waves}, then by name),
     * and the workloads running any of them or the base itself. An unknown base affects no image, only the
     * workloads naming it.
     */
    public Affected affected(String base, boolean includeBuildBases) {
        Integer b = index.get(base);
        if (b == null) return new Affected(List.of(), workloadList(workloadsByReference.getOrDefault(base, NONE)));
        long[] ordered = orderedBelow(b, includeBuildBases);
        List<String> images = new ArrayList<>(ordered.length);
        int[] ws = new int[16];
        int count = 0;
        for (int w : workloadsOfNode[b]) {
            ws = grow(ws, count);
            ws[count++] = w;
        }
        for (long key : ordered) {
            int v = (int) key;
            images.add(names[v]);
            for (int w : workloadsOfNode[v]) {
                ws = grow(ws, count);
                ws[count++] = w;
            }
        }
        Arrays.sort(ws, 0, count);
        List<Workload> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) if (i == 0 || ws[i] != ws[i - 1]) out.add(workloads[ws[i]]);
        return new Affected(images, out);
    }

    /**
     * The images to rebuild after {@code base} changed, in waves: wave 1 its direct children, wave 2 theirs, and so
     * on, following runtime and build edges. An image reachable at several depths (a diamond through build edges)
     * is in its deepest wave only, so every wave needs only images from earlier waves. Each wave is sorted.
     */
    public List<List<String>> waves(String base) {
        return waves(base, true);
    }

    public List<List<String>> waves(String base, boolean includeBuildBases) {
        Integer b = index.get(base);
        if (b == null) return List.of();
        List<List<String>> waves = new ArrayList<>();
        List<String> current = null;
        int depth = 0;
        for (long key : orderedBelow(b, includeBuildBases)) {
            int d = (int) (key >>> 32);
            if (d != depth) {
                if (current != null) waves.add(List.copyOf(current));
                current = new ArrayList<>();
                depth = d;
            }
            current.add(names[(int) key]);
        }
        if (current != null) waves.add(List.copyOf(current));
        return List.copyOf(waves);
    }

    /**
     * The images below {@code b}, each as {@code depth << 32 | index}, sorted: depth is the longest path from b
     * (Kahn's algorithm over the reachable part), so sorting puts parents before children and names in order.
     */
    private long[] orderedBelow(int b, boolean build) {
        int n = names.length;
        int[] indegree = new int[n]; // counting only edges from the part reachable from b
        int[] depth = new int[n];
        int[] reached = new int[16];
        int count = 0;
        int[] queue = new int[16];
        queue[0] = b;
        int head = 0;
        int tail = 1;
        boolean[] seen = new boolean[n];
        seen[b] = true;
        while (head < tail) { // breadth-first: collect the reachable images and their in-degrees
            int u = queue[head++];
            for (int pass = 0; pass < (build ? 2 : 1); pass++) {
                for (int v : pass == 0 ? children[u] : buildChildren[u]) {
                    indegree[v]++;
                    if (!seen[v]) {
                        seen[v] = true;
                        queue = grow(queue, tail);
                        queue[tail++] = v;
                        reached = grow(reached, count);
                        reached[count++] = v;
                    }
                }
            }
        }
        head = 0;
        tail = 1; // queue[0] is still b
        while (head < tail) { // Kahn: a node is taken once all its reachable parents are, so its depth is final
            int u = queue[head++];
            for (int pass = 0; pass < (build ? 2 : 1); pass++) {
                for (int v : pass == 0 ? children[u] : buildChildren[u]) {
                    if (depth[u] + 1 > depth[v]) depth[v] = depth[u] + 1;
                    if (--indegree[v] == 0) queue[tail++] = v;
                }
            }
        }
        long[] keys = new long[count];
        for (int i = 0; i < count; i++) keys[i] = (long) depth[reached[i]] << 32 | reached[i];
        Arrays.sort(keys);
        return keys;
    }

    private static int[] grow(int[] a, int size) {
        return size < a.length ? a : Arrays.copyOf(a, a.length * 2);
    }

    private List<String> names(int[] nodes) {
        List<String> out = new ArrayList<>(nodes.length);
        for (int i : nodes) out.add(names[i]);
        return List.copyOf(out);
    }

    private List<Workload> workloadList(int[] ws) {
        List<Workload> out = new ArrayList<>(ws.length);
        for (int w : ws) out.add(workloads[w]);
        return List.copyOf(out);
    }

    // ---- layer prefixes ----

    /**
     * The base an image is built on, judged by its layers: among the bases whose layers are all the leading layers
     * of the image's, the one with the most (so debian → company base → runtime → app resolves to the nearest
     * link, and the chain follows by asking again for each base). A base with as many layers as the image is not
     * its base but the same image (or a retag) and is never returned; a base with no layers never matches.
     *
     * <p>Layers are digests of one kind, the caller's choice: compressed digests or diffIDs. Call it once with
     * each: compressed digests find images pushed with the base's blobs unchanged, diffIDs also find images whose
     * layers were recompressed. For many images, build one {@link LayerPrefixIndex} and query it instead: this
     * method builds one per call.
     */
    public static Optional<PrefixMatch> longestPrefix(List<String> imageLayers, Map<String, List<String>> baseLayersByRef) {
        return LayerPrefixIndex.of(baseLayersByRef).longestPrefix(imageLayers);
    }

    // ---- output ----

    /** An indented tree from each root, build edges marked {@code (build)}, workloads as {@code ⎈} leaves. */
    public String text() {
        return GraphFormats.text(this);
    }

    /** {@code {"nodes":[...],"edges":[...],"conflicts":[...]}}, compact, in a deterministic order. */
    public String json() {
        return GraphFormats.json(this);
    }

    /** Graphviz DOT. */
    public String dot() {
        return GraphFormats.dot(this, Set.of());
    }

    /** Graphviz DOT, the images in {@code outdatedBases} drawn red and labelled {@code (outdated)}. */
    public String dot(Set<String> outdatedBases) {
        return GraphFormats.dot(this, outdatedBases);
    }
}
