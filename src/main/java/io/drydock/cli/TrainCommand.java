package io.drydock.cli;

import com.sun.net.httpserver.HttpServer;
import io.drydock.DrydockException;
import io.drydock.image.ImageReference;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Not for users: the launcher runs this once per build with {@code -XX:ArchiveClassesAtExit}, so that the
 * class-data archive holds the classes real commands load: everything the offline demo touches (inspect, files,
 * inventory, DB, scan, reports) and the registry client's HTTP and TLS stack, reached through a throwaway local
 * HTTP server that answers 404.
 */
@Command(name = "train-startup", hidden = true, description = "Exercise the code paths of common commands (for the launcher's class-data archive).")
final class TrainCommand implements Callable<Integer> {
    @Mixin
    ImageOptions options;

    @Override
    public Integer call() throws IOException {
        PrintWriter quiet = new PrintWriter(new StringWriter());
        int demo = Main.run(new String[] {"demo", "--first-act-only", "--home", options.home().toString()}, quiet, quiet);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.start();
        try {
            options.client().manifest(ImageReference.parse("127.0.0.1:" + server.getAddress().getPort() + "/training/app:1"));
        } catch (DrydockException expected) {
            // a 404 is the point: the request and error paths are now loaded
        } finally {
            server.stop(0);
        }
        return demo;
    }
}
