package io.drydock.inventory.os;

import io.drydock.inventory.AnalysisWarning;
import io.drydock.inventory.Analyzer;
import io.drydock.inventory.OsRelease;
import io.drydock.layer.EntryContent;
import io.drydock.layer.LayerEntry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells which distribution a layer declares, from {@code os-release} (etc/ wins over usr/lib/ within one layer, as
 * os-release(5) says) and, when a layer has none, from the older per-distribution release files.
 *
 * <p>{@link OsRelease#versionId()} is the distribution's own full version: {@code 12} for Debian, {@code 3.20.3}
 * for Alpine, {@code 9.4} for RHEL, {@code 24.04} for Ubuntu. Advisory feeds key their data by a coarser release
 * line (Alpine {@code v3.20}, Debian {@code 12}); {@link ReleaseLine#of(OsRelease)} derives that, so nothing is
 * lost here.
 */
public final class OsReleaseAnalyzer implements Analyzer {

    static final String ETC_OS_RELEASE = "etc/os-release";
    static final String USR_LIB_OS_RELEASE = "usr/lib/os-release";
    static final String DEBIAN_VERSION = "etc/debian_version";
    static final String ALPINE_RELEASE = "etc/alpine-release";
    /** Tried in this order when there is no os-release; redhat-release is a symlink to the others on clones. */
    static final List<String> RED_HAT_STYLE_RELEASE_FILES = List.of(
            "etc/redhat-release", "etc/centos-release", "etc/rocky-release", "etc/almalinux-release");

    private static final Set<String> WANTED;

    static {
        List<String> all = new ArrayList<>(List.of(ETC_OS_RELEASE, USR_LIB_OS_RELEASE, DEBIAN_VERSION, ALPINE_RELEASE));
        all.addAll(RED_HAT_STYLE_RELEASE_FILES);
        WANTED = Set.copyOf(all);
    }

    /** Release files are a few hundred bytes; anything far larger is not one. */
    static final int MAX_RELEASE_FILE_BYTES = 64 * 1024;

    /** "Red Hat Enterprise Linux release 9.4 (Plow)", "CentOS Linux release 7.9.2009 (Core)". */
    private static final Pattern RELEASE_LINE = Pattern.compile(
            "^(?<name>.+?)\\s+release\\s+(?<version>\\d[^\\s()]*)(?:.*?\\((?<codename>[^)]*)\\))?");

    private static final Pattern ASSIGNMENT = Pattern.compile("^\\s*(?:export\\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$");

    @Override
    public String id() {
        return "os-release";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public boolean wants(String path, LayerEntry entry) {
        return WANTED.contains(path);
    }

    @Override
    public Collector start() {
        return new ReleaseCollector();
    }

    private final class ReleaseCollector implements Collector {
        private final Map<String, String> contents = new HashMap<>();
        private final List<AnalysisWarning> warnings = new ArrayList<>();

        @Override
        public void file(LayerEntry entry, EntryContent content) throws IOException {
            if (entry.size() > MAX_RELEASE_FILE_BYTES || !content.fitsInMemory()) {
                warnings.add(new AnalysisWarning(id(), entry.path(), "is " + entry.size()
                        + " bytes, far larger than a release file can be (limit " + MAX_RELEASE_FILE_BYTES
                        + "); ignored"));
                return;
            }
            contents.put(entry.path(), new String(content.readAllBytes(), StandardCharsets.UTF_8));
        }

        @Override
        public Result finish() {
            return new Result(List.of(), resolve(), warnings);
        }

        private OsRelease resolve() {
            for (String path : List.of(ETC_OS_RELEASE, USR_LIB_OS_RELEASE)) {
                String text = contents.get(path);
                if (text == null) {
                    continue;
                }
                OsRelease fromOsRelease = fromOsRelease(parseOsRelease(text));
                if (fromOsRelease != null) {
                    return fromOsRelease;
                }
                warnings.add(new AnalysisWarning(id(), path, "has no ID= line; falling back to other release files"));
            }
            String alpine = firstLine(contents.get(ALPINE_RELEASE));
            if (alpine != null) {
                return new OsRelease("alpine", alpine, null, null);
            }
            for (String path : RED_HAT_STYLE_RELEASE_FILES) {
                String line = firstLine(contents.get(path));
                if (line == null) {
                    continue;
                }
                OsRelease fromReleaseFile = fromRedHatStyleRelease(path, line);
                if (fromReleaseFile != null) {
                    return fromReleaseFile;
                }
                warnings.add(new AnalysisWarning(id(), path, "does not read '<name> release <version>'; ignored"));
            }
            String debian = firstLine(contents.get(DEBIAN_VERSION));
            if (debian != null) {
                return new OsRelease("debian", debian, null, null);
            }
            return null;
        }

        private OsRelease fromOsRelease(Map<String, String> values) {
            String id = values.get("ID");
            if (id == null || id.isBlank()) {
                return null;
            }
            id = id.strip().toLowerCase(Locale.ROOT);
            String versionId = blankToNull(values.get("VERSION_ID"));
            if (versionId == null && id.equals("debian")) {
                // Debian testing and unstable ship os-release without VERSION_ID; debian_version says "trixie/sid".
                versionId = firstLine(contents.get(DEBIAN_VERSION));
            }
            String codename = blankToNull(values.get("VERSION_CODENAME"));
            if (codename == null) {
                codename = blankToNull(values.get("UBUNTU_CODENAME"));
            }
            return new OsRelease(id, versionId, blankToNull(values.get("PRETTY_NAME")), codename);
        }
    }

    /** Parses "X release V (codename)"; the id comes from the distribution named in the text, else from the file. */
    static OsRelease fromRedHatStyleRelease(String path, String line) {
        Matcher m = RELEASE_LINE.matcher(line);
        if (!m.find()) {
            return null;
        }
        String name = m.group("name");
        String id = distributionId(name);
        if (id == null) {
            String file = path.substring(path.lastIndexOf('/') + 1, path.length() - "-release".length());
            id = file.equals("redhat") ? "rhel" : file;
        }
        return new OsRelease(id, m.group("version"), line, blankToNull(m.group("codename")));
    }

    private static String distributionId(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.contains("red hat")) {
            return "rhel";
        }
        if (lower.contains("centos")) {
            return "centos";
        }
        if (lower.contains("rocky")) {
            return "rocky";
        }
        if (lower.contains("almalinux")) {
            return "almalinux";
        }
        if (lower.contains("fedora")) {
            return "fedora";
        }
        return null;
    }

    /**
     * Parses os-release(5): shell-compatible {@code KEY=value} assignments, values optionally in double quotes
     * (backslash escapes {@code \\ \" \$ \`}), single quotes (literal) or unquoted (backslash escapes the next
     * character). Comments and lines that are not assignments are ignored, as systemd does. Later assignments win.
     */
    static Map<String, String> parseOsRelease(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : text.split("\\R")) {
            String stripped = line.strip();
            if (stripped.isEmpty() || stripped.startsWith("#")) {
                continue;
            }
            Matcher m = ASSIGNMENT.matcher(line);
            if (m.matches()) {
                values.put(m.group(1), unquote(m.group(2)));
            }
        }
        return values;
    }

    static String unquote(String raw) {
        StringBuilder out = new StringBuilder(raw.length());
        String value = raw.strip();
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == '"') {
                i++;
                while (i < value.length() && value.charAt(i) != '"') {
                    char d = value.charAt(i);
                    if (d == '\\' && i + 1 < value.length() && "\\\"$`".indexOf(value.charAt(i + 1)) >= 0) {
                        d = value.charAt(++i);
                    }
                    out.append(d);
                    i++;
                }
                i++; // closing quote; an unterminated one simply ends the value
            } else if (c == '\'') {
                int end = value.indexOf('\'', i + 1);
                int stop = end < 0 ? value.length() : end;
                out.append(value, i + 1, stop);
                i = stop + 1;
            } else if (c == '\\' && i + 1 < value.length()) {
                out.append(value.charAt(i + 1));
                i += 2;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static String firstLine(String text) {
        if (text == null) {
            return null;
        }
        for (String line : text.split("\\R")) {
            if (!line.isBlank()) {
                return line.strip();
            }
        }
        return null;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
