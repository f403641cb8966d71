package io.drydock.inventory.os;

import io.drydock.inventory.AnalysisWarning;
import io.drydock.inventory.Analyzer;
import io.drydock.inventory.InstalledPackage;
import io.drydock.layer.EntryContent;
import io.drydock.layer.LayerEntry;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian packages, from dpkg's database ({@code var/lib/dpkg/status}) or, in distroless images that have no dpkg,
 * from one file per package under {@code var/lib/dpkg/status.d/}. Owned files come from dpkg's
 * {@code info/<package>[:<arch>].list} and {@code .md5sums} (and distroless {@code status.d/<package>.md5sums});
 * licenses from machine-readable (DEP-5) {@code usr/share/doc/<package>/copyright} files.
 *
 * <p>A package counts as installed whenever its files are on disk: every dpkg state except {@code not-installed} and
 * {@code config-files}. Any state other than {@code installed} is kept in the property {@code dpkgStatus}.
 *
 * <p>Only what one layer holds is seen: a layer that rewrites the status file but installs no package carries no
 * list files, so its packages come out without owned files; joining them with lower layers is the image-wide
 * merge's job.
 */
public final class DpkgAnalyzer implements Analyzer {

    static final String STATUS = "var/lib/dpkg/status";
    static final String STATUS_D = "var/lib/dpkg/status.d/";
    static final String INFO = "var/lib/dpkg/info/";
    static final String DOC = "usr/share/doc/";
    static final String COPYRIGHT = "/copyright";
    static final String MD5SUMS = ".md5sums";
    static final String LIST = ".list";

    /** Real stanzas are a few KiB (long descriptions, many Provides); a megabyte is far beyond any of them. */
    public static final long DEFAULT_MAX_STANZA_BYTES = 1L << 20;
    /** Longer than any path a filesystem accepts (PATH_MAX is 4096). */
    static final int MAX_PATH_LINE_BYTES = 64 * 1024;

    /** dpkg's own rule for package names (deb-src-control(5)), upper case tolerated as old databases have it. */
    private static final Pattern PACKAGE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9+.\\-]*");
    private static final Pattern VERSION = Pattern.compile("[^\\s\\p{Cntrl}]+");
    private static final Pattern SOURCE = Pattern.compile("(\\S+)(?:\\s*\\((\\S+)\\))?");
    private static final Pattern MD5SUMS_LINE = Pattern.compile("[0-9a-fA-F]{32} [ *](.+)");
    /** Want, error flag, status (dpkg(1), "Package states"). */
    private static final Pattern STATUS_VALUE = Pattern.compile("(\\S+)\\s+(\\S+)\\s+(\\S+)");
    /** Status words for which none of the package's files are on disk. */
    private static final Set<String> NOTHING_ON_DISK = Set.of("not-installed", "config-files");

    private final long maxStanzaBytes;

    public DpkgAnalyzer() {
        this(DEFAULT_MAX_STANZA_BYTES);
    }

    /** @param maxStanzaBytes larger stanzas are skipped with a warning */
    public DpkgAnalyzer(long maxStanzaBytes) {
        if (maxStanzaBytes <= 0) {
            throw new IllegalArgumentException("maxStanzaBytes must be positive: " + maxStanzaBytes);
        }
        this.maxStanzaBytes = maxStanzaBytes;
    }

    @Override
    public String id() {
        return "dpkg";
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public boolean wants(String path, LayerEntry entry) {
        if (path.equals(STATUS)) {
            return true;
        }
        if (isDirectChild(path, STATUS_D)) {
            return true;
        }
        if (isDirectChild(path, INFO)) {
            return path.endsWith(LIST) || path.endsWith(MD5SUMS);
        }
        return path.startsWith(DOC) && path.endsWith(COPYRIGHT)
                && path.indexOf('/', DOC.length()) == path.length() - COPYRIGHT.length();
    }

    private static boolean isDirectChild(String path, String directory) {
        return path.startsWith(directory) && path.length() > directory.length()
                && path.indexOf('/', directory.length()) < 0;
    }

    @Override
    public Collector start() {
        return new DpkgCollector();
    }

    /** A stanza that described an installed package, waiting for its owned files and licenses. */
    private record Stanza(String name, String version, String arch, String sourceName, String sourceVersion,
                          String status, String location) {
    }

    private final class DpkgCollector implements Collector {
        private final List<Stanza> stanzas = new ArrayList<>();
        /** Keyed by what the list file is named after: {@code libc6:amd64}, {@code coreutils}. */
        private final Map<String, Set<String>> ownedFiles = new HashMap<>();
        private final Map<String, List<String>> licensesByDocDirectory = new HashMap<>();
        private final List<AnalysisWarning> warnings = new ArrayList<>();

        @Override
        public void file(LayerEntry entry, EntryContent content) throws IOException {
            String path = entry.path();
            if (path.equals(STATUS)) {
                readStatus(path, content, false);
            } else if (path.startsWith(STATUS_D)) {
                if (path.endsWith(MD5SUMS)) {
                    readMd5sums(path, content, stem(path, MD5SUMS));
                } else {
                    readStatus(path, content, true);
                }
            } else if (path.startsWith(INFO)) {
                if (path.endsWith(LIST)) {
                    readList(path, content, stem(path, LIST));
                } else {
                    readMd5sums(path, content, stem(path, MD5SUMS));
                }
            } else {
                readCopyright(path, content);
            }
        }

        private void readStatus(String path, EntryContent content, boolean distroless) throws IOException {
            Paragraphs paragraphs = new Paragraphs(content, maxStanzaBytes);
            Paragraphs.Paragraph paragraph;
            while ((paragraph = paragraphs.next()) != null) {
                String where = "stanza " + paragraph.number() + " (line " + paragraph.firstLine() + ")";
                if (paragraph.oversized()) {
                    warn(path, where + " is larger than " + maxStanzaBytes + " bytes; skipped");
                    continue;
                }
                ControlFields fields;
                try {
                    fields = ControlFields.parse(paragraph);
                } catch (ControlFields.MalformedParagraph e) {
                    warn(path, where + ": " + e.getMessage() + "; skipped");
                    continue;
                }
                Stanza stanza = toStanza(path, where, fields, distroless);
                if (stanza != null) {
                    stanzas.add(stanza);
                }
            }
        }

        private Stanza toStanza(String path, String where, ControlFields fields, boolean distroless) {
            String name = fields.get("Package");
            String version = fields.get("Version");
            if (name == null || name.isEmpty()) {
                warn(path, where + " has no Package field; skipped");
                return null;
            }
            if (!PACKAGE_NAME.matcher(name).matches()) {
                warn(path, where + " has an invalid package name '" + abbreviate(name) + "'; skipped");
                return null;
            }
            if (version == null || version.isEmpty()) {
                warn(path, where + " (package " + name + ") has no Version field; skipped");
                return null;
            }
            if (!VERSION.matcher(version).matches()) {
                warn(path, where + " (package " + name + ") has an invalid version '" + abbreviate(version)
                        + "'; skipped");
                return null;
            }
            String statusWord = "installed";
            String status = fields.get("Status");
            if (status != null) {
                Matcher m = STATUS_VALUE.matcher(status);
                if (!m.matches()) {
                    warn(path, where + " (package " + name + ") has a malformed Status '" + abbreviate(status)
                            + "'; skipped");
                    return null;
                }
                statusWord = m.group(3);
            } else if (!distroless) {
                // dpkg reads a stanza without Status as "not-installed"; distroless status.d files never have one.
                return null;
            }
            // Anything with files on disk counts, not just "installed": a half-configured or unpacked package
            // still ships its (possibly vulnerable) code, and held packages ("hold ok installed") are installed.
            if (NOTHING_ON_DISK.contains(statusWord)) {
                return null;
            }
            String sourceName = name;
            String sourceVersion = version;
            String source = fields.get("Source");
            if (source != null && !source.isBlank()) {
                Matcher m = SOURCE.matcher(source.strip());
                if (m.matches()) {
                    sourceName = m.group(1);
                    if (m.group(2) != null) {
                        sourceVersion = m.group(2);
                    }
                } else {
                    warn(path, where + " (package " + name + ") has a malformed Source '" + abbreviate(source)
                            + "'; using the binary package's name and version");
                }
            }
            return new Stanza(name, version, fields.get("Architecture"), sourceName, sourceVersion, statusWord, path);
        }

        /** A .list names every path the package installed, directories included; only the leaves are its own. */
        private void readList(String path, EntryContent content, String owner) throws IOException {
            List<String> paths = new ArrayList<>();
            LineReader lines = new LineReader(content, MAX_PATH_LINE_BYTES);
            LineReader.Line line;
            while ((line = lines.next()) != null) {
                if (line.truncated() || !line.text().startsWith("/")) {
                    continue;
                }
                String relative = line.text().substring(1);
                if (!relative.isEmpty() && !relative.equals(".")) {
                    paths.add(relative);
                }
            }
            Set<String> directories = new HashSet<>();
            for (String p : paths) {
                for (int slash = p.lastIndexOf('/'); slash > 0; slash = p.lastIndexOf('/', slash - 1)) {
                    if (!directories.add(p.substring(0, slash))) {
                        break; // its ancestors are in already
                    }
                }
            }
            Set<String> owned = ownedFiles.computeIfAbsent(owner, k -> new LinkedHashSet<>());
            for (String p : paths) {
                if (!directories.contains(p)) {
                    owned.add(p);
                }
            }
        }

        /** md5sums lists regular files only (conffiles excepted), relative to the root: "hash  usr/bin/x". */
        private void readMd5sums(String path, EntryContent content, String owner) throws IOException {
            Set<String> owned = ownedFiles.computeIfAbsent(owner, k -> new LinkedHashSet<>());
            LineReader lines = new LineReader(content, MAX_PATH_LINE_BYTES);
            LineReader.Line line;
            while ((line = lines.next()) != null) {
                Matcher m = MD5SUMS_LINE.matcher(line.text());
                if (!line.truncated() && m.matches()) {
                    String file = m.group(1).strip();
                    owned.add(file.startsWith("/") ? file.substring(1) : file);
                }
            }
        }

        /**
         * Licenses as the machine-readable copyright format (DEP-5) declares them: the short name on the first line
         * of every License field. Free-form copyright files carry no reliable license name and are skipped.
         */
        private void readCopyright(String path, EntryContent content) throws IOException {
            String docDirectory = path.substring(DOC.length(), path.length() - COPYRIGHT.length());
            Paragraphs paragraphs = new Paragraphs(content, maxStanzaBytes);
            Set<String> licenses = new LinkedHashSet<>();
            Paragraphs.Paragraph paragraph;
            boolean first = true;
            while ((paragraph = paragraphs.next()) != null) {
                if (paragraph.oversized()) {
                    continue;
                }
                ControlFields fields;
                try {
                    fields = ControlFields.parse(paragraph);
                } catch (ControlFields.MalformedParagraph e) {
                    if (first) {
                        return; // free-form text
                    }
                    continue;
                }
                if (first && !fields.has("Format") && !fields.has("Format-Specification")) {
                    return;
                }
                first = false;
                String license = fields.firstLine("License");
                if (license != null && !license.isBlank()) {
                    licenses.add(license.strip());
                }
            }
            licensesByDocDirectory.put(docDirectory, List.copyOf(licenses));
        }

        @Override
        public Result finish() {
            List<InstalledPackage> packages = new ArrayList<>(stanzas.size());
            for (Stanza s : stanzas) {
                Set<String> owned = ownedFiles.get(s.name() + ":" + s.arch());
                if (owned == null) {
                    owned = ownedFiles.getOrDefault(s.name(), Set.of());
                }
                Map<String, String> properties = s.status().equals("installed") ? Map.of()
                        : Map.of("dpkgStatus", s.status());
                packages.add(new InstalledPackage("deb", null, s.name(), s.version(), s.arch(), s.sourceName(),
                        s.sourceVersion(), licensesByDocDirectory.getOrDefault(s.name(), List.of()),
                        List.of(s.location()), List.copyOf(owned), properties));
            }
            return new Result(packages, null, warnings);
        }

        private void warn(String path, String message) {
            warnings.add(new AnalysisWarning(id(), path, message));
        }
    }

    private static String stem(String path, String suffix) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return name.endsWith(suffix) ? name.substring(0, name.length() - suffix.length()) : name;
    }

    /** Keeps warnings readable when the offending value is megabytes of garbage. */
    static String abbreviate(String value) {
        String printable = value.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= 80 ? printable : printable.substring(0, 77) + "...";
    }
}
