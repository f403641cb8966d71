package io.drydock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.image.Descriptor;
import io.drydock.image.ImageManifest;
import io.drydock.image.ImageReference;
import io.drydock.image.local.LayerBuilder;
import io.drydock.image.registry.CredentialStore;
import io.drydock.image.registry.RegistryClient;
import io.drydock.rebuild.LayerAppend;
import io.drydock.store.AuditEntry;
import io.drydock.store.ImageRecipe;
import io.drydock.store.LineageEdge;
import io.drydock.store.Store;
import io.drydock.store.Stores;
import io.drydock.store.TrackedBase;
import io.drydock.testing.TestImages;
import io.drydock.testing.TestRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code drydock lineage add|scan|image|show}, {@code graph}, {@code history} and {@code rebase}, run in-process with a
 * temporary {@code --home} against one real registry shared by the class.
 */
class LineageCommandsTest {
    static final String CREATED = "2026-11-26T00:00:00Z";
    static final ObjectMapper JSON = new ObjectMapper();
    static TestRegistry registry;
    static RegistryClient client;
    static ImageManifest base;

    record Run(int exit, String out, String err) {
    }

    static Run run(Path home, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--home");
        all.add(home.toString());
        int exit = Main.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Run(exit, out.toString(), err.toString());
    }

    @BeforeAll
    static void start() {
        registry = TestRegistry.open();
        client = new RegistryClient(CredentialStore.none(), RegistryClient.Options.defaults());
        registry.push(TestImages.ociRef("base"), "lin/base:1");
        base = manifest("lin/base:1");
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    static ImageReference ref(String repoAndTag) {
        return ImageReference.parse(registry.hostPort() + "/" + repoAndTag);
    }

    static String image(String repoAndTag) {
        return ref(repoAndTag).toString();
    }

    static ImageManifest manifest(String repoAndTag) {
        return (ImageManifest) client.manifest(ref(repoAndTag));
    }

    /** Base + one file, pushed to {@code target}; deterministic, so tests may push it again. */
    static ImageManifest append(String from, String file, String content, String target) {
        return LayerAppend.push(client, ref(from), new LayerBuilder().file(file, content), "COPY " + file + " /", Map.of(), CREATED,
                ref(target));
    }

    static List<LineageEdge> edges(Path home) {
        try (Store s = Stores.open(null, home)) {
            return s.edges();
        }
    }

    static List<LineageEdge> edgesOf(Path home, String image) {
        return edges(home).stream().filter(e -> e.image().equals(image)).toList();
    }

    static List<String> tracked(Path home) {
        try (Store s = Stores.open(null, home)) {
            return s.trackedBases().stream().map(TrackedBase::reference).toList();
        }
    }

    // ---- lineage scan

    @Test
    void scanRecordsGoodDockerfilesAndNothingOfBadOnes(@TempDir Path home, @TempDir Path src) throws Exception {
        Path app = Files.createDirectories(src.resolve("app"));
        Path dockerfile = app.resolve("Dockerfile");
        Files.writeString(dockerfile, """
                # drydock.image: %s/team/app:1
                ARG BASE=debian:12-slim
                FROM maven:3.9 AS build
                RUN mvn -q package
                FROM ${BASE}
                COPY --from=build /src/target/app.jar /app/app.jar
                COPY --from=golang:1.22 /usr/local/go/bin/gofmt /usr/bin/gofmt
                CMD ["java", "-jar", "/app/app.jar"]
                """.formatted(registry.hostPort()));
        Path syntax = Files.createDirectories(src.resolve("broken")).resolve("Containerfile");
        Files.writeString(syntax, "# drydock.image: registry.example/team/broken:1\nFROM\nRUN true\n");
        Path unknownArg = Files.createDirectories(src.resolve("typo")).resolve("Containerfile");
        Files.writeString(unknownArg, "# drydock.image: registry.example/team/typo:1\nARG BASE=debian:12\nFROM ${BASEIMAGE}\n");
        Path plain = Files.createDirectories(src.resolve("plain")).resolve("Dockerfile");
        Files.writeString(plain, "FROM alpine:3.20\nRUN true\n");

        Run r = run(home, "lineage", "scan", src.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.err()).contains(syntax + " line 2").contains("FROM needs an image");
        assertThat(r.err()).contains(unknownArg + " line 3").contains("BASEIMAGE");
        assertThat(r.err()).contains(plain + ": skipped: no '# drydock.image: NAME' comment and no --prefix");
        assertThat(r.err()).doesNotContain("Exception");
        assertThat(r.out()).contains("1 Dockerfile(s) recorded, 3 skipped");

        String i = image("team/app:1");
        assertThat(r.out()).contains(i + " ← docker.io/library/debian:12-slim (runtime, " + dockerfile + ")");
        assertThat(edgesOf(home, i)).extracting(LineageEdge::base, LineageEdge::kind, LineageEdge::source, LineageEdge::detail)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("docker.io/library/debian:12-slim", LineageEdge.Kind.RUNTIME,
                                LineageEdge.Source.DOCKERFILE, dockerfile + " line 5"),
                        org.assertj.core.groups.Tuple.tuple("docker.io/library/maven:3.9", LineageEdge.Kind.BUILD,
                                LineageEdge.Source.DOCKERFILE, dockerfile + " line 3 (build stage)"),
                        org.assertj.core.groups.Tuple.tuple("docker.io/library/golang:1.22", LineageEdge.Kind.BUILD,
                                LineageEdge.Source.DOCKERFILE, dockerfile + " line 7 (copy from)"));
        assertThat(edges(home)).as("nothing from the files that failed or were skipped").extracting(LineageEdge::image)
                .containsOnly(i);
        assertThat(tracked(home)).as("the runtime base is watched").containsExactly("docker.io/library/debian:12-slim");
        try (Store s = Stores.open(null, home)) {
            ImageRecipe recipe = s.recipe(i).orElseThrow();
            assertThat(recipe.strategy()).isEqualTo("buildah");
            JsonNode settings = JSON.readTree(recipe.settings());
            assertThat(settings.get("context").asText()).isEqualTo(app.toString());
            assertThat(settings.get("dockerfile").asText()).isEqualTo("Dockerfile");
            assertThat(s.recipe("registry.example/team/broken:1")).isEmpty();
            assertThat(s.recipe("registry.example/team/typo:1")).isEmpty();
        }

        // scanning again replaces the Dockerfile's edges instead of adding more
        Files.writeString(dockerfile, Files.readString(dockerfile).replace("ARG BASE=debian:12-slim", "ARG BASE=debian:13-slim"));
        assertThat(run(home, "lineage", "scan", src.toString()).exit()).isEqualTo(1);
        assertThat(edgesOf(home, i)).hasSize(3).extracting(LineageEdge::base).contains("docker.io/library/debian:13-slim")
                .doesNotContain("docker.io/library/debian:12-slim");
    }

    @Test
    void scanNamesFilesWithoutCommentAfterTheirDirectoryWithAPrefix(@TempDir Path home, @TempDir Path src) throws Exception {
        Path plain = Files.createDirectories(src.resolve("plain")).resolve("Dockerfile");
        Files.writeString(plain, "FROM alpine:3.20\nRUN true\n");
        Run r = run(home, "lineage", "scan", src.toString(), "--prefix", registry.hostPort() + "/team/");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("1 Dockerfile(s) recorded").doesNotContain("skipped");
        assertThat(edges(home)).singleElement().satisfies(e -> {
            assertThat(e.image()).isEqualTo(image("team/plain:latest"));
            assertThat(e.base()).isEqualTo("docker.io/library/alpine:3.20");
        });

        Run notADir = run(home, "lineage", "scan", plain.toString());
        assertThat(notADir.exit()).isEqualTo(3);
        assertThat(notADir.err()).contains(plain + " is not a directory");
    }

    // ---- lineage add and show

    @Test
    void addRecordsManualEdgesAndShowPrintsTheChain(@TempDir Path home) {
        String debian = "registry.example/library/debian:12";
        String company = "registry.example/platform/company-base:1";
        String app = "registry.example/shop/app:1";
        Run first = run(home, "lineage", "add", company, "--base", debian);
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("recorded: " + company + " is built on " + debian + "; now watching " + debian);
        assertThat(run(home, "lineage", "add", app, "--base", company).exit()).isZero();
        Run build = run(home, "lineage", "add", app, "--base", "golang:1.22", "--build");
        assertThat(build.out()).contains("is built on docker.io/library/golang:1.22 (build time)");
        Run again = run(home, "lineage", "add", app, "--base", company);
        assertThat(again.out()).as("already watched").doesNotContain("now watching");

        assertThat(edges(home)).hasSize(3).allSatisfy(e -> assertThat(e.source()).isEqualTo(LineageEdge.Source.MANUAL));
        assertThat(tracked(home)).contains(debian, company);

        Run show = run(home, "lineage", "show", app);
        assertThat(show.exit()).as(show.err()).isZero();
        assertThat(show.out()).contains("  built on: " + company + " ← " + debian)
                .contains("runtime base from: manual (added by hand)")
                .contains("build-time bases: docker.io/library/golang:1.22")
                .contains("built on it: nothing known");

        Run root = run(home, "lineage", "show", debian);
        assertThat(root.exit()).isZero();
        assertThat(root.out()).contains("built on: (no known base)").contains("built on it: " + company + ", " + app);

        Run middle = run(home, "lineage", "show", company);
        assertThat(middle.out()).contains("built on: " + debian).contains("built on it: " + app);

        Run unknown = run(home, "lineage", "show", "registry.example/shop/nope:1");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.out()).contains("registry.example/shop/nope:1 is not in the lineage graph");

        Run usage = run(home, "lineage", "add", app);
        assertThat(usage.exit()).as("--base is required").isEqualTo(2);
    }

    // ---- lineage image

    @Test
    void imageAnnotationsGiveAnAnnotationEdge(@TempDir Path home) {
        ImageManifest annotated = append("lin/base:1", "etc/company", "acme\n", "lin/annotated:1");
        String i = image("lin/annotated:1");
        Run r = run(home, "lineage", "image", i);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains(i + " ← " + image("lin/base:1") + " (annotation)");
        assertThat(tracked(home)).contains(image("lin/base:1"));

        // again, now that the base is tracked and its layers are a prefix too: the annotation stays the source
        Run again = run(home, "lineage", "image", i);
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(edgesOf(home, i)).singleElement().satisfies(e -> {
            assertThat(e.base()).isEqualTo(image("lin/base:1"));
            assertThat(e.kind()).isEqualTo(LineageEdge.Kind.RUNTIME);
            assertThat(e.source()).isEqualTo(LineageEdge.Source.ANNOTATION);
            assertThat(e.imageDigest()).isEqualTo(annotated.digest().toString());
            assertThat(e.baseDigest()).isEqualTo(base.digest().toString());
        });
    }

    @Test
    void sharedLayersWithATrackedBaseGiveALayersEdge(@TempDir Path home) {
        assertThat(run(home, "lineage", "add", image("lin/x:1"), "--base", image("lin/base:1")).exit()).isZero();
        registry.push(TestImages.ociRef("app"), "lin/app:1");
        String i = image("lin/app:1");
        Run r = run(home, "lineage", "image", i, image("lin/base:1"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains(i + " ← " + image("lin/base:1") + " (1 shared layer(s))");
        assertThat(r.out()).as("the base itself is not built on itself")
                .contains(image("lin/base:1") + ": no annotation, and no tracked base's layers are a prefix of its layers");
        assertThat(edgesOf(home, i)).singleElement().satisfies(e -> {
            assertThat(e.source()).isEqualTo(LineageEdge.Source.LAYERS);
            assertThat(e.detail()).isEqualTo("leading 1 layer equal " + image("lin/base:1") + "'s");
            assertThat(e.baseDigest()).isEqualTo(base.digest().toString());
            assertThat(e.imageDigest()).isEqualTo(manifest("lin/app:1").digest().toString());
        });
        assertThat(edgesOf(home, image("lin/base:1"))).isEmpty();
    }

    // ---- graph

    @Test
    void graphAsJsonAndDotWithAnOutdatedBase(@TempDir Path home) throws Exception {
        append("lin/base:1", "etc/company", "acme\n", "lin/annotated:1");
        String baseRef = image("lin/base:1");
        String annotated = image("lin/annotated:1");
        assertThat(run(home, "lineage", "image", annotated).exit()).isZero();
        assertThat(run(home, "lineage", "add", "registry.example/shop/web:1", "--base", annotated).exit()).isZero();
        assertThat(run(home, "lineage", "add", "registry.example/shop/web:1", "--base", "golang:1.22", "--build").exit()).isZero();

        Run text = run(home, "graph");
        assertThat(text.exit()).as(text.err()).isZero();
        assertThat(text.out()).contains(baseRef + "\n└─ " + annotated + "\n   └─ registry.example/shop/web:1\n")
                .contains("└─ registry.example/shop/web:1 (build)");

        Run json = run(home, "graph", "--format", "json");
        assertThat(json.exit()).as(json.err()).isZero();
        JsonNode g = JSON.readTree(json.out());
        assertThat(StreamSupport.stream(g.get("nodes").spliterator(), false).map(n -> n.get("id").asText()))
                .containsExactlyInAnyOrder(baseRef, annotated, "registry.example/shop/web:1", "docker.io/library/golang:1.22");
        assertThat(StreamSupport.stream(g.get("edges").spliterator(), false)
                .map(e -> e.get("from").asText() + " -> " + e.get("to").asText() + " " + e.get("kind").asText() + " "
                        + e.get("source").asText()))
                .containsExactlyInAnyOrder(baseRef + " -> " + annotated + " runtime annotation",
                        annotated + " -> registry.example/shop/web:1 runtime manual",
                        "docker.io/library/golang:1.22 -> registry.example/shop/web:1 build manual");
        assertThat(g.get("conflicts").isEmpty()).isTrue();

        Run current = run(home, "graph", "--format", "dot");
        assertThat(current.exit()).as(current.err()).isZero();
        assertThat(current.out()).as("the base has not been polled yet").doesNotContain("outdated");
        assertThat(graphviz(current.out())).contains("<svg");

        try (Store s = Stores.open(null, home)) {
            s.recordBaseDigest(baseRef, base.digest().toString(), Instant.now());
        }
        assertThat(run(home, "graph", "--format", "dot").out()).as("the tag still points where the image was built").doesNotContain("outdated");
        try (Store s = Stores.open(null, home)) {
            s.recordBaseDigest(baseRef, "sha256:" + "0".repeat(64), Instant.now());
        }
        Run dot = run(home, "graph", "--format", "dot");
        assertThat(dot.exit()).isZero();
        assertThat(dot.out()).startsWith("digraph lineage {")
                .contains("\"" + baseRef + "\" [color=red, label=\"" + baseRef + " (outdated)\"]")
                .contains("\"docker.io/library/golang:1.22\" -> \"registry.example/shop/web:1\" [style=dashed]")
                .doesNotContain("\"" + annotated + "\" [color=red");
        assertThat(graphviz(dot.out())).contains("<svg").contains("(outdated)");

        Run xml = run(home, "graph", "--format", "xml");
        assertThat(xml.exit()).isEqualTo(2);
        assertThat(xml.err()).contains("--format must be text, json or dot, not 'xml'");
    }

    /** Renders DOT with Graphviz; fails unless it exits 0. */
    static String graphviz(String dot) throws Exception {
        Path svg = Files.createTempFile("lineage", ".svg");
        try {
            Process p = new ProcessBuilder("/usr/bin/dot", "-Tsvg").redirectOutput(svg.toFile())
                    .redirectError(ProcessBuilder.Redirect.PIPE).start();
            try (var in = p.getOutputStream()) {
                in.write(dot.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("dot -Tsvg: " + err).isZero();
            return Files.readString(svg);
        } finally {
            Files.deleteIfExists(svg);
        }
    }

    // ---- history

    @Test
    void historyAsTableAndJson(@TempDir Path home) throws Exception {
        String web = "registry.example/shop/web:1";
        Run none = run(home, "history", web);
        assertThat(none.exit()).as(none.err()).isZero();
        assertThat(none.out()).contains("no history for " + web);

        try (Store s = Stores.open(null, home)) {
            s.audit(new AuditEntry(web, Instant.parse("2026-11-26T10:00:00Z"), "triggered",
                    "base registry.example/library/debian:12 changed", "{\"base\":\"registry.example/library/debian:12\","
                            + "\"fixed\":[\"CVE-2026-0001 in libc6\"]}", 7));
            s.audit(new AuditEntry(web, Instant.parse("2026-11-26T10:05:00Z"), "rebased", "pushed sha256:abc", null, 0));
            s.audit(new AuditEntry("registry.example/shop/api:1", Instant.parse("2026-11-26T10:06:00Z"), "skipped", "not this one",
                    null, 0));
            s.audit(new AuditEntry("Deployment/shop/web", Instant.parse("2026-11-26T10:10:00Z"), "rolled-out", "web at sha256:abc",
                    null, 9));
        }

        Run table = run(home, "history", web);
        assertThat(table.exit()).as(table.err()).isZero();
        List<String> lines = table.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).contains("TIME").contains("ACTION").contains("WHAT");
        assertThat(lines.get(1)).contains("2026-11-26T10:00:00Z").contains("triggered").contains("base registry.example/library/debian:12 changed");
        assertThat(lines.get(2)).contains("2026-11-26T10:05:00Z").contains("rebased").contains("pushed sha256:abc");
        assertThat(table.out()).doesNotContain("not this one");

        Run json = run(home, "history", web, "--format", "json");
        assertThat(json.exit()).as(json.err()).isZero();
        JsonNode entries = JSON.readTree(json.out());
        assertThat(entries.size()).isEqualTo(2);
        assertThat(entries.get(0).get("action").asText()).isEqualTo("triggered");
        assertThat(entries.get(0).get("at").asText()).isEqualTo("2026-11-26T10:00:00Z");
        assertThat(entries.get(0).get("details").isObject()).as("details are JSON, not a string").isTrue();
        assertThat(entries.get(0).get("details").get("fixed").get(0).asText()).isEqualTo("CVE-2026-0001 in libc6");
        assertThat(entries.get(0).get("step").asLong()).isEqualTo(7);
        assertThat(entries.get(1).has("details")).isFalse();
        assertThat(entries.get(1).has("step")).isFalse();

        Run workload = run(home, "history", "Deployment/shop/web");
        assertThat(workload.out()).contains("rolled-out").contains("web at sha256:abc");

        Run yaml = run(home, "history", web, "--format", "yaml");
        assertThat(yaml.exit()).isNotZero();
        assertThat(yaml.err()).contains("unknown --format 'yaml'");
    }

    // ---- rebase

    static final Pattern PUSHED = Pattern.compile("pushed (\\S+)@(sha256:[0-9a-f]{64})");

    /** The new base: the old one plus a security update, in a repository of its own. */
    static ImageManifest newBase() {
        return append("lin/base:1", "etc/debian_version", "12.99\n", "rb/base:2");
    }

    @Test
    void rebaseOntoANewBaseFromTheAnnotations(@TempDir Path home) {
        ImageManifest app = append("lin/base:1", "app/run.sh", "echo hi\n", "rb/app:1");
        ImageManifest newBase = newBase();
        Run r = run(home, "rebase", image("rb/app:1"), "--base", image("rb/base:2"), "--tag", "rebased");
        assertThat(r.exit()).as(r.err()).isZero();
        Matcher m = PUSHED.matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        assertThat(m.group(1)).isEqualTo(image("rb/app:rebased"));
        assertThat(r.out()).contains("from " + image("lin/base:1") + "@" + base.digest());

        ImageManifest rebased = manifest("rb/app:rebased");
        assertThat(rebased.digest().toString()).isEqualTo(m.group(2));
        assertThat(rebased.layers()).extracting(Descriptor::digest).containsExactly(newBase.layers().get(0).digest(),
                newBase.layers().get(1).digest(), app.layers().get(1).digest());
        assertThat(rebased.annotations()).containsEntry("org.opencontainers.image.base.name", image("rb/base:2"))
                .containsEntry("org.opencontainers.image.base.digest", newBase.digest().toString());
        assertThat(registry.requests()).anyMatch(q -> q.method().equals("PUT") && q.path().equals("/v2/rb/app/manifests/rebased"));
    }

    @Test
    void aRebaseWhoseOldBaseIsNotAPrefixIsRefusedAndPushesNothing(@TempDir Path home) {
        append("lin/base:1", "app/run.sh", "echo hi\n", "rb/app:1");
        append("rb/app:1", "app/config", "x=1\n", "rb/app:3"); // base layer, app layer, config layer
        append("lin/base:1", "etc/other", "other\n", "rb/other:1"); // base layer, another layer
        newBase();
        Run r = run(home, "rebase", image("rb/app:3"), "--old-base", image("rb/other:1"), "--base", image("rb/base:2"),
                "--tag", "refused");
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.err()).contains("drydock: refused: ").contains("not an exact prefix").contains("layer 2");
        assertThat(r.out()).doesNotContain("pushed");
        assertThat(registry.requests()).noneMatch(q -> q.method().equals("PUT") && q.path().equals("/v2/rb/app/manifests/refused"));
    }

    @Test
    void anImageThatDoesNotNameItsBaseNeedsOldBase(@TempDir Path home) {
        registry.push(TestImages.ociRef("app"), "lin/app:1");
        newBase();
        Run r = run(home, "rebase", image("lin/app:1"), "--base", image("rb/base:2"), "--tag", "rebased");
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(3);
        assertThat(r.err()).contains("does not name its base").contains("give it with --old-base").doesNotContain("Exception");
        assertThat(registry.requests()).noneMatch(q -> q.method().equals("PUT") && q.path().equals("/v2/lin/app/manifests/rebased"));

        assertThat(run(home, "rebase", image("lin/app:1"), "--tag", "x").exit()).as("--base is required").isEqualTo(2);
    }
}
