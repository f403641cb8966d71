package io.drydock.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drydock.DrydockException;
import io.drydock.scan.Rating;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeConfigTest {
    @TempDir
    Path dir;

    ServeConfig read(String yaml, Map<String, String> env) throws Exception {
        Path f = dir.resolve("serve.yaml");
        Files.writeString(f, yaml);
        return ServeConfig.read(f, env);
    }

    @Test
    void theExampleInTheRepositoryReads() {
        ServeConfig c = ServeConfig.read(Path.of("examples/serve.yaml"), Map.of("DRYDOCK_ADMIN_TOKEN", "ddk_example"));
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.tlsCert()).isNull();
        assertThat(c.store()).isNull();
        assertThat(c.leader()).isEqualTo("store");
        assertThat(c.lease()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.advisoryEvery()).isEqualTo(Duration.ofHours(6));
        assertThat(c.notifications().minSeverity()).isEqualTo(Rating.HIGH);
        assertThat(c.adminToken()).isEqualTo("ddk_example");
        assertThat(c.toString()).doesNotContain("ddk_example");
    }

    @Test
    void secretsComeFromTheEnvironmentAndAreNeverShown() throws Exception {
        ServeConfig c = read("""
                version: 1
                store: env:STORE
                listen: {host: env:HOST, port: 8443}
                advisories: {source: env:SOURCE}
                notifications: {webhook: {url: https://hooks.example/x, secret: env:HOOK}, slack: {url: env:SLACK}}
                """, Map.of("STORE", "jdbc:postgresql://db/drydock?password=hunter2", "HOST", "0.0.0.0", "SOURCE", "oci://mirror/db:1",
                "HOOK", "s3cret", "SLACK", "https://hooks.slack.com/services/T/B/X"));
        assertThat(c.store()).endsWith("hunter2");
        assertThat(c.host()).isEqualTo("0.0.0.0");
        assertThat(c.advisorySources()).containsExactly("oci://mirror/db:1");
        assertThat(c.notifications().webhookSecret()).isEqualTo("s3cret");
        assertThat(c.toString() + c.notifications()).doesNotContain("hunter2").doesNotContain("s3cret").doesNotContain("services/T/B/X");
    }

    @Test
    void mistakesAreNamedByKey() {
        assertThatThrownBy(() -> read("version: 1\nlisten: {prot: 80}\n", Map.of())).isInstanceOf(DrydockException.class)
                .hasMessageContaining("listen.prot").hasMessageContaining("unknown key");
        assertThatThrownBy(() -> read("version: 2\n", Map.of())).hasMessageContaining("version");
        assertThatThrownBy(() -> read("version: 1\ntokens: env:NOPE\n", Map.of())).hasMessageContaining("tokens")
                .hasMessageContaining("NOPE").hasMessageContaining("not set");
        assertThatThrownBy(() -> read("version: 1\nlease: 1s\n", Map.of())).hasMessageContaining("lease");
        assertThatThrownBy(() -> read("version: 1\nleader: raft\n", Map.of())).hasMessageContaining("leader");
        assertThatThrownBy(() -> read("version: 1\nnotifications: {minSeverity: dire}\n", Map.of())).hasMessageContaining("minSeverity");
        assertThatThrownBy(() -> read("version: 1\nnotifications: {webhook: {url: ftp://x/y}}\n", Map.of())).hasMessageContaining("http");
        assertThatThrownBy(() -> read("version: 1\nlisten: {tls: {cert: a.pem}}\n", Map.of())).hasMessageContaining("both cert and key");
        assertThatThrownBy(() -> read("version: 1\nworkers: 0\n", Map.of())).hasMessageContaining("workers");
        assertThatThrownBy(() -> read("version: 1\nversion: 1\n", Map.of())).isInstanceOf(DrydockException.class);
        assertThatThrownBy(() -> read("- a list\n", Map.of())).hasMessageContaining("mapping");
    }
}
