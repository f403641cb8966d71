package io.drydock.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code drydock admission certs}, in process: it reads no environment, so nothing needs a child JVM. */
class AdmissionCommandTest {
    record Run(int exit, String out, String err) {}

    record Openssl(int exit, String output) {}

    @TempDir
    Path dir;

    @Test
    void certsWritesAChainOpensslVerifiesForTheServiceNames() throws Exception {
        Path out = dir.resolve("certs");
        Run run = drydock("admission", "certs", "--service", "drydock-admission", "--namespace", "drydock-system", "--out", out.toString(), "--days", "30");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("wrote " + out.resolve("tls.key"), "wrote " + out.resolve("ca.crt"), "drydock-admission.drydock-system.svc");

        Openssl verify = openssl("verify", "-CAfile", out.resolve("ca.crt").toString(), out.resolve("tls.crt").toString());
        assertThat(verify.exit()).as(verify.output()).isZero();
        assertThat(verify.output()).contains(": OK");

        Openssl serving = openssl("x509", "-in", out.resolve("tls.crt").toString(), "-noout", "-text");
        assertThat(serving.output()).contains("DNS:drydock-admission, DNS:drydock-admission.drydock-system, DNS:drydock-admission.drydock-system.svc, "
                + "DNS:drydock-admission.drydock-system.svc.cluster.local", "CA:FALSE", "TLS Web Server Authentication", "prime256v1");
        Openssl ca = openssl("x509", "-in", out.resolve("ca.crt").toString(), "-noout", "-text");
        assertThat(ca.output()).contains("CA:TRUE", "Certificate Sign");

        Openssl key = openssl("pkey", "-in", out.resolve("tls.key").toString(), "-noout", "-text");
        assertThat(key.exit()).as(key.output()).isZero();
        assertThat(key.output()).contains("P-256");
    }

    @Test
    void keyFilesAreOwnerOnlyAndNoKeyMaterialIsPrinted() throws Exception {
        Run run = drydock("admission", "certs", "--service", "webhook", "--namespace", "ns", "--out", dir.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        for (String key : List.of("ca.key", "tls.key")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(key)))).isEqualTo("rw-------");
            String body = Files.readString(dir.resolve(key)).lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
            assertThat(run.out() + run.err()).doesNotContain(body.substring(0, 20));
        }
        assertThat(run.out() + run.err()).doesNotContain("PRIVATE KEY");
    }

    @Test
    void existingFilesAreNeverOverwrittenWithoutForce() throws Exception {
        assertThat(drydock("admission", "certs", "--service", "webhook", "--namespace", "ns", "--out", dir.toString()).exit()).isZero();
        byte[] key = Files.readAllBytes(dir.resolve("tls.key"));
        byte[] ca = Files.readAllBytes(dir.resolve("ca.crt"));

        Run again = drydock("admission", "certs", "--service", "webhook", "--namespace", "ns", "--out", dir.toString());
        assertThat(again.exit()).isEqualTo(Main.EXIT_ERROR);
        assertThat(again.err()).contains("already exist", "--force");
        assertThat(Files.readAllBytes(dir.resolve("tls.key"))).isEqualTo(key);
        assertThat(Files.readAllBytes(dir.resolve("ca.crt"))).isEqualTo(ca);

        Run forced = drydock("admission", "certs", "--service", "webhook", "--namespace", "ns", "--out", dir.toString(), "--force");
        assertThat(forced.exit()).as(forced.err()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("tls.key"))).isNotEqualTo(key);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("tls.key")))).isEqualTo("rw-------");
    }

    @Test
    void usageErrorsAndBadNames() {
        assertThat(drydock("admission", "certs", "--namespace", "ns").exit()).isEqualTo(2);
        Run badName = drydock("admission", "certs", "--service", "Web_Hook", "--namespace", "ns", "--out", dir.toString());
        assertThat(badName.exit()).isEqualTo(Main.EXIT_ERROR);
        assertThat(badName.err()).contains("--service Web_Hook is not a Kubernetes Service name");
        Run badDays = drydock("admission", "certs", "--service", "webhook", "--namespace", "ns", "--out", dir.toString(), "--days", "0");
        assertThat(badDays.exit()).isEqualTo(Main.EXIT_ERROR);
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void admissionAloneListsItsSubcommands() {
        Run run = drydock("admission");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("certs");
        assertThat(drydock("--help").out()).contains("admission");
    }

    private static Run drydock(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    private static Openssl openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("openssl is not installed: " + e.getMessage());
            throw e;
        }
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Openssl(process.exitValue(), output);
    }
}
