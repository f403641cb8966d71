package io.drydock.testing;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Drydock as a separate process: for what a test cannot set in its own JVM (environment variables such as the key
 * passphrase) and for no terminal (standard input from /dev/null).
 */
public final class DrydockProcess {
    private DrydockProcess() {
    }

    public record Run(int exit, String out, String err) {
    }

    /** Runs {@code io.drydock.cli.Main} in {@code dir} without passphrase variables but those in {@code env}. */
    public static Run run(Path dir, Map<String, String> env, String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-cp", classpath(), "io.drydock.cli.Main"));
        command.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().remove("DRYDOCK_KEY_PASSWORD");
        pb.environment().remove("COSIGN_PASSWORD");
        pb.environment().putAll(new LinkedHashMap<>(env));
        Path out = Files.createTempFile("drydock-out", ".txt");
        Path err = Files.createTempFile("drydock-err", ".txt");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(3, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("drydock " + String.join(" ", args) + " did not finish in 3 minutes");
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Surefire names the test class path; the JUnit console launcher puts it in a URL class loader instead. */
    public static String classpath() throws URISyntaxException {
        String surefire = System.getProperty("surefire.test.class.path");
        if (surefire != null) return surefire;
        if (DrydockProcess.class.getClassLoader() instanceof URLClassLoader loader && loader.getURLs().length > 0) {
            List<String> entries = new ArrayList<>();
            for (var url : loader.getURLs()) entries.add(Path.of(url.toURI()).toString());
            return String.join(File.pathSeparator, entries);
        }
        return System.getProperty("java.class.path");
    }
}
