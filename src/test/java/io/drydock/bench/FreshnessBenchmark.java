package io.drydock.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.cache.BlobCache;
import io.drydock.cache.CachingSource;
import io.drydock.freshness.EolData;
import io.drydock.freshness.Freshness;
import io.drydock.freshness.FreshnessReport;
import io.drydock.image.ImageReference;
import io.drydock.image.ImageResolver;
import io.drydock.image.Platform;
import io.drydock.image.ResolvedImage;
import io.drydock.image.registry.CredentialStore;
import io.drydock.image.registry.RegistryClient;
import io.drydock.image.registry.RegistrySource;
import io.drydock.inventory.AnalysisCache;
import io.drydock.inventory.DefaultAnalyzers;
import io.drydock.inventory.Inventorier;
import io.drydock.inventory.Inventory;
import io.drydock.layer.LayerReader;
import io.drydock.scan.Gate;
import io.drydock.scan.ImageAccess;
import io.drydock.scan.KnownBases;
import io.drydock.scan.Matcher;
import io.drydock.scan.ScanReport;
import io.drydock.scan.Scanner;
import io.drydock.scan.report.ReportWriter;
import io.drydock.testing.TestImages;
import io.drydock.testing.TestRegistry;
import io.drydock.vulndb.EmbeddedAdvisories;
import io.drydock.vulndb.VulnDb;
import io.drydock.vulndb.VulnDbBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 10's target: freshness adds at most 10% to a warm scan of the reference image (same run, same caches).
 * The warm scan is ScanBenchmark's (layers analysed and cached, DB open, image read from the local registry, JSON
 * report written); the contender also assesses freshness (runtimes from the inventory, end-of-life answers for the
 * OS and each runtime, the base's age) and writes it in the report. Alternating, median of 31 each.
 */
@Tag("bench")
class FreshnessBenchmark {
    @Test
    void freshnessAddsAtMostTenPercentToAWarmScan() throws Exception {
        Path work = Files.createTempDirectory("drydock-freshness-bench");
        try (TestRegistry registry = TestRegistry.open()) {
            registry.push(TestImages.ociRef("app"), "bench/app:1");
            registry.push(TestImages.ociRef("base"), "bench/base:1");
            String ref = registry.hostPort() + "/bench/app:1";
            String baseRef = registry.hostPort() + "/bench/base:1";
            Path db = work.resolve("db.sqlite");
            VulnDbBuilder builder = VulnDbBuilder.to(db);
            EmbeddedAdvisories.sources().forEach(builder::add);
            builder.build();

            long parse = System.nanoTime();
            EolData eol = EolData.embedded();
            double parseMs = (System.nanoTime() - parse) / 1e6;

            Path home = work.resolve("warm");
            ImageAccess access = BenchSupport.registryAccess(home);
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            ReportWriter json = ReportWriter.forName("json");
            FreshnessReport[] last = new FreshnessReport[1];
            try (VulnDb open = VulnDb.open(db)) {
                Scanner scanner = new Scanner(open, Matcher.Priority.PRECISE, access, new KnownBases(home.resolve("known.json")), Clock.systemUTC());
                BenchSupport.Timed plain = () -> {
                    ResolvedImage img = access.resolve(ref);
                    Inventory inv = access.inventory(ref);
                    ScanReport r = scanner.scan(target(ref, img, inv), baseRef, Gate.none(today));
                    json.write(List.of(r));
                };
                BenchSupport.Timed withFreshness = () -> {
                    ResolvedImage img = access.resolve(ref);
                    Inventory inv = access.inventory(ref);
                    ScanReport r = scanner.scan(target(ref, img, inv), baseRef, Gate.none(today));
                    last[0] = Freshness.assess(r, inv, img.config().env(), eol, today);
                    json.write(List.of(r.withFreshness(last[0])));
                };
                for (int i = 0; i < 5; i++) { // fill the caches and let the JIT settle before the timed rounds
                    plain.run();
                    withFreshness.run();
                }
                BenchSupport.Comparison c = BenchSupport.compare("freshness: warm scan + freshness vs warm scan of the reference image",
                        31, () -> { }, withFreshness, plain);
                System.out.printf("BENCH freshness: +%.1f%% (warm scan %.1f ms, with freshness %.1f ms; ratio %.3f, target <= 1.10);"
                                + " parsing the embedded end-of-life data once: %.0f ms; OS %s, %d runtimes%n",
                        (c.ratio() - 1) * 100, c.baselineMedianMs(), c.contenderMedianMs(), c.ratio(), parseMs,
                        last[0].os() == null ? "none" : last[0].os().answer().status(), last[0].runtimes().size());
                assertThat(c.ratio()).as(c.report()).isLessThanOrEqualTo(1.10);
            }
        } finally {
            BenchSupport.deleteTree(work);
        }
    }

    private static Scanner.Target target(String ref, ResolvedImage img, Inventory inv) {
        return new Scanner.Target(ref, inv, img.config().diffIds().stream().map(Object::toString).toList(), img.manifest().annotations());
    }
}
