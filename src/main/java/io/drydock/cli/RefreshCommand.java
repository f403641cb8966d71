package io.drydock.cli;

import io.drydock.store.Store;
import io.drydock.store.Stores;
import io.drydock.watch.BaseUpdateLoop;
import io.drydock.watch.WatchConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code drydock refresh}: rebuild a golden base on its current base at the next pass, outside its schedule. */
@Command(name = "refresh", description = "Rebuild IMAGE on its current base at the next pass of drydock watch (a golden base after an advisory); pushed only if its packages change.")
final class RefreshCommand implements Callable<Integer> {
    @Parameters(paramLabel = "IMAGE")
    String image;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The watch configuration.")
    Path config;

    @Option(names = "--by", paramLabel = "NAME", description = "Who asks, for the audit trail (default: $USER).")
    String by;

    @Mixin
    ImageOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        WatchConfig c = WatchConfig.read(config);
        try (Store store = Stores.open(c.store(), options.home())) {
            BaseUpdateLoop.requestRefresh(store, c, Clock.systemUTC(), image, by != null ? by : System.getenv().getOrDefault("USER", "unknown"));
        }
        spec.commandLine().getOut().println("refresh of " + image + " requested: it runs at the next pass of drydock watch");
        spec.commandLine().getOut().flush();
        return 0;
    }
}
