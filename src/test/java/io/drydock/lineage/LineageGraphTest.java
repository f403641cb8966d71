package io.drydock.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drydock.DrydockException;
import io.drydock.lineage.LineageGraph.Affected;
import io.drydock.lineage.LineageGraph.PrefixMatch;
import io.drydock.lineage.LineageGraph.Workload;
import io.drydock.store.LineageEdge;
import io.drydock.store.LineageEdge.Kind;
import io.drydock.store.LineageEdge.Source;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The merged lineage graph: sources and their priority, queries, layer prefixes, workloads and the three outputs. */
class LineageGraphTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private static LineageEdge runtime(String image, String base, Source source) {
        return new LineageEdge(image, base, Kind.RUNTIME, source, null, null, null, T0);
    }

    private static LineageEdge build(String image, String base) {
        return new LineageEdge(image, base, Kind.BUILD, Source.DOCKERFILE, null, null, null, T0);
    }

    private static Workload deployment(String name, String image, String digest) {
        return new Workload("Deployment", "shop", name, name, image, digest);
    }

    /** debian:12 → company/base:1 → app:1, golang:1.22 lends a build stage to app:1; two workloads. */
    private static LineageGraph small() {
        return LineageGraph.of(List.of(
                new LineageEdge("company/base:1", "debian:12", Kind.RUNTIME, Source.ANNOTATION, "sha256:c1", "sha256:d1",
                        "org.opencontainers.image.base.name", T0),
                new LineageEdge("app:1", "company/base:1", Kind.RUNTIME, Source.LAYERS, "sha256:a1", "sha256:c1",
                        "leading 3 layers equal company/base:1's", T0),
                new LineageEdge("app:1", "golang:1.22", Kind.BUILD, Source.DOCKERFILE, null, null, "app/Dockerfile:1", T0)),
                List.of(deployment("web", "app:1", "sha256:a1"),
                        new Workload("CronJob", "shop", "report", "report", "company/base:1", null)));
    }

    @Test
    void threeLevelChainWithWorkloads() {
        LineageGraph g = small();
        assertThat(g.images()).containsExactly("app:1", "company/base:1", "debian:12", "golang:1.22");
        assertThat(g.roots()).containsExactly("debian:12", "golang:1.22");
        assertThat(g.parentOf("app:1")).contains("company/base:1");
        assertThat(g.parentOf("company/base:1")).contains("debian:12");
        assertThat(g.parentOf("debian:12")).isEmpty();
        assertThat(g.parentOf("unknown:1")).isEmpty();
        assertThat(g.childrenOf("debian:12")).containsExactly("company/base:1");
        assertThat(g.childrenOf("golang:1.22")).isEmpty();
        assertThat(g.buildChildrenOf("golang:1.22")).containsExactly("app:1");
        assertThat(g.buildBasesOf("app:1")).containsExactly("golang:1.22");
        assertThat(g.ancestors("app:1")).containsExactly("company/base:1", "debian:12");
        assertThat(g.ancestors("debian:12")).isEmpty();
        assertThat(g.digestOf("app:1")).contains("sha256:a1");
        assertThat(g.digestOf("debian:12")).contains("sha256:d1"); // only known as a base digest
        assertThat(g.digestOf("golang:1.22")).isEmpty();
        assertThat(g.workloadsOf("app:1")).extracting(Workload::name).containsExactly("web");
        assertThat(g.workloadsOf("company/base:1")).extracting(Workload::name).containsExactly("report");
        assertThat(g.conflicts()).isEmpty();

        Affected a = g.affected("debian:12", false);
        assertThat(a.images()).containsExactly("company/base:1", "app:1");
        assertThat(a.workloads()).extracting(Workload::name).containsExactly("report", "web"); // CronJob sorts first
        assertThat(g.waves("debian:12")).containsExactly(List.of("company/base:1"), List.of("app:1"));
        assertThat(g.affected("app:1", true).images()).isEmpty();
        assertThat(g.affected("app:1", true).workloads()).extracting(Workload::name).containsExactly("web");
    }

    @Test
    void affectedInTopologicalOrderAndWaves() {
        LineageGraph g = LineageGraph.of(List.of(
                runtime("company/base:1", "debian:12", Source.ANNOTATION),
                runtime("company/base:2", "debian:12", Source.ANNOTATION),
                runtime("runtime/jre:21", "company/base:1", Source.LAYERS),
                runtime("runtime/node:22", "company/base:2", Source.LAYERS),
                runtime("app/a:1", "runtime/jre:21", Source.DOCKERFILE),
                runtime("app/b:1", "runtime/jre:21", Source.DOCKERFILE),
                runtime("app/c:1", "runtime/node:22", Source.DOCKERFILE),
                runtime("app/d:1", "company/base:1", Source.DOCKERFILE),
                runtime("other:1", "alpine:3.20", Source.DOCKERFILE)),
                List.of(deployment("a", "app/a:1", null), deployment("c", "app/c:1", null), deployment("o", "other:1", null),
                        new Workload("DaemonSet", "kube-system", "agent", "agent", "debian:12", null)));

        Affected a = g.affected("debian:12", false);
        assertThat(a.images()).containsExactly("company/base:1", "company/base:2", "app/d:1", "runtime/jre:21",
                "runtime/node:22", "app/a:1", "app/b:1", "app/c:1");
        assertThat(a.workloads()).extracting(Workload::name).containsExactly("agent", "a", "c");
        assertThat(g.waves("debian:12")).containsExactly(
                List.of("company/base:1", "company/base:2"),
                List.of("app/d:1", "runtime/jre:21", "runtime/node:22"),
                List.of("app/a:1", "app/b:1", "app/c:1"));
        assertThat(g.affected("company/base:2", false).images()).containsExactly("runtime/node:22", "app/c:1");
        assertThat(g.affected("runtime/jre:21", false).workloads()).extracting(Workload::name).containsExactly("a");
        assertThat(g.waves("alpine:3.20")).containsExactly(List.of("other:1"));
        assertThat(g.waves("app/a:1")).isEmpty();
        assertThat(g.waves("nowhere:1")).isEmpty();
    }

    @Test
    void buildEdgesAreFollowedOnlyWhenAsked() {
        // golang:1.22 is a build stage of tool:1 (which runs on alpine) and of app:1 (on distroless)
        LineageGraph g = LineageGraph.of(List.of(
                runtime("tool:1", "alpine:3.20", Source.DOCKERFILE),
                build("tool:1", "golang:1.22"),
                runtime("app:1", "distroless:12", Source.DOCKERFILE),
                build("app:1", "golang:1.22"),
                runtime("app-debug:1", "app:1", Source.DOCKERFILE)),
                List.of(deployment("app", "app-debug:1", null)));

        assertThat(g.affected("golang:1.22", false).images()).isEmpty();
        assertThat(g.affected("golang:1.22", false).workloads()).isEmpty();
        Affected withBuild = g.affected("golang:1.22", true);
        assertThat(withBuild.images()).containsExactly("app:1", "tool:1", "app-debug:1");
        assertThat(withBuild.workloads()).extracting(Workload::name).containsExactly("app");
        assertThat(g.waves("golang:1.22", false)).isEmpty();
        assertThat(g.waves("golang:1.22")).containsExactly(List.of("app:1", "tool:1"), List.of("app-debug:1"));
        assertThat(g.parentOf("app:1")).contains("distroless:12"); // the build base is not the runtime parent
        assertThat(g.ancestors("app-debug:1")).containsExactly("app:1", "distroless:12");
    }

    @Test
    void anImageReachedAtSeveralDepthsIsInItsDeepestWaveOnly() {
        // base → mid → app at runtime, and app also copies from base directly: a diamond through a build edge
        LineageGraph g = LineageGraph.of(List.of(
                runtime("mid:1", "base:1", Source.ANNOTATION),
                runtime("app:1", "mid:1", Source.ANNOTATION),
                build("app:1", "base:1"),
                runtime("leaf:1", "app:1", Source.ANNOTATION)), List.of());

        assertThat(g.waves("base:1")).containsExactly(List.of("mid:1"), List.of("app:1"), List.of("leaf:1"));
        assertThat(g.affected("base:1", true).images()).containsExactly("mid:1", "app:1", "leaf:1");
        assertThat(g.affected("base:1", false).images()).containsExactly("mid:1", "app:1", "leaf:1");
    }

    @Test
    void buildEdgeDuplicatingTheRuntimeBaseIsDropped() {
        LineageGraph g = LineageGraph.of(List.of(runtime("app:1", "golang:1.22", Source.DOCKERFILE), build("app:1", "golang:1.22")),
                List.of());
        assertThat(g.edges()).extracting(LineageEdge::kind).containsExactly(Kind.RUNTIME);
        assertThat(g.buildChildrenOf("golang:1.22")).isEmpty();
    }

    @Test
    void layersWinOverTheDockerfileAndTheDisagreementIsNoted() {
        LineageGraph g = LineageGraph.of(List.of(
                new LineageEdge("app:1", "ubuntu:24.04", Kind.RUNTIME, Source.DOCKERFILE, null, null, "app/Dockerfile:1",
                        T0.plusSeconds(60)), // newer, but intent only
                new LineageEdge("app:1", "debian:12", Kind.RUNTIME, Source.LAYERS, "sha256:a1", "sha256:d1",
                        "leading 3 layers equal debian:12's", T0)), List.of());

        assertThat(g.parentOf("app:1")).contains("debian:12");
        assertThat(g.parentEdgeOf("app:1")).map(LineageEdge::source).contains(Source.LAYERS);
        assertThat(g.conflicts()).containsExactly("app:1: runtime base debian:12 (layers: leading 3 layers equal debian:12's)"
                + " kept over ubuntu:24.04 (dockerfile: app/Dockerfile:1)");
        assertThat(g.images()).containsExactly("app:1", "debian:12"); // the losing base is not a node
        assertThat(g.affected("ubuntu:24.04", true).images()).isEmpty();
    }

    @Test
    void sourcePriorityAndRecencyPickOneEdgePerPair() {
        LineageEdge annotation = new LineageEdge("app:1", "base:1", Kind.RUNTIME, Source.ANNOTATION, null, null, "annotation", T0);
        LineageEdge manual = new LineageEdge("app:1", "base:1", Kind.RUNTIME, Source.MANUAL, null, null, "alice", T0.minusSeconds(9));
        LineageEdge manualOnOther = new LineageEdge("app:1", "base:2", Kind.RUNTIME, Source.MANUAL, null, null, "bob", T0);
        LineageEdge olderLayers = new LineageEdge("x:1", "base:1", Kind.RUNTIME, Source.LAYERS, null, null, "old", T0);
        LineageEdge newerLayers = new LineageEdge("x:1", "base:1", Kind.RUNTIME, Source.LAYERS, null, null, "new", T0.plusSeconds(1));

        LineageGraph g = LineageGraph.of(List.of(annotation, manual, olderLayers, newerLayers), List.of());
        assertThat(g.parentEdgeOf("app:1")).contains(manual);
        assertThat(g.parentEdgeOf("x:1")).contains(newerLayers);
        assertThat(g.conflicts()).isEmpty(); // same base: no disagreement

        // two manual edges on different bases: the more recent wins, the other is noted
        LineageGraph h = LineageGraph.of(List.of(manual, manualOnOther, annotation), List.of());
        assertThat(h.parentOf("app:1")).contains("base:2");
        assertThat(h.conflicts()).containsExactly("app:1: runtime base base:2 (manual: bob) kept over base:1 (manual: alice)");
    }

    @Test
    void aCycleIsAnErrorNamingItsImages() {
        assertThatThrownBy(() -> LineageGraph.of(List.of(
                runtime("a:1", "b:1", Source.DOCKERFILE),
                runtime("b:1", "c:1", Source.DOCKERFILE),
                runtime("c:1", "a:1", Source.LAYERS),
                runtime("d:1", "a:1", Source.DOCKERFILE)), List.of()))
                .isInstanceOf(DrydockException.class)
                .hasMessageContaining("cycle")
                .hasMessageContaining("a:1 → c:1 → b:1 → a:1")
                .hasMessageNotContaining("d:1");
        // through a build edge
        assertThatThrownBy(() -> LineageGraph.of(List.of(runtime("a:1", "b:1", Source.DOCKERFILE), build("b:1", "a:1")), List.of()))
                .isInstanceOf(DrydockException.class)
                .hasMessageContaining("a:1 → b:1 → a:1");
        // on itself
        assertThatThrownBy(() -> LineageGraph.of(List.of(runtime("a:1", "a:1", Source.MANUAL)), List.of()))
                .isInstanceOf(DrydockException.class)
                .hasMessageContaining("a:1 → a:1");
    }

    @Test
    void aLosingEdgeCannotMakeACycle() {
        // b:1 on a:1 from the Dockerfile would close a cycle, but the annotation says b:1 is on debian
        LineageGraph g = LineageGraph.of(List.of(
                runtime("a:1", "b:1", Source.LAYERS),
                runtime("b:1", "a:1", Source.DOCKERFILE),
                runtime("b:1", "debian:12", Source.ANNOTATION)), List.of());
        assertThat(g.ancestors("a:1")).containsExactly("b:1", "debian:12");
        assertThat(g.conflicts()).hasSize(1);
    }

    @Test
    void invalidInputNamesWhatIsWrong() {
        assertThatThrownBy(() -> LineageGraph.of(List.of(runtime("app:1", null, Source.DOCKERFILE)), List.of()))
                .isInstanceOf(DrydockException.class).hasMessageContaining("app:1");
        assertThatThrownBy(() -> LineageGraph.of(List.of(), List.of(new Workload("Deployment", "shop", "web", "web", null, null))))
                .isInstanceOf(DrydockException.class).hasMessageContaining("Deployment shop/web");
    }

    @Test
    void longestPrefixPicksTheLongestBaseAndRejectsTheImageItself() {
        Map<String, List<String>> bases = new LinkedHashMap<>();
        bases.put("debian:12", List.of("l1"));
        bases.put("company/base:1", List.of("l1", "l2"));
        bases.put("runtime/jre:21", List.of("l1", "l2", "l3"));
        bases.put("unrelated:1", List.of("x1", "l2"));
        bases.put("scratch-like", List.of());

        Optional<PrefixMatch> m = LineageGraph.longestPrefix(List.of("l1", "l2", "l3", "l4"), bases);
        assertThat(m).contains(new PrefixMatch("runtime/jre:21", 3, List.of()));
        // the image equal to runtime/jre:21 is runtime/jre:21, not its child: the next longest wins
        assertThat(LineageGraph.longestPrefix(List.of("l1", "l2", "l3"), bases)).contains(new PrefixMatch("company/base:1", 2, List.of()));
        // diverging after the first layer
        assertThat(LineageGraph.longestPrefix(List.of("l1", "zz", "l3"), bases)).contains(new PrefixMatch("debian:12", 1, List.of()));
        assertThat(LineageGraph.longestPrefix(List.of("l1"), bases)).isEmpty();
        assertThat(LineageGraph.longestPrefix(List.of("q1", "q2"), bases)).isEmpty();
        assertThat(LineageGraph.longestPrefix(List.of(), bases)).isEmpty();
        // a base is a prefix only with all its layers: l1,l2,l3 is not a prefix of l1,l2,x3,x4
        assertThat(LineageGraph.longestPrefix(List.of("l1", "l2", "x3", "x4"), bases)).contains(new PrefixMatch("company/base:1", 2, List.of()));
    }

    @Test
    void longestPrefixTieGoesToTheSmallestReferenceAndIsRecorded() {
        Map<String, List<String>> bases = Map.of(
                "debian:bookworm", List.of("l1", "l2"),
                "debian:12", List.of("l1", "l2"),
                "mirror.example/debian:12", List.of("l1", "l2"),
                "debian:12-slim", List.of("l1"));
        PrefixMatch m = LineageGraph.longestPrefix(List.of("l1", "l2", "app"), bases).orElseThrow();
        assertThat(m).isEqualTo(new PrefixMatch("debian:12", 2, List.of("debian:bookworm", "mirror.example/debian:12")));
        LineageEdge e = m.toEdge("app:1", "sha256:a1", null, T0);
        assertThat(e).isEqualTo(new LineageEdge("app:1", "debian:12", Kind.RUNTIME, Source.LAYERS, "sha256:a1", null,
                "leading 2 layers equal debian:12's (same layers: debian:bookworm, mirror.example/debian:12)", T0));

        LayerPrefixIndex index = LayerPrefixIndex.of(bases);
        assertThat(index.size()).isEqualTo(4);
        assertThat(index.longestPrefix(List.of("l1", "x"))).contains(new PrefixMatch("debian:12-slim", 1, List.of()));
    }

    @Test
    void chainsFollowFromLayerPrefixes() {
        // each image's longest prefix is the next link; asking for every image gives the whole chain
        Map<String, List<String>> known = Map.of(
                "debian:12", List.of("d"),
                "company/base:1", List.of("d", "c"),
                "runtime/jre:21", List.of("d", "c", "j"),
                "app:1", List.of("d", "c", "j", "a1", "a2"));
        LayerPrefixIndex index = LayerPrefixIndex.of(known);
        List<LineageEdge> edges = new ArrayList<>();
        known.forEach((ref, layers) -> index.longestPrefix(layers).ifPresent(m -> edges.add(m.toEdge(ref, null, null, T0))));
        LineageGraph g = LineageGraph.of(edges, List.of());
        assertThat(g.ancestors("app:1")).containsExactly("runtime/jre:21", "company/base:1", "debian:12");
    }

    @Test
    void workloadsAreMatchedByDigestWhenBothAreKnown() {
        LineageGraph g = LineageGraph.builder()
                .edge(new LineageEdge("app:1", "base:1", Kind.RUNTIME, Source.ANNOTATION, "sha256:new", null, null, T0))
                .edge(new LineageEdge("app:1", "base:1", Kind.RUNTIME, Source.LAYERS, "sha256:old", null, null, T0.minusSeconds(60)))
                .edge(runtime("tool:1", "base:1", Source.DOCKERFILE))
                .workload(deployment("current", "app:1", "sha256:new"))
                .workload(deployment("pinned", "registry.example/app@sha256:new", "sha256:new")) // other name, same digest
                .workload(deployment("stale", "app:1", "sha256:old")) // the tag has moved on since
                .workload(deployment("tag-only", "app:1", null))
                .workload(deployment("tool", "tool:1", "sha256:t1")) // tool:1's digest is unknown: by reference
                .workload(deployment("elsewhere", "nginx:1.27", "sha256:n1"))
                .build();

        assertThat(g.digestOf("app:1")).contains("sha256:new"); // most recent observation
        assertThat(g.workloadsOf("app:1")).extracting(Workload::name).containsExactly("current", "pinned", "tag-only");
        assertThat(g.workloadsOf("tool:1")).extracting(Workload::name).containsExactly("tool");
        assertThat(g.affected("base:1", false).workloads()).extracting(Workload::name)
                .containsExactly("current", "pinned", "tag-only", "tool");
        assertThat(g.workloads()).hasSize(6);
        // a base that is no node: only the workloads naming it
        assertThat(g.affected("nginx:1.27", true)).isEqualTo(new Affected(List.of(), List.of(deployment("elsewhere", "nginx:1.27", "sha256:n1"))));

        // an explicitly given digest wins over the edges'
        LineageGraph h = LineageGraph.builder()
                .edge(new LineageEdge("app:1", "base:1", Kind.RUNTIME, Source.ANNOTATION, "sha256:new", null, null, T0))
                .image("app:1", "sha256:old")
                .image("lonely:1", null)
                .workload(deployment("stale", "app:1", "sha256:old"))
                .build();
        assertThat(h.workloadsOf("app:1")).extracting(Workload::name).containsExactly("stale");
        assertThat(h.images()).containsExactly("app:1", "base:1", "lonely:1");
        assertThat(h.roots()).containsExactly("base:1", "lonely:1");
    }

    @Test
    void text() {
        assertThat(small().text()).isEqualTo("""
                debian:12
                └─ company/base:1
                   ├─ app:1
                   │  └─ ⎈ Deployment shop/web (container web)
                   └─ ⎈ CronJob shop/report (container report)
                golang:1.22
                └─ app:1 (build)
                """);
        LineageGraph conflicted = LineageGraph.of(List.of(runtime("b:1", "a:1", Source.LAYERS), runtime("c:1", "a:1", Source.LAYERS),
                runtime("d:1", "b:1", Source.LAYERS), runtime("b:1", "z:1", Source.DOCKERFILE)), List.of());
        assertThat(conflicted.text()).isEqualTo("""
                a:1
                ├─ b:1
                │  └─ d:1
                └─ c:1
                conflicts:
                  b:1: runtime base a:1 (layers) kept over z:1 (dockerfile)
                """);
    }

    @Test
    void json() {
        assertThat(small().json()).isEqualTo("{\"nodes\":["
                + "{\"id\":\"app:1\",\"kind\":\"image\",\"digest\":\"sha256:a1\"},"
                + "{\"id\":\"company/base:1\",\"kind\":\"image\",\"digest\":\"sha256:c1\"},"
                + "{\"id\":\"debian:12\",\"kind\":\"image\",\"digest\":\"sha256:d1\"},"
                + "{\"id\":\"golang:1.22\",\"kind\":\"image\",\"digest\":null},"
                + "{\"id\":\"CronJob/shop/report/report\",\"kind\":\"workload\",\"digest\":null,\"workloadKind\":\"CronJob\","
                + "\"namespace\":\"shop\",\"name\":\"report\",\"container\":\"report\",\"image\":\"company/base:1\"},"
                + "{\"id\":\"Deployment/shop/web/web\",\"kind\":\"workload\",\"digest\":\"sha256:a1\",\"workloadKind\":\"Deployment\","
                + "\"namespace\":\"shop\",\"name\":\"web\",\"container\":\"web\",\"image\":\"app:1\"}],"
                + "\"edges\":["
                + "{\"from\":\"app:1\",\"to\":\"Deployment/shop/web/web\",\"kind\":\"runs\",\"source\":\"digest\",\"detail\":null},"
                + "{\"from\":\"company/base:1\",\"to\":\"CronJob/shop/report/report\",\"kind\":\"runs\",\"source\":\"reference\",\"detail\":null},"
                + "{\"from\":\"company/base:1\",\"to\":\"app:1\",\"kind\":\"runtime\",\"source\":\"layers\","
                + "\"detail\":\"leading 3 layers equal company/base:1's\"},"
                + "{\"from\":\"debian:12\",\"to\":\"company/base:1\",\"kind\":\"runtime\",\"source\":\"annotation\","
                + "\"detail\":\"org.opencontainers.image.base.name\"},"
                + "{\"from\":\"golang:1.22\",\"to\":\"app:1\",\"kind\":\"build\",\"source\":\"dockerfile\",\"detail\":\"app/Dockerfile:1\"}],"
                + "\"conflicts\":[]}");
    }

    @Test
    void dot() {
        assertThat(small().dot(Set.of("debian:12", "not-in-graph:1"))).isEqualTo("""
                digraph lineage {
                  rankdir=LR;
                  "app:1";
                  "company/base:1";
                  "debian:12" [color=red, label="debian:12 (outdated)"];
                  "golang:1.22";
                  "CronJob/shop/report/report" [shape=box, label="CronJob shop/report (container report)"];
                  "Deployment/shop/web/web" [shape=box, label="Deployment shop/web (container web)"];
                  "app:1" -> "Deployment/shop/web/web";
                  "company/base:1" -> "CronJob/shop/report/report";
                  "company/base:1" -> "app:1";
                  "debian:12" -> "company/base:1";
                  "golang:1.22" -> "app:1" [style=dashed];
                }
                """);
        assertThat(small().dot()).doesNotContain("outdated").doesNotContain("red");
    }

    @Test
    void dotEscapesQuotesAndBackslashes() {
        LineageGraph g = LineageGraph.of(List.of(runtime("we\"ird\\app:1", "base:1", Source.MANUAL)), List.of());
        assertThat(g.dot(Set.of("base:1"))).isEqualTo("""
                digraph lineage {
                  rankdir=LR;
                  "base:1" [color=red, label="base:1 (outdated)"];
                  "we\\"ird\\\\app:1";
                  "base:1" -> "we\\"ird\\\\app:1";
                }
                """);
        assertThat(GraphFormats.quote("a\nb\u0007c")).isEqualTo("\"a\\nbc\"");
    }

    @Test
    void dotIsValidForGraphviz(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(onPath("dot"), "graphviz (dot) is not installed");
        LineageGraph g = LineageGraph.of(List.of(
                        runtime("company/base:1", "debian:12", Source.ANNOTATION),
                        runtime("we\"ird\\app:1", "company/base:1", Source.MANUAL),
                        build("we\"ird\\app:1", "golang:1.22")),
                List.of(deployment("web", "we\"ird\\app:1", null)));
        Path file = dir.resolve("lineage.dot");
        Files.writeString(file, g.dot(Set.of("debian:12")), StandardCharsets.UTF_8);
        Process p = new ProcessBuilder("dot", "-Tsvg", "-o", dir.resolve("lineage.svg").toString(), file.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
    }

    private static boolean onPath(String command) throws IOException {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) return true;
        }
        return false;
    }
}
