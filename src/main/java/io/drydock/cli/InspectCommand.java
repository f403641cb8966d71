package io.drydock.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.cache.CachingSource;
import io.drydock.image.Descriptor;
import io.drydock.image.ImageConfig;
import io.drydock.image.ImageIndex;
import io.drydock.image.ImageResolver;
import io.drydock.image.LayerRef;
import io.drydock.image.ResolvedImage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "inspect", description = "Show an image's digest, platforms, config and layers (no layer is downloaded).")
final class InspectCommand implements Callable<Integer> {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Parameters(paramLabel = "IMAGE", description = "A reference (alpine, registry:5000/app:1@sha256:…), oci:DIR[:TAG], oci-archive:FILE[:TAG] or docker-archive:FILE[:NAME:TAG].")
    String image;

    @Option(names = "--format", description = "table (default) or json.", defaultValue = "table")
    String format;

    @Mixin
    ImageOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        OutputFormat fmt = OutputFormat.parse(format, OutputFormat.TABLE, OutputFormat.JSON);
        try (CachingSource source = options.open(image)) {
            ResolvedImage img = ImageResolver.resolve(source, source.defaultReference(), options.platform());
            PrintWriter out = spec.commandLine().getOut();
            if (fmt == OutputFormat.JSON) out.println(json(img));
            else out.print(table(img));
            out.flush();
        }
        return 0;
    }

    static String table(ResolvedImage img) {
        ImageConfig c = img.config();
        List<String[]> head = Text.rows();
        head.add(new String[]{"Image", img.name()});
        if (img.top() instanceof ImageIndex idx) {
            head.add(new String[]{"Index digest", idx.digest().toString()});
            head.add(new String[]{"Index type", idx.mediaType()});
            head.add(new String[]{"Platforms", String.join(", ", idx.manifests().stream()
                    .map(d -> d.platform() == null ? "unknown" : d.platform().toString()).toList())});
        }
        head.add(new String[]{"Digest", img.digest().toString()});
        head.add(new String[]{"Media type", img.manifest().mediaType()});
        head.add(new String[]{"Platform", c.platform().toString()});
        head.add(new String[]{"Created", nullToDash(c.created())});
        head.add(new String[]{"User", c.user() == null || c.user().isEmpty() ? "(root)" : c.user()});
        head.add(new String[]{"Entrypoint", c.entrypoint() == null ? "-" : c.entrypoint().toString()});
        head.add(new String[]{"Cmd", c.cmd() == null ? "-" : c.cmd().toString()});
        head.add(new String[]{"Working dir", nullToDash(c.workingDir())});
        for (int i = 0; i < Math.max(1, c.env().size()); i++) {
            head.add(new String[]{i == 0 ? "Env" : "", c.env().isEmpty() ? "-" : c.env().get(i)});
        }
        var labels = c.labels().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey()).toList();
        for (int i = 0; i < Math.max(1, labels.size()); i++) {
            head.add(new String[]{i == 0 ? "Labels" : "", labels.isEmpty() ? "-" : labels.get(i).getKey() + "=" + labels.get(i).getValue()});
        }
        long total = img.layers().stream().mapToLong(l -> l.descriptor().size()).sum();
        head.add(new String[]{"Layers", img.layers().size() + " (" + Text.bytes(total) + " compressed)"});
        List<String[]> layers = Text.rows();
        layers.add(new String[]{"#", "DIGEST", "SIZE", "CREATED BY"});
        for (LayerRef l : img.layers()) {
            layers.add(new String[]{String.valueOf(l.index()), l.digest().toString(), Text.bytes(l.descriptor().size()),
                    Text.oneLine(l.createdBy(), 80)});
        }
        return Text.table(head) + "\n" + Text.table(layers);
    }

    private static String nullToDash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }

    static String json(ResolvedImage img) {
        ObjectNode root = JSON.createObjectNode();
        root.put("schemaVersion", 1);
        root.put("image", img.name());
        root.put("digest", img.digest().toString());
        root.put("mediaType", img.manifest().mediaType());
        if (img.top() instanceof ImageIndex idx) {
            ObjectNode index = root.putObject("index");
            index.put("digest", idx.digest().toString());
            index.put("mediaType", idx.mediaType());
            ArrayNode platforms = index.putArray("manifests");
            for (Descriptor d : idx.manifests()) {
                ObjectNode p = platforms.addObject();
                p.put("digest", d.digest().toString());
                p.put("platform", d.platform() == null ? null : d.platform().toString());
                p.put("size", d.size());
            }
        }
        ImageConfig c = img.config();
        ObjectNode config = root.putObject("config");
        config.put("digest", img.manifest().config().digest().toString());
        config.put("os", c.os());
        config.put("architecture", c.architecture());
        if (c.variant() != null) config.put("variant", c.variant());
        config.put("created", c.created());
        config.put("user", c.user());
        putList(config, "entrypoint", c.entrypoint());
        putList(config, "cmd", c.cmd());
        putList(config, "env", c.env());
        config.put("workingDir", c.workingDir());
        ObjectNode labels = config.putObject("labels");
        c.labels().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey()).forEach(e -> labels.put(e.getKey(), e.getValue()));
        ArrayNode layers = root.putArray("layers");
        for (LayerRef l : img.layers()) {
            ObjectNode n = layers.addObject();
            n.put("index", l.index());
            n.put("digest", l.digest().toString());
            n.put("diffId", l.diffId() == null ? null : l.diffId().toString());
            n.put("mediaType", l.descriptor().mediaType());
            n.put("size", l.descriptor().size());
            n.put("createdBy", l.createdBy());
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void putList(ObjectNode n, String field, List<String> values) {
        if (values == null) {
            n.putNull(field);
            return;
        }
        ArrayNode a = n.putArray(field);
        values.forEach(a::add);
    }
}
