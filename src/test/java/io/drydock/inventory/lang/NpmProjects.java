package io.drydock.inventory.lang;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.testing.HostTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A small real Node.js app installed by the real package managers from the npm registry, cached under
 * {@code /var/tmp/drydock-test-npm} so only the first run on a machine needs the network. Each directory holds what
 * that tool wrote for the same {@code package.json}.
 */
final class NpmProjects {
    static final Path CACHE = Path.of(System.getenv().getOrDefault("DRYDOCK_TEST_NPM", "/var/tmp/drydock-test-npm"));
    static final String REGISTRY = "https://registry.npmjs.org";
    /** Two runtime dependencies (one scoped, with a small tree under it) and one development dependency. */
    static final String PACKAGE_JSON = """
            {
              "name": "demo-app",
              "version": "1.0.0",
              "private": true,
              "dependencies": {"lodash": "4.17.15", "@babel/code-frame": "7.12.13"},
              "devDependencies": {"left-pad": "1.3.0"}
            }
            """;
    private static final ObjectMapper JSON = new ObjectMapper();

    private NpmProjects() {
    }

    /**
     * The app installed: {@code npm/} (npm install: node_modules and a v3 package-lock.json, plus what
     * {@code npm ls} says: {@code ls-all.json}, {@code ls-prod.json}), {@code npm-v1/} (a lockfile-version 1
     * package-lock.json), {@code yarn/} (yarn 1 yarn.lock), {@code pnpm8/} and {@code pnpm9/} (pnpm-lock.yaml v6
     * and v9).
     */
    static synchronized Path demoApp() {
        Path dir = CACHE.resolve("demo-app");
        if (Files.exists(dir.resolve(".complete"))) {
            return dir;
        }
        try {
            Path npm = HostTools.require("npm", "npm");
            Path node = HostTools.require("node", "nodejs");
            Path npmDir = project(dir.resolve("npm"));
            run(npmDir, npm.toString(), "install", "--ignore-scripts", "--no-audit", "--no-fund", "--registry", REGISTRY);
            runInto(npmDir, npmDir.resolve("ls-all.json"), npm.toString(), "ls", "--all", "--json");
            runInto(npmDir, npmDir.resolve("ls-prod.json"), npm.toString(), "ls", "--all", "--json", "--omit=dev");
            run(project(dir.resolve("npm-v1")), npm.toString(), "install", "--package-lock-only", "--lockfile-version",
                    "1", "--ignore-scripts", "--no-audit", "--no-fund", "--registry", REGISTRY);

            Path tools = dir.resolve("tools");
            Files.createDirectories(tools);
            run(tools, npm.toString(), "pack", "--silent", "yarn@1.22.22", "pnpm@8.15.9", "pnpm@9.15.0");
            run(project(dir.resolve("yarn")), node.toString(), unpack(tools, "yarn-1.22.22", "bin/yarn.js"), "install",
                    "--ignore-scripts", "--non-interactive", "--no-progress", "--registry", REGISTRY,
                    "--cache-folder", dir.resolve("yarn-cache").toString());
            for (String version : List.of("8.15.9", "9.15.0")) {
                Path project = project(dir.resolve("pnpm" + version.charAt(0)));
                run(project, node.toString(), unpack(tools, "pnpm-" + version, "bin/pnpm.cjs"), "install",
                        "--lockfile-only", "--ignore-scripts", "--registry", REGISTRY,
                        "--store-dir", dir.resolve("pnpm-store").toString());
            }
            Files.writeString(dir.resolve(".complete"), "");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** name@version of every package in {@code npm ls --json} output, the app itself excluded. */
    static Set<String> listed(Path lsJson) {
        try {
            Set<String> out = new TreeSet<>();
            collect(JSON.readTree(lsJson.toFile()).get("dependencies"), out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void collect(JsonNode dependencies, Set<String> out) {
        if (dependencies == null) {
            return;
        }
        for (Map.Entry<String, JsonNode> dependency : dependencies.properties()) {
            out.add(dependency.getKey() + "@" + dependency.getValue().get("version").asText());
            collect(dependency.getValue().get("dependencies"), out);
        }
    }

    private static Path project(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("package.json"), PACKAGE_JSON);
        return dir;
    }

    private static String unpack(Path tools, String name, String bin) throws IOException {
        Path target = tools.resolve(name);
        Files.createDirectories(target);
        HostTools.runChecked("unpacking " + name, Duration.ofMinutes(1),
                List.of("tar", "-xzf", tools.resolve(name + ".tgz").toString(), "-C", target.toString()));
        return target.resolve("package").resolve(bin).toString();
    }

    private static void run(Path dir, String... command) {
        List<String> inDir = new ArrayList<>(List.of("env", "-C", dir.toString()));
        inDir.addAll(List.of(command));
        HostTools.runChecked(String.join(" ", command) + " in " + dir, Duration.ofMinutes(5), inDir);
    }

    /** Runs {@code command} with its standard output (only; npm warns on standard error) written to {@code out}. */
    private static void runInto(Path dir, Path out, String... command) {
        List<String> redirected = new ArrayList<>(List.of("env", "-C", dir.toString(), "sh", "-c",
                "out=$1; shift; exec \"$@\" > \"$out\"", "sh", out.toString()));
        redirected.addAll(List.of(command));
        HostTools.runChecked(String.join(" ", command) + " in " + dir, Duration.ofMinutes(5), redirected);
    }
}
