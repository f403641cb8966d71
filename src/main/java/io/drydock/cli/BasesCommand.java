package io.drydock.cli;

import io.drydock.DrydockException;
import io.drydock.catalogue.Catalogue;
import io.drydock.freshness.EolData;
import io.drydock.image.Descriptor;
import io.drydock.image.ImageReference;
import io.drydock.image.ResolvedImage;
import io.drydock.lineage.LineageGraph;
import io.drydock.policy.PolicyInput;
import io.drydock.scan.Finding;
import io.drydock.scan.Gate;
import io.drydock.scan.Matcher;
import io.drydock.scan.Rating;
import io.drydock.scan.ScanReport;
import io.drydock.scan.Scanner;
import io.drydock.store.LineageEdge;
import io.drydock.store.Store;
import io.drydock.vulndb.VulnDb;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code drydock bases list|status}: the golden base catalogue, and how each approved base is doing. */
@Command(name = "bases", description = "The golden base catalogue: the approved bases, and their digest, age, findings, end of life and images.",
        subcommands = {BasesCommand.ListBases.class, BasesCommand.Status.class})
final class BasesCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", description = "Each approved base of the catalogue: image, owner, source, refresh schedule.",
            footer = {"", "Exit codes: 0 listed; 2 usage error; 3 error (a malformed catalogue: the message names the entry and key)."})
    static final class ListBases implements Callable<Integer> {
        @Option(names = "--catalogue", required = true, paramLabel = "FILE", description = "The base catalogue (YAML, kind BaseCatalogue).")
        Path file;
        @Mixin
        ImageOptions options; // accepted like every command's, though listing reads no image
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Catalogue c = Catalogue.read(file);
            PrintWriter out = spec.commandLine().getOut();
            for (Catalogue.Base b : c.bases()) {
                out.println(b.image());
                out.println("  owner    " + b.owner());
                out.println("  source   " + b.source());
                out.println("  refresh  " + b.refresh());
                if (b.description() != null) {
                    out.println("  about    " + b.description());
                }
            }
            out.println(c.bases().size() + " approved base" + (c.bases().size() == 1 ? "" : "s") + " in " + file);
            out.flush();
            return 0;
        }
    }

    @Command(name = "status", description = {
            "For each approved base: its current digest, age (its config's created), findings (a scan), the",
            "end-of-life status of its OS and runtimes, and the images the lineage store records as built on it."},
            footer = {"", "Exit codes: 0 every base was read; 2 usage error; 3 error (a malformed catalogue, or a base that",
                    "could not be read: the others are still shown)."})
    static final class Status implements Callable<Integer> {
        @Option(names = "--catalogue", required = true, paramLabel = "FILE", description = "The base catalogue (YAML, kind BaseCatalogue).")
        Path file;
        @Mixin
        ImageOptions options;
        @Mixin
        StoreOptions store;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Catalogue c = Catalogue.read(file);
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Clock clock = Clock.systemUTC();
            LocalDate today = LocalDate.now(clock);
            LineageGraph graph;
            try (Store s = store.open(options)) {
                List<LineageEdge> edges = s.edges();
                graph = LineageGraph.of(edges, List.of());
            }
            EolData eol = DbCommand.eolData(options, err);
            int problems = 0;
            try (VulnDb db = DbCommand.openOrBuild(options, err)) {
                Scanner scanner = ScanCommand.scanner(db, Matcher.Priority.PRECISE, options);
                for (Catalogue.Base b : c.bases()) {
                    out.println(b.image());
                    out.println("  owner     " + b.owner() + "; refresh " + b.refresh() + "; " + b.source());
                    try {
                        status(b, scanner, eol, graph, today, clock.instant(), out);
                    } catch (DrydockException e) {
                        out.println("  error     " + e.getMessage());
                        problems++;
                    }
                    out.flush();
                }
            }
            out.println(c.bases().size() + " approved base" + (c.bases().size() == 1 ? "" : "s") + " in " + file
                    + (problems == 0 ? "" : ", " + problems + " could not be read"));
            out.flush();
            return problems == 0 ? 0 : 3;
        }

        private void status(Catalogue.Base b, Scanner scanner, EolData eol, LineageGraph graph, LocalDate today, Instant now,
                PrintWriter out) {
            ImageReference ref = ImageReference.parse(b.image());
            Optional<Descriptor> head = options.client().head(ref);
            if (head.isEmpty()) {
                throw new DrydockException(b.image() + " is not in the registry");
            }
            out.println("  digest    " + head.get().digest());
            ScanCommand.OpenedImage opened = ScanCommand.openImage(options, b.image());
            ResolvedImage img = opened.image();
            out.println("  built     " + built(img.config().created(), now));
            ScanReport report = scanner.scan(opened.target(), null, Gate.none(today));
            out.println("  findings  " + findings(report.findings()));
            EolData.Answer os = PolicyFacts.osAnswer(eol, report.os(), today);
            out.println("  os        " + (os == null ? "no OS release found" : os.summary() + label(os.status())));
            List<PolicyInput.RuntimeEol> runtimes = PolicyFacts.runtimes(eol, opened.target().inventory(), img.config().env(), today);
            if (runtimes.isEmpty()) {
                out.println("  runtimes  none found");
            }
            for (PolicyInput.RuntimeEol r : runtimes) {
                out.println("  runtime   " + (r.answer() == null ? r.name() + " " + r.version() + ": no end-of-life data"
                        : r.answer().summary() + label(r.answer().status())));
            }
            String name = LineageCommand.name(b.image());
            List<String> images = graph.affected(name, false).images().stream().filter(i -> !i.equals(name)).toList();
            out.println("  images    " + (images.isEmpty() ? "none recorded as built on it"
                    : images.size() + " built on it: " + String.join(", ", images)));
        }

        private static String label(EolData.Status s) {
            return switch (s) {
                case SUPPORTED -> "";
                case EXTENDED_SUPPORT_ONLY -> " [PAST REGULAR SUPPORT]";
                case END_OF_LIFE -> " [END OF LIFE]";
                case UNKNOWN_LINE, UNKNOWN_DATE -> " [UNKNOWN]";
            };
        }

        private static String built(String created, Instant now) {
            if (created == null || created.isBlank()) {
                return "unknown (the config records no creation time)";
            }
            try {
                Instant at = Instant.parse(created);
                if (!at.isAfter(Instant.EPOCH)) {
                    return created + " (a reproducible-build placeholder; age unknown)";
                }
                Duration age = Duration.between(at, now);
                return at + " (" + (age.isNegative() ? "in the future" : age.toDays() + " days ago") + ")";
            } catch (DateTimeParseException e) {
                return "unknown (unreadable creation time '" + created + "')";
            }
        }

        private static String findings(List<Finding> findings) {
            if (findings.isEmpty()) {
                return "0";
            }
            Map<Rating, Long> by = new EnumMap<>(Rating.class);
            findings.forEach(f -> by.merge(f.severity(), 1L, Long::sum));
            return findings.size() + " (" + by.entrySet().stream().map(e -> e.getValue() + " " + e.getKey().name().toLowerCase())
                    .collect(Collectors.joining(", ")) + ")";
        }
    }
}
