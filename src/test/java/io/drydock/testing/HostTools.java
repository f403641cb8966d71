package io.drydock.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs the host programs the test infrastructure is built on (docker-registry, skopeo, htpasswd, ...)
 * and installs their Debian packages when a fresh CI machine lacks them, so no test depends on
 * something installed by hand.
 */
public final class HostTools {
    /** Not every PATH a test JVM inherits has the sbin directories, where e.g. debootstrap lives. */
    private static final List<String> EXTRA_PATH = List.of("/usr/local/sbin", "/usr/sbin", "/sbin");

    private static boolean aptUpdated;

    private HostTools() {}

    /** Output and exit code of a finished command (stdout and stderr merged, in order). */
    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** The last {@code lines} lines of the output, for error messages. */
        public String tail(int lines) {
            String[] all = output.split("\n", -1);
            int from = Math.max(0, all.length - lines);
            return String.join("\n", java.util.Arrays.copyOfRange(all, from, all.length)).strip();
        }
    }

    /** Where {@code command} is on PATH (plus the sbin directories), if anywhere. */
    public static Optional<Path> which(String command) {
        Set<String> dirs = new LinkedHashSet<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        dirs.addAll(EXTRA_PATH);
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, command);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Makes sure {@code command} exists, installing {@code debianPackage} with apt-get if it does not
     * ({@code apt-get update} at most once per JVM). Returns the command's path.
     */
    public static synchronized Path require(String command, String debianPackage) {
        Optional<Path> found = which(command);
        if (found.isPresent()) {
            return found.get();
        }
        if (!isRoot()) {
            throw new IllegalStateException(command + " is not installed and this process is not root, so it cannot run "
                    + "'apt-get install " + debianPackage + "'; install the Debian package " + debianPackage);
        }
        if (!aptUpdated) {
            Result update = run(Duration.ofMinutes(5), List.of("apt-get", "update", "-qq"));
            if (!update.ok()) {
                throw new IllegalStateException("apt-get update (needed to install " + debianPackage + " for " + command
                        + ") failed with exit " + update.exitCode() + ":\n" + update.tail(20));
            }
            aptUpdated = true;
        }
        // The dpkg lock timeout lets parallel test JVMs install packages one after the other.
        Result install = run(Duration.ofMinutes(10), List.of("apt-get", "install", "-y", "-qq",
                "--no-install-recommends", "-o", "DPkg::Lock::Timeout=300", debianPackage),
                Map.of("DEBIAN_FRONTEND", "noninteractive"));
        if (!install.ok()) {
            throw new IllegalStateException("apt-get install " + debianPackage + " (for " + command + ") failed with exit "
                    + install.exitCode() + ":\n" + install.tail(20));
        }
        return which(command).orElseThrow(() -> new IllegalStateException(
                "installed the Debian package " + debianPackage + " but " + command + " is still not on PATH"));
    }

    /** Runs a command to completion; kills it (and its children) after {@code timeout}. */
    public static Result run(Duration timeout, List<String> command) {
        return run(timeout, command, Map.of());
    }

    public static Result run(Duration timeout, List<String> command, Map<String, String> extraEnv) {
        Path out = null;
        try {
            // A file, not a pipe: a chatty command can never block on a full pipe buffer.
            out = Files.createTempFile("drydock-cmd-", ".out");
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().putAll(extraEnv);
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                destroyTree(p);
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s: " + String.join(" ", command)
                        + "\n" + tailOf(Files.readString(out, StandardCharsets.UTF_8), 20));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a stray temp file is harmless
                }
            }
        }
    }

    /**
     * Like {@link #run(Duration, List)} but throws when the command fails; the message names {@code what}
     * (the step being attempted) and carries the end of the command's output.
     */
    public static Result runChecked(String what, Duration timeout, List<String> command) {
        Result r = run(timeout, command);
        if (!r.ok()) {
            throw new IllegalStateException(what + " failed (exit " + r.exitCode() + "): " + String.join(" ", command)
                    + "\n" + r.tail(30));
        }
        return r;
    }

    /** SIGTERM to the process and its descendants, then SIGKILL to whatever is left after 5 s. */
    static void destroyTree(Process p) {
        List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
        all.add(p.toHandle());
        all.forEach(ProcessHandle::destroy);
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    static String tailOf(String text, int lines) {
        return new Result(0, text).tail(lines);
    }

    private static boolean isRoot() {
        Result r = run(Duration.ofSeconds(10), List.of("id", "-u"));
        return r.ok() && r.output().strip().equals("0");
    }
}
