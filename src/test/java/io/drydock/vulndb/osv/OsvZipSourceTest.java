package io.drydock.vulndb.osv;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.vulndb.Advisory;
import io.drydock.vulndb.IngestWarning;
import io.drydock.vulndb.SourceReport;
import io.drydock.vulndb.TestData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OsvZipSourceTest {
    @TempDir
    Path dir;

    private final List<IngestWarning> warnings = new ArrayList<>();

    private SourceReport read(AdvisorySource source, List<Advisory> out) throws IOException {
        IngestLog log = new IngestLog(source.name(), source.kind(), source.location(), Instant.EPOCH, warnings::add);
        source.read(out::add, log);
        return log.report();
    }

    @Test
    void anExportReadsLikeTheDirectoryItWasMadeFrom() throws IOException {
        Path zip = dir.resolve("all.zip");
        TestData.zipJson(zip, List.of(TestData.osv()));
        List<Advisory> fromZip = new ArrayList<>();
        SourceReport zipped = read(AdvisorySource.of(zip), fromZip);
        List<Advisory> fromDir = new ArrayList<>();
        read(AdvisorySource.of(TestData.osv()), fromDir);
        assertThat(zipped.kind()).isEqualTo("osv-zip");
        assertThat(zipped.recordsRead()).isEqualTo(144);
        assertThat(fromZip).extracting(Advisory::id).containsExactlyInAnyOrderElementsOf(fromDir.stream().map(Advisory::id).toList());
        assertThat(warnings).isEmpty();
    }

    @Test
    void aZipBombStopsReadingButKeepsWhatCameBefore() throws IOException {
        Path zip = dir.resolve("bomb.zip");
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("GHSA-jfh8-c2jp-5v3q.json"));
            z.write(Files.readAllBytes(TestData.resource("osv/Maven/GHSA-jfh8-c2jp-5v3q.json")));
            z.closeEntry();
            z.putNextEntry(new ZipEntry("BOMB.json"));
            byte[] spaces = new byte[1 << 20];
            Arrays.fill(spaces, (byte) ' ');
            for (int i = 0; i < 64; i++) { // 64 MiB of blanks, a few hundred KiB compressed
                z.write(spaces);
            }
            z.closeEntry();
            z.putNextEntry(new ZipEntry("AFTER.json"));
            z.write("{\"id\": \"TEST-AFTER-THE-BOMB\"}".getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
        }
        assertThat(Files.size(zip)).isLessThan(1 << 20);
        List<Advisory> read = new ArrayList<>();
        SourceReport report = read(new OsvZipSource(zip, ZipLimits.DEFAULT), read);
        assertThat(read).extracting(Advisory::id).containsExactly("GHSA-jfh8-c2jp-5v3q");
        assertThat(report.reasons()).containsEntry("zip bomb", 1L);
        assertThat(warnings).singleElement().satisfies(w -> {
            assertThat(w.location()).isEqualTo("bomb.zip!BOMB.json");
            assertThat(w.message()).contains("expands more than 200 times", "reading stopped");
        });
    }

    @Test
    void entryAndSizeLimitsAreEnforced() throws IOException {
        Path zip = dir.resolve("many.zip");
        TestData.zipJson(zip, List.of(TestData.osv()));
        List<Advisory> read = new ArrayList<>();
        SourceReport report = read(new OsvZipSource(zip, new ZipLimits(10, 1 << 20, 1L << 30, 200)), read);
        assertThat(read).hasSize(10);
        assertThat(report.reasons()).containsEntry("zip bomb", 1L);
        assertThat(warnings.get(0).message()).contains("more than 10 entries");

        warnings.clear();
        read.clear();
        SourceReport small = read(new OsvZipSource(zip, new ZipLimits(1000, 1 << 20, 50_000, 200)), read);
        assertThat(small.reasons()).containsEntry("zip bomb", 1L);
        assertThat(warnings.get(0).message()).contains("archive expands past 50000 bytes");
    }

    @Test
    void aFileThatIsNoZipIsReported() throws IOException {
        Path notZip = Files.writeString(dir.resolve("all.zip"), "this is not a zip archive at all");
        SourceReport report = read(AdvisorySource.of(notZip), new ArrayList<>());
        assertThat(report.skippedRecords()).isEqualTo(1);
        assertThat(warnings).singleElement().satisfies(w -> assertThat(w.reason()).isEqualTo("not a zip archive"));
    }
}
