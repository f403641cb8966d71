package io.drydock.vulndb.osv;

import io.drydock.vulndb.Advisory;
import io.drydock.vulndb.AffectedPackage;
import io.drydock.vulndb.AffectedRange;
import io.drydock.vulndb.Ecosystems;
import io.drydock.vulndb.FixState;
import io.drydock.vulndb.PackageKey;
import io.drydock.vulndb.RangeEvent;
import io.drydock.vulndb.RangeType;
import io.drydock.vulndb.Reference;
import io.drydock.vulndb.version.VersionSchemes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Alpine's own security database (https://secdb.alpinelinux.org, one {@code <branch>/<repo>.yaml} per
 * repository), converted to advisories: each {@code secfixes} entry says that a source package's version fixes
 * some vulnerabilities in that branch, i.e. an {@code ECOSYSTEM} range {@code introduced 0, fixed <version>} in
 * {@code Alpine:v<branch>}. The special version {@code 0} means "never affected" and produces no range.
 *
 * <p>One advisory is made per vulnerability id ({@code ALPINE-<id>}, with the id as alias) across all branches and
 * repositories read. Entries that name several ids on one line ({@code CVE-2018-8897 XSA-260}) make the others
 * aliases; tokens that are no id ({@code CVE-????-?????}) and versions apk cannot parse are reported and skipped.
 *
 * <p>The file is read with a small reader of the subset of YAML secdb uses (block mappings and sequences of plain
 * or quoted scalars), not a general YAML parser.
 */
public final class AlpineSecDbSource implements AdvisorySource {
    private static final Pattern ID = Pattern.compile("(CVE-\\d{4}-\\d{4,})|([A-Z][A-Z0-9]*-[A-Za-z0-9][A-Za-z0-9._:-]*)");
    private static final Pattern KEY = Pattern.compile("^(\\s*)(-\\s+)?(\"[^\"]*\"|'[^']*'|[^\\s\"'#][^:#]*?)\\s*:\\s*(.*)$");
    private static final Pattern ITEM = Pattern.compile("^(\\s*)-\\s+(.*)$");
    private static final Pattern NOTE = Pattern.compile("\\([^)]*\\)?");

    private final Path location;

    public AlpineSecDbSource(Path location) {
        this.location = location;
    }

    @Override
    public String kind() {
        return "alpine-secdb";
    }

    @Override
    public String location() {
        return location.toString();
    }

    /** A directory holding at least one YAML file that mentions {@code secfixes}. */
    static boolean looksLikeSecDb(Path directory) throws IOException {
        try (Stream<Path> walk = Files.walk(directory)) {
            return walk.filter(Files::isRegularFile).filter(AlpineSecDbSource::isYaml).limit(20).anyMatch(p -> {
                try {
                    return Files.readString(p, StandardCharsets.UTF_8).contains("secfixes:");
                } catch (IOException e) {
                    return false;
                }
            });
        }
    }

    private static boolean isYaml(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".yaml") || n.endsWith(".yml");
    }

    /** One fix fact: in this branch, this source package's version fixes these ids. */
    private record Fix(String branch, String pkg, String version, String where) {
    }

    private static final class Collected {
        final Set<String> aliases = new LinkedHashSet<>();
        final Map<PackageKey, List<String>> fixedIn = new LinkedHashMap<>();
    }

    @Override
    public void read(Consumer<Advisory> sink, IngestLog log) throws IOException {
        List<Path> files;
        if (Files.isDirectory(location)) {
            try (Stream<Path> walk = Files.walk(location)) {
                files = walk.filter(Files::isRegularFile).filter(AlpineSecDbSource::isYaml).sorted().toList();
            }
        } else if (Files.isRegularFile(location)) {
            files = List.of(location);
        } else {
            throw new NoSuchFileException(location.toString(), null, "no Alpine secdb there");
        }
        Map<String, Collected> byId = new TreeMap<>();
        for (Path file : files) {
            String where = Files.isDirectory(location) ? location.relativize(file).toString() : file.getFileName().toString();
            readFile(file, where, byId, log);
        }
        for (Map.Entry<String, Collected> e : byId.entrySet()) {
            String id = e.getKey();
            Collected c = e.getValue();
            List<AffectedPackage> affected = new ArrayList<>();
            for (Map.Entry<PackageKey, List<String>> f : c.fixedIn.entrySet()) {
                List<AffectedRange> ranges = f.getValue().stream()
                        .map(v -> new AffectedRange(RangeType.ECOSYSTEM,
                                List.of(new RangeEvent(RangeEvent.Kind.INTRODUCED, "0"), new RangeEvent(RangeEvent.Kind.FIXED, v))))
                        .toList();
                affected.add(new AffectedPackage(f.getKey(), null, VersionSchemes.APK.name(), ranges, List.of(),
                        FixState.FIXED, List.of(), List.of()));
            }
            List<String> aliases = new ArrayList<>();
            aliases.add(id);
            aliases.addAll(c.aliases);
            String summary = id + " fixed in " + c.fixedIn.entrySet().stream()
                    .map(f -> f.getKey().name() + " " + String.join(", ", f.getValue()) + " (Alpine " + f.getKey().release() + ")")
                    .distinct().limit(5).reduce((a, b) -> a + "; " + b).orElse("");
            List<Reference> refs = id.startsWith("CVE-")
                    ? List.of(new Reference("ADVISORY", "https://security.alpinelinux.org/vuln/" + id)) : List.of();
            sink.accept(new Advisory("ALPINE-" + id, null, null, null, aliases, List.of(), summary, "", List.of(), refs,
                    affected, null));
        }
    }

    private void readFile(Path file, String where, Map<String, Collected> byId, IngestLog log) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        String branch = null;
        String pkg = null;
        int pkgIndent = -1;
        int secfixesIndent = -1;
        int versionIndent = -1;
        String version = null;
        boolean versionUsable = false;
        for (int i = 0; i < lines.size(); i++) {
            String raw = stripComment(lines.get(i));
            if (raw.isBlank() || raw.strip().equals("---") || raw.strip().equals("...")) {
                continue;
            }
            String at = where + ":" + (i + 1);
            int indent = indentOf(raw);
            if (secfixesIndent >= 0 && indent <= secfixesIndent) {
                secfixesIndent = -1;
                version = null;
            }
            if (pkgIndent >= 0 && indent <= pkgIndent) {
                pkgIndent = -1;
                pkg = null;
            }
            Matcher item = ITEM.matcher(raw);
            Matcher key = KEY.matcher(raw);
            // a sequence may sit at its key's indentation ("7.211.2.6.17-r0:" then "- CVE-…" below it)
            if (secfixesIndent >= 0 && version != null && indent >= versionIndent && item.matches()) {
                if (versionUsable) {
                    ids(unquote(item.group(2).strip()), branch, pkg, version, at, byId, log);
                }
                continue;
            }
            if (!key.matches()) {
                continue; // a list item outside secfixes (archs) or a value Drydock does not need
            }
            String name = unquote(key.group(3).strip());
            String value = unquote(key.group(4).strip());
            if (secfixesIndent >= 0 && indent > secfixesIndent && key.group(2) == null) {
                version = name;
                versionIndent = indent;
                log.recordRead();
                versionUsable = fixVersion(version, branch, pkg, at, log);
                continue;
            }
            switch (name) {
                case "distroversion" -> branch = Ecosystems.normalizeRelease(Ecosystems.ALPINE, value);
                case "pkg" -> pkgIndent = indent + (key.group(2) == null ? 0 : key.group(2).length()) - 1;
                case "name" -> pkg = value;
                case "secfixes" -> {
                    if (pkg == null || branch == null) {
                        log.warn(at, null, "malformed secdb", "secfixes outside a package or before distroversion; skipped");
                    } else if (value.isEmpty()) {
                        secfixesIndent = indent;
                    }
                }
                default -> {
                }
            }
        }
    }

    private static boolean fixVersion(String version, String branch, String pkg, String at, IngestLog log) {
        if (version.equals("0")) {
            log.count("never affected (secfixes version 0)");
            return false;
        }
        if (!VersionSchemes.APK.isValid(version)) {
            log.warn(at, null, "unparseable version", pkg + " secfixes version \"" + version
                    + "\" is not a valid apk version; its entries skipped");
            return false;
        }
        return true;
    }

    private static void ids(String line, String branch, String pkg, String version, String at, Map<String, Collected> byId, IngestLog log) {
        String primary = null;
        List<String> others = new ArrayList<>();
        // "CVE-2017-16808 (AoE)": a parenthesised note after the id is not an id
        for (String token : NOTE.matcher(line).replaceAll(" ").split("\\s+")) {
            if (token.isEmpty()) {
                continue;
            }
            if (ID.matcher(token).matches()) {
                if (primary == null) {
                    primary = token;
                } else {
                    others.add(token);
                }
            } else {
                log.warn(at, null, "not a vulnerability id", pkg + " " + version + " lists \"" + token + "\", which is no vulnerability id; ignored");
            }
        }
        if (primary == null) {
            return;
        }
        Collected c = byId.computeIfAbsent(primary, k -> new Collected());
        c.aliases.addAll(others);
        List<String> versions = c.fixedIn.computeIfAbsent(new PackageKey(Ecosystems.ALPINE, branch, pkg), k -> new ArrayList<>());
        if (!versions.contains(version)) {
            versions.add(version);
        }
    }

    private static String stripComment(String line) {
        boolean inSingle = false;
        boolean inDouble = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'' && !inDouble) {
                inSingle = !inSingle;
            } else if (c == '"' && !inSingle) {
                inDouble = !inDouble;
            } else if (c == '#' && !inSingle && !inDouble && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    private static int indentOf(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        return i;
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && ((s.startsWith("\"") && s.endsWith("\"")) || (s.startsWith("'") && s.endsWith("'")))) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }
}
