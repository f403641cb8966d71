package io.drydock.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.DrydockException;
import io.drydock.image.Descriptor;
import io.drydock.image.ImageManifest;
import io.drydock.image.ImageReference;
import io.drydock.image.Manifest;
import io.drydock.image.registry.RegistryClient;
import io.drydock.lineage.Dockerfile;
import io.drydock.lineage.LayerPrefixIndex;
import io.drydock.lineage.LineageGraph;
import io.drydock.store.ImageRecipe;
import io.drydock.store.LineageEdge;
import io.drydock.store.Store;
import io.drydock.store.TrackedBase;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code drydock lineage add|scan|image|show}: maintain and show which image is built on which base. */
@Command(name = "lineage", description = "Record and show which image is built on which base.",
        subcommands = {LineageCommand.Add.class, LineageCommand.Scan.class, LineageCommand.FromImage.class, LineageCommand.Show.class})
final class LineageCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static String name(String reference) {
        return io.drydock.watch.WatchConfig.normalise(reference);
    }

    @Command(name = "add", description = "Record by hand that IMAGE is built on BASE (the most trusted source).")
    static final class Add implements Callable<Integer> {
        @Parameters(paramLabel = "IMAGE")
        String image;
        @Option(names = "--base", required = true, paramLabel = "BASE")
        String base;
        @Option(names = "--build", description = "BASE is only used while building (COPY --from), not the runtime base.")
        boolean build;
        @Mixin
        ImageOptions options;
        @Mixin
        StoreOptions store;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (Store s = store.open(options)) {
                String i = name(image);
                String b = name(base);
                s.putEdge(new LineageEdge(i, b, build ? LineageEdge.Kind.BUILD : LineageEdge.Kind.RUNTIME, LineageEdge.Source.MANUAL,
                        null, null, "added by hand", Instant.now()));
                boolean tracked = s.trackBase(b);
                spec.commandLine().getOut().println("recorded: " + i + " is built on " + b + (build ? " (build time)" : "")
                        + (tracked ? "; now watching " + b : ""));
            }
            return 0;
        }
    }

    /** A Dockerfile names the image it builds with a comment: {@code # drydock.image: registry/team/app:1}. */
    private static final Pattern IMAGE_COMMENT = Pattern.compile("(?m)^\\s*#\\s*drydock\\.image\\s*[:=]\\s*(\\S+)\\s*$");

    @Command(name = "scan", description = "Read every Dockerfile and Containerfile under DIR and record the bases they name.",
            footer = {"", "Each file names the image it builds with a comment '# drydock.image: REGISTRY/REPO:TAG', or the image is",
                    "--prefix/<directory name>:latest. The runtime base is the last stage's; COPY --from and RUN --mount images are build-time bases."})
    static final class Scan implements Callable<Integer> {
        @Parameters(paramLabel = "DIR")
        Path dir;
        @Option(names = "--build-arg", paramLabel = "NAME=VALUE")
        Map<String, String> buildArgs = new LinkedHashMap<>();
        @Option(names = "--prefix", paramLabel = "REGISTRY/PATH", description = "Names images that have no drydock.image comment.")
        String prefix;
        @Mixin
        ImageOptions options;
        @Mixin
        StoreOptions store;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (!Files.isDirectory(dir)) {
                throw new DrydockException(dir + " is not a directory");
            }
            List<Path> files = Dockerfile.findAll(dir);
            int recorded = 0;
            int problems = 0;
            try (Store s = store.open(options)) {
                for (Path f : files) {
                    String text = Files.readString(f);
                    Matcher m = IMAGE_COMMENT.matcher(text);
                    String image = m.find() ? m.group(1) : prefix == null ? null
                            : prefix.replaceAll("/+$", "") + "/" + f.toAbsolutePath().getParent().getFileName() + ":latest";
                    if (image == null) {
                        err.println("drydock: " + f + ": skipped: no '# drydock.image: NAME' comment and no --prefix");
                        problems++;
                        continue;
                    }
                    Dockerfile parsed;
                    try {
                        parsed = Dockerfile.parse(text, f.toString(), buildArgs);
                    } catch (DrydockException e) {
                        err.println("drydock: " + e.getMessage());
                        problems++;
                        continue;
                    }
                    String i = name(image);
                    s.removeEdges(i, LineageEdge.Source.DOCKERFILE);
                    Optional<String> runtime = parsed.runtimeBase();
                    Instant now = Instant.now();
                    if (runtime.isPresent()) {
                        String b = name(runtime.get());
                        s.putEdge(new LineageEdge(i, b, LineageEdge.Kind.RUNTIME, LineageEdge.Source.DOCKERFILE, null, null,
                                f + " line " + parsed.stages().get(parsed.stages().size() - 1).line(), now));
                        s.trackBase(b);
                        out.println(i + " ← " + b + " (runtime, " + f + ")");
                    } else {
                        out.println(i + " is built FROM scratch (" + f + ")");
                    }
                    for (Dockerfile.BuildTimeBase b : parsed.buildTimeBases()) {
                        s.putEdge(new LineageEdge(i, name(b.image()), LineageEdge.Kind.BUILD, LineageEdge.Source.DOCKERFILE, null, null,
                                f + " line " + b.line() + " (" + b.kind().name().toLowerCase().replace('_', ' ') + ")", now));
                        out.println(i + " ← " + name(b.image()) + " (build time: " + b.kind().name().toLowerCase().replace('_', ' ')
                                + ", line " + b.line() + ")");
                    }
                    if (s.recipe(i).isEmpty()) {
                        ObjectNode settings = JsonNodeFactory.instance.objectNode().put("context", f.getParent().toString())
                                .put("dockerfile", f.getFileName().toString());
                        s.putRecipe(new ImageRecipe(i, "buildah", settings.toString(), now));
                    }
                    recorded++;
                }
            }
            out.println(recorded + " Dockerfile(s) recorded" + (problems > 0 ? ", " + problems + " skipped" : ""));
            out.flush();
            err.flush();
            return problems > 0 ? 1 : 0;
        }
    }

    @Command(name = "image", description = "Record the base of images from their OCI annotations and from layers shared with tracked bases.")
    static final class FromImage implements Callable<Integer> {
        @Parameters(paramLabel = "IMAGE", arity = "1..*")
        List<String> images;
        @Mixin
        ImageOptions options;
        @Mixin
        StoreOptions store;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            RegistryClient client = options.client();
            try (Store s = store.open(options)) {
                Map<String, List<String>> baseLayers = new LinkedHashMap<>();
                Map<String, String> baseDigests = new LinkedHashMap<>();
                for (TrackedBase b : s.trackedBases()) {
                    try {
                        ImageManifest m = single(client, ImageReference.parse(b.reference()));
                        baseLayers.put(b.reference(), m.layers().stream().map(d -> d.digest().toString()).toList());
                        baseDigests.put(b.reference(), m.digest().toString());
                    } catch (DrydockException e) {
                        spec.commandLine().getErr().println("drydock: warning: tracked base " + b.reference() + ": " + e.getMessage());
                    }
                }
                LayerPrefixIndex index = LayerPrefixIndex.of(baseLayers);
                for (String image : images) {
                    String i = name(image);
                    ImageManifest m = single(client, ImageReference.parse(image));
                    Instant now = Instant.now();
                    String annotated = m.annotations().get("org.opencontainers.image.base.name");
                    if (annotated != null) {
                        String b = name(annotated);
                        s.putEdge(new LineageEdge(i, b, LineageEdge.Kind.RUNTIME, LineageEdge.Source.ANNOTATION, m.digest().toString(),
                                m.annotations().get("org.opencontainers.image.base.digest"), "org.opencontainers.image.base.name", now));
                        s.trackBase(b);
                        out.println(i + " ← " + b + " (annotation)");
                    }
                    List<String> layers = m.layers().stream().map(Descriptor::digest).map(Object::toString).toList();
                    Optional<LineageGraph.PrefixMatch> match = index.longestPrefix(layers);
                    if (match.isPresent() && annotated != null && match.get().base().equals(name(annotated))) {
                        // the same (image, base, kind): a LAYERS edge would replace the more trusted ANNOTATION one
                        out.println(i + ": its layers agree (" + match.get().layers() + " shared layer(s) with " + match.get().base() + ")");
                    } else if (match.isPresent() && !match.get().base().equals(i)) {
                        LineageGraph.PrefixMatch p = match.get();
                        s.putEdge(p.toEdge(i, m.digest().toString(), baseDigests.get(p.base()), now));
                        out.println(i + " ← " + p.base() + " (" + p.layers() + " shared layer(s)"
                                + (p.alsoMatched().isEmpty() ? "" : "; also matched " + String.join(", ", p.alsoMatched())) + ")");
                    } else if (annotated == null) {
                        out.println(i + ": no annotation, and no tracked base's layers are a prefix of its layers");
                    }
                }
            }
            out.flush();
            return 0;
        }

        private static ImageManifest single(RegistryClient client, ImageReference ref) {
            Manifest m = client.manifest(ref);
            if (m instanceof ImageManifest im) {
                return im;
            }
            throw new DrydockException(ref + " is an index; name one platform's manifest by digest");
        }
    }

    @Command(name = "show", description = "Show what IMAGE is built on (up to the root) and what is built on it.")
    static final class Show implements Callable<Integer> {
        @Parameters(paramLabel = "IMAGE")
        String image;
        @Mixin
        ImageOptions options;
        @Mixin
        StoreOptions store;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            LineageGraph g;
            try (Store s = store.open(options)) {
                g = LineageGraph.of(s.edges(), List.of());
            }
            String i = name(image);
            if (!g.contains(i)) {
                out.println(i + " is not in the lineage graph (record it with 'drydock lineage scan|image|add')");
                out.flush();
                return 1;
            }
            List<String> chain = new ArrayList<>(g.ancestors(i));
            out.println(i);
            out.println("  built on: " + (chain.isEmpty() ? "(no known base)" : String.join(" ← ", chain)));
            g.parentEdgeOf(i).ifPresent(e -> out.println("  runtime base from: " + e.source().name().toLowerCase()
                    + (e.detail() == null ? "" : " (" + e.detail() + ")")));
            List<String> build = g.buildBasesOf(i);
            if (!build.isEmpty()) {
                out.println("  build-time bases: " + String.join(", ", build));
            }
            LineageGraph.Affected affected = g.affected(i, true);
            out.println("  built on it: " + (affected.images().isEmpty() ? "nothing known" : String.join(", ", affected.images())));
            g.conflicts().stream().filter(c -> c.startsWith(i)).forEach(c -> out.println("  note: " + c));
            out.flush();
            return 0;
        }
    }
}
