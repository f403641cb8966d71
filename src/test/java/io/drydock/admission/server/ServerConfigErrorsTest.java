package io.drydock.admission.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drydock.DrydockException;
import io.drydock.admission.ClusterLookups;
import io.drydock.admission.certs.CertificateFiles;
import io.drydock.admission.certs.ServiceIdentity;
import io.drydock.admission.certs.ServingCertificates;
import io.drydock.image.registry.CredentialStore;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad server configurations: every error names the configuration file and the key at fault. */
class ServerConfigErrorsTest {
    @TempDir
    Path dir;
    Path file;

    static final String GOOD = """
            listen: 127.0.0.1:0
            tls:
              certFile: tls/tls.crt
              keyFile: tls/tls.key
            policy: policy.yaml
            deadlineMillis: 2000
            """;

    @BeforeEach
    void files() throws Exception {
        file = dir.resolve("server.yaml");
        new CertificateFiles(dir.resolve("tls"))
                .write(ServingCertificates.issue(new ServiceIdentity("localhost", "test"), Duration.ofDays(1), Instant.now()), false);
        Files.writeString(dir.resolve("k.pub"), io.drydock.sign.SigningKeys.publicPem(io.drydock.sign.SigningKeys.generate().getPublic()));
        Files.writeString(dir.resolve("policy.yaml"), """
                apiVersion: drydock.io/v1
                kind: AdmissionPolicy
                default:
                  keys: [k.pub]
                  mode: enforce
                """);
    }

    DrydockException readError(String yaml) throws Exception {
        Files.writeString(file, yaml);
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> ServerConfig.read(file));
        assertThat(t).isInstanceOf(DrydockException.class);
        return (DrydockException) t;
    }

    @Test
    void theGoodFileReads() throws Exception {
        Files.writeString(file, GOOD);
        ServerConfig c = ServerConfig.read(file);
        assertThat(c.deadline()).isEqualTo(Duration.ofMillis(2000));
        assertThat(c.certFile()).isEqualTo(dir.resolve("tls/tls.crt"));
    }

    @Test
    void anUnknownTopLevelKeyIsNamedWithTheFile() throws Exception {
        DrydockException e = readError(GOOD + "deadline: 5s\n");
        assertThat(e.getMessage()).contains(file.toString()).contains("deadline:").contains("unknown key").contains("deadlineMillis");
    }

    @Test
    void anUnknownNestedKeyIsNamedWithItsPath() throws Exception {
        DrydockException tls = readError(GOOD.replace("  keyFile: tls/tls.key\n", "  keyFile: tls/tls.key\n  certfile: x.crt\n"));
        assertThat(tls.getMessage()).contains(file.toString()).contains("tls.certfile").contains("unknown key");
        DrydockException registry = readError(GOOD + "registry:\n  timeouts: 1s\n");
        assertThat(registry.getMessage()).contains(file.toString()).contains("registry.timeouts").contains("unknown key");
    }

    @Test
    void aDeadlineAtOrAboveTheWebhookTimeoutIsRefused() throws Exception {
        for (String bad : new String[] {"10000", "10001", "15000", "0", "-1"}) {
            DrydockException e = readError(GOOD.replace("deadlineMillis: 2000", "deadlineMillis: " + bad));
            assertThat(e.getMessage()).as(bad).contains(file.toString()).contains("deadlineMillis").contains(bad)
                    .contains("below 10000");
        }
        DrydockException notANumber = readError(GOOD.replace("deadlineMillis: 2000", "deadlineMillis: 5s"));
        assertThat(notANumber.getMessage()).contains(file.toString()).contains("deadlineMillis").contains("whole number");
        Files.writeString(file, GOOD.replace("deadlineMillis: 2000", "deadlineMillis: 9999"));
        assertThat(ServerConfig.read(file).deadline()).isEqualTo(Duration.ofMillis(9999));
    }

    @Test
    void aMissingConfigurationFileIsNamed() {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> ServerConfig.read(missing)).isInstanceOf(DrydockException.class).hasMessageContaining(missing.toString());
    }

    @Test
    void missingRequiredKeysAreNamed() throws Exception {
        assertThat(readError(GOOD.replace("policy: policy.yaml\n", "")).getMessage()).contains(file.toString()).contains("policy");
        assertThat(readError(GOOD.replace("  certFile: tls/tls.crt\n", "")).getMessage()).contains(file.toString()).contains("tls.certFile");
        assertThat(readError(GOOD.replace("  keyFile: tls/tls.key\n", "")).getMessage()).contains(file.toString()).contains("tls.keyFile");
    }

    AdmissionServer server(String yaml) throws Exception {
        Files.writeString(file, yaml);
        return new AdmissionServer(ServerConfig.read(file), ClusterLookups.NONE, CredentialStore::none, dir.resolve("locks"),
                Clock.systemUTC(), new PrintStream(OutputStream.nullOutputStream()));
    }

    @Test
    void aMissingReferencedFileIsNamedWhenTheServerIsBuilt() throws Exception {
        // ServerConfig.read takes the paths as given; the server refuses to start, naming the missing file
        for (String[] c : new String[][] {
                {"certFile: tls/tls.crt", "certFile: tls/missing.crt", "missing.crt"},
                {"keyFile: tls/tls.key", "keyFile: tls/missing.key", "missing.key"},
                {"policy: policy.yaml", "policy: missing-policy.yaml", "missing-policy.yaml"}}) {
            assertThatThrownBy(() -> server(GOOD.replace(c[0], c[1]))).as(c[1]).isInstanceOf(DrydockException.class)
                    .hasMessageContaining(dir.resolve(c[1].substring(c[1].indexOf(' ') + 1)).toString());
        }
    }

    @Test
    void aMissingReferencedFileIsNamedWithTheConfigurationFileAndTheKey() throws Exception {
        for (String[] c : new String[][] {
                {"certFile: tls/tls.crt", "certFile: tls/missing.crt", "tls.certFile"},
                {"keyFile: tls/tls.key", "keyFile: tls/missing.key", "tls.keyFile"},
                {"policy: policy.yaml", "policy: missing-policy.yaml", "policy"}}) {
            assertThatThrownBy(() -> server(GOOD.replace(c[0], c[1]))).as(c[1]).isInstanceOf(DrydockException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining(c[2] + ":");
        }
        assertThatThrownBy(() -> server(GOOD + "registry:\n  caCertificates: [missing-ca.pem]\n")).isInstanceOf(DrydockException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("registry.caCertificates");
    }
}
