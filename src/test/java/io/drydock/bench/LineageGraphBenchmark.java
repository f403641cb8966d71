package io.drydock.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.lineage.LayerPrefixIndex;
import io.drydock.lineage.LineageGraph;
import io.drydock.lineage.LineageGraph.Affected;
import io.drydock.lineage.LineageGraph.PrefixMatch;
import io.drydock.lineage.LineageGraph.Workload;
import io.drydock.store.LineageEdge;
import io.drydock.store.LineageEdge.Kind;
import io.drydock.store.LineageEdge.Source;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The lineage issue's target: the affected set (images and workloads) of one base in a graph of 10,000 images,
 * ≤ 10 ms. The graph: 50 bases → 200 company bases → 2,000 runtime images → 7,750 apps (a tenth of them directly on
 * a company base), a third of the apps with a build-time base among the first ten bases, 10,000 workloads. Bases
 * are picked with a skew, as in real fleets, so the first ones carry most of the graph. Compared with a naive
 * breadth-first search that scans the whole edge list at every step. Also times {@link LayerPrefixIndex} over the
 * 10,000 images' layers, against scanning every base for every image.
 */
@Tag("bench")
class LineageGraphBenchmark {
    private static final int BASES = 50;
    private static final int COMPANY = 200;
    private static final int RUNTIMES = 2_000;
    private static final int IMAGES = 10_000;
    private static final int WORKLOADS = 10_000;
    private static final int RUNS = 200;
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final List<String> KINDS = List.of("Deployment", "StatefulSet", "DaemonSet", "CronJob");

    private final Random random = new Random(20250101);
    private final List<String> refs = new ArrayList<>();
    private final Map<String, String> digests = new HashMap<>();
    private final Map<String, List<String>> layers = new LinkedHashMap<>();
    private final Map<String, String> parents = new HashMap<>();
    private final List<LineageEdge> edges = new ArrayList<>();
    private final List<Workload> workloads = new ArrayList<>();

    private String digest() {
        return String.format("sha256:%016x%016x%016x%016x", random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong());
    }

    /** Skewed towards 0: the popular bases. */
    private int skewed(int n) {
        double r = random.nextDouble();
        return (int) (n * r * r);
    }

    private void image(String ref, String parent, int ownLayers) {
        refs.add(ref);
        digests.put(ref, digest());
        List<String> l = new ArrayList<>(parent == null ? List.of() : layers.get(parent));
        for (int i = 0; i < ownLayers; i++) l.add(digest());
        layers.put(ref, List.copyOf(l));
        if (parent == null) return;
        parents.put(ref, parent);
        Source source = Source.values()[random.nextInt(Source.values().length)];
        edges.add(new LineageEdge(ref, parent, Kind.RUNTIME, source, digests.get(ref), digests.get(parent), "generated", T0));
        if (random.nextInt(10) == 0) { // a second source agreeing
            edges.add(new LineageEdge(ref, parent, Kind.RUNTIME, Source.LAYERS, digests.get(ref), digests.get(parent), "layers", T0));
        }
    }

    private void generate() {
        for (int i = 0; i < BASES; i++) image(String.format("base/os-%02d:1", i), null, 3 + random.nextInt(3));
        for (int i = 0; i < COMPANY; i++) image(String.format("company/base-%03d:1", i), refs.get(skewed(BASES)), 1 + random.nextInt(2));
        for (int i = 0; i < RUNTIMES; i++) {
            image(String.format("runtime/rt-%04d:1", i), refs.get(BASES + skewed(COMPANY)), 1 + random.nextInt(3));
        }
        for (int i = refs.size(); i < IMAGES; i++) {
            String parent = random.nextInt(10) == 0 ? refs.get(BASES + random.nextInt(COMPANY))
                    : refs.get(BASES + COMPANY + skewed(RUNTIMES));
            String ref = String.format("apps/app-%05d:1", i);
            image(ref, parent, 1 + random.nextInt(4));
            if (random.nextInt(3) == 0) {
                edges.add(new LineageEdge(ref, refs.get(random.nextInt(10)), Kind.BUILD, Source.DOCKERFILE, null, null, "Dockerfile:1", T0));
            }
        }
        for (int i = 0; i < WORKLOADS; i++) {
            String ref = refs.get(BASES + COMPANY + random.nextInt(IMAGES - BASES - COMPANY));
            String digest = random.nextInt(10) == 0 ? null : digests.get(ref);
            workloads.add(new Workload(KINDS.get(i % KINDS.size()), "ns-" + random.nextInt(100), "w-" + i, "main", ref, digest));
        }
    }

    /** Every image with its current digest (a base nothing is built on yet is still in the graph), then the edges. */
    private LineageGraph graph() {
        LineageGraph.Builder b = LineageGraph.builder().edges(edges).workloads(workloads);
        for (String ref : refs) b.image(ref, digests.get(ref));
        return b.build();
    }

    @Test
    void affectedSetOfOneBaseInTenThousandImages() {
        generate();
        assertThat(refs).hasSize(IMAGES);
        double buildMs = median(5, this::graph);
        LineageGraph g = graph();
        assertThat(g.images()).hasSize(IMAGES);
        assertThat(g.conflicts()).isEmpty();
        System.out.printf("BENCH lineage graph build: %d images, %d edges, %d workloads: median %.1f ms%n",
                IMAGES, edges.size(), WORKLOADS, buildMs);

        String largest = null;
        int largestSize = -1;
        for (String base : refs.subList(0, BASES)) {
            Affected a = g.affected(base, true);
            int size = a.images().size() + a.workloads().size();
            if (size > largestSize) {
                largest = base;
                largestSize = size;
            }
        }
        String randomBase = refs.get(random.nextInt(BASES));
        for (String base : List.of(largest, randomBase)) {
            Affected a = g.affected(base, true);
            checkTopological(g, a.images());
            Affected naive = naive(base);
            assertThat(new HashSet<>(a.images())).isEqualTo(new HashSet<>(naive.images()));
            assertThat(new HashSet<>(a.workloads())).isEqualTo(new HashSet<>(naive.workloads()));

            for (int i = 0; i < 50; i++) g.affected(base, true); // warm-up
            double ms = median(RUNS, () -> g.affected(base, true));
            double naiveMs = median(11, () -> naive(base));
            System.out.printf("BENCH lineage affected set: %s base %s, %d images and %d workloads, in a graph of %d images"
                            + " and %d workloads: median %.3f ms (target ≤ 10 ms); naive BFS over the edge list median %.1f ms,"
                            + " ratio %.0fx%n", base.equals(largest) ? "largest" : "random", base, a.images().size(),
                    a.workloads().size(), IMAGES, WORKLOADS, ms, naiveMs, naiveMs / ms);
            assertThat(ms).isLessThanOrEqualTo(10.0);
        }
        String top = largest;
        double wavesMs = median(RUNS, () -> g.waves(top));
        System.out.printf("BENCH lineage waves: largest base %s, %d waves: median %.3f ms%n", top, g.waves(top).size(), wavesMs);
        double textMs = median(5, g::text);
        double jsonMs = median(5, g::json);
        double dotMs = median(5, g::dot);
        System.out.printf("BENCH lineage outputs of the whole graph: text %.1f ms (%d KiB), json %.1f ms (%d KiB), dot %.1f ms (%d KiB)%n",
                textMs, g.text().length() / 1024, jsonMs, g.json().length() / 1024, dotMs, g.dot().length() / 1024);
    }

    @Test
    void longestPrefixOverTenThousandImages() {
        generate();
        double indexMs = median(5, () -> LayerPrefixIndex.of(layers));
        LayerPrefixIndex index = LayerPrefixIndex.of(layers);
        List<List<String>> all = new ArrayList<>(layers.values());
        // correctness at scale: every image's longest prefix is the parent it was generated on
        for (String ref : refs) {
            assertThat(index.longestPrefix(layers.get(ref)).map(PrefixMatch::base)).isEqualTo(Optional.ofNullable(parents.get(ref)));
        }
        double queryMs = median(11, () -> {
            int found = 0;
            for (List<String> l : all) if (index.longestPrefix(l).isPresent()) found++;
            return found;
        });
        int sample = 500;
        List<List<String>> some = all.subList(all.size() - sample, all.size());
        double naiveMs = median(3, () -> {
            int found = 0;
            for (List<String> l : some) if (naivePrefix(l).isPresent()) found++;
            return found;
        });
        double naivePerImageUs = naiveMs * 1000 / sample;
        double perImageUs = queryMs * 1000 / all.size();
        System.out.printf("BENCH lineage longestPrefix: index of %d images built in %.1f ms; %d images matched in %.1f ms"
                        + " (%.2f µs each); naive scan of every base %.1f µs each, ratio %.0fx%n",
                index.size(), indexMs, all.size(), queryMs, perImageUs, naivePerImageUs, naivePerImageUs / perImageUs);
        for (String ref : refs.subList(refs.size() - sample, refs.size())) {
            assertThat(naivePrefix(layers.get(ref))).isEqualTo(index.longestPrefix(layers.get(ref)).map(PrefixMatch::base));
        }
    }

    /** Every base compared with the image, layer by layer. */
    private Optional<String> naivePrefix(List<String> image) {
        String best = null;
        int bestSize = 0;
        for (var e : layers.entrySet()) {
            List<String> base = e.getValue();
            if (base.isEmpty() || base.size() >= image.size() || base.size() < bestSize) continue;
            if (!image.subList(0, base.size()).equals(base)) continue;
            if (base.size() > bestSize || e.getKey().compareTo(best) < 0) {
                best = e.getKey();
                bestSize = base.size();
            }
        }
        return Optional.ofNullable(best);
    }

    /** Breadth-first, scanning the whole edge list for the children of each image; workloads by digest or reference. */
    private Affected naive(String base) {
        Set<String> seen = new HashSet<>();
        List<String> order = new ArrayList<>();
        ArrayDeque<String> queue = new ArrayDeque<>(List.of(base));
        while (!queue.isEmpty()) {
            String u = queue.poll();
            for (LineageEdge e : edges) {
                if (e.base().equals(u) && seen.add(e.image())) {
                    order.add(e.image());
                    queue.add(e.image());
                }
            }
        }
        Set<String> refsHit = new HashSet<>(order);
        refsHit.add(base);
        Set<String> digestsHit = new HashSet<>();
        for (String r : refsHit) digestsHit.add(digests.get(r));
        List<Workload> ws = new ArrayList<>();
        for (Workload w : workloads) {
            if (w.digest() != null ? digestsHit.contains(w.digest()) : refsHit.contains(w.image())) ws.add(w);
        }
        return new Affected(order, ws);
    }

    private static void checkTopological(LineageGraph g, List<String> images) {
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < images.size(); i++) assertThat(position.put(images.get(i), i)).isNull();
        for (String image : images) {
            List<String> parentsOf = new ArrayList<>(g.buildBasesOf(image));
            g.parentOf(image).ifPresent(parentsOf::add);
            for (String p : parentsOf) {
                if (position.containsKey(p)) assertThat(position.get(p)).isLessThan(position.get(image));
            }
        }
    }

    private static double median(int runs, Supplier<?> work) {
        double[] ms = new double[runs];
        Object sink = null;
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            sink = work.get();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        if (sink == null) throw new AssertionError("nothing computed");
        Arrays.sort(ms);
        return runs % 2 == 1 ? ms[runs / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2;
    }
}
