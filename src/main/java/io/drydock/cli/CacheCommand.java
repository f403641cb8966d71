package io.drydock.cli;

import io.drydock.cache.BlobCache;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.time.Duration;
import java.util.Locale;

@Command(name = "cache", description = "Show or prune the blob cache.", subcommands = {CacheCommand.Info.class, CacheCommand.Prune.class})
final class CacheCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "info", description = "Where the cache is and how much it holds.")
    static final class Info implements Runnable {
        @Mixin
        ImageOptions options;
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            BlobCache cache = options.cache();
            var entries = cache.entries();
            spec.commandLine().getOut().printf("%s: %d blobs, %s%n", cache.root(), entries.size(),
                    Text.bytes(entries.stream().mapToLong(BlobCache.Entry::size).sum()));
        }
    }

    @Command(name = "prune", description = "Remove least recently used blobs until the cache fits the limit.")
    static final class Prune implements Runnable {
        @Mixin
        ImageOptions options;
        @Spec
        CommandSpec spec;

        @Option(names = "--max-size", description = "Size to keep, e.g. 10GiB, 500MiB, 0 (default: $DRYDOCK_CACHE_MAX or 20GiB).")
        String maxSize;

        @Override
        public void run() {
            String limit = maxSize != null ? maxSize : System.getenv().getOrDefault("DRYDOCK_CACHE_MAX", "20GiB");
            BlobCache.PruneResult r = options.cache().prune(parseSize(limit), Duration.ofHours(1));
            spec.commandLine().getOut().printf("removed %d blobs (%s); %s remain in %s%n", r.removed(), Text.bytes(r.freedBytes()),
                    Text.bytes(r.remainingBytes()), options.cache().root());
        }
    }

    static long parseSize(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT).replace(" ", "");
        long mult = 1;
        String[][] units = {{"TIB", "1099511627776"}, {"GIB", "1073741824"}, {"MIB", "1048576"}, {"KIB", "1024"},
                {"TB", "1000000000000"}, {"GB", "1000000000"}, {"MB", "1000000"}, {"KB", "1000"}, {"B", "1"}};
        for (String[] u : units) {
            if (t.endsWith(u[0])) {
                mult = Long.parseLong(u[1]);
                t = t.substring(0, t.length() - u[0].length());
                break;
            }
        }
        try {
            return (long) (Double.parseDouble(t) * mult);
        } catch (NumberFormatException e) {
            throw new io.drydock.DrydockException("invalid size '" + text + "': use a number with an optional unit, e.g. 10GiB");
        }
    }
}
