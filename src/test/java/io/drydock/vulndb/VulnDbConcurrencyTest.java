package io.drydock.vulndb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Threads querying one open DB (loading packages, filling its caches) get the answers one thread gets. */
class VulnDbConcurrencyTest {
    @TempDir
    Path dir;

    @Test
    void concurrentQueriesAgreeWithSequentialOnes() throws Exception {
        SyntheticOsv data = new SyntheticOsv(5, 5_000, null);
        Path dbPath = VulnDbBuilder.to(dir.resolve("db")).add(data.source()).build().path();
        List<SyntheticOsv.Probe> probes = data.probes(4_000, 6, 0.3);
        List<List<String>> expected = new ArrayList<>();
        try (VulnDb db = VulnDb.open(dbPath)) {
            for (SyntheticOsv.Probe p : probes) {
                expected.add(ids(db, p));
            }
        }
        try (VulnDb db = VulnDb.open(dbPath)) { // fresh caches, filled by racing threads
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<List<List<String>>>> results = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    results.add(pool.submit(() -> {
                        List<List<String>> got = new ArrayList<>();
                        for (int round = 0; round < 3; round++) {
                            got.clear();
                            for (SyntheticOsv.Probe p : probes) {
                                got.add(ids(db, p));
                            }
                        }
                        return got;
                    }));
                }
                for (Future<List<List<String>>> f : results) {
                    assertThat(f.get()).isEqualTo(expected);
                }
            } finally {
                pool.shutdown();
            }
        }
        assertThat(expected.stream().filter(l -> !l.isEmpty()).count()).isGreaterThan(probes.size() / 10);
    }

    private static List<String> ids(VulnDb db, SyntheticOsv.Probe p) {
        return db.query(p.ecosystem(), p.release(), p.name(), p.version()).stream().map(m -> m.advisory().id()).toList();
    }
}
