package io.drydock.cli;

import io.drydock.cache.CachingSource;
import io.drydock.cache.Puller;
import io.drydock.image.ImageResolver;
import io.drydock.image.ResolvedImage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

@Command(name = "pull", description = "Fetch an image's config and layers into the cache, verifying every digest.")
final class PullCommand implements Callable<Integer> {
    @Parameters(paramLabel = "IMAGE")
    String image;

    @Option(names = "--parallel", description = "Layers fetched at once (default: 4).", defaultValue = "4")
    int parallel;

    @Mixin
    ImageOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try (CachingSource source = options.open(image)) {
            ResolvedImage img = ImageResolver.resolve(source, source.defaultReference(), options.platform());
            long total = img.layers().stream().mapToLong(l -> l.descriptor().size()).sum();
            Progress progress = new Progress(spec.commandLine().getErr(), Progress.isTerminal(), total);
            long start = System.nanoTime();
            Puller.Result r = new Puller(parallel).pull(source, img, progress);
            progress.end();
            spec.commandLine().getOut().printf("%s %s: %d layers fetched (%s), %d already cached, in %.2f s%n",
                    img.name(), img.digest(), r.fetched(), Text.bytes(r.bytesFetched()), r.alreadyCached(),
                    (System.nanoTime() - start) / 1e9);
        }
        return 0;
    }
}
