package io.drydock.cli;

import io.drydock.store.Store;
import io.drydock.watch.BaseUpdateLoop;
import io.drydock.watch.WatchConfig;
import java.io.PrintWriter;
import java.time.Clock;
import picocli.CommandLine.Command;

/** {@code drydock approve}: let a rebuild that waits for approval go ahead. */
@Command(name = "approve", description = "Approve the rebuild of IMAGE that waits for approval (groups with approval: in the watch configuration).",
        footer = {"", "Exit codes: 0 approved; 1 nothing waits for approval for IMAGE; 2 usage error; 3 error."})
final class ApproveCommand extends WatchAction {
    @Override
    int act(Store store, WatchConfig config, String who, PrintWriter out) {
        if (!BaseUpdateLoop.approve(store, config, Clock.systemUTC(), image, who)) {
            out.println("nothing waits for approval for " + image);
            return 1;
        }
        out.println("approved: the rebuild of " + image + " runs at the next pass of drydock watch");
        return 0;
    }
}
