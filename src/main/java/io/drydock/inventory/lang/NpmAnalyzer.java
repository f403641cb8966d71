package io.drydock.inventory.lang;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.inventory.Analyzer;
import io.drydock.layer.EntryContent;
import io.drydock.layer.LayerEntry;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * npm packages: installed ones from {@code node_modules/<name>/package.json} and
 * {@code node_modules/@scope/<name>/package.json} (at any depth of nested node_modules, so pnpm's
 * {@code node_modules/.pnpm/<id>/node_modules/<name>} too), and those an installed app locked, from
 * {@code package-lock.json} / {@code npm-shrinkwrap.json}, {@code yarn.lock} and {@code pnpm-lock.yaml} outside
 * node_modules. Other package.json files inside a package (test fixtures, {@code esm/package.json} markers) are not
 * packages and are not read.
 *
 * <p>A package found both installed and in a lockfile is reported twice, with different locations and
 * {@code source} properties; the image-wide merge decides what to keep. Lockfile packages marked as development
 * dependencies are left out: production installs do not put them in the image.
 */
public final class NpmAnalyzer implements Analyzer {
    static final String TYPE = "npm";
    /** Real package.json files are a few KiB; the largest lockfiles of big monorepos are tens of MiB. */
    public static final long DEFAULT_MAX_PACKAGE_JSON_BYTES = 1L << 20;
    public static final long DEFAULT_MAX_LOCKFILE_BYTES = 64L << 20;

    static final String PACKAGE_JSON = "package.json";
    static final Set<String> NPM_LOCKFILES = Set.of("package-lock.json", "npm-shrinkwrap.json");
    static final String YARN_LOCK = "yarn.lock";
    static final String PNPM_LOCK = "pnpm-lock.yaml";

    private final long maxPackageJsonBytes;
    private final long maxLockfileBytes;

    public NpmAnalyzer() {
        this(DEFAULT_MAX_PACKAGE_JSON_BYTES, DEFAULT_MAX_LOCKFILE_BYTES);
    }

    /** Larger package.json files and lockfiles are skipped with a warning. */
    public NpmAnalyzer(long maxPackageJsonBytes, long maxLockfileBytes) {
        if (maxPackageJsonBytes <= 0 || maxLockfileBytes <= 0) {
            throw new IllegalArgumentException("limits must be positive: " + maxPackageJsonBytes + ", "
                    + maxLockfileBytes);
        }
        this.maxPackageJsonBytes = maxPackageJsonBytes;
        this.maxLockfileBytes = maxLockfileBytes;
    }

    @Override
    public String id() {
        return "npm";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public boolean wants(String path, LayerEntry entry) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (name.equals(PACKAGE_JSON)) {
            return isInstalledPackageManifest(path);
        }
        if (NPM_LOCKFILES.contains(name) || name.equals(YARN_LOCK) || name.equals(PNPM_LOCK)) {
            return !path.startsWith("node_modules/") && !path.contains("/node_modules/");
        }
        return false;
    }

    /** {@code .../node_modules/<name>/package.json} or {@code .../node_modules/@scope/<name>/package.json}. */
    static boolean isInstalledPackageManifest(String path) {
        String[] segments = path.split("/");
        int n = segments.length;
        if (n >= 3 && segments[n - 3].equals("node_modules")) {
            return isPackageDirectory(segments[n - 2]);
        }
        return n >= 4 && segments[n - 4].equals("node_modules") && segments[n - 3].startsWith("@")
                && segments[n - 3].length() > 1 && isPackageDirectory(segments[n - 2]);
    }

    /** npm names never start with '.' or '_' ({@code .bin}, {@code .pnpm}, {@code .cache} are npm's own). */
    private static boolean isPackageDirectory(String segment) {
        return !segment.isEmpty() && segment.charAt(0) != '.' && segment.charAt(0) != '_' && segment.charAt(0) != '@';
    }

    @Override
    public Collector start() {
        Findings findings = new Findings(id());
        return new Collector() {
            @Override
            public void file(LayerEntry entry, EntryContent content) throws IOException {
                String name = entry.name();
                if (name.equals(PACKAGE_JSON)) {
                    JsonFiles.read(entry, content, maxPackageJsonBytes, PACKAGE_JSON, findings)
                            .ifPresent(json -> installedPackage(json, entry.path(), findings));
                } else if (name.equals(YARN_LOCK) || name.equals(PNPM_LOCK)) {
                    Optional<byte[]> bytes = SmallFiles.read(entry, content, maxLockfileBytes, name, findings);
                    if (bytes.isPresent()) {
                        NpmLockfiles.Lockfile lockfile = name.equals(YARN_LOCK)
                                ? NpmLockfiles.yarn(bytes.get()) : NpmLockfiles.pnpm(bytes.get());
                        addLocked(lockfile, entry.path(), name, findings);
                    }
                } else {
                    JsonFiles.read(entry, content, maxLockfileBytes, name, findings)
                            .ifPresent(json -> addLocked(NpmLockfiles.npm(json), entry.path(), name, findings));
                }
            }

            @Override
            public Result finish() {
                return findings.result();
            }
        };
    }

    private static void installedPackage(JsonNode json, String path, Findings findings) {
        String fullName = JsonFiles.text(json.get("name"));
        String version = JsonFiles.text(json.get("version"));
        if (fullName == null || version == null) {
            findings.warn(path, "package.json of an installed package has no " + (fullName == null ? "name" : "version")
                    + "; skipped");
            return;
        }
        add(fullName, version, licenses(json), path, PACKAGE_JSON, findings);
    }

    private static void addLocked(NpmLockfiles.Lockfile lockfile, String path, String source, Findings findings) {
        lockfile.problem().ifPresent(problem -> findings.warn(path, problem));
        for (NpmLockfiles.Locked locked : lockfile.packages()) {
            add(locked.name(), locked.version(), List.of(), path, source, findings);
        }
    }

    private static void add(String fullName, String version, List<String> licenses, String path, String source,
                            Findings findings) {
        String namespace = null;
        String name = fullName;
        int slash = fullName.indexOf('/');
        if (fullName.startsWith("@") && slash > 1) {
            namespace = fullName.substring(1, slash);
            name = fullName.substring(slash + 1);
        }
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("source", source);
        findings.add(TYPE, namespace, name, version, licenses, path, properties);
    }

    /**
     * {@code license} as a string (an SPDX expression, usually) or an object with a {@code type}; the deprecated
     * {@code licenses} as an array of such objects or strings.
     */
    static List<String> licenses(JsonNode json) {
        List<String> licenses = new ArrayList<>();
        addLicense(json.get("license"), licenses);
        JsonNode legacy = json.get("licenses");
        if (legacy != null && legacy.isArray()) {
            legacy.forEach(element -> addLicense(element, licenses));
        } else {
            addLicense(legacy, licenses);
        }
        return licenses;
    }

    private static void addLicense(JsonNode node, List<String> licenses) {
        if (node == null) {
            return;
        }
        String license = node.isObject() ? JsonFiles.text(node.get("type")) : JsonFiles.text(node);
        if (license != null && !licenses.contains(license)) {
            licenses.add(license);
        }
    }
}
