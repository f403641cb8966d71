package io.drydock.cli;

import io.drydock.store.Store;
import io.drydock.store.Stores;
import io.drydock.watch.BaseUpdateLoop;
import io.drydock.watch.WatchConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code drydock approve}: let a rebuild that waits for approval go ahead. */
@Command(name = "approve", description = "Approve the rebuild of IMAGE that waits for approval (groups with approval: in the watch configuration).",
        footer = {"", "Exit codes: 0 approved; 1 nothing waits for approval for IMAGE; 2 usage error; 3 error."})
final class ApproveCommand implements Callable<Integer> {
    @Parameters(paramLabel = "IMAGE")
    String image;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The watch configuration.")
    Path config;

    @Option(names = "--by", paramLabel = "NAME", description = "Who approves, for the audit trail (default: $USER).")
    String by;

    @Mixin
    ImageOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        WatchConfig c = WatchConfig.read(config);
        String who = by != null ? by : System.getenv().getOrDefault("USER", "unknown");
        try (Store store = Stores.open(c.store(), options.home())) {
            if (!BaseUpdateLoop.approve(store, c, Clock.systemUTC(), image, who)) {
                out.println("nothing waits for approval for " + image);
                out.flush();
                return 1;
            }
        }
        out.println("approved: the rebuild of " + image + " runs at the next pass of drydock watch");
        out.flush();
        return 0;
    }
}
