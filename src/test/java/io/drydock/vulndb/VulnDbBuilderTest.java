package io.drydock.vulndb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drydock.DrydockException;
import io.drydock.vulndb.osv.AdvisorySource;
import io.drydock.vulndb.osv.OsvDirectorySource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VulnDbBuilderTest {
    @TempDir
    Path dir;

    private Path record(String folder, String id, String modified, String fixed, String... versions) throws IOException {
        Path d = Files.createDirectories(dir.resolve(folder));
        String listed = versions.length == 0 ? "" : ", \"versions\": [\"" + String.join("\", \"", versions) + "\"]";
        Files.writeString(d.resolve(id + ".json"), """
                {"id": "%s", "modified": "%s", "summary": "written for Drydock's tests",
                 "affected": [{"package": {"ecosystem": "PyPI", "name": "test-package"},
                   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "1.0"}, {"fixed": "%s"}]}]%s}]}
                """.formatted(id, modified, fixed, listed));
        return d;
    }

    @Test
    void theNewestCopyOfAnAdvisoryWins() throws IOException {
        Path first = record("a", "TEST-DUP", "2026-01-02T00:00:00Z", "1.5");
        Path second = record("b", "TEST-DUP", "2026-03-01T00:00:00Z", "2.0");
        Path third = record("c", "TEST-DUP", "2026-02-01T00:00:00Z", "3.0");
        BuildResult r = VulnDbBuilder.to(dir.resolve("db")).add(new OsvDirectorySource(first))
                .add(new OsvDirectorySource(second)).add(new OsvDirectorySource(third)).build();
        assertThat(r.advisories()).isEqualTo(1);
        assertThat(r.sources()).extracting(SourceReport::stored).containsExactly(0L, 1L, 0L);
        assertThat(r.sources().get(0).reasons()).containsEntry("duplicate id (replaced by a newer copy)", 1L);
        assertThat(r.sources().get(2).reasons()).containsEntry("duplicate id (a copy as new or newer was kept)", 1L);
        try (VulnDb db = VulnDb.open(r.path())) {
            assertThat(db.query("PyPI", "", "Test_Package", "1.9")).singleElement()
                    .satisfies(m -> assertThat(m.affected().fixedVersions()).containsExactly("2.0"));
            assertThat(db.query("PyPI", "", "test-package", "2.0")).isEmpty();
        }
    }

    @Test
    void listedVersionsOutsideTheRangesStillMatch() throws IOException {
        Path src = record("v", "TEST-LISTED", "2026-01-01T00:00:00Z", "1.2", "1.1", "0.9", "3.0.0");
        BuildResult r = VulnDbBuilder.to(dir.resolve("db")).add(new OsvDirectorySource(src)).build();
        try (VulnDb db = VulnDb.open(r.path())) {
            // 1.1 is inside the range, so only 0.9 and 3.0.0 need storing as listed versions
            assertThat(db.advisories("PyPI", "", "test-package")).singleElement()
                    .satisfies(e -> assertThat(e.affected().versions()).containsExactly("0.9", "3.0.0"));
            assertThat(db.query("PyPI", "", "test-package", "3.0")).singleElement().satisfies(m -> {
                assertThat(m.reason().isListedVersion()).isTrue();
                assertThat(m.explanation()).isEqualTo("3.0 is listed as affected (pep440 versions)");
            });
            assertThat(db.query("PyPI", "", "test-package", "1.1")).singleElement()
                    .satisfies(m -> assertThat(m.reason().isListedVersion()).isFalse());
            assertThat(db.query("PyPI", "", "test-package", "2.0")).isEmpty();
        }
    }

    @Test
    void aSourceThatCannotBeReadFailsTheBuildAndKeepsTheOldDb() throws IOException {
        Path src = record("ok", "TEST-OLD", "2026-01-01T00:00:00Z", "1.2");
        Path target = dir.resolve("vulndb.db");
        VulnDbBuilder.to(target).add(new OsvDirectorySource(src)).build();
        assertThatThrownBy(() -> VulnDbBuilder.to(target).add(new OsvDirectorySource(src))
                .add(AdvisorySource.of(dir.resolve("missing"))).build())
                .isInstanceOf(DrydockException.class).hasMessageContaining("cannot read advisory source");
        try (VulnDb db = VulnDb.open(target)) {
            assertThat(db.query("PyPI", "", "test-package", "1.0")).extracting(m -> m.advisory().id()).containsExactly("TEST-OLD");
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void temporaryFilesOfDeadBuildsAreRemoved() throws IOException {
        Path target = dir.resolve("vulndb.db");
        // a pid that cannot be alive: above the kernel's limit
        Path stale = Files.writeString(dir.resolve(".vulndb.db.4194999999.abc123.tmp"), "half a database");
        Path other = Files.writeString(dir.resolve(".other.db.4194999999.abc123.tmp"), "not ours");
        VulnDbBuilder.to(target).add(new OsvDirectorySource(record("x", "TEST-X", "2026-01-01T00:00:00Z", "1.2"))).build();
        assertThat(stale).doesNotExist();
        assertThat(other).exists();
        assertThat(List.of(target)).allSatisfy(p -> assertThat(p).exists());
    }
}
