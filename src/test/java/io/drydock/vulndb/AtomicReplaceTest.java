package io.drydock.vulndb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A build killed with SIGKILL at random moments, again and again, in a child JVM: every time the DB must open and
 * answer with one complete data set, the old one (killed before the rename) or the new one (after it).
 */
class AtomicReplaceTest {
    private static final int OLD_COUNT = 300;
    private static final int NEW_COUNT = 4_000;
    private static final int KILLS = 8;

    @TempDir
    Path dir;

    @Test
    void aKilledBuildLeavesTheOldDbIntact() throws Exception {
        Path target = dir.resolve("vulndb.db");
        buildOld(target);

        // one build left to finish: it shows the new data does arrive, and when its phases come, to aim kills at
        long started = System.nanoTime();
        Process full = child(target);
        long indexingAt = 0;
        StringBuilder said = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(full.getInputStream()))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                said.append(line).append('\n');
                if (line.equals("phase indexing")) {
                    indexingAt = System.nanoTime() - started;
                }
            }
        }
        assertThat(full.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(full.exitValue()).as(said.toString()).isZero();
        long fullNanos = System.nanoTime() - started;
        assertThat(indexingAt).as(said.toString()).isPositive();
        assertThat(state(target)).isEqualTo("new");

        Random random = new Random(42);
        int old = 0;
        int replaced = 0;
        for (int k = 0; k < KILLS; k++) {
            buildOld(target);
            Process p = child(target);
            // half the kills anywhere in the run, half from indexing on, where the file is finished, synced and renamed
            long delay = k % 2 == 0 ? (long) (fullNanos * (0.1 + 0.9 * random.nextDouble()))
                    : indexingAt - 50_000_000 + (long) ((fullNanos - indexingAt + 100_000_000) * random.nextDouble());
            TimeUnit.NANOSECONDS.sleep(delay);
            // what the child printed so far (destroying closes the pipe, so read it first, without blocking)
            String printed = new String(p.getInputStream().readNBytes(p.getInputStream().available()));
            p.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String phase = printed.lines().filter(l -> l.startsWith("phase ")).reduce((a, b) -> b).orElse("phase reading");
            String state = state(target);
            if (state.equals("old")) {
                old++;
            } else {
                replaced++;
            }
            System.out.printf("kill %d after %d ms (child's last %s): DB holds the %s data%n", k + 1, delay / 1_000_000,
                    phase, state);
        }
        assertThat(old).as("some kills must land before the rename, or this test proves nothing").isPositive();

        // the next build removes what the killed ones left behind
        buildOld(target);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("vulndb.db");
        }
        System.out.printf("%d kills: %d left the old DB, %d came after the new one was in place%n", KILLS, old, replaced);
    }

    private static void buildOld(Path target) {
        VulnDbBuilder.to(target).add(new SyntheticOsv(1, OLD_COUNT, "SYNTH-MARKER-OLD").source()).build();
    }

    /** "old" or "new" when the DB holds exactly that complete data set; fails otherwise. */
    private static String state(Path target) {
        try (VulnDb db = VulnDb.open(target)) {
            boolean isOld = db.advisory("SYNTH-MARKER-OLD").isPresent();
            boolean isNew = db.advisory("SYNTH-MARKER-NEW").isPresent();
            assertThat(isOld ^ isNew).as("exactly one marker").isTrue();
            SyntheticOsv data = isOld ? new SyntheticOsv(1, OLD_COUNT, null) : new SyntheticOsv(2, NEW_COUNT, null);
            assertThat(db.metadata().advisories()).isEqualTo(data.count());
            // and it answers queries from that data set
            Advisory marker = db.advisory(isOld ? "SYNTH-MARKER-OLD" : "SYNTH-MARKER-NEW").orElseThrow();
            PackageKey key = marker.affected().get(0).key();
            assertThat(db.advisories(key.ecosystem(), key.release(), key.name()))
                    .anySatisfy(a -> assertThat(a.advisory().id()).isEqualTo(marker.id()));
            return isOld ? "old" : "new";
        }
    }

    private Process child(Path target) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-cp", classpath(), BuildChild.class.getName(),
                target.toString(), String.valueOf(NEW_COUNT), "2", "SYNTH-MARKER-NEW"));
        // the output is read only after a complete run; killed runs write little, so the pipe never fills
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** The locations of the classes the child needs, wherever the test runner loaded them from. */
    private static String classpath() {
        Set<String> entries = new LinkedHashSet<>();
        for (Class<?> c : List.of(BuildChild.class, VulnDbBuilder.class, org.sqlite.JDBC.class, ObjectMapper.class,
                JsonFactory.class, JsonAutoDetect.class, io.drydock.DrydockException.class)) {
            try {
                entries.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
