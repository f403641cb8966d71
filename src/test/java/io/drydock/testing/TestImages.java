package io.drydock.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real images built by {@code src/test/fixtures/build-images.sh}: built on first use in a JVM (about a
 * minute the first time on a machine, instant afterwards) into {@code $DRYDOCK_FIXTURES}, default
 * {@code /var/tmp/drydock-fixtures}.
 *
 * <p>Layout of {@link #fixtures()}:
 * <pre>
 *   oci/                    OCI layout with tags base, app, arm64     ({@link #ociRef(String)})
 *   multi/                  OCI layout, tag multi = image index       ({@link #multiRef()})
 *   app-docker.tar          docker-archive of app, RepoTags docker.io/test/app:1
 *   app-oci.tar             oci-archive of app, tag app
 *   rootfs-dpkg-query.txt   Package TAB Version TAB Status of every package in base
 *   manifest.txt            key=value digests: base.manifest, app.layers, app.layer.0, multi.index, ...
 * </pre>
 */
public final class TestImages {
    /** Environment variable that overrides where the fixtures are built. */
    public static final String FIXTURES_ENV = "DRYDOCK_FIXTURES";
    /** System property that overrides where build-images.sh is (default: found from the working directory). */
    public static final String SCRIPT_PROPERTY = "drydock.fixtureScript";
    public static final Path DEFAULT_DIR = Path.of("/var/tmp/drydock-fixtures");
    static final String SCRIPT_IN_PROJECT = "src/test/fixtures/build-images.sh";

    private static Path built;
    private static RuntimeException failure;
    private static Map<String, String> manifest;

    private TestImages() {}

    /** Builds the fixtures if needed (once per JVM) and returns their directory. */
    public static synchronized Path fixtures() {
        if (built != null) {
            return built;
        }
        // A failed build is not retried in the same JVM: each retry would cost another minute per test class.
        if (failure != null) {
            throw failure;
        }
        try {
            Path dir = fixturesDir();
            runBuildScript(script(), dir);
            built = dir;
            return dir;
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        }
    }

    /** Where the fixtures are (or will be) built, without building them. */
    public static Path fixturesDir() {
        String env = System.getenv(FIXTURES_ENV);
        return (env == null || env.isBlank() ? DEFAULT_DIR : Path.of(env)).toAbsolutePath();
    }

    public static Path ociLayout() {
        return fixtures().resolve("oci");
    }

    public static Path multiLayout() {
        return fixtures().resolve("multi");
    }

    public static Path dockerArchive() {
        return fixtures().resolve("app-docker.tar");
    }

    public static Path ociArchive() {
        return fixtures().resolve("app-oci.tar");
    }

    public static Path dpkgQueryOutput() {
        return fixtures().resolve("rootfs-dpkg-query.txt");
    }

    /** skopeo-style reference to a tag of the main layout: {@code oci:/.../oci:app}. Tags: base, app, arm64. */
    public static String ociRef(String tag) {
        return "oci:" + ociLayout() + ":" + tag;
    }

    /** skopeo-style reference to the multi-arch index: {@code oci:/.../multi:multi}. */
    public static String multiRef() {
        return "oci:" + multiLayout() + ":multi";
    }

    /** All key=value pairs of manifest.txt, in file order. */
    public static synchronized Map<String, String> manifestValues() {
        if (manifest == null) {
            Path file = fixtures().resolve("manifest.txt");
            Map<String, String> values = new LinkedHashMap<>();
            try {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (line.isBlank() || line.startsWith("#")) {
                        continue;
                    }
                    int eq = line.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalStateException("malformed line in " + file + ": " + line);
                    }
                    values.put(line.substring(0, eq), line.substring(eq + 1));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
            manifest = Collections.unmodifiableMap(values);
        }
        return manifest;
    }

    /** One value of manifest.txt, e.g. {@code value("app.manifest")}; throws if the key is absent. */
    public static String value(String key) {
        String v = manifestValues().get(key);
        if (v == null) {
            throw new IllegalArgumentException("no key '" + key + "' in " + fixtures().resolve("manifest.txt")
                    + "; keys are " + manifestValues().keySet());
        }
        return v;
    }

    public static int intValue(String key) {
        return Integer.parseInt(value(key));
    }

    /** Digest of the manifest that {@code tag} (base, app, arm64) points at. */
    public static String manifestDigest(String tag) {
        return value(tag + ".manifest");
    }

    /** Compressed layer digests of {@code tag} (base, app, arm64), bottom layer first. */
    public static List<String> layerDigests(String tag) {
        int n = intValue(tag + ".layers");
        List<String> digests = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            digests.add(value(tag + ".layer." + i));
        }
        return digests;
    }

    /** Uncompressed layer digests (config rootfs.diff_ids) of {@code tag}, bottom layer first. */
    public static List<String> diffIds(String tag) {
        int n = intValue(tag + ".layers");
        List<String> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(value(tag + ".diffid." + i));
        }
        return ids;
    }

    /** Path of a blob in the main layout, e.g. {@code blob("sha256:abc...")}. */
    public static Path blob(String digest) {
        int colon = digest.indexOf(':');
        return ociLayout().resolve("blobs").resolve(digest.substring(0, colon)).resolve(digest.substring(colon + 1));
    }

    static Path script() {
        String override = System.getProperty(SCRIPT_PROPERTY);
        if (override != null && !override.isBlank()) {
            Path p = Path.of(override).toAbsolutePath();
            if (!Files.isRegularFile(p)) {
                throw new IllegalStateException(SCRIPT_PROPERTY + "=" + override + " is not a file");
            }
            return p;
        }
        // Surefire runs with the module directory as working directory; IDEs sometimes use a parent.
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(SCRIPT_IN_PROJECT);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("cannot find " + SCRIPT_IN_PROJECT + " above " + Path.of("").toAbsolutePath()
                + "; run the tests from the project directory or set -D" + SCRIPT_PROPERTY + "=PATH");
    }

    private static void runBuildScript(Path script, Path dir) {
        Path bash = HostTools.which("bash").orElseThrow(() -> new IllegalStateException("bash is not installed"));
        Deque<String> lastLines = new ArrayDeque<>();
        try {
            Process p = new ProcessBuilder(bash.toString(), script.toString(), dir.toString())
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            // Relayed through System.err rather than inherited: Surefire complains about forked JVMs
            // writing to the native streams directly.
            Thread relay = Thread.ofPlatform().daemon().name("build-images-output").start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        System.err.println(line);
                        synchronized (lastLines) {
                            lastLines.addLast(line);
                            if (lastLines.size() > 40) {
                                lastLines.removeFirst();
                            }
                        }
                    }
                } catch (IOException ignored) {
                    // the process is gone; its exit code tells the rest
                }
            });
            if (!p.waitFor(20, TimeUnit.MINUTES)) {
                HostTools.destroyTree(p);
                throw new IllegalStateException("build-images.sh did not finish within 20 minutes; killed it");
            }
            relay.join(5000);
            if (p.exitValue() != 0) {
                String tail;
                synchronized (lastLines) {
                    tail = String.join("\n", lastLines);
                }
                throw new IllegalStateException("building the test images failed: " + script + " " + dir + " exited with "
                        + p.exitValue() + ":\n" + tail);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building the test images", e);
        }
        if (!Files.isRegularFile(dir.resolve(".complete"))) {
            throw new IllegalStateException(script + " exited 0 but " + dir.resolve(".complete") + " is missing");
        }
    }
}
