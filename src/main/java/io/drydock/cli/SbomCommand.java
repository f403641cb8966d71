package io.drydock.cli;

import io.drydock.cache.CachingSource;
import io.drydock.image.ImageResolver;
import io.drydock.image.ResolvedImage;
import io.drydock.inventory.AnalysisWarning;
import io.drydock.inventory.Inventory;
import io.drydock.inventory.sbom.SbomWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "sbom", description = "Every OS and language package in an image, with the layer that installed it, as an SBOM.")
final class SbomCommand implements Callable<Integer> {
    @Parameters(paramLabel = "IMAGE")
    String image;

    @Option(names = "--format", defaultValue = "table", description = "cyclonedx (CycloneDX 1.6 JSON), spdx (SPDX 2.3 JSON), json or table (default).")
    String format;

    @Option(names = {"-o", "--output"}, description = "Write to this file instead of standard output.")
    Path output;

    @Mixin
    ImageOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        SbomWriter writer = SbomWriter.forName(format);
        Inventory inv = inventory(options, image);
        String text = writer.write(inv);
        if (output != null) Files.writeString(output, text.endsWith("\n") ? text : text + "\n", StandardCharsets.UTF_8);
        else {
            spec.commandLine().getOut().print(text.endsWith("\n") ? text : text + "\n");
            spec.commandLine().getOut().flush();
        }
        warn(spec.commandLine().getErr(), inv);
        return 0;
    }

    static Inventory inventory(ImageOptions options, String image) {
        try (CachingSource source = options.open(image)) {
            ResolvedImage img = ImageResolver.resolve(source, source.defaultReference(), options.platform());
            return options.inventorier().inventory(source, img);
        }
    }

    /** A partial inventory never passes as a complete one: each unreadable file is named on stderr. */
    static void warn(PrintWriter err, Inventory inv) {
        for (AnalysisWarning w : inv.warnings()) err.println("drydock: warning: " + w);
        if (!inv.complete()) err.println("drydock: warning: the inventory of " + inv.image() + " is incomplete (" + inv.warnings().size() + " files could not be read)");
        err.flush();
    }
}
