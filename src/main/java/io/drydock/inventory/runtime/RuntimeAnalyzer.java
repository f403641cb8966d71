package io.drydock.inventory.runtime;

import io.drydock.inventory.AnalysisWarning;
import io.drydock.inventory.Analyzer;
import io.drydock.inventory.InstalledPackage;
import io.drydock.layer.EntryContent;
import io.drydock.layer.LayerEntry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Language runtimes, from their own files: what no package database records when a runtime was unpacked from a
 * tarball (the official Docker images, distroless, {@code COPY --from}). One package per file that states a version:
 * <ul>
 * <li>java: a Java home's {@code release} file, {@code JAVA_VERSION="17.0.9"};
 * <li>node: the version string in the {@code node} binary or {@code libnode.so} (the inspector's
 *     {@code node.js/v18.19.0}, or the release URL {@code nodejs.org/download/release/v18.19.0/}), and
 *     {@code include/node/node_version.h};
 * <li>python: {@code include/python3.X/patchlevel.h} ({@code PY_VERSION}); the standard library's
 *     {@code lib/python3.X/os.py} gives the minor version only;
 * <li>go: a Go root's {@code VERSION} file ({@code go1.22.3}); Go compiled into binaries is the executable analyzer's
 *     {@code golang/stdlib};
 * <li>dotnet: the shared frameworks {@code shared/Microsoft.NETCore.App/<version>/} and
 *     {@code Microsoft.AspNetCore.App}, by their {@code <framework>.deps.json};
 * <li>ruby: {@code ruby/<x.y.0>/[<arch>/]rbconfig.rb} ({@code MAJOR}, {@code MINOR}, {@code TEENY});
 * <li>php: {@code include/php/main/php_version.h} ({@code PHP_VERSION}).
 * </ul>
 *
 * <p>Each is a package of purl type {@code generic} named after the runtime ({@code pkg:generic/node@18.19.0}, as
 * Syft names the runtimes it finds in binaries), located at the file it was read from, with properties
 * {@value #RUNTIME}, {@value #EVIDENCE} (what the version was read from, for people) and {@value #VERSION_FROM}
 * ({@code content}, or {@code path} when only a directory name gave a partial version). No advisory ecosystem takes
 * generic purls, so matching leaves them alone; {@link Runtimes} joins them with the runtimes that OS packages and
 * Go binaries reveal. What a runtime's end of life is, is not analysis's business.
 *
 * <p>Files are small and read whole, except {@code node} binaries (around 100 MB), which are streamed through a
 * search for the version string and dropped as soon as it is found. A file that is not what its name suggests (a
 * {@code release} file of something else, a wrapper script called {@code node}) gives nothing; one that is but states
 * no readable version gives a warning.
 */
public final class RuntimeAnalyzer implements Analyzer {
    static final String TYPE = "generic";
    /** Property: the runtime's name, one of {@link Runtime}'s names. */
    public static final String RUNTIME = "runtime";
    /** Property: what the version was read from, e.g. {@code /opt/java/openjdk/release JAVA_VERSION}. */
    public static final String EVIDENCE = "evidence";
    /** Property: {@code content} when a file stated the version, {@code path} when a directory name implied it. */
    public static final String VERSION_FROM = "versionFrom";
    /** Property on .NET frameworks: {@code Microsoft.NETCore.App} or {@code Microsoft.AspNetCore.App}. */
    public static final String FRAMEWORK = "framework";
    /** Property on Java: the release file's {@code IMPLEMENTOR}. */
    public static final String IMPLEMENTOR = "implementor";

    /** Real release files, headers and rbconfig.rb are a few KiB to a few tens of KiB. */
    static final int MAX_TEXT_BYTES = 1 << 20;
    /** A JDK's release file is one or two KiB; a large file called {@code release} is something else's. */
    static final int MAX_RELEASE_BYTES = 64 << 10;
    /** Node binaries are around 100 MB; libnode a little less. */
    public static final long DEFAULT_MAX_BINARY_BYTES = 1L << 30;

    static final List<String> DOTNET_FRAMEWORKS = List.of("Microsoft.NETCore.App", "Microsoft.AspNetCore.App");
    private static final Pattern PYTHON_DIR = Pattern.compile("python(\\d\\.\\d+)[a-z]*");
    private static final Pattern GO_ROOT = Pattern.compile("go(?:-\\d+(?:\\.\\d+)*)?|golang(?:-\\d+(?:\\.\\d+)*)?");
    private static final Pattern RELEASE_LINE = Pattern.compile("(?m)^([A-Z_]+)=\"?([^\"\\r\\n]*)\"?[ \\t\\r]*$");
    private static final Pattern DEFINE = Pattern.compile("(?m)^[ \\t]*#[ \\t]*define[ \\t]+(\\w+)[ \\t]+(\\S.*?)[ \\t\\r]*$");
    /** {@code lib/ruby/3.2.0/x86_64-linux/rbconfig.rb} (built from source), {@code ruby/3.1.0/rbconfig.rb} (Debian). */
    private static final Pattern RB_CONFIG_PATH = Pattern.compile("(?:^|/)ruby/\\d+\\.\\d+\\.\\d+/(?:[^/]+/)?rbconfig\\.rb$");
    private static final Pattern RB_CONFIG = Pattern.compile("(?m)^[ \\t]*CONFIG\\[\"(MAJOR|MINOR|TEENY)\"][ \\t]*=[ \\t]*\"(\\d+)\"");
    private static final Pattern RB_LIB_VERSION = Pattern.compile("ruby lib version \\((\\d+\\.\\d+\\.\\d+)\\)");
    private static final Pattern NODE_VERSION = Pattern.compile("\\d+\\.\\d+\\.\\d+(?:-[0-9A-Za-z.]+)?");

    private final long maxBinaryBytes;

    public RuntimeAnalyzer() {
        this(DEFAULT_MAX_BINARY_BYTES);
    }

    /** @param maxBinaryBytes node binaries larger than this are not searched, with a warning */
    public RuntimeAnalyzer(long maxBinaryBytes) {
        if (maxBinaryBytes <= 0) {
            throw new IllegalArgumentException("maxBinaryBytes must be positive: " + maxBinaryBytes);
        }
        this.maxBinaryBytes = maxBinaryBytes;
    }

    @Override
    public String id() {
        return "runtime";
    }

    @Override
    public int version() {
        return 1;
    }

    /** The kinds of evidence, decided from the path alone. */
    enum Kind { JAVA_RELEASE, NODE_BINARY, NODE_HEADER, PYTHON_HEADER, PYTHON_STDLIB, GO_ROOT, DOTNET, RUBY, PHP }

    @Override
    public boolean wants(String path, LayerEntry entry) {
        return entry.size() > 0 && kind(path, entry.mode()) != null;
    }

    /** Runs for every file of every layer: a switch on the file name, then a few string tests. */
    static Kind kind(String path, int mode) {
        int slash = path.lastIndexOf('/');
        if (slash <= 0) {
            return null;
        }
        String name = path.substring(slash + 1);
        switch (name) {
            case "release":
                return Kind.JAVA_RELEASE;
            case "node", "nodejs":
                return parentName(path, slash).equals("bin") && (mode & 0111) != 0 ? Kind.NODE_BINARY : null;
            case "node_version.h":
                // node-gyp's caches of headers for building addons are not a runtime
                return path.endsWith("include/node/node_version.h") && !path.contains("node-gyp") ? Kind.NODE_HEADER : null;
            case "patchlevel.h":
                return path.contains("include/") && PYTHON_DIR.matcher(parentName(path, slash)).matches()
                        ? Kind.PYTHON_HEADER : null;
            case "os.py":
                return PYTHON_DIR.matcher(parentName(path, slash)).matches() ? Kind.PYTHON_STDLIB : null;
            case "VERSION":
                return GO_ROOT.matcher(parentName(path, slash)).matches() ? Kind.GO_ROOT : null;
            case "rbconfig.rb":
                return RB_CONFIG_PATH.matcher(path).find() ? Kind.RUBY : null;
            case "php_version.h":
                return path.endsWith("main/php_version.h") && path.contains("include/php/") ? Kind.PHP : null;
            default:
                if (name.startsWith("libnode.so")) {
                    return Kind.NODE_BINARY;
                }
                return name.endsWith(".deps.json") && dotnetFramework(path) != null ? Kind.DOTNET : null;
        }
    }

    private static String parentName(String path, int slash) {
        int before = path.lastIndexOf('/', slash - 1);
        return path.substring(before + 1, slash);
    }

    /** {@code [framework, version]} when {@code path} is {@code .../shared/<framework>/<version>/<framework>.deps.json}. */
    static String[] dotnetFramework(String path) {
        String[] parts = path.split("/");
        if (parts.length < 4 || !parts[parts.length - 4].equals("shared")) {
            return null;
        }
        String framework = parts[parts.length - 3];
        if (!DOTNET_FRAMEWORKS.contains(framework) || !parts[parts.length - 1].equals(framework + ".deps.json")) {
            return null;
        }
        return new String[] {framework, parts[parts.length - 2]};
    }

    @Override
    public Collector start() {
        List<InstalledPackage> packages = new ArrayList<>();
        List<AnalysisWarning> warnings = new ArrayList<>();
        return new Collector() {
            @Override
            public void file(LayerEntry entry, EntryContent content) throws IOException {
                Kind kind = kind(entry.path(), entry.mode());
                if (kind == null) {
                    return;
                }
                Found found = new Found(entry.path(), packages, warnings);
                switch (kind) {
                    case JAVA_RELEASE -> {
                        if (entry.size() <= MAX_RELEASE_BYTES) {
                            javaRelease(text(content, MAX_RELEASE_BYTES), found);
                        }
                    }
                    case NODE_BINARY -> nodeBinary(entry, content, found);
                    case NODE_HEADER -> readText(entry, content, found).ifPresent(t -> nodeHeader(t, found));
                    case PYTHON_HEADER -> readText(entry, content, found).ifPresent(t -> pythonHeader(t, found));
                    case PYTHON_STDLIB -> pythonStdlib(found);
                    case GO_ROOT -> {
                        if (entry.size() <= MAX_RELEASE_BYTES) {
                            goRoot(text(content, MAX_RELEASE_BYTES), found);
                        }
                    }
                    case DOTNET -> dotnet(found);
                    case RUBY -> readText(entry, content, found).ifPresent(t -> rbConfig(t, found));
                    case PHP -> readText(entry, content, found).ifPresent(t -> phpHeader(t, found));
                }
            }

            @Override
            public Result finish() {
                return new Result(packages, null, warnings);
            }
        };
    }

    /** Where one file's findings go. */
    record Found(String path, List<InstalledPackage> packages, List<AnalysisWarning> warnings) {
        void runtime(String runtime, String version, String evidence, boolean fromContent, Map<String, String> more) {
            Map<String, String> properties = new LinkedHashMap<>();
            properties.put(RUNTIME, runtime);
            properties.put(EVIDENCE, "/" + path + (evidence.isEmpty() ? "" : " " + evidence));
            properties.put(VERSION_FROM, fromContent ? "content" : "path");
            properties.putAll(more);
            packages.add(new InstalledPackage(TYPE, null, runtime, version, null, null, null, List.of(), List.of(path),
                    List.of(), properties));
        }

        void warn(String message) {
            warnings.add(new AnalysisWarning("runtime", path, message));
        }
    }

    private static String text(InputStream content, int maxBytes) throws IOException {
        // undecodable bytes become U+FFFD, never an error
        return new String(content.readNBytes(maxBytes), StandardCharsets.UTF_8);
    }

    private static Optional<String> readText(LayerEntry entry, EntryContent content, Found found) throws IOException {
        if (entry.size() > MAX_TEXT_BYTES) {
            found.warn("file of " + entry.size() + " bytes is over the limit of " + MAX_TEXT_BYTES
                    + " bytes for a runtime's version file; not read");
            return Optional.empty();
        }
        return Optional.of(text(content, MAX_TEXT_BYTES));
    }

    /** {@code KEY="value"} lines; a file without {@code JAVA_VERSION} is some other program's release file. */
    static void javaRelease(String text, Found found) {
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = RELEASE_LINE.matcher(text);
        while (m.find()) {
            fields.putIfAbsent(m.group(1), m.group(2).strip());
        }
        String stated = fields.get("JAVA_VERSION");
        if (stated == null) {
            return;
        }
        Optional<String> version = RuntimeVersions.stated(stated).flatMap(v -> RuntimeVersions.java(v, false));
        if (version.isEmpty()) {
            found.warn("Java release file with JAVA_VERSION \"" + shorten(stated) + "\", which is not a version; skipped");
            return;
        }
        Map<String, String> more = new LinkedHashMap<>();
        String implementor = fields.get("IMPLEMENTOR");
        if (implementor != null && !implementor.isEmpty()) {
            more.put(IMPLEMENTOR, shorten(implementor));
        }
        found.runtime(Runtime.JAVA, version.get(), "JAVA_VERSION", true, more);
    }

    /** {@code NODE_MAJOR_VERSION} etc.; a build that is not a release gets {@code -pre}, as node itself says. */
    static void nodeHeader(String text, Found found) {
        Map<String, String> defines = defines(text);
        String major = defines.get("NODE_MAJOR_VERSION");
        String minor = defines.get("NODE_MINOR_VERSION");
        String patch = defines.get("NODE_PATCH_VERSION");
        if (!isNumber(major) || !isNumber(minor) || !isNumber(patch)) {
            found.warn("node_version.h without numeric NODE_MAJOR_VERSION, NODE_MINOR_VERSION and NODE_PATCH_VERSION; skipped");
            return;
        }
        String pre = "0".equals(defines.get("NODE_VERSION_IS_RELEASE")) ? "-pre" : "";
        found.runtime(Runtime.NODE, major + "." + minor + "." + patch + pre, "NODE_*_VERSION", true, Map.of());
    }

    static void pythonHeader(String text, Found found) {
        String stated = unquote(defines(text).get("PY_VERSION"));
        Optional<String> version = RuntimeVersions.stated(stated);
        if (version.isEmpty()) {
            found.warn("Python patchlevel.h without a PY_VERSION; skipped");
            return;
        }
        found.runtime(Runtime.PYTHON, version.get(), "PY_VERSION", true, Map.of());
    }

    /** {@code lib/python3.11/os.py}: a Python 3.11 standard library, patch level unknown. */
    static void pythonStdlib(Found found) {
        String path = found.path();
        int slash = path.lastIndexOf('/');
        Matcher m = PYTHON_DIR.matcher(parentName(path, slash));
        if (m.matches()) {
            found.runtime(Runtime.PYTHON, m.group(1), "standard library directory", false, Map.of());
        }
    }

    /** {@code go1.22.3}, then since Go 1.21 a {@code time ...} line; other VERSION files are not Go's. */
    static void goRoot(String text, Found found) {
        String first = text.lines().findFirst().orElse("").strip();
        if (!first.startsWith("go1")) {
            return;
        }
        Optional<String> version = RuntimeVersions.go(first);
        if (version.isEmpty()) {
            found.warn("Go VERSION file names \"" + shorten(first) + "\", which is not a Go release; skipped");
            return;
        }
        found.runtime(Runtime.GO, version.get(), "", true, Map.of());
    }

    /** The directory name is the version the .NET host resolves; a directory not named as a version is not one. */
    static void dotnet(Found found) {
        String[] framework = dotnetFramework(found.path());
        if (framework == null) {
            return;
        }
        Optional<String> version = RuntimeVersions.plain(framework[1]).filter(v -> v.equals(framework[1]));
        if (version.isEmpty()) {
            return;
        }
        String directory = found.path().substring(0, found.path().lastIndexOf('/'));
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(RUNTIME, Runtime.DOTNET);
        properties.put(EVIDENCE, "/" + directory);
        properties.put(VERSION_FROM, "content");
        properties.put(FRAMEWORK, framework[0]);
        found.packages().add(new InstalledPackage(TYPE, null, Runtime.DOTNET, version.get(), null, null, null, List.of(),
                List.of(found.path()), List.of(), properties));
    }

    /** {@code CONFIG["MAJOR"] = "3"} etc., or the version in the check rbconfig.rb starts with. */
    static void rbConfig(String text, Found found) {
        Map<String, String> parts = new LinkedHashMap<>();
        Matcher m = RB_CONFIG.matcher(text);
        while (m.find()) {
            parts.putIfAbsent(m.group(1), m.group(2));
        }
        String version;
        if (parts.size() == 3) {
            version = parts.get("MAJOR") + "." + parts.get("MINOR") + "." + parts.get("TEENY");
        } else {
            Matcher lib = RB_LIB_VERSION.matcher(text);
            if (!lib.find()) {
                found.warn("rbconfig.rb without MAJOR, MINOR and TEENY; skipped");
                return;
            }
            version = lib.group(1);
        }
        found.runtime(Runtime.RUBY, version, "", true, Map.of());
    }

    static void phpHeader(String text, Found found) {
        String stated = unquote(defines(text).get("PHP_VERSION"));
        Optional<String> version = RuntimeVersions.stated(stated);
        if (version.isEmpty()) {
            found.warn("php_version.h without a PHP_VERSION; skipped");
            return;
        }
        found.runtime(Runtime.PHP, version.get(), "PHP_VERSION", true, Map.of());
    }

    private void nodeBinary(LayerEntry entry, EntryContent content, Found found) throws IOException {
        if (entry.size() > maxBinaryBytes) {
            found.warn("node binary of " + entry.size() + " bytes is over the limit of " + maxBinaryBytes
                    + " bytes; not searched for its version");
            return;
        }
        // A launcher (Debian's /usr/bin/node, whose code is in libnode.so) or a script holds no version: nothing.
        NodeVersionScan.find(content).ifPresent(v -> found.runtime(Runtime.NODE, v, "version string", true, Map.of()));
    }

    private static Map<String, String> defines(String text) {
        Map<String, String> defines = new LinkedHashMap<>();
        Matcher m = DEFINE.matcher(text);
        while (m.find()) {
            defines.putIfAbsent(m.group(1), m.group(2));
        }
        return defines;
    }

    private static String unquote(String value) {
        if (value == null) {
            return null;
        }
        String v = value.strip();
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : null;
    }

    private static boolean isNumber(String s) {
        return s != null && s.length() <= 9 && !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static String shorten(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }

    /**
     * The Node.js version a node binary (or libnode) was built as, found by streaming through it once: the
     * inspector's {@code "node.js/v" NODE_VERSION} (its {@code /json/version} answer) or the release's source URL
     * {@code nodejs.org/download/release/v<version>/}, whichever comes first. Both are string constants in every
     * release build, official or Debian's.
     */
    static final class NodeVersionScan {
        private static final byte[][] MARKERS = {
                "node.js/v".getBytes(StandardCharsets.ISO_8859_1),
                "nodejs.org/download/release/v".getBytes(StandardCharsets.ISO_8859_1)};
        /** What a marker's version must end with: the string's NUL, or the URL's next '/'. */
        private static final byte[] TERMINATORS = {0, '/'};
        private static final int CHUNK = 1 << 20;
        /** Bytes kept between chunks: the longest marker and the longest version after it. */
        private static final int OVERLAP = 30 + RuntimeVersions.MAX_LENGTH + 2;

        private NodeVersionScan() {
        }

        static Optional<String> find(InputStream in) throws IOException {
            byte[] buffer = new byte[CHUNK + OVERLAP];
            int have = 0;
            boolean end = false;
            while (!end) {
                int n = in.read(buffer, have, buffer.length - have);
                if (n < 0) {
                    end = true;
                } else {
                    have += n;
                    if (have < buffer.length) {
                        continue;
                    }
                }
                // Markers starting at or after 'limit' may run past the buffer; they are searched after the shift.
                int limit = end ? have : have - OVERLAP;
                Optional<String> version = search(buffer, limit, have);
                if (version.isPresent()) {
                    return version;
                }
                if (!end) {
                    System.arraycopy(buffer, limit, buffer, 0, have - limit);
                    have -= limit;
                }
            }
            return Optional.empty();
        }

        private static Optional<String> search(byte[] b, int limit, int have) {
            for (int at = 0; at < limit; at++) {
                byte first = b[at];
                if (first != 'n') {
                    continue; // both markers start with 'n'
                }
                for (int k = 0; k < MARKERS.length; k++) {
                    byte[] marker = MARKERS[k];
                    if (at + marker.length > have || !startsWith(b, at, marker)) {
                        continue;
                    }
                    int from = at + marker.length;
                    int to = from;
                    while (to < have && to - from <= RuntimeVersions.MAX_LENGTH && b[to] != TERMINATORS[k]) {
                        to++;
                    }
                    if (to < have && b[to] == TERMINATORS[k]) {
                        String candidate = new String(b, from, to - from, StandardCharsets.ISO_8859_1);
                        if (NODE_VERSION.matcher(candidate).matches()) {
                            return Optional.of(candidate);
                        }
                    }
                }
            }
            return Optional.empty();
        }

        private static boolean startsWith(byte[] b, int at, byte[] marker) {
            for (int i = 0; i < marker.length; i++) {
                if (b[at + i] != marker[i]) {
                    return false;
                }
            }
            return true;
        }
    }
}
