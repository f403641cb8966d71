package io.drydock.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.DrydockException;
import io.drydock.cache.CachingSource;
import io.drydock.image.ImageResolver;
import io.drydock.image.ResolvedImage;
import io.drydock.layer.FileNode;
import io.drydock.layer.FileTree;
import io.drydock.layer.ImageLayers;
import io.drydock.layer.LayerReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "files", description = "The squashed file view of an image: for each path, the layer that last wrote it and that layer's created_by.")
final class FilesCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IMAGE")
    String image;

    @Parameters(index = "1..*", paramLabel = "PATH", description = "Paths or directory prefixes to show (default: everything).")
    List<String> paths = new ArrayList<>();

    @Option(names = "--format", defaultValue = "table", description = "table (default) or json.")
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
            FileTree tree = ImageLayers.fileTree(source, img, new LayerReader());
            List<FileNode> nodes = select(tree).toList();
            if (!paths.isEmpty() && nodes.isEmpty()) throw new DrydockException("no path in " + img.name() + " matches " + paths);
            PrintWriter out = spec.commandLine().getOut();
            if (fmt == OutputFormat.JSON) {
                ObjectNode root = InspectCommand.JSON.createObjectNode();
                root.put("schemaVersion", 1);
                root.put("image", img.name());
                root.put("digest", img.digest().toString());
                ArrayNode files = root.putArray("files");
                for (FileNode n : nodes) {
                    ObjectNode f = files.addObject();
                    f.put("path", "/" + n.path());
                    f.put("type", n.type().name().toLowerCase());
                    f.put("size", n.size());
                    f.put("mode", String.format("%04o", n.mode()));
                    if (n.linkTarget() != null) f.put("linkTarget", n.linkTarget());
                    f.put("layerIndex", n.layer().index());
                    f.put("layerDigest", n.layer().digest());
                    f.put("createdBy", n.layer().createdBy());
                }
                out.println(root.toPrettyString());
            } else {
                List<String[]> rows = Text.rows();
                rows.add(new String[]{"LAYER", "SIZE", "PATH", "CREATED BY"});
                for (FileNode n : nodes) {
                    String path = "/" + n.path() + (n.isDirectory() ? "/" : "") + (n.linkTarget() != null ? " -> " + n.linkTarget() : "");
                    rows.add(new String[]{String.valueOf(n.layer().index()), n.isRegularFile() ? Text.bytes(n.size()) : "-", path,
                            Text.oneLine(n.layer().createdBy(), 60)});
                }
                out.print(Text.table(rows));
                out.printf("%d paths shown, %d in the image%n", nodes.size(), tree.size());
            }
            out.flush();
        }
        return 0;
    }

    private Stream<FileNode> select(FileTree tree) {
        if (paths.isEmpty()) return tree.stream();
        List<String> prefixes = paths.stream().map(p -> p.replaceAll("^/+", "").replaceAll("/+$", "")).toList();
        return tree.stream().filter(n -> prefixes.stream().anyMatch(p -> p.isEmpty() || n.path().equals(p) || n.path().startsWith(p + "/")));
    }
}
