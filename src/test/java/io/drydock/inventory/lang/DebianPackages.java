package io.drydock.inventory.lang;

import io.drydock.testing.HostTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Real Debian packages, downloaded with {@code apt-get download} and unpacked with {@code dpkg-deb -x} into
 * {@code /var/tmp/drydock-test-debs}, so only the first run on a machine needs the network.
 */
final class DebianPackages {
    static final Path CACHE = Path.of(System.getenv().getOrDefault("DRYDOCK_TEST_DEBS", "/var/tmp/drydock-test-debs"));
    private static boolean listsUpdated;

    private DebianPackages() {
    }

    /** The unpacked file tree of {@code name} (the candidate version of this machine's apt sources). */
    static synchronized Path unpacked(String name) {
        Path dir = CACHE.resolve(name);
        Path tree = dir.resolve("tree");
        try {
            if (!Files.exists(dir.resolve(".complete"))) {
                Files.createDirectories(dir);
                download(name, dir);
                HostTools.runChecked("unpacking " + name, Duration.ofMinutes(2),
                        List.of("dpkg-deb", "-x", deb(dir).toString(), tree.toString()));
                Files.writeString(dir.resolve(".complete"), "");
            }
            return tree;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The package's upstream version: its Debian version without epoch and Debian revision. */
    static String upstreamVersion(String name) {
        unpacked(name);
        String version = HostTools.runChecked("reading the version of " + name, Duration.ofMinutes(1),
                List.of("dpkg-deb", "-f", deb(CACHE.resolve(name)).toString(), "Version")).output().strip();
        int colon = version.indexOf(':');
        int dash = version.lastIndexOf('-');
        return version.substring(colon + 1, dash > colon ? dash : version.length());
    }

    private static void download(String name, Path dir) {
        List<String> command = List.of("env", "-C", dir.toString(), "apt-get", "download", "-q", name);
        HostTools.Result result = HostTools.run(Duration.ofMinutes(5), command);
        if (!result.ok() && !listsUpdated) {
            // a fresh machine may have no package lists yet
            HostTools.runChecked("apt-get update", Duration.ofMinutes(5), List.of("apt-get", "update", "-qq"));
            listsUpdated = true;
            result = HostTools.run(Duration.ofMinutes(5), command);
        }
        if (!result.ok()) {
            throw new IllegalStateException("apt-get download " + name + " failed:\n" + result.tail(20));
        }
    }

    private static Path deb(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".deb")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no .deb in " + dir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
