package io.drydock.cli;

import io.drydock.image.ImageResolver;
import io.drydock.image.Platform;
import io.drydock.image.ResolvedImage;
import io.drydock.image.local.OciLayoutSource;
import io.drydock.layer.FileNode;
import io.drydock.layer.FileTree;
import io.drydock.layer.ImageLayers;
import io.drydock.layer.LayerReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "demo", description = "Build a small real example image offline and run Drydock on it.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", description = "Where to write the example OCI layout (default: $DRYDOCK_HOME/demo/oci).")
    Path out;

    @Option(names = "--first-act-only", description = "Stop after the scan: no local registry, no base-update loop.")
    boolean firstActOnly;

    @Mixin
    ImageOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        Path layout = out != null ? out : options.home().resolve("demo").resolve("oci");
        deleteIfDemoLayout(layout);
        o.println("== 1. Building an example image (Debian bookworm package metadata + log4j-core 2.14.1 + lodash 4.17.15)");
        DemoImage.build(layout);
        o.println("   wrote OCI layout " + layout + " with tags 'base-2023' (bookworm with glibc " + DemoImage.OLD_GLIBC + "),");
        o.println("   'app' (built on base-2023, with OCI base annotations) and 'base' (the base tag, since moved to current bookworm)");
        o.println();
        o.println("== 2. drydock inspect oci:" + layout + ":app");
        try (OciLayoutSource source = OciLayoutSource.open(layout, "app")) {
            ResolvedImage img = ImageResolver.resolve(source, "app", Platform.LINUX_AMD64);
            o.print(InspectCommand.table(img));
            o.println();
            o.println("== 3. drydock files oci:" + layout + ":app  (squashed view: which layer wrote each file)");
            FileTree tree = ImageLayers.fileTree(source, img, new LayerReader());
            List<String[]> rows = Text.rows();
            rows.add(new String[]{"LAYER", "SIZE", "PATH", "CREATED BY"});
            for (FileNode n : tree.stream().filter(FileNode::isRegularFile).toList()) {
                rows.add(new String[]{String.valueOf(n.layer().index()), Text.bytes(n.size()), "/" + n.path(), Text.oneLine(n.layer().createdBy(), 60)});
            }
            o.print(Text.table(rows));
            o.println();
            o.println("== 4. drydock sbom oci:" + layout + ":app  (inventory: every package and the layer that installed it)");
            io.drydock.inventory.Inventory inv = options.inventorier().inventory(source, img);
            long debs = inv.components().stream().filter(c -> c.pkg().isOsPackage()).count();
            o.printf("OS: %s; %d Debian packages in layer 0, e.g. %s%n", inv.os(), debs, inv.components().stream()
                    .filter(c -> c.pkg().name().equals("libc6")).map(io.drydock.inventory.Component::purl).findFirst().orElse("-"));
            List<String[]> pkgs = Text.rows();
            pkgs.add(new String[]{"LAYER", "TYPE", "PACKAGE", "VERSION", "PURL"});
            inv.components().stream().filter(c -> !c.pkg().isOsPackage()).forEach(c -> pkgs.add(new String[]{
                    String.valueOf(c.layer().index()), c.pkg().type(), c.pkg().name(), c.pkg().version(), c.purl()}));
            o.print(Text.table(pkgs));
            SbomCommand.warn(spec.commandLine().getErr(), inv);
        }
        o.println();
        o.println("== 5. drydock scan oci:" + layout + ":app  (shipped real advisories, offline; base vs application, remediation)");
        o.flush();
        int scanned = Main.run(new String[] {"scan", "--home", options.home().toString(), "oci:" + layout + ":app"}, o,
                spec.commandLine().getErr());
        if (scanned != 0) {
            throw new io.drydock.DrydockException("the demo scan failed (exit " + scanned + ")");
        }
        if (!firstActOnly) {
            o.println();
            Path scratch = null;
            try {
                // the registry's storage and the loop's keys live only as long as the demo
                scratch = Files.createTempDirectory("drydock-demo-loop");
                DemoLoop.run(options, layout, scratch, o, spec.commandLine().getErr());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                if (scratch != null) {
                    deleteTree(scratch);
                }
            }
        }
        o.println();
        o.println("Next: drydock inspect|files|pull|sbom|scan work the same on registries (alpine:3.20, 127.0.0.1:5000/app:1),");
        o.println("OCI layouts (oci:DIR:TAG) and archives (docker-archive:FILE, oci-archive:FILE);");
        o.println("drydock db update builds the advisory DB from the shipped real advisories, offline.");
        o.flush();
        return 0;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            // a leftover temporary directory is not worth failing the demo for
        }
    }

    /** Replaces only a previous demo layout, never a directory that holds something else. */
    private static void deleteIfDemoLayout(Path dir) {
        if (!Files.exists(dir)) return;
        if (!Files.exists(dir.resolve("oci-layout"))) {
            throw new io.drydock.DrydockException(dir + " exists and is not an OCI layout; choose another --out");
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
