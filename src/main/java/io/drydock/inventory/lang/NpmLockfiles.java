package io.drydock.inventory.lang;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The packages npm, yarn and pnpm lockfiles pin, without development-only ones. */
final class NpmLockfiles {
    private static final String NODE_MODULES = "node_modules/";
    /** Registry versions are full semantic versions; git commits and tarball names are not. */
    private static final Pattern SEMVER = Pattern.compile("\\d+\\.\\d+\\.\\d+.*");

    private NpmLockfiles() {
    }

    /** One pinned package; {@code name} includes the scope ({@code @babel/code-frame}). */
    record Locked(String name, String version) {
    }

    /** What a lockfile pins, in file order without repeats, and why it could not be read whole, if it could not. */
    record Lockfile(List<Locked> packages, Optional<String> problem) {
        Lockfile {
            packages = List.copyOf(packages);
        }

        static Lockfile of(Set<Locked> packages) {
            return new Lockfile(List.copyOf(packages), Optional.empty());
        }
    }

    /**
     * package-lock.json / npm-shrinkwrap.json. Version 2 and 3 have a {@code packages} map keyed by install path
     * ({@code node_modules/a/node_modules/@s/b}); version 1 (and version 2, for old npm) a nested
     * {@code dependencies} tree. The map is preferred when both are there: it is what npm 7+ reads.
     */
    static Lockfile npm(JsonNode root) {
        Set<Locked> out = new LinkedHashSet<>();
        JsonNode packages = root.get("packages");
        if (packages != null && packages.isObject()) {
            for (Map.Entry<String, JsonNode> field : packages.properties()) {
                String key = field.getKey();
                JsonNode node = field.getValue();
                int at = key.lastIndexOf(NODE_MODULES);
                // "" is the app itself and keys without node_modules are its workspaces; links point at those
                if (at < 0 || !node.isObject() || node.path("link").asBoolean() || node.path("dev").asBoolean()) {
                    continue;
                }
                // "name" appears for aliases ("node_modules/foo": {"name": "bar"}): the installed package is bar
                String name = JsonFiles.text(node.get("name"));
                addNpm(name != null ? name : key.substring(at + NODE_MODULES.length()),
                        JsonFiles.text(node.get("version")), out);
            }
            return Lockfile.of(out);
        }
        JsonNode dependencies = root.get("dependencies");
        if (dependencies != null && dependencies.isObject()) {
            addDependencyTree(dependencies, out, 0);
            return Lockfile.of(out);
        }
        return new Lockfile(List.of(), Optional.of("npm lockfile has neither a \"packages\" nor a \"dependencies\" "
                + "object; nothing read"));
    }

    private static void addDependencyTree(JsonNode dependencies, Set<Locked> out, int depth) {
        // Jackson already bounds nesting (1000 levels); this keeps the recursion well inside the thread's stack.
        if (depth > 200) {
            return;
        }
        for (Map.Entry<String, JsonNode> field : dependencies.properties()) {
            JsonNode node = field.getValue();
            if (!node.isObject() || node.path("dev").asBoolean()) {
                continue;
            }
            addNpm(field.getKey(), JsonFiles.text(node.get("version")), out);
            JsonNode nested = node.get("dependencies");
            if (nested != null && nested.isObject()) {
                addDependencyTree(nested, out, depth + 1);
            }
        }
    }

    /** Adds a package; an alias version ({@code npm:real-name@1.2.3}) names the package really installed. */
    private static void addNpm(String name, String version, Set<Locked> out) {
        if (name == null || name.isBlank() || version == null) {
            return;
        }
        if (version.startsWith("npm:")) {
            String target = version.substring(4);
            int at = target.lastIndexOf('@');
            if (at <= 0) {
                return;
            }
            name = target.substring(0, at);
            version = target.substring(at + 1);
        }
        out.add(new Locked(name, version));
    }

    /**
     * yarn.lock, classic (v1) and berry (v2+) alike: an unindented line lists the descriptors an entry satisfies
     * ({@code "@babel/code-frame@^7.0.0", "@babel/code-frame@^7.10.4":}), an indented {@code version} line
     * ({@code version "7.12.13"} or {@code version: 7.12.13}) what was installed. Berry's workspace entries
     * ({@code app@workspace:.}) and the {@code __metadata} block are not packages.
     */
    static Lockfile yarn(byte[] bytes) {
        Set<Locked> out = new LinkedHashSet<>();
        String name = null;
        String version = null;
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\r?\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (!Character.isWhitespace(line.charAt(0))) {
                addYarn(name, version, out);
                name = yarnEntryName(line);
                version = null;
            } else if (name != null && indentation(line) == 2) {
                String field = line.strip();
                if (field.startsWith("version ") || field.startsWith("version:")) {
                    version = unquote(field.substring("version".length() + 1).strip());
                }
            }
        }
        addYarn(name, version, out);
        return Lockfile.of(out);
    }

    private static void addYarn(String name, String version, Set<Locked> out) {
        if (name != null && version != null && !version.isEmpty() && !version.equals("0.0.0-use.local")) {
            out.add(new Locked(name, version));
        }
    }

    /** The package an entry's first descriptor names, or null for metadata and workspace entries. */
    private static String yarnEntryName(String header) {
        String descriptor = header.strip();
        if (descriptor.endsWith(":")) {
            descriptor = descriptor.substring(0, descriptor.length() - 1);
        }
        int comma = descriptor.indexOf(", ");
        descriptor = unquote(comma < 0 ? descriptor : descriptor.substring(0, comma));
        int at = descriptor.indexOf('@', 1);
        if (at < 0 || descriptor.equals("__metadata")) {
            return null;
        }
        String name = descriptor.substring(0, at);
        String range = descriptor.substring(at + 1);
        if (range.startsWith("workspace:") || range.startsWith("link:") || range.startsWith("portal:")) {
            return null;
        }
        if (range.startsWith("npm:")) {
            // "alias@npm:real@^1.0.0" installs real; berry's plain "name@npm:^1.0.0" has no second '@'
            String target = range.substring(4);
            int targetAt = target.lastIndexOf('@');
            if (targetAt > 0) {
                return target.substring(0, targetAt);
            }
        }
        return name;
    }

    /**
     * pnpm-lock.yaml's {@code packages:} section, read line by line (no YAML parser is needed for keys at a fixed
     * indentation). Keys: {@code /lodash/4.17.21} (lockfile v5, peer suffix {@code _react@18.0.0}),
     * {@code /lodash@4.17.21} (v6, peer suffix {@code (react@18.0.0)}), {@code lodash@4.17.21} (v9). Entries with
     * {@code dev: true} are skipped; v9 no longer marks them, so there every locked package counts.
     */
    static Lockfile pnpm(byte[] bytes) {
        Set<Locked> out = new LinkedHashSet<>();
        boolean inPackages = false;
        Locked current = null;
        boolean currentIsDev = false;
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\r?\n")) {
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            int indentation = indentation(line);
            if (indentation == 0) {
                inPackages = line.strip().equals("packages:");
                continue;
            }
            if (!inPackages) {
                continue;
            }
            if (indentation == 2 && line.strip().endsWith(":")) {
                if (current != null && !currentIsDev) {
                    out.add(current);
                }
                current = pnpmKey(line.strip());
                currentIsDev = false;
            } else if (indentation == 4 && line.strip().equals("dev: true")) {
                currentIsDev = true;
            }
        }
        if (current != null && !currentIsDev) {
            out.add(current);
        }
        return Lockfile.of(out);
    }

    private static Locked pnpmKey(String line) {
        String key = unquote(line.substring(0, line.length() - 1).strip());
        if (key.startsWith("/")) {
            key = key.substring(1);
        }
        int peers = key.indexOf('(');
        if (peers > 0) {
            key = key.substring(0, peers);
        }
        int slash = key.lastIndexOf('/');
        if (slash > 0 && SEMVER.matcher(key.substring(slash + 1)).matches()) {
            // v5: name/version, peers after '_' (v6+ keys end in name@version, never in a version after '/')
            String version = key.substring(slash + 1);
            int underscore = version.indexOf('_');
            return new Locked(key.substring(0, slash), underscore < 0 ? version : version.substring(0, underscore));
        }
        int at = key.lastIndexOf('@');
        if (at > 0 && SEMVER.matcher(key.substring(at + 1)).matches()) {
            return new Locked(key.substring(0, at), key.substring(at + 1));
        }
        return null; // tarball, git or file entries (github.com/user/repo/<commit>): no registry version
    }

    private static int indentation(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        return i;
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'"))) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }
}
