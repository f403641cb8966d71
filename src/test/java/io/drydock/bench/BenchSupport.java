package io.drydock.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Timing helpers for the benchmarks: alternate contender and baseline, report medians and the ratio. */
public final class BenchSupport {
    private BenchSupport() {
    }

    public interface Timed {
        void run() throws Exception;
    }

    public record Comparison(String name, double contenderMedianMs, double baselineMedianMs) {
        public double ratio() {
            return contenderMedianMs / baselineMedianMs;
        }

        public String report() {
            return String.format("%s: drydock %.1f ms, baseline %.1f ms, ratio %.2f", name, contenderMedianMs, baselineMedianMs, ratio());
        }
    }

    /**
     * Runs both {@code rounds} times, alternating so that machine noise hits both alike, after
     * three warm-ups each (the JIT compiles the hot paths during the first few runs).
     * {@code reset} runs before every timed run (outside the timing).
     */
    public static Comparison compare(String name, int rounds, Timed reset, Timed contender, Timed baseline) throws Exception {
        for (int i = 0; i < 3; i++) {
            reset.run();
            contender.run();
            reset.run();
            baseline.run();
        }
        List<Double> a = new ArrayList<>();
        List<Double> b = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            reset.run();
            a.add(time(contender));
            reset.run();
            b.add(time(baseline));
        }
        Comparison c = new Comparison(name, median(a), median(b));
        System.out.println("BENCH " + c.report() + "  (runs: drydock " + a + ", baseline " + b + ")");
        return c;
    }

    static double time(Timed t) throws Exception {
        long start = System.nanoTime();
        t.run();
        return Math.round((System.nanoTime() - start) / 1e5) / 10.0;
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(Comparator.naturalOrder());
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /**
     * How a warm in-process scan reaches images in a registry: through the blob cache and the analysis cache in
     * {@code home}, as the command line does.
     */
    static io.drydock.scan.ImageAccess registryAccess(Path home) {
        io.drydock.image.registry.RegistryClient client = new io.drydock.image.registry.RegistryClient(
                io.drydock.image.registry.CredentialStore.none(), io.drydock.image.registry.RegistryClient.Options.defaults());
        io.drydock.cache.BlobCache blobs = io.drydock.cache.BlobCache.inHome(home);
        io.drydock.inventory.Inventorier inventorier = new io.drydock.inventory.Inventorier(io.drydock.inventory.DefaultAnalyzers.all(),
                new io.drydock.layer.LayerReader(), io.drydock.inventory.AnalysisCache.inHome(home));
        return new io.drydock.scan.ImageAccess() {
            private io.drydock.cache.CachingSource open(String reference) {
                return new io.drydock.cache.CachingSource(new io.drydock.image.registry.RegistrySource(client,
                        io.drydock.image.ImageReference.parse(reference)), blobs);
            }

            @Override
            public io.drydock.image.ResolvedImage resolve(String reference) {
                try (io.drydock.cache.CachingSource s = open(reference)) {
                    return io.drydock.image.ImageResolver.resolve(s, s.defaultReference(), io.drydock.image.Platform.LINUX_AMD64);
                }
            }

            @Override
            public io.drydock.inventory.Inventory inventory(String reference) {
                try (io.drydock.cache.CachingSource s = open(reference)) {
                    return inventorier.inventory(s, io.drydock.image.ImageResolver.resolve(s, s.defaultReference(),
                            io.drydock.image.Platform.LINUX_AMD64));
                }
            }
        };
    }

    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    public static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        int exit = p.waitFor();
        if (exit != 0) throw new IllegalStateException(String.join(" ", command) + " exited " + exit);
    }
}
