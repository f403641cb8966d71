package io.drydock.inventory.lang;

import io.drydock.testing.HostTools;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Real Go binaries built with Debian's Go toolchain (installed on demand) from a tiny program, cached under
 * {@code /var/tmp/drydock-test-go}. No network: the two versioned dependencies come from a module proxy on disk
 * ({@code GOPROXY=file://...}) that this class writes, the third is a local directory replacement.
 */
final class GoBinaries {
    static final Path CACHE = Path.of(System.getenv().getOrDefault("DRYDOCK_TEST_GO", "/var/tmp/drydock-test-go"));

    /** Build variants: the default, position-independent, and stripped without symbols, DWARF or Go build ID. */
    enum Variant {
        DEFAULT(List.of()),
        PIE(List.of("-buildmode=pie")),
        STRIPPED(List.of("-ldflags=-s -w -buildid="));

        final List<String> flags;

        Variant(List<String> flags) {
            this.flags = flags;
        }

        String fileName() {
            return "hello-" + name().toLowerCase();
        }
    }

    private GoBinaries() {
    }

    /** The binary built in {@code variant}; {@link #goVersionM} says what Go itself reads from it. */
    static synchronized Path binary(Variant variant) {
        Path dir = CACHE.resolve("hello");
        Path binary = dir.resolve("bin").resolve(variant.fileName());
        if (Files.exists(dir.resolve(".complete"))) {
            return binary;
        }
        try {
            Path go = HostTools.require("go", "golang-go");
            writeProxy(dir.resolve("proxy"));
            writeProgram(dir.resolve("src"));
            for (Variant v : Variant.values()) {
                Path bin = dir.resolve("bin").resolve(v.fileName());
                List<String> build = new ArrayList<>(List.of(go.toString(), "build", "-trimpath", "-o", bin.toString()));
                build.addAll(v.flags);
                build.add(".");
                run("go build " + v, dir, build);
                Files.writeString(bin.resolveSibling(v.fileName() + ".version-m"),
                        run("go version -m", dir, List.of(go.toString(), "version", "-m", bin.toString())));
            }
            Files.writeString(dir.resolve(".complete"), "");
            return binary;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code go version -m} of the binary: the reference our reading of the build info must agree with. */
    static String goVersionM(Variant variant) {
        try {
            Path binary = binary(variant);
            return Files.readString(binary.resolveSibling(binary.getFileName() + ".version-m"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs {@code command} in {@code dir/src} with a Go environment confined to {@code dir}: its own caches, the
     * proxy on disk, no checksum database.
     */
    private static String run(String what, Path dir, List<String> command) {
        List<String> confined = new ArrayList<>(List.of("env", "-C", dir.resolve("src").toString(),
                "GOPATH=" + dir.resolve("gopath"), "GOCACHE=" + dir.resolve("gocache"), "HOME=" + dir,
                "GOPROXY=file://" + dir.resolve("proxy"), "GOSUMDB=off", "GOFLAGS=-mod=mod", "CGO_ENABLED=0",
                "GO111MODULE=on", "GOTOOLCHAIN=local"));
        confined.addAll(command);
        return HostTools.runChecked(what, Duration.ofMinutes(5), confined).output();
    }

    private static void writeProgram(Path src) throws IOException {
        Files.createDirectories(src.resolve("greeter"));
        Files.writeString(src.resolve("go.mod"), """
                module example.com/drydock/hello

                go 1.19

                require (
                	example.com/greeter v0.0.0
                	example.com/legacy v1.0.0
                	example.com/quote v1.5.2
                )

                replace example.com/legacy v1.0.0 => example.com/fork v1.1.0

                replace example.com/greeter => ./greeter
                """);
        Files.writeString(src.resolve("main.go"), """
                package main

                import (
                	"fmt"

                	"example.com/greeter"
                	"example.com/legacy"
                	"example.com/quote"
                )

                func main() { fmt.Println(quote.Hello(), legacy.Name(), greeter.Greet()) }
                """);
        Files.writeString(src.resolve("greeter/go.mod"), "module example.com/greeter\n\ngo 1.19\n");
        Files.writeString(src.resolve("greeter/greeter.go"),
                "package greeter\n\nfunc Greet() string { return \"hi\" }\n");
    }

    /** A module proxy laid out as the GOPROXY protocol's files: list, .info, .mod, .zip per version. */
    private static void writeProxy(Path proxy) throws IOException {
        module(proxy, "example.com/quote", "v1.5.2", "example.com/quote",
                Map.of("quote.go", "package quote\n\nfunc Hello() string { return \"Hello, world.\" }\n"));
        // a fork that keeps the original module path, as forks used with replace directives do
        module(proxy, "example.com/fork", "v1.1.0", "example.com/legacy",
                Map.of("legacy.go", "package legacy\n\nfunc Name() string { return \"fork\" }\n"));
    }

    private static void module(Path proxy, String path, String version, String declaredPath, Map<String, String> files)
            throws IOException {
        Path versions = proxy.resolve(path).resolve("@v");
        Files.createDirectories(versions);
        String goMod = "module " + declaredPath + "\n\ngo 1.19\n";
        Files.writeString(versions.resolve("list"), version + "\n");
        Files.writeString(versions.resolve(version + ".info"),
                "{\"Version\":\"" + version + "\",\"Time\":\"2023-01-01T00:00:00Z\"}\n");
        Files.writeString(versions.resolve(version + ".mod"), goMod);
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(zip)) {
            String prefix = path + "@" + version + "/";
            out.putNextEntry(new ZipEntry(prefix + "go.mod"));
            out.write(goMod.getBytes(StandardCharsets.UTF_8));
            for (Map.Entry<String, String> file : files.entrySet()) {
                out.putNextEntry(new ZipEntry(prefix + file.getKey()));
                out.write(file.getValue().getBytes(StandardCharsets.UTF_8));
            }
        }
        Files.write(versions.resolve(version + ".zip"), zip.toByteArray());
    }
}
