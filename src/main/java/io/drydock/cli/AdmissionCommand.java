package io.drydock.cli;

import io.drydock.DrydockException;
import io.drydock.admission.certs.CertificateFiles;
import io.drydock.admission.certs.ServiceIdentity;
import io.drydock.admission.certs.ServingCertificates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * {@code drydock admission}: the Kubernetes admission webhook. Each subcommand is a nested class listed
 * in {@code subcommands}.
 */
@Command(name = "admission", description = "The Kubernetes admission webhook that admits only validated images.",
        subcommands = {AdmissionCommand.Certs.class, AdmissionCommand.Serve.class})
final class AdmissionCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "certs", description = {
            "Write a CA and the webhook's serving certificate for a Service, for clusters without cert-manager:",
            "ca.crt and ca.key (the CA), tls.crt and tls.key (the serving pair, SANs NAME, NAME.NS, NAME.NS.svc,",
            "NAME.NS.svc.cluster.local). ECDSA P-256, PEM; keys are mode 0600 and are never printed."},
            footer = {"", "Then: kubectl -n NS create secret tls NAME-tls --cert DIR/tls.crt --key DIR/tls.key",
                    "and give the webhook configurations caBundle=$(base64 -w0 DIR/ca.crt)."})
    static final class Certs implements Callable<Integer> {
        @Option(names = "--service", paramLabel = "NAME", required = true, description = "The webhook's Service name.")
        String service;

        @Option(names = {"--namespace", "-n"}, paramLabel = "NS", required = true, description = "The Service's namespace.")
        String namespace;

        @Option(names = "--out", paramLabel = "DIR", defaultValue = ".", description = "Directory to write into (created if missing; default: the current one).")
        Path out;

        @Option(names = "--days", paramLabel = "N", defaultValue = "365", description = "Validity of both certificates in days (default: ${DEFAULT-VALUE}).")
        int days;

        @Option(names = "--force", description = "Replace existing files; without it nothing is written when any of them exists.")
        boolean force;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            // Ten years bounds a typo such as --days 36500 that would leave a forgotten CA trusted for a century.
            if (days < 1 || days > 3650) throw new DrydockException("--days must be between 1 and 3650, not " + days);
            ServiceIdentity identity = new ServiceIdentity(service, namespace);
            CertificateFiles files = new CertificateFiles(out);
            ServingCertificates certificates = ServingCertificates.issue(identity, Duration.ofDays(days), Instant.now());
            PrintWriter stdout = spec.commandLine().getOut();
            for (Path written : files.write(certificates, force)) stdout.println("wrote " + written);
            stdout.println("serving certificate for " + String.join(", ", identity.dnsNames()) + ", valid until "
                    + certificates.servingCertificate().getNotAfter().toInstant());
            stdout.flush();
            return 0;
        }
    }

    @Command(name = "serve", description = {
            "Serve the admission webhook over HTTPS: POST /validate, POST /mutate (AdmissionReview v1), GET /healthz,",
            "GET /metrics. The certificate and key files are reloaded when they change. See docs/admission-server.md."})
    static final class Serve implements Callable<Integer> {
        @Option(names = "--config", paramLabel = "FILE", required = true, description = "The server configuration (YAML).")
        Path config;

        @Override
        public Integer call() throws InterruptedException {
            io.drydock.admission.server.ServerConfig settings = io.drydock.admission.server.ServerConfig.read(config);
            String home = System.getenv().getOrDefault("DRYDOCK_HOME", System.getProperty("user.home") + "/.drydock");
            // inside a pod the API server is there to ask for namespace labels and pull secrets; outside, nothing is
            io.drydock.admission.ClusterLookups cluster = System.getenv("KUBERNETES_SERVICE_HOST") != null
                    ? io.drydock.admission.kube.KubeLookups.inCluster() : io.drydock.admission.ClusterLookups.NONE;
            var server = new io.drydock.admission.server.AdmissionServer(settings, cluster,
                    io.drydock.image.registry.CredentialStore::fromEnvironment, Path.of(home, "locks"), java.time.Clock.systemUTC(),
                    System.out).start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::close));
            Thread.currentThread().join();
            return 0;
        }
    }
}
