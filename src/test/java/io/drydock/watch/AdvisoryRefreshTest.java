package io.drydock.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.store.Job;
import io.drydock.store.Store;
import io.drydock.store.Stores;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A new version of the advisory DB refreshes each golden base once; the version a process starts with does not. */
class AdvisoryRefreshTest {
    @Test
    void eachNewAdvisoryVersionRefreshesEveryGoldenBaseOnce(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("watch.yaml"), """
                apiVersion: drydock.io/v1
                kind: WatchConfig
                validation: {policy: policy.yaml, key: cosign.key}
                images:
                  - image: registry.example/platform/golden:1
                    base: registry.example/library/debian:12
                    strategy: buildah
                    refresh: 7d
                    settings: {context: /src/golden}
                  - image: registry.example/shop/web:1
                    base: registry.example/platform/golden:1
                """);
        WatchConfig config = WatchConfig.read(dir.resolve("watch.yaml"));
        try (Store store = Stores.open(null, dir)) {
            BaseUpdateLoop loop = new BaseUpdateLoop(store, null, config, null, null, null, null, null, Clock.systemUTC(), "t",
                    new PrintWriter(new StringWriter()));
            assertThat(loop.refreshOnAdvisoryUpdate(null)).as("no DB yet").isZero();
            assertThat(loop.refreshOnAdvisoryUpdate("v1")).as("where this process starts").isZero();
            assertThat(loop.refreshOnAdvisoryUpdate("v1")).isZero();
            assertThat(loop.refreshOnAdvisoryUpdate("v2")).as("only the golden base, not the image on it").isEqualTo(1);
            assertThat(loop.refreshOnAdvisoryUpdate("v2")).isZero();
            assertThat(store.jobs(Job.State.PENDING)).extracting(Job::kind, Job::key)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("refresh", "registry.example/platform/golden:1|advisories-v2"));
            assertThat(store.history("registry.example/platform/golden:1")).singleElement()
                    .satisfies(e -> assertThat(e.message()).contains("advisory DB changed"));
        }
    }
}
