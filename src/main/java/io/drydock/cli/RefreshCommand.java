package io.drydock.cli;

import io.drydock.store.Store;
import io.drydock.watch.BaseUpdateLoop;
import io.drydock.watch.WatchConfig;
import java.io.PrintWriter;
import java.time.Clock;
import picocli.CommandLine.Command;

/** {@code drydock refresh}: rebuild a golden base on its current base at the next pass, outside its schedule. */
@Command(name = "refresh", description = "Rebuild IMAGE on its current base at the next pass of drydock watch (a golden base after an advisory); pushed only if its packages change.")
final class RefreshCommand extends WatchAction {
    @Override
    int act(Store store, WatchConfig config, String who, PrintWriter out) {
        BaseUpdateLoop.requestRefresh(store, config, Clock.systemUTC(), image, who);
        out.println("refresh of " + image + " requested: it runs at the next pass of drydock watch");
        return 0;
    }
}
