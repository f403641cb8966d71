package io.drydock.cli;

import io.drydock.DrydockException;
import io.drydock.cache.CachingSource;
import io.drydock.freshness.EolData;
import io.drydock.freshness.Freshness;
import io.drydock.image.ImageResolver;
import io.drydock.image.ResolvedImage;
import io.drydock.inventory.Inventory;
import io.drydock.inventory.sbom.SbomReader;
import io.drydock.layer.LayerInfo;
import io.drydock.scan.Gate;
import io.drydock.scan.IgnoreFile;
import io.drydock.scan.ImageAccess;
import io.drydock.scan.KnownBases;
import io.drydock.scan.Matcher;
import io.drydock.scan.OpenVex;
import io.drydock.scan.Rating;
import io.drydock.scan.ScanReport;
import io.drydock.scan.Scanner;
import io.drydock.scan.report.CosignVulnReport;
import io.drydock.scan.report.ReportWriter;
import io.drydock.scan.report.TableReport;
import io.drydock.vulndb.VulnDb;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "scan", description = {
        "Vulnerabilities in images (or SBOMs): each finding with the layer that installed the package, whether it is",
        "the base image's or the application's, its fixed versions, and what to upgrade or rebuild."},
        footer = {"", "Exit codes: 0 no findings left after the gates (or --exit-code 0, the default); N (--exit-code N)",
                "findings left; 2 usage error; 3 error (the message names the input). N may not be 2 or 3."})
final class ScanCommand implements Callable<Integer> {
    @Parameters(paramLabel = "IMAGE", arity = "0..*", description = "Images: registry references, oci:DIR[:TAG], oci-archive:FILE, docker-archive:FILE.")
    List<String> images = new ArrayList<>();

    @Option(names = "--sbom", paramLabel = "FILE", description = "Scan a CycloneDX or SPDX JSON SBOM instead of an image (repeatable).")
    List<Path> sboms = new ArrayList<>();

    @Option(names = "--format", defaultValue = "table", description = "table (default), json, sarif, cyclonedx (CycloneDX 1.6 VEX) or cosign-vuln (cosign's vulnerability predicate).")
    String format;

    @Option(names = {"-o", "--output"}, description = "Write the report to this file (replaced atomically) instead of standard output.")
    Path output;

    @Option(names = "--base", paramLabel = "IMAGE", description = "The base image the scanned images are built on (overrides the OCI base annotations).")
    String base;

    @Option(names = "--severity", split = ",", paramLabel = "LIST", description = "Only these severities: CRITICAL,HIGH,MEDIUM,LOW,NEGLIGIBLE,UNKNOWN.")
    List<String> severities = new ArrayList<>();

    @Option(names = "--exit-code", defaultValue = "0", description = "Exit status when findings remain after the gates (default 0).")
    int exitCode;

    @Option(names = "--ignore-unfixed", description = "Hide findings without a fixed version.")
    boolean ignoreUnfixed;

    @Option(names = "--ignore-status", split = ",", paramLabel = "STATES", description = "Hide findings in these states: fixed, unfixed, no-dsa, postponed, end-of-life, ignored, …")
    List<String> ignoreStatuses = new ArrayList<>();

    @Option(names = "--only-base", description = "Only findings in the base image's layers.")
    boolean onlyBase;

    @Option(names = "--only-app", description = "Only findings in the application's layers.")
    boolean onlyApp;

    @Option(names = "--ignore-file", description = "Accepted findings with reasons and expiry dates (default: ./.drydockignore.yaml when present).")
    Path ignoreFile;

    @Option(names = "--vex", paramLabel = "FILE", description = "OpenVEX document whose not_affected and fixed statements suppress findings (repeatable).")
    List<Path> vex = new ArrayList<>();

    @Option(names = "--detection-priority", defaultValue = "precise", description = "precise (default): a language package an OS package installed is judged by the distribution's data; comprehensive: by upstream's too.")
    String priority;

    @Option(names = "--db-max-age", description = "Fail (exit 3) when the advisory DB is older than this, e.g. 24h, 5d (default: warn after 5d).")
    String maxAge;

    @Mixin
    ImageOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (images.isEmpty() && sboms.isEmpty()) throw usage("name at least one IMAGE or --sbom FILE");
        if (exitCode == 2 || exitCode == Main.EXIT_ERROR) throw usage("--exit-code " + exitCode + " would look like a usage error (2) or an error (3); choose another");
        if (onlyBase && onlyApp) throw usage("--only-base and --only-app exclude each other");
        ReportWriter writer;
        try {
            writer = switch (format) {
                case "table" -> new TableReport(output == null && System.console() != null && System.getenv("NO_COLOR") == null);
                // the attestation records how the scan was run, as cosign's predicate asks
                case "cosign-vuln" -> new CosignVulnReport(CosignVulnReport.Invocation.fromEnvironment(System.getenv(),
                        spec.commandLine().getParseResult().originalArgs()), Clock.systemUTC());
                default -> ReportWriter.forName(format);
            };
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        Matcher.Priority detection = switch (priority.toLowerCase(Locale.ROOT)) {
            case "precise" -> Matcher.Priority.PRECISE;
            case "comprehensive" -> Matcher.Priority.COMPREHENSIVE;
            default -> throw usage("--detection-priority must be precise or comprehensive, not " + priority);
        };
        Gate gate = gate();
        PrintWriter err = spec.commandLine().getErr();
        List<ScanReport> reports = new ArrayList<>();
        // parsed while the images are read: the first parse in a process costs about as much as a warm scan
        CompletableFuture<EolData> eolData = CompletableFuture.supplyAsync(() -> DbCommand.eolData(options, err));
        try (VulnDb db = DbCommand.openOrBuild(options, err)) {
            DbCommand.checkAge(db, maxAge, err);
            Scanner scanner = scanner(db, detection, options);
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            for (String image : images) {
                OpenedImage opened = openImage(options, image);
                ScanReport r = scanner.scan(opened.target(), base, gate);
                reports.add(r.withFreshness(Freshness.assess(r, opened.target().inventory(), opened.image().config().env(),
                        eolData.join(), today)));
            }
            for (Path sbom : sboms) {
                Scanner.Target target = sbomTarget(sbom);
                ScanReport r = scanner.scan(target, base, gate);
                reports.add(r.withFreshness(Freshness.assess(r, target.inventory(), List.of(), eolData.join(), today)));
            }
        }
        write(writer.write(reports), output, spec.commandLine().getOut());
        for (ScanReport r : reports) {
            if (!r.inventoryWarnings().isEmpty()) {
                err.println("drydock: warning: the inventory of " + r.target() + " is incomplete (" + r.inventoryWarnings().size()
                        + " files could not be read): findings may be missing");
            }
        }
        err.flush();
        boolean failed = reports.stream().anyMatch(r -> !r.findings().isEmpty());
        return failed ? gate.exitCode() : 0;
    }

    private Gate gate() {
        Set<Rating> wanted;
        try {
            wanted = severities.stream().map(Rating::parse).collect(Collectors.toSet());
        } catch (IllegalArgumentException e) {
            throw usage("--severity: " + e.getMessage());
        }
        Path ignore = ignoreFile;
        if (ignore == null && Files.exists(Path.of(".drydockignore.yaml"))) ignore = Path.of(".drydockignore.yaml");
        else if (ignore != null && !Files.exists(ignore)) throw new DrydockException("the ignore file " + ignore + " does not exist");
        Optional<IgnoreFile> ignores = ignore == null ? Optional.empty() : Optional.of(IgnoreFile.read(ignore));
        List<OpenVex> docs = vex.stream().map(OpenVex::read).toList();
        return new Gate(wanted, ignoreUnfixed, new LinkedHashSet<>(ignoreStatuses), onlyBase, onlyApp, ignores, docs, exitCode,
                LocalDate.now(ZoneOffset.UTC));
    }

    /** A scanner that reaches bases and their current digests the way the command line opens images. */
    static Scanner scanner(VulnDb db, Matcher.Priority detection, ImageOptions options) {
        return new Scanner(db, detection, access(options), new KnownBases(options.home().resolve("known-bases.json")), Clock.systemUTC());
    }

    /** An image opened for a scan: its manifest and config, and what the scanner is given. */
    record OpenedImage(ResolvedImage image, Scanner.Target target) {
    }

    static OpenedImage openImage(ImageOptions options, String image) {
        try (CachingSource source = options.open(image)) {
            ResolvedImage img = ImageResolver.resolve(source, source.defaultReference(), options.platform());
            Inventory inv = options.inventorier().inventory(source, img);
            return new OpenedImage(img, new Scanner.Target(image, inv, img.config().diffIds().stream().map(Object::toString).toList(),
                    img.manifest().annotations()));
        }
    }

    private static Scanner.Target sbomTarget(Path sbom) {
        Inventory inv = SbomReader.read(sbom);
        List<String> diffIds = inv.layers().stream().map(LayerInfo::diffId).toList();
        return new Scanner.Target(sbom.toString(), inv, diffIds.contains(null) ? List.of() : diffIds, Map.of());
    }

    static ImageAccess access(ImageOptions options) {
        return new ImageAccess() {
            @Override
            public ResolvedImage resolve(String reference) {
                try (CachingSource source = options.open(reference)) {
                    return ImageResolver.resolve(source, source.defaultReference(), options.platform());
                }
            }

            @Override
            public Inventory inventory(String reference) {
                return SbomCommand.inventory(options, reference);
            }
        };
    }

    /** To {@code out}, or when {@code output} is given to that file, replaced atomically. */
    static void write(String text, Path output, PrintWriter out) throws IOException {
        String body = text.endsWith("\n") ? text : text + "\n";
        if (output == null) {
            out.print(body);
            out.flush();
            return;
        }
        io.drydock.cache.AtomicFile.replace(output, body.getBytes(StandardCharsets.UTF_8));
    }

    private picocli.CommandLine.ParameterException usage(String message) {
        return new picocli.CommandLine.ParameterException(spec.commandLine(), message);
    }
}
