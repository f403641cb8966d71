package io.drydock.rebuild;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.DrydockException;
import io.drydock.image.Descriptor;
import io.drydock.image.Digest;
import io.drydock.image.ImageConfig;
import io.drydock.image.ImageManifest;
import io.drydock.image.ImageReference;
import io.drydock.image.local.LayerBuilder;
import io.drydock.image.registry.CredentialStore;
import io.drydock.image.registry.RegistryClient;
import io.drydock.layer.EntryContent;
import io.drydock.layer.EntryType;
import io.drydock.layer.FileNode;
import io.drydock.layer.FileTree;
import io.drydock.layer.LayerEntry;
import io.drydock.layer.LayerInfo;
import io.drydock.layer.LayerReader;
import io.drydock.layer.LayerVisitor;
import io.drydock.testing.HostTools;
import io.drydock.testing.TestImages;
import io.drydock.testing.TestRegistry;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real buildah builds (chroot isolation, vfs storage) against a real registry: a rebuild onto a new base by build
 * arg and by FROM rewrite, idempotence by request id, a failing build, and the acceptance check that a registry
 * rebase gives the same file tree as a full rebuild. Four builds in all (7–15 s each), shared through static state.
 */
class BuildahBuildTest {
    static final String CREATED = "2026-11-26T00:00:00Z";
    static final ObjectMapper JSON = new ObjectMapper();
    static final String APP_DOCKERFILE = """
            ARG BASE_IMAGE
            FROM ${BASE_IMAGE}
            COPY hello.txt /app/hello.txt
            RUN echo built > /app/built.txt
            """;

    static TestRegistry registry;
    static RegistryClient client;
    static BuildahBuild buildah;
    static Path work;
    static Path storage;
    static Path appContext;
    static ImageManifest base1;
    static ImageManifest base2;
    static RebuildRequest rebuildRequest;
    static RebuildResult rebuilt;

    @BeforeAll
    static void buildTheApp() throws Exception {
        HostTools.require("buildah", "buildah");
        registry = TestRegistry.open();
        client = new RegistryClient(CredentialStore.none(), RegistryClient.Options.defaults());
        buildah = new BuildahBuild(client, "buildah", null, Map.of());
        registry.push(TestImages.ociRef("base"), "bb/base:1");
        base1 = (ImageManifest) client.manifest(ref("bb/base:1"));
        base2 = LayerAppend.push(client, ref("bb/base:1"), new LayerBuilder().file("etc/base-release", "2\n"), "RUN upgrade",
                Map.of(), CREATED, ref("bb/base:2"));

        // vfs storage holds a full root filesystem per layer: under /var/tmp, not a tmpfs /tmp
        work = Files.createTempDirectory(Path.of("/var/tmp"), "drydock-buildah-test-");
        storage = work.resolve("buildah");
        appContext = Files.createDirectories(work.resolve("app"));
        Files.writeString(appContext.resolve("hello.txt"), "hello\n");
        Files.writeString(appContext.resolve("Dockerfile"), APP_DOCKERFILE);

        // build 1: the app as its team built it, on base:1
        buildah.rebuild(request(ref("bb/app:1"), null, pinned("bb/base:1"), ref("bb/app:1"), argSettings(appContext), "app-1"));
        // build 2: the rebuild onto base:2
        rebuildRequest = request(ref("bb/app:1"), ref("bb/base:1"), pinned("bb/base:2"), ref("bb/app:rebuilt"),
                argSettings(appContext), "app-1-base-2");
        rebuilt = buildah.rebuild(rebuildRequest);
    }

    @AfterAll
    static void cleanUp() {
        try {
            if (storage != null && Files.isDirectory(storage)) {
                // vfs leaves root-owned trees; let buildah remove its containers and images before the directory goes
                for (List<String> step : List.of(List.of("rm", "--all"), List.of("rmi", "--all", "--force"))) {
                    List<String> command = new java.util.ArrayList<>(List.of("buildah", "--storage-driver", "vfs", "--root",
                            storage.resolve("storage").toString(), "--runroot", storage.resolve("run").toString()));
                    command.addAll(step);
                    HostTools.run(Duration.ofMinutes(2), command);
                }
            }
            if (work != null) {
                HostTools.run(Duration.ofMinutes(2), List.of("rm", "-rf", work.toString()));
            }
        } finally {
            if (registry != null) {
                registry.close();
            }
        }
    }

    static ImageReference ref(String repoAndTag) {
        return ImageReference.parse(registry.hostPort() + "/" + repoAndTag);
    }

    static ImageReference pinned(String repoAndTag) {
        Digest digest = client.head(ref(repoAndTag)).orElseThrow().digest();
        return ref(repoAndTag).withDigest(digest);
    }

    static ObjectNode settings(Path context) {
        ObjectNode s = JSON.createObjectNode();
        s.put("context", context.toString());
        s.put("storageRoot", storage.toString());
        s.put("tlsVerify", false);
        return s;
    }

    static ObjectNode argSettings(Path context) {
        return settings(context).put("baseArg", "BASE_IMAGE");
    }

    static RebuildRequest request(ImageReference image, ImageReference oldBase, ImageReference newBase, ImageReference target,
            ObjectNode settings, String requestId) {
        return new RebuildRequest(image, oldBase, newBase, target, settings, requestId, Duration.ofMinutes(5));
    }

    static ImageConfig config(ImageReference ref, ImageManifest m) throws Exception {
        try (InputStream in = client.blob(ref, m.config())) {
            return ImageConfig.parse(in.readAllBytes(), ref.toString());
        }
    }

    static long manifestPuts() {
        return registry.requests().stream().filter(r -> r.method().equals("PUT") && r.path().contains("/manifests/")).count();
    }

    @Test
    void aRebuildOntoTheNewBaseIsPushedAndARetryWithTheSameRequestIdDoesNotBuildAgain() throws Exception {
        assertThat(client.head(ref("bb/app:rebuilt")).orElseThrow().digest()).isEqualTo(rebuilt.digest());
        assertThat(rebuilt.pushed()).isEqualTo(ref("bb/app:rebuilt"));
        assertThat(rebuilt.facts()).containsEntry("baseArg", "BASE_IMAGE").containsEntry("requestId", "app-1-base-2")
                .doesNotContainKey("reused").doesNotContainKey("cleanupProblem");

        ImageManifest image = (ImageManifest) client.manifest(ref("bb/app:rebuilt"));
        assertThat(image.layers()).hasSize(base2.layers().size() + 1);
        assertThat(image.layers().subList(0, base2.layers().size())).extracting(Descriptor::digest)
                .as("the build ran on base:2, pinned by digest").isEqualTo(base2.layers().stream().map(Descriptor::digest).toList());
        assertThat(config(ref("bb/app:rebuilt"), image).labels()).containsEntry(BuildahBuild.REQUEST_ID_LABEL, "app-1-base-2");

        long putsBefore = manifestPuts();
        int requestsBefore = registry.requests().size();
        RebuildResult again = buildah.rebuild(rebuildRequest);
        assertThat(again.digest()).isEqualTo(rebuilt.digest());
        assertThat(again.facts()).containsEntry("reused", "true");
        assertThat(manifestPuts()).as("nothing was pushed again").isEqualTo(putsBefore);
        List<TestRegistry.Request> since = registry.requests();
        assertThat(since.subList(requestsBefore, since.size())).extracting(TestRegistry.Request::path)
                .as("buildah did not run: it would have pulled the base (--pull=always)").noneMatch(p -> p.contains("/bb/base/"));
    }

    /** The acceptance test: a registry rebase checked against a full rebuild, file by file. */
    @Test
    void aRegistryRebaseHasTheSameFileTreeAsAFullRebuild() throws Exception {
        Rebase.Result rebased = new Rebase(client).rebase(new Rebase.Request(ref("bb/app:1"), ref("bb/base:1"), ref("bb/base:2"),
                ref("bb/app:rebased")));
        assertThat(rebased.baseLayers()).isEqualTo(base2.layers().size());
        assertThat(rebased.imageLayers()).isEqualTo(1);

        Map<String, String> fromRebase = flatten(ref("bb/app:rebased"));
        Map<String, String> fromRebuild = flatten(ref("bb/app:rebuilt"));
        // no exclusions needed: buildah's RUN leaves an empty etc/hosts placeholder in the layer, the same in both
        // builds, and writes no hostname, resolv.conf or other per-build files into it
        assertThat(fromRebase).containsEntry("app/built.txt", "FILE 0644 0:0 6 " + sha256("built\n"))
                .containsEntry("app/hello.txt", "FILE 0644 0:0 6 " + sha256("hello\n"))
                .containsEntry("etc/base-release", "FILE 0644 0:0 2 " + sha256("2\n"));
        assertThat(fromRebase.size()).isGreaterThan(1000);
        assertThat(fromRebase).isEqualTo(fromRebuild);
    }

    @Test
    void aFailingBuildNamesTheDockerfileAndCarriesTheEndOfBuildahsOutput() throws Exception {
        Path context = Files.createDirectories(work.resolve("failing"));
        Files.writeString(context.resolve("Dockerfile"), "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN echo about to fail && false\n");
        long putsBefore = manifestPuts();
        assertThatThrownBy(() -> buildah.rebuild(request(ref("bb/failing:1"), ref("bb/base:1"), pinned("bb/base:2"),
                ref("bb/failing:2"), argSettings(context), "failing-1")))
                .isInstanceOf(DrydockException.class)
                .hasMessageContaining(ref("bb/failing:1").toString())
                .hasMessageContaining(context.resolve("Dockerfile").toString())
                .hasMessageContaining("buildah bud exited with")
                .hasMessageContaining("about to fail")
                .hasMessageContaining("exit status 1");
        assertThat(manifestPuts()).isEqualTo(putsBefore);
        assertThat(client.head(ref("bb/failing:2"))).isEmpty();
    }

    @Test
    void withoutABaseArgTheRuntimeFromIsRewrittenToTheNewBaseByDigest() throws Exception {
        Path context = Files.createDirectories(work.resolve("plain"));
        Files.writeString(context.resolve("hello.txt"), "hello\n");
        Path dockerfile = context.resolve("Dockerfile");
        String original = "FROM " + ref("bb/base:1") + " AS runtime\nCOPY hello.txt /app/hello.txt\n";
        Files.writeString(dockerfile, original);

        // the new base by tag: the strategy pins it by digest itself
        RebuildResult r = buildah.rebuild(request(ref("bb/plain:1"), ref("bb/base:1"), ref("bb/base:2"), ref("bb/plain:2"),
                settings(context), "plain-1"));

        assertThat(Files.readString(dockerfile)).as("the project's Dockerfile is left alone").isEqualTo(original);
        assertThat(r.facts()).containsEntry("rewrittenFrom", ref("bb/base:1") + " (line 1)")
                .containsEntry("base", ref("bb/base:2").withTag(null).withDigest(base2.digest()).toString());
        ImageManifest image = (ImageManifest) client.manifest(ref("bb/plain:2"));
        assertThat(image.digest()).isEqualTo(r.digest());
        assertThat(image.layers().subList(0, base2.layers().size())).extracting(Descriptor::digest)
                .isEqualTo(base2.layers().stream().map(Descriptor::digest).toList());
        Map<String, String> tree = flatten(ref("bb/plain:2"));
        assertThat(tree).containsEntry("etc/base-release", "FILE 0644 0:0 2 " + sha256("2\n"))
                .containsEntry("app/hello.txt", "FILE 0644 0:0 6 " + sha256("hello\n"));
    }

    @Test
    void aBuildThatOutlastsTheTimeoutIsStoppedWithAllItsProcesses() throws Exception {
        Path context = Files.createDirectories(work.resolve("slow"));
        Files.writeString(context.resolve("Dockerfile"), "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nRUN sleep 3127\n");
        // its own storage: a build killed halfway must not disturb the others
        Path slowStorage = work.resolve("slow-storage");
        ObjectNode settings = argSettings(context).put("storageRoot", slowStorage.toString());
        RebuildRequest request = new RebuildRequest(ref("bb/slow:1"), ref("bb/base:1"), pinned("bb/base:2"), ref("bb/slow:2"),
                settings, "slow-1", Duration.ofSeconds(4));
        Set<Path> tempBefore = varTmp();
        long started = System.nanoTime();
        assertThatThrownBy(() -> buildah.rebuild(request)).isInstanceOf(DrydockException.class)
                .hasMessageContaining("timed out after 4 s").hasMessageContaining(context.resolve("Dockerfile").toString());
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
        // with 4 s the build is usually stopped while pulling; the same holds with the RUN step running (checked by hand
        // with a 40 s timeout: buildah-chroot-exec, its shell and the sleep all went)
        assertThat(ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains(slowStorage.toString()) || c.contains("sleep 3127")))
                .as("no buildah process is left running").isEmpty();
        assertThat(varTmp()).as("no blobs of the interrupted pull are left in /var/tmp").isSubsetOf(tempBefore);
        for (List<String> step : List.of(List.of("rm", "--all"), List.of("rmi", "--all", "--force"))) {
            List<String> command = new java.util.ArrayList<>(List.of("buildah", "--storage-driver", "vfs", "--root",
                    slowStorage.resolve("storage").toString(), "--runroot", slowStorage.resolve("run").toString()));
            command.addAll(step);
            HostTools.run(Duration.ofMinutes(2), command);
        }
        HostTools.run(Duration.ofMinutes(2), List.of("rm", "-rf", slowStorage.toString()));
    }

    @Test
    void theRewriteReplacesOnlyTheRuntimeChainsFromAndKeepsFlagsAndAlias() throws Exception {
        Path dir = Files.createDirectories(work.resolve("rewrite"));
        Path dockerfile = dir.resolve("Containerfile");
        Files.writeString(dockerfile, """
                # syntax=docker/dockerfile:1
                ARG TAG=1
                FROM example.org/tools/builder:3 AS build
                RUN make
                FROM --platform=linux/amd64 example.org/team/base:${TAG} AS runtime
                COPY --from=build /out /app
                FROM runtime
                USER 1000
                """);
        ImageReference pinned = ImageReference.parse("example.org/team/base@sha256:" + "a".repeat(64));
        Path out = Files.createDirectories(dir.resolve("out"));
        BuildahBuild.Rewrite rewrite = BuildahBuild.rewrite(dockerfile, Map.of(), ImageReference.parse("example.org/team/base:1"),
                ImageReference.parse("example.org/team/base:2"), pinned, out);
        assertThat(rewrite.line()).isEqualTo(5);
        assertThat(rewrite.was()).isEqualTo("example.org/team/base:1");
        assertThat(Files.readAllLines(rewrite.file())).containsExactly("# syntax=docker/dockerfile:1", "ARG TAG=1",
                "FROM example.org/tools/builder:3 AS build", "RUN make",
                "FROM --platform=linux/amd64 example.org/team/base@sha256:" + "a".repeat(64) + " AS runtime",
                "COPY --from=build /out /app", "FROM runtime", "USER 1000");

        assertThatThrownBy(() -> BuildahBuild.rewrite(dockerfile, Map.of(), ImageReference.parse("example.org/other/base:1"),
                ImageReference.parse("example.org/other/base:2"), ImageReference.parse("example.org/other/base@sha256:"
                        + "b".repeat(64)), out))
                .isInstanceOf(DrydockException.class).hasMessageContaining(dockerfile.toString()).hasMessageContaining("line 5")
                .hasMessageContaining("example.org/team/base:1").hasMessageContaining("baseArg");
    }

    @Test
    void badSettingsAreRefusedBeforeAnythingRuns() throws Exception {
        ObjectNode unknown = settings(appContext).put("dockerFile", "Dockerfile");
        assertThatThrownBy(() -> buildah.rebuild(request(ref("bb/app:1"), ref("bb/base:1"), pinned("bb/base:2"), ref("bb/app:x"),
                unknown, "x"))).isInstanceOf(DrydockException.class).hasMessageContaining("unknown setting 'dockerFile'");
        ObjectNode wrongArg = settings(appContext).put("baseArg", "NOT_DECLARED");
        assertThatThrownBy(() -> buildah.rebuild(request(ref("bb/app:1"), ref("bb/base:1"), pinned("bb/base:2"), ref("bb/app:x"),
                wrongArg, "x"))).isInstanceOf(DrydockException.class).hasMessageContaining("build arg NOT_DECLARED=")
                .hasMessageContaining("ARG BASE_IMAGE has no value").hasMessageContaining(appContext.resolve("Dockerfile").toString());
        Path literal = Files.createDirectories(work.resolve("literal"));
        Files.writeString(literal.resolve("Dockerfile"), "FROM " + ref("bb/base:1") + "\n");
        ObjectNode undeclared = settings(literal).put("baseArg", "BASE_IMAGE");
        assertThatThrownBy(() -> buildah.rebuild(request(ref("bb/app:1"), ref("bb/base:1"), pinned("bb/base:2"), ref("bb/app:x"),
                undeclared, "x"))).isInstanceOf(DrydockException.class).hasMessageContaining("declares no ARG BASE_IMAGE")
                .hasMessageContaining(literal.resolve("Dockerfile").toString());
        ObjectNode creds = argSettings(appContext).put("usernameEnv", "DRYDOCK_TEST_NO_SUCH_USER")
                .put("passwordEnv", "DRYDOCK_TEST_NO_SUCH_PASSWORD");
        assertThatThrownBy(() -> buildah.rebuild(request(ref("bb/app:1"), ref("bb/base:1"), pinned("bb/base:2"), ref("bb/app:x"),
                creds, "x"))).isInstanceOf(DrydockException.class).hasMessageContaining("DRYDOCK_TEST_NO_SUCH_USER is not set");
        assertThat(client.head(ref("bb/app:x"))).isEmpty();
    }

    // ------------------------------------------------------------------------------------------------------------

    /**
     * The squashed file tree of an image: path → type, mode, owner, size, content hash (files) or link target.
     * Modification times are left out: they differ between any two builds.
     */
    static Map<String, String> flatten(ImageReference ref) throws Exception {
        ImageManifest manifest = (ImageManifest) client.manifest(ref);
        ImageConfig config = config(ref, manifest);
        FileTree.Builder builder = FileTree.builder(ref.toString());
        Map<String, String> hashes = new HashMap<>();
        LayerReader reader = new LayerReader();
        for (int i = 0; i < manifest.layers().size(); i++) {
            Descriptor layer = manifest.layers().get(i);
            LayerInfo info = new LayerInfo(i, layer.digest().toString(), config.diffIds().get(i).toString(), null);
            int index = i;
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            LayerVisitor hashing = (LayerEntry entry, EntryContent content) -> {
                if (entry.type() == EntryType.FILE) {
                    byte[] buffer = new byte[64 * 1024];
                    for (int n; (n = content.read(buffer)) > 0; ) {
                        md.update(buffer, 0, n);
                    }
                    hashes.put(index + " " + entry.path(), HexFormat.of().formatHex(md.digest()));
                }
            };
            try (InputStream in = client.blob(ref, layer)) {
                reader.read(in, ref.toString(), info, builder.layerApplier(info).andThen(hashing));
            }
        }
        Map<String, String> out = new TreeMap<>();
        for (FileNode node : builder.build()) {
            String what = node.type() + " " + String.format("%04o", node.mode()) + " " + node.uid() + ":" + node.gid();
            what += switch (node.type()) {
                case FILE -> " " + node.size() + " " + hashes.get(node.layer().index() + " " + node.path());
                case SYMLINK, HARDLINK -> " -> " + node.linkTarget();
                default -> "";
            };
            out.put(node.path(), what);
        }
        return out;
    }

    static Set<Path> varTmp() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("/var/tmp"))) {
            return files.collect(Collectors.toSet());
        }
    }

    static String sha256(String content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content.getBytes()));
    }
}
