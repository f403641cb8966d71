package io.drydock.cli;

import io.drydock.DrydockException;
import io.drydock.admission.ClusterLookups;
import io.drydock.admission.kube.KubeLookups;
import io.drydock.admission.server.AdmissionHandlers;
import io.drydock.admission.server.ServerConfig;
import io.drydock.fleet.AdvisoryDb;
import io.drydock.fleet.Fleet;
import io.drydock.fleet.ImageAnalyser;
import io.drydock.fleet.ImageFacts;
import io.drydock.fleet.Notifier;
import io.drydock.fleet.PodWatcher;
import io.drydock.image.ImageReference;
import io.drydock.image.registry.CredentialStore;
import io.drydock.scan.Gate;
import io.drydock.scan.ScanReport;
import io.drydock.scan.Scanner;
import io.drydock.server.DrydockServer;
import io.drydock.server.KubernetesLeadership;
import io.drydock.server.ServeConfig;
import io.drydock.server.harbor.HarborAdapter;
import io.drydock.server.harbor.RegistryHarborScans;
import io.drydock.sign.Attestations;
import io.drydock.sign.CosignStore;
import io.drydock.store.Store;
import io.drydock.store.Stores;
import io.drydock.watch.WatchConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javalin.config.RoutesConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "serve", description = {
        "Run the Drydock server: REST API (/api/v1, described at /api/openapi.json), dashboard (/), /metrics, the admission",
        "webhook (/validate, /mutate) when configured, Harbor's pluggable scanner API (/api/v1/metadata, /api/v1/scan),",
        "the base-update loop when configured, and the continuous watch of the fleet (Pod informer, advisory updates,",
        "re-matching, notifications). Replicas share a PostgreSQL store. See docs/serve.md."})
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", required = true, description = "The server configuration (YAML, docs/serve.md).")
    Path configFile;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ServeConfig config = ServeConfig.read(configFile);
        try (Running running = start(config, null, out, err, Clock.systemUTC())) {
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
        return 0;
    }

    /** A started server and what it holds, closed together. */
    record Running(DrydockServer server, Store store, AdvisoryDb db, KubernetesClient kube, AutoCloseable leadership,
            WatchCommand.Running watch, HarborAdapter harbor) implements AutoCloseable {
        @Override
        public void close() {
            server.close();
            harbor.close();
            if (watch != null) {
                watch.watcher().close();
            }
            if (leadership != null) {
                try {
                    leadership.close();
                } catch (Exception e) {
                    // stopping anyway
                }
            }
            if (kube != null) {
                kube.close();
            }
            db.close();
            store.close();
        }
    }

    /** @param kubeOverride the cluster to watch instead of the configured one (tests hand in a mock server's client) */
    static Running start(ServeConfig config, KubernetesClient kubeOverride, PrintWriter out, PrintWriter err, Clock clock) {
        ImageOptions options = new ImageOptions();
        options.home = config.home();
        options.insecureRegistries = new ArrayList<>(config.insecureRegistries());
        options.registryCa = new ArrayList<>(config.registryCa());
        Store store = Stores.open(config.store(), options.home());
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            Consumer<String> log = line -> {
                synchronized (out) {
                    out.println("serve: " + line);
                    out.flush();
                }
            };
            AdvisoryDb db = new AdvisoryDb(DbCommand.dbPath(options), target -> {
                try {
                    DbCommand.Update.update(config.advisorySources(), true, options, out, err);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).open();
            opened.add(db);
            KubernetesClient kube = config.kubernetes() == null ? null : kubeOverride != null ? kubeOverride : WatchCommand.kubernetes(
                    config.kubernetes().kubeconfig() == null ? "in-cluster" : config.kubernetes().kubeconfig().toString());
            if (kube != null && kube != kubeOverride) {
                opened.add(kube);
            }
            ServeConfig.Notifications n = config.notifications();
            Notifier notifier = new Notifier(new Notifier.Sinks(n.webhook(), n.webhookSecret(), n.slack(), n.events()), kube, clock);
            ClusterLookups pullSecrets = kube == null ? ClusterLookups.NONE : new KubeLookups(kube);
            Fleet fleet = new Fleet(store, db, analyser(options, db, kube, pullSecrets), notifier,
                    new Fleet.Settings(n.minSeverity(), Fleet.Settings.DEFAULTS.chunk(), config.lease()), clock, log);
            PodWatcher pods = kube == null ? null : new PodWatcher(kube, store, fleet, config.kubernetes().namespaces(), clock, log);
            String replica = replicaId();
            AdmissionHandlers admission = null;
            StringBuilder policies = new StringBuilder();
            if (config.admission() != null) {
                // either the admission server's configuration (docs/admission-server.md) or the policy itself
                ServerConfig admissionConfig = ServerConfig.isServerConfig(config.admission()) ? ServerConfig.read(config.admission())
                        : ServerConfig.forPolicy(config.admission());
                admission = new AdmissionHandlers(admissionConfig, pullSecrets, CredentialStore::fromEnvironment,
                        options.home().resolve("locks"), clock, System.out);
                policies.append("admission policy: ").append(admissionConfig.policyFile()).append('\n').append(read(admissionConfig.policyFile()));
            }
            WatchCommand.Running watch = null;
            if (config.watch() != null) {
                WatchConfig wc = WatchConfig.read(config.watch());
                watch = WatchCommand.assemble(wc, store, options, replica, kube, out, err, clock);
                List<String> added = watch.watcher().syncTrackedBases();
                if (!added.isEmpty()) {
                    log.accept("now tracking " + String.join(", ", added));
                }
                policies.append(policies.isEmpty() ? "" : "\n").append("base-update loop: ").append(config.watch()).append('\n')
                        .append(read(config.watch()));
            }
            AutoCloseable leadershipHandle = null;
            BooleanSupplier leadership = switch (config.leader()) {
                case "none" -> () -> true;
                case "kubernetes" -> {
                    if (kube == null) {
                        throw new DrydockException("server configuration " + config.file() + ": leader: kubernetes needs the kubernetes section");
                    }
                    String ns = kube.getNamespace() == null ? "default" : kube.getNamespace();
                    KubernetesLeadership k = new KubernetesLeadership(kube, ns, replica, Duration.ofSeconds(15), log);
                    leadershipHandle = k;
                    yield k;
                }
                default -> () -> store.lead("leader");
            };
            // Harbor's pluggable scanner API: Harbor registers Drydock with "Authorization: Bearer <API token>"
            HarborAdapter harbor = new HarborAdapter(new RegistryHarborScans(options.home(), DbCommand.dbPath(options), options.clientOptions(),
                    options.platform(), io.drydock.scan.Matcher.Priority.PRECISE, clock), HarborAdapter.Settings.defaults(), clock, log);
            opened.add(harbor);
            List<Consumer<RoutesConfig>> extra = List.of(harbor::mount);
            DrydockServer server = new DrydockServer(new DrydockServer.Parts(config, store, fleet, admission, watch == null ? null : watch.watcher(),
                    pods, leadership, extra, replica, policies.isEmpty() ? "no admission policy or base-update loop configured" : policies.toString(),
                    clock, out)).start();
            return new Running(server, store, db, kube == kubeOverride ? null : kube, leadershipHandle, watch, harbor);
        } catch (RuntimeException e) {
            for (AutoCloseable c : opened) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // already failing
                }
            }
            store.close();
            throw e;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + DrydockException.reason(e) + ")";
        }
    }

    static String replicaId() {
        String id = System.getenv("DRYDOCK_REPLICA_ID");
        if (id != null && !id.isBlank()) {
            return id;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName() + "-" + ProcessHandle.current().pid();
        } catch (IOException e) {
            return "drydock-" + ProcessHandle.current().pid();
        }
    }

    /**
     * Analysis as {@code drydock scan} does it: the same caches, base detection and remediation. An image seen in a
     * pod is read with that pod's pull credentials (from its imagePullSecrets and service account, as the kubelet
     * does), on a registry client of its own, so one tenant's credentials never read another's images.
     */
    static ImageAnalyser analyser(ImageOptions shared, AdvisoryDb db, KubernetesClient kube, ClusterLookups pullSecrets) {
        return (reference, seenIn) -> {
            ImageOptions options = shared;
            if (seenIn != null && kube != null) {
                options = withPodCredentials(shared, kube, pullSecrets, seenIn);
            }
            ScanCommand.OpenedImage opened = ScanCommand.openImage(options, reference);
            // a scanner per analysis: its answers about bases' current digests must not outlive the analysis
            Scanner scanner = new Scanner(db.matcher().db(), io.drydock.scan.Matcher.Priority.PRECISE, ScanCommand.access(options),
                    new io.drydock.scan.KnownBases(options.home().resolve("known-bases.json")), Clock.systemUTC());
            ScanReport report = scanner.scan(opened.target(), null, Gate.none(LocalDate.now(ZoneOffset.UTC)));
            ImageReference ref = registryReference(reference);
            String digest = ref != null && ref.digest() != null ? ref.digest().toString() : opened.image().digest().toString();
            int signatures = 0;
            List<String> attestations = new ArrayList<>();
            if (ref != null) {
                try {
                    CosignStore cosign = new CosignStore(options.client(), options.home().resolve("locks"));
                    io.drydock.image.Digest subject = opened.image().digest();
                    signatures = cosign.read(ref, subject, CosignStore.Kind.SIGNATURE).size();
                    for (CosignStore.Entry e : cosign.read(ref, subject, CosignStore.Kind.ATTESTATION)) {
                        String type = e.layer().annotations().get(CosignStore.PREDICATE_TYPE_ANNOTATION);
                        attestations.add(Attestations.byPredicateType(type).map(Attestations::label).orElse(type));
                    }
                } catch (DrydockException e) {
                    // no signatures readable: shown as none; the admission gate is what verifies them
                }
            }
            var rem = report.remediation();
            return new ImageAnalyser.Analysis(digest, opened.target().inventory(), new ImageFacts(report.base(), rem.fixedByRebuild(),
                    rem.currentBaseDigest(), rem.rebuildNote(), signatures, attestations.stream().distinct().sorted().toList()));
        };
    }

    private static ImageOptions withPodCredentials(ImageOptions shared, KubernetesClient kube, ClusterLookups pullSecrets, ImageAnalyser.SeenIn seenIn) {
        ImageOptions options = new ImageOptions();
        options.home = shared.home();
        options.insecureRegistries = new ArrayList<>(shared.insecureRegistries);
        options.registryCa = new ArrayList<>(shared.registryCa);
        io.fabric8.kubernetes.api.model.Pod pod = kube.pods().inNamespace(seenIn.namespace()).withName(seenIn.pod()).get();
        if (pod != null && pod.getSpec() != null) {
            com.fasterxml.jackson.databind.JsonNode spec = new com.fasterxml.jackson.databind.ObjectMapper()
                    .valueToTree(kube.getKubernetesSerialization().convertValue(pod.getSpec(), java.util.Map.class));
            pullSecrets.pullCredentials(seenIn.namespace(), spec).forEach((registry, credential) -> options.client().credentials().put(registry, credential));
        }
        return options;
    }

    private static ImageReference registryReference(String reference) {
        try {
            return io.drydock.image.ImageSpec.parse(reference).kind() == io.drydock.image.ImageSpec.Kind.REGISTRY
                    ? io.drydock.image.ImageSpec.parse(reference).registryReference() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
