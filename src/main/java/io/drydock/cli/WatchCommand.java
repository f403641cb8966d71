package io.drydock.cli;

import io.drydock.DrydockException;
import io.drydock.image.ImageReference;
import io.drydock.image.registry.HostBackoff;
import io.drydock.image.registry.RegistryClient;
import io.drydock.lineage.BasePoller;
import io.drydock.rebuild.AzurePipelinesTrigger;
import io.drydock.rebuild.BuildahBuild;
import io.drydock.rebuild.GitHubActionsTrigger;
import io.drydock.rebuild.GitLabTrigger;
import io.drydock.rebuild.JenkinsTrigger;
import io.drydock.rebuild.KubernetesJobBuild;
import io.drydock.rebuild.RebuildDecision;
import io.drydock.rebuild.RebuildStrategy;
import io.drydock.rebuild.RegistryRebase;
import io.drydock.rebuild.WebhookTrigger;
import io.drydock.rollout.Rollout;
import io.drydock.rollout.RolloutOutcome;
import io.drydock.rollout.WorkloadRef;
import io.drydock.scan.Matcher;
import io.drydock.store.Store;
import io.drydock.store.Stores;
import io.drydock.vulndb.VulnDb;
import io.drydock.watch.BaseUpdateLoop;
import io.drydock.watch.WatchConfig;
import io.drydock.watch.Watcher;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code drydock watch}: the base-update loop as a daemon, or one pass of it with {@code --once}. */
@Command(name = "watch", description = "Watch base images and keep the images built on them rebuilt, validated and rolled out (see docs/watch.md).",
        footer = {"", "Exit codes: 0 stopped normally (or --once finished); 2 usage error; 3 error."})
final class WatchCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE")
    Path configFile;

    @Option(names = "--once", description = "Poll once, run every step that follows, and exit.")
    boolean once;

    @Option(names = "--worker-id", paramLabel = "ID", description = "Names this worker in the store (default: the host name); a restarted worker resumes the steps it held.")
    String workerId;

    @Mixin
    ImageOptions options;

    @Spec
    CommandSpec spec;

    /** Everything a running loop holds, closed together. */
    record Running(Store store, Watcher watcher, BaseUpdateLoop loop, KubernetesClient kube) implements AutoCloseable {
        @Override
        public void close() {
            watcher.close();
            if (kube != null) {
                kube.close();
            }
            store.close();
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        WatchConfig config = WatchConfig.read(configFile);
        String owner = workerId != null ? workerId : java.net.InetAddress.getLocalHost().getHostName();
        try (Running r = assemble(config, options, owner, null, out, err, Clock.systemUTC())) {
            List<String> added = r.watcher().syncTrackedBases();
            if (!added.isEmpty()) {
                out.println("watch: now tracking " + String.join(", ", added));
            }
            if (once) {
                BasePoller.CycleResult cycle = r.watcher().once();
                out.println("watch: one pass: " + cycle.heads() + " HEAD request(s), " + cycle.changed().size() + " base change(s)"
                        + (cycle.errors().isEmpty() ? "" : ", " + cycle.errors().size() + " error(s)"));
                out.flush();
                return 0;
            }
            r.watcher().start();
            out.println("watch: running as " + owner + " (stop with Ctrl-C)");
            out.flush();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
        return 0;
    }

    /**
     * Builds the loop from a configuration.
     *
     * @param kube the cluster to roll out to; null to build it from the configuration's kubeconfig setting
     */
    static Running assemble(WatchConfig config, ImageOptions options, String owner, KubernetesClient kube, PrintWriter out,
            PrintWriter err, Clock clock) {
        return assemble(config, Stores.open(config.store(), options.home()), options, owner, kube, out, err, clock);
    }

    /** The loop on a store opened elsewhere ({@code drydock serve} shares its own); closing the result closes it. */
    static Running assemble(WatchConfig config, Store store, ImageOptions options, String owner, KubernetesClient kube, PrintWriter out,
            PrintWriter err, Clock clock) {
        try {
            RegistryClient client = new RegistryClient(options.client().credentials(),
                    options.clientOptions().withHostBackoff(new HostBackoff(clock, Duration.ofSeconds(1), Duration.ofMinutes(5))));
            VulnDb db = DbCommand.openOrBuild(options, err);
            RebuildDecision decisions = new RebuildDecision(new Matcher(db, Matcher.Priority.PRECISE));
            KubernetesClient cluster = kube != null ? kube : kubernetes(config.rollout().kubeconfig());
            Map<String, RebuildStrategy> strategies = new HashMap<>();
            strategies.put("rebase", new RegistryRebase(client));
            strategies.put("buildah", new BuildahBuild(client));
            strategies.put("jenkins", new JenkinsTrigger(client));
            strategies.put("github-actions", new GitHubActionsTrigger(client));
            strategies.put("azure-pipelines", new AzurePipelinesTrigger(client));
            strategies.put("gitlab", new GitLabTrigger(client));
            strategies.put("webhook", new WebhookTrigger(client));
            if (cluster != null) {
                strategies.put("kubernetes-job", new KubernetesJobBuild(cluster, client));
            }
            // the key is opened once, at start: a wrong passphrase stops the daemon now, not at the first rebuild
            java.security.PrivateKey signingKey = signingKey(config.validation());
            BaseUpdateLoop.Validation validation = (pinned, base) -> validate(options, config, signingKey, pinned, base, clock);
            BaseUpdateLoop.Rollouts rollouts = cluster == null ? null : rollouts(cluster, config, clock);
            BaseUpdateLoop loop = new BaseUpdateLoop(store, client, config, ref -> SbomCommand.inventory(options, ref), decisions,
                    name -> {
                        RebuildStrategy s = strategies.get(name);
                        if (s == null) {
                            throw new DrydockException("the rebuild strategy " + name + " needs a Kubernetes cluster (rollout.kubeconfig)");
                        }
                        return s;
                    }, validation, rollouts, clock, owner, out);
            BasePoller.Settings ps = new BasePoller.Settings(config.poll().interval(), config.poll().jitter(),
                    config.poll().budgetPerRegistry(), config.poll().settle());
            BasePoller poller = new BasePoller(store, client, clock, ps);
            Path dbFile = DbCommand.dbPath(options);
            Watcher watcher = new Watcher(config, store, poller, loop, out).advisoryVersion(() -> {
                // db update replaces the file whole: its time and size change with its contents
                try {
                    return Files.getLastModifiedTime(dbFile).toMillis() + "-" + Files.size(dbFile);
                } catch (IOException e) {
                    return null;
                }
            });
            return new Running(store, watcher, loop, kube != null ? null : cluster);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    static KubernetesClient kubernetes(String kubeconfig) {
        if (kubeconfig == null || kubeconfig.equals("none")) {
            return null;
        }
        if (kubeconfig.equals("in-cluster")) {
            return new KubernetesClientBuilder().build();
        }
        try {
            return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(Path.of(kubeconfig)))).build();
        } catch (IOException e) {
            throw new DrydockException("cannot read the kubeconfig " + kubeconfig + ": " + DrydockException.reason(e), e);
        }
    }

    private static BaseUpdateLoop.Rollouts rollouts(KubernetesClient cluster, WatchConfig config, Clock clock) {
        Rollout rollout = new Rollout(cluster, clock, new Rollout.Settings(config.rollout().timeout(), Duration.ofMillis(500),
                config.rollout().crashLoopRestarts()));
        return new BaseUpdateLoop.Rollouts() {
            @Override
            public List<WorkloadRef> workloadsRunning(String repository) {
                Set<WorkloadRef> out = new java.util.LinkedHashSet<>();
                for (String ns : namespaces(config)) {
                    for (Rollout.RunningImage i : rollout.workloadsUsing(ns)) {
                        if (sameRepository(i.image(), repository)) {
                            out.add(i.workload());
                        }
                    }
                }
                return List.copyOf(out);
            }

            @Override
            public RolloutOutcome rollOut(WorkloadRef workload, String repository, String newImage, String reason) {
                // the workload may spell the repository differently (nginx for docker.io/library/nginx): patch it as it is spelt there
                String spelt = rollout.workloadsUsing(workload.namespace()).stream()
                        .filter(i -> i.workload().equals(workload) && sameRepository(i.image(), repository))
                        .map(i -> Rollout.repositoryOf(i.image())).findFirst().orElse(repository);
                return rollout.rollOut(workload, spelt, newImage, reason);
            }
        };
    }

    private static List<String> namespaces(WatchConfig config) {
        return config.rollout().namespaces().isEmpty() ? java.util.Collections.singletonList(null) : config.rollout().namespaces();
    }

    /** Whether a container's image is of {@code repository} (registry/path, normalised). */
    static boolean sameRepository(String image, String repository) {
        try {
            return ImageReference.parse(image).name().equals(ImageReference.parse(repository).name());
        } catch (DrydockException e) {
            return false;
        }
    }

    static java.security.PrivateKey signingKey(WatchConfig.Validation v) {
        if (v.passphraseFile() == null) {
            return SignCommands.privateKey(v.key());
        }
        String passphrase;
        try {
            passphrase = Files.readString(v.passphraseFile()).strip();
        } catch (IOException e) {
            throw new DrydockException("cannot read the passphrase file " + v.passphraseFile() + ": " + DrydockException.reason(e), e);
        }
        return io.drydock.sign.SigningKeys.decryptPrivate(v.key(),
                new io.drydock.sign.KeyPassphrase(Map.of("DRYDOCK_KEY_PASSWORD", passphrase), null));
    }

    private static BaseUpdateLoop.Validated validate(ImageOptions options, WatchConfig config, java.security.PrivateKey signingKey,
            ImageReference pinned, String base, Clock clock) {
        PrintWriter quiet = new PrintWriter(OutputStream.nullOutputStream());
        // a step that ran before a crash may have signed already: a second signature would be a duplicate, not a retry
        java.security.PublicKey key = io.drydock.sign.SigningKeys.publicKeyOf(signingKey);
        io.drydock.sign.Verifier.Result done = new io.drydock.sign.Verifier(options.client(), SignCommands.store(options), clock).verify(
                pinned, io.drydock.image.Descriptor.of(null, pinned.digest(), -1),
                List.of(new io.drydock.sign.Verifier.TrustedKey(config.validation().key().getFileName().toString(), key)),
                new io.drydock.sign.Verifier.Requirements(1, Set.of(), Set.of(io.drydock.sign.Attestations.values()), null));
        if (done.verified()) {
            return new BaseUpdateLoop.Validated(true, List.of("already validated and signed: " + String.join("; ", done.verifiedBy())));
        }
        try {
            ValidateCommand.Outcome o = ValidateCommand.validate(options, pinned.toString(), config.validation().policy(), signingKey,
                    config.validation().key().getFileName().toString(), base, null, List.of("watch"), quiet, quiet, clock);
            return new BaseUpdateLoop.Validated(o.passed(), o.lines());
        } catch (IOException e) {
            throw new DrydockException("validating " + pinned + ": " + DrydockException.reason(e), e);
        }
    }
}
