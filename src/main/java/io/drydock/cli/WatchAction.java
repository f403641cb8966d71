package io.drydock.cli;

import io.drydock.store.Store;
import io.drydock.store.Stores;
import io.drydock.watch.WatchConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** What a person asks of a running watch loop about one image (approve, refresh): recorded in its store, with who asked. */
abstract class WatchAction implements Callable<Integer> {
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

    /** Does the action; returns the exit code. */
    abstract int act(Store store, WatchConfig config, String who, PrintWriter out);

    @Override
    public Integer call() {
        WatchConfig c = WatchConfig.read(config);
        PrintWriter out = spec.commandLine().getOut();
        try (Store store = Stores.open(c.store(), options.home())) {
            int exit = act(store, c, by != null ? by : System.getenv().getOrDefault("USER", "unknown"), out);
            out.flush();
            return exit;
        }
    }
}
