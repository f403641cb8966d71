package io.drydock.cli;

import io.drydock.DrydockException;
import io.drydock.freshness.EolArchive;
import io.drydock.freshness.EolData;
import io.drydock.image.ImageReference;
import io.drydock.vulndb.AdvisoryMatch;
import io.drydock.vulndb.BuildResult;
import io.drydock.vulndb.DbMetadata;
import io.drydock.vulndb.EmbeddedAdvisories;
import io.drydock.vulndb.Ecosystems;
import io.drydock.vulndb.IngestWarning;
import io.drydock.vulndb.PackageAdvisory;
import io.drydock.vulndb.Severity;
import io.drydock.vulndb.SourceReport;
import io.drydock.vulndb.Staleness;
import io.drydock.vulndb.VulnDb;
import io.drydock.vulndb.VulnDbArtifact;
import io.drydock.vulndb.VulnDbBuilder;
import io.drydock.vulndb.osv.AdvisorySource;
import io.drydock.vulndb.osv.OsvZipSource;
import io.drydock.vulndb.osv.ZipLimits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "db", description = "The advisory database: build, inspect, query, mirror.",
        subcommands = {DbCommand.Update.class, DbCommand.Status.class, DbCommand.Query.class, DbCommand.Push.class, DbCommand.Pull.class})
final class DbCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static ImageReference registryRef(String text, ImageOptions options) {
        ImageReference ref = ImageReference.parse(text);
        options.bindCredentials(ref.registry());
        return ref;
    }

    static Path dbPath(ImageOptions options) {
        return options.home().resolve("db").resolve("vulndb.sqlite");
    }

    static VulnDb open(ImageOptions options) {
        Path p = dbPath(options);
        if (!Files.exists(p)) throw new DrydockException("no advisory DB at " + p + "; run 'drydock db update' first");
        return VulnDb.open(p);
    }

    /** The DB, built first from the advisories shipped in the jar when there is none yet, so a first scan works offline. */
    static VulnDb openOrBuild(ImageOptions options, PrintWriter err) {
        Path p = dbPath(options);
        if (!Files.exists(p)) {
            err.println("drydock: no advisory DB at " + p + " yet: building it from the advisories shipped with Drydock"
                    + " (run 'drydock db update --source …' for the full feeds)");
            err.flush();
            VulnDbBuilder builder = VulnDbBuilder.to(p);
            EmbeddedAdvisories.sources().forEach(builder::add);
            builder.build();
        }
        return VulnDb.open(p);
    }

    /** Where {@code db update --eol} installs end-of-life data. */
    static Path eolPath(ImageOptions options) {
        return options.home().resolve("eol");
    }

    /**
     * The end-of-life data scans use: what {@code db update --eol} (or a pulled DB artifact) installed in the home,
     * else the snapshot shipped in the jar, its parsed form cached in the home. Installed data that no longer loads
     * gives a warning and the shipped snapshot.
     */
    static EolData eolData(ImageOptions options, PrintWriter err) {
        return EolData.forHome(options.home(), warning -> {
            err.println("drydock: warning: " + warning);
            err.flush();
        });
    }

    /** Validates a directory of endoflife.date product files and installs a copy in the home: written aside, then renamed. */
    static EolData installEol(Path from, ImageOptions options, PrintWriter out, PrintWriter err) throws IOException {
        EolData data = validateEol(from, "--eol " + from);
        installEol(from, from.toString(), data, options, out, err);
        return data;
    }

    /** The data in {@code from}, loaded to check it; an error names it as {@code what}. */
    private static EolData validateEol(Path from, String what) {
        try {
            return EolData.load(from);
        } catch (DrydockException e) {
            throw new DrydockException(what + ": " + e.getMessage(), e);
        }
    }

    /** Installs the validated data in {@code from} (described as {@code source}) in the home: written aside, then renamed. */
    private static void installEol(Path from, String source, EolData data, ImageOptions options, PrintWriter out, PrintWriter err)
            throws IOException {
        Path target = eolPath(options);
        Files.createDirectories(target.getParent());
        Path temp = Files.createTempDirectory(target.getParent(), "eol.new-");
        Path old = null;
        try {
            try (var files = Files.list(from)) {
                for (Path p : files.filter(Files::isRegularFile).toList()) {
                    String name = p.getFileName().toString();
                    if (name.matches("[a-z0-9][a-z0-9._-]*\\.md") || name.equals("SOURCE.md") || name.equals("LICENSE")) {
                        Files.copy(p, temp.resolve(name));
                    }
                }
            }
            if (Files.exists(target)) {
                old = target.resolveSibling("eol.old-" + System.nanoTime());
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            temp = null;
        } finally {
            if (temp != null) deleteTree(temp);
            if (old != null) deleteTree(old);
        }
        out.printf("installed the end-of-life data from %s in %s: %d products, data of %s%n", source, target, data.products().size(),
                data.snapshotDate() == null ? "unknown date" : data.snapshotDate());
        data.warnings().stream().limit(20).forEach(w -> err.println("drydock: warning: end-of-life data: " + w));
        if (data.warnings().size() > 20) err.println("drydock: warning: end-of-life data: " + (data.warnings().size() - 20) + " more warnings");
        out.flush();
        err.flush();
    }

    /** The layer of end-of-life data pushed with the DB: the data the home uses (installed, else shipped). */
    static VulnDbArtifact.ExtraLayer eolLayer(ImageOptions options) {
        return new VulnDbArtifact.ExtraLayer(EolArchive.MEDIA_TYPE, EolArchive.pack(EolArchive.filesInUse(options.home())), "eol.tar.gz");
    }

    /**
     * Pulls the DB artifact at {@code ref}; with {@code withEol}, end-of-life data in it is unpacked (flat data files
     * only), validated and installed as {@code db update --eol} does. An artifact without it leaves the installed
     * end-of-life data as it is; a bad one refuses the pull, installing nothing.
     */
    static DbMetadata pull(ImageReference ref, boolean withEol, ImageOptions options, PrintWriter out, PrintWriter err) throws IOException {
        if (!withEol) return VulnDbArtifact.pull(options.client(), ref, dbPath(options));
        Files.createDirectories(options.home());
        List<Path> unpacked = new ArrayList<>();
        try {
            String what = "the end-of-life data in " + ref;
            return VulnDbArtifact.pull(options.client(), ref, dbPath(options), java.util.Map.of(EolArchive.MEDIA_TYPE, content -> {
                try {
                    Path dir = Files.createTempDirectory(options.home(), "eol.layer-");
                    unpacked.add(dir);
                    EolArchive.unpack(content, dir, what);
                    EolData data = validateEol(dir, what);
                    return () -> {
                        try {
                            installEol(dir, what, data, options, out, err);
                        } catch (IOException e) {
                            throw new DrydockException("installing " + what + " failed: " + DrydockException.reason(e), e);
                        }
                    };
                } catch (IOException e) {
                    throw new DrydockException("unpacking " + what + " failed: " + DrydockException.reason(e), e);
                }
            }));
        } finally {
            for (Path dir : unpacked) deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    @Command(name = "update", description = "Build the DB from advisory sources (default: the real advisories shipped with Drydock, offline).")
    static final class Update implements Callable<Integer> {
        @Option(names = "--source", description = "A directory or file of OSV records, an osv.dev all.zip (path or https URL), an Alpine secdb directory, or oci://REF of a mirrored DB (repeatable).")
        List<String> sources = new ArrayList<>();

        @Option(names = "--eol", paramLabel = "DIR", description = "Install newer end-of-life data: a directory of endoflife.date product files (<product>.md, e.g. its products/ folder). Alone, the advisory DB is left as it is.")
        Path eol;

        @Mixin
        ImageOptions options;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (eol != null) {
                installEol(eol, options, out, err);
                if (sources.isEmpty()) return 0;
            }
            update(sources, eol == null, options, out, err);
            return 0;
        }

        /**
         * Replaces the DB in the home: pulled whole from {@code oci://REF}, else built from the sources (the shipped
         * advisories when there are none). The server's scheduled updates call this too.
         *
         * @param withEol whether a pulled artifact's end-of-life data is installed as well
         */
        static void update(List<String> sources, boolean withEol, ImageOptions options, PrintWriter out, PrintWriter err) throws IOException {
            Path target = dbPath(options);
            if (sources.size() == 1 && sources.get(0).startsWith("oci://")) {
                ImageReference ref = registryRef(sources.get(0).substring("oci://".length()), options);
                DbMetadata meta = pull(ref, withEol, options, out, err); // --eol DIR wins over the artifact's
                out.printf("pulled the advisory DB from %s: %d advisories built %s%n", ref, meta.advisories(), meta.builtAt());
                return;
            }
            if (sources.stream().anyMatch(s -> s.startsWith("oci://"))) {
                throw new DrydockException("--source oci://… replaces the whole DB and cannot be combined with other sources");
            }
            List<Path> downloads = new ArrayList<>();
            try {
                VulnDbBuilder builder = VulnDbBuilder.to(target);
                if (sources.isEmpty()) EmbeddedAdvisories.sources().forEach(builder::add);
                for (String s : sources) builder.add(source(s, downloads, err));
                long start = System.nanoTime();
                BuildResult result = builder.listener(new VulnDbBuilder.Listener() {
                    private int shown;

                    @Override
                    public void sourceStarted(AdvisorySource source) {
                        err.println("reading " + source.kind() + " " + source.location());
                        err.flush();
                    }

                    @Override
                    public void warning(IngestWarning warning) {
                        if (shown++ < 20) {
                            err.println("drydock: warning: " + warning);
                            err.flush();
                        }
                    }
                }).build();
                try (VulnDb db = VulnDb.open(target)) {
                    printStatus(out, db.metadata(), target);
                }
                out.printf("built in %.1f s (%d records read, %d skipped)%n", (System.nanoTime() - start) / 1e9, result.recordsRead(), result.skippedRecords());
            } finally {
                for (Path d : downloads) Files.deleteIfExists(d);
            }
        }

        private static AdvisorySource source(String s, List<Path> downloads, PrintWriter err) throws IOException {
            if (s.startsWith("https://") || s.startsWith("http://")) {
                Path tmp = Files.createTempFile("drydock-osv-", ".zip");
                downloads.add(tmp);
                download(URI.create(s), tmp, err);
                return new OsvZipSource(tmp, ZipLimits.DEFAULT);
            }
            Path p = Path.of(s);
            if (!Files.exists(p)) throw new DrydockException("advisory source " + s + " does not exist");
            return AdvisorySource.of(p);
        }

        private static void download(URI uri, Path to, PrintWriter err) throws IOException {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(15)).followRedirects(HttpClient.Redirect.NORMAL).build();
            err.println("downloading " + uri);
            err.flush();
            try {
                HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2)).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                if (r.statusCode() != 200) {
                    r.body().close();
                    throw new DrydockException("downloading " + uri + " failed: HTTP " + r.statusCode());
                }
                try (InputStream in = r.body()) {
                    Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DrydockException("interrupted while downloading " + uri);
            } catch (java.net.ConnectException e) {
                throw new DrydockException("cannot reach " + uri.getHost() + " to download " + uri + " (connection refused or no network)");
            }
        }
    }

    static void printStatus(PrintWriter out, DbMetadata m, Path path) {
        out.printf("advisory DB %s%n  schema %d, built %s, %d advisories for %d packages, %s%n", path, m.schemaVersion(), m.builtAt(),
                m.advisories(), m.packages(), Text.bytes(m.bytes()));
        List<String[]> rows = Text.rows();
        rows.add(new String[]{"  SOURCE", "KIND", "READ", "STORED", "SKIPPED", "WARNINGS", "NEWEST RECORD"});
        for (SourceReport s : m.sources()) {
            rows.add(new String[]{"  " + s.name(), s.kind(), String.valueOf(s.recordsRead()), String.valueOf(s.stored()),
                    String.valueOf(s.skippedRecords()), String.valueOf(s.warnings()), s.newestModified() == null ? "-" : s.newestModified().toString()});
        }
        out.print(Text.table(rows));
        for (SourceReport s : m.sources()) {
            if (s.skippedRecords() > 0 || s.warnings() > 0) {
                out.printf("  %s: %d records skipped, %d warnings: %s%n", s.name(), s.skippedRecords(), s.warnings(),
                        s.reasons().entrySet().stream().map(e -> e.getKey() + " ×" + e.getValue()).collect(Collectors.joining(", ")));
                s.sampleWarnings().stream().limit(5).forEach(w -> out.println("    " + w));
            }
        }
        out.flush();
    }

    @Command(name = "status", description = "Sources, counts, age and size of the DB.")
    static final class Status implements Callable<Integer> {
        @Option(names = "--db-max-age", description = "Fail (exit 3) when the DB is older than this, e.g. 24h, 5d (default: warn after 5d).")
        String maxAge;
        @Mixin
        ImageOptions options;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (VulnDb db = open(options)) {
                printStatus(spec.commandLine().getOut(), db.metadata(), db.path());
                checkAge(db, maxAge, spec.commandLine().getErr());
            }
            return 0;
        }
    }

    /** The staleness gate: a warning by default, an error with --db-max-age. */
    static void checkAge(VulnDb db, String maxAge, PrintWriter err) {
        Staleness s = db.staleness(maxAge == null ? Staleness.DEFAULT_MAX_AGE : parseDuration(maxAge));
        if (!s.stale()) return;
        if (maxAge != null) throw new DrydockException(s.message() + " (--db-max-age " + maxAge + "); run 'drydock db update'");
        err.println("drydock: warning: " + s.message() + "; run 'drydock db update'");
        err.flush();
    }

    static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            return switch (t.charAt(t.length() - 1)) {
                case 'd' -> Duration.ofDays(n);
                case 'h' -> Duration.ofHours(n);
                case 'm' -> Duration.ofMinutes(n);
                case 's' -> Duration.ofSeconds(n);
                default -> throw new NumberFormatException();
            };
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new DrydockException("invalid duration '" + text + "': use a number and a unit, e.g. 24h, 5d, 90m");
        }
    }

    @Command(name = "query", description = "Advisories affecting a package (and version), and why.")
    static final class Query implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ECOSYSTEM", description = "OSV ecosystem, with release where it has one: Maven, npm, PyPI, Go, Debian:12, Alpine:v3.20, …")
        String ecosystem;
        @Parameters(index = "1", paramLabel = "NAME", description = "Package name (Maven: group:artifact; Debian: source package).")
        String name;
        @Parameters(index = "2", arity = "0..1", paramLabel = "VERSION")
        String version;
        @Mixin
        ImageOptions options;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            String[] eco = Ecosystems.split(ecosystem).orElseThrow(() -> new DrydockException("unknown ecosystem '" + ecosystem
                    + "'; supported: " + String.join(", ", Ecosystems.supported())));
            try (VulnDb db = open(options)) {
                checkAge(db, null, spec.commandLine().getErr());
                if (version == null) {
                    List<PackageAdvisory> all = db.advisories(eco[0], eco[1], name);
                    for (PackageAdvisory a : all) {
                        out.printf("%s %s  fixed: %s  %s%n", a.advisory().id(), aliases(a.advisory().aliases()),
                                a.affected().fixedVersions().isEmpty() ? "none (" + a.affected().fixState() + ")" : String.join(", ", a.affected().fixedVersions()),
                                Text.oneLine(a.advisory().summary(), 80));
                    }
                    out.printf("%d advisories for %s %s%n", all.size(), ecosystem, name);
                } else {
                    List<AdvisoryMatch> matches = db.query(eco[0], eco[1], name, version);
                    for (AdvisoryMatch m : matches) {
                        out.printf("%s %s %s%n  %s%n  why: %s%n  fixed in: %s%n", m.advisory().id(), aliases(m.advisory().aliases()),
                                severity(m.severities()), Text.oneLine(m.advisory().summary(), 100), m.reason().explain(version),
                                m.affected().fixedVersions().isEmpty() ? "no fixed version (" + m.affected().fixState() + ")" : String.join(", ", m.affected().fixedVersions()));
                    }
                    out.printf("%s %s %s: %d advisories%n", ecosystem, name, version, matches.size());
                }
            }
            out.flush();
            return 0;
        }

        private static String aliases(List<String> aliases) {
            return aliases.isEmpty() ? "" : "(" + String.join(", ", aliases) + ")";
        }

        private static String severity(List<Severity> severities) {
            return severities.stream().map(s -> s.rating() != null ? s.rating() + (s.score() != null ? " " + s.score() : "") : s.value())
                    .findFirst().map(s -> "[" + s + "]").orElse("");
        }
    }

    @Command(name = "push", description = "Push the DB to a registry as an OCI artifact, for mirrors and air-gapped sites, with the end-of-life data in use.")
    static final class Push implements Callable<Integer> {
        @Parameters(paramLabel = "REF")
        String ref;
        @Mixin
        ImageOptions options;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            ImageReference r = registryRef(ref, options);
            var digest = VulnDbArtifact.push(options.client(), r, dbPath(options), List.of(eolLayer(options)));
            spec.commandLine().getOut().printf("pushed the advisory DB to %s@%s%n", r, digest);
            return 0;
        }
    }

    @Command(name = "pull", description = "Pull a DB pushed with 'db push' and install it (verified, atomic).")
    static final class Pull implements Callable<Integer> {
        @Parameters(paramLabel = "REF")
        String ref;
        @Mixin
        ImageOptions options;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            ImageReference r = registryRef(ref, options);
            DbMetadata m = pull(r, true, options, spec.commandLine().getOut(), spec.commandLine().getErr());
            spec.commandLine().getOut().printf("pulled the advisory DB from %s: %d advisories, built %s%n", r, m.advisories(), m.builtAt());
            return 0;
        }
    }
}
