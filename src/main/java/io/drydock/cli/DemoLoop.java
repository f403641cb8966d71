package io.drydock.cli;

import io.drydock.DrydockException;
import io.drydock.image.ImageManifest;
import io.drydock.image.ImageReference;
import io.drydock.image.local.OciLayoutSource;
import io.drydock.image.registry.ImageCopy;
import io.drydock.image.registry.RegistryClient;
import io.drydock.sign.SigningKeys;
import io.drydock.store.AuditEntry;
import io.drydock.watch.WatchConfig;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * The demo's second act: the base-update loop on a real local registry and a simulated cluster. The app is built on
 * the 2023 bookworm base; the base tag is updated to current bookworm; Drydock notices with one HEAD, decides the
 * update is worth it (it fixes the app's base findings), rebases the app in the registry, validates and signs it,
 * and rolls the Deployment out to the new digest.
 */
final class DemoLoop {
    private DemoLoop() {
    }

    static void run(ImageOptions options, Path layout, Path dir, PrintWriter o, PrintWriter err) throws IOException {
        o.println("== 6. The base-update loop: a real registry, a base update, rebase, validation and rollout");
        try (DemoRegistry registry = DemoRegistry.start(dir.resolve("registry"));
             SimulatedCluster cluster = new SimulatedCluster(d -> true)) {
            o.println("   started a local registry (Debian's docker-registry) on " + registry.hostPort()
                    + " and a simulated cluster (fabric8's mock API server)");
            RegistryClient client = options.client();
            ImageReference base = ImageReference.parse(registry.hostPort() + "/demo/debian:12");
            ImageReference app = ImageReference.parse(registry.hostPort() + "/demo/shop:1");
            try (OciLayoutSource source = OciLayoutSource.open(layout)) {
                ImageCopy.push(source, "base-2023", client, base);
                ImageCopy.push(source, "app", client, app);
            }
            ImageManifest before = (ImageManifest) client.manifest(app);
            o.println("   pushed " + base + " (bookworm with glibc " + DemoImage.OLD_GLIBC + ") and " + app + " built on it");
            cluster.client().apps().deployments().inNamespace("shop").resource(new DeploymentBuilder()
                    .withNewMetadata().withName("web").withNamespace("shop").endMetadata()
                    .withNewSpec().withReplicas(3).withNewSelector().addToMatchLabels("app", "web").endSelector()
                    .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
                    .withNewSpec().addNewContainer().withName("web").withImage(app + "@" + before.digest()).endContainer().endSpec()
                    .endTemplate().endSpec().build()).create();
            o.println("   Deployment shop/web (3 replicas) runs " + app.name() + "@" + before.digest().shortHex());

            Path config = writeConfig(dir, base, app);
            try (WatchCommand.Running loop = WatchCommand.assemble(WatchConfig.read(config), options, "demo", cluster.client(), o, err,
                    Clock.systemUTC())) {
                loop.watcher().syncTrackedBases();
                o.println();
                o.println("   drydock watch: first poll (one HEAD per tracked base) records where the base is now");
                loop.watcher().once();
                try (OciLayoutSource source = OciLayoutSource.open(layout)) {
                    ImageCopy.push(source, "base", client, base);
                }
                o.println();
                o.println("   the base is updated: current bookworm pushed to " + base);
                o.println("   drydock watch: the next poll notices, and the loop runs every step:");
                o.flush();
                loop.watcher().once();
                o.println();
                o.println("== 7. drydock history " + app.withDigest(null));
                List<String[]> rows = Text.rows();
                rows.add(new String[] {"ACTION", "WHAT"});
                for (AuditEntry e : loop.store().history(WatchConfig.normalise(app.toString()))) {
                    rows.add(new String[] {e.action(), Text.oneLine(e.message(), 110)});
                }
                o.print(Text.table(rows));
            }
            Deployment after = cluster.client().apps().deployments().inNamespace("shop").withName("web").get();
            ImageManifest rebased = (ImageManifest) client.manifest(app);
            String running = after.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
            o.println();
            o.println("   " + app.withDigest(null) + " is now " + rebased.digest().shortHex() + " (was " + before.digest().shortHex()
                    + "); Deployment shop/web runs " + running);
            if (!running.endsWith(rebased.digest().toString())) {
                throw new DrydockException("the demo rollout did not reach the rebased digest: shop/web runs " + running);
            }
        }
        o.flush();
    }

    private static Path writeConfig(Path dir, ImageReference base, ImageReference app) throws IOException {
        var key = SigningKeys.generate();
        Files.writeString(dir.resolve("cosign.key"), SigningKeys.encryptPrivate(key.getPrivate(), "demo".toCharArray()));
        Files.writeString(dir.resolve("cosign.pub"), SigningKeys.publicPem(key.getPublic()));
        Files.writeString(dir.resolve("key-passphrase"), "demo\n");
        Files.writeString(dir.resolve("policy.yaml"), """
                apiVersion: drydock.io/v1
                kind: Policy
                name: demo
                rules:
                  maxSeverity: CRITICAL
                """);
        Path config = dir.resolve("watch.yaml");
        Files.writeString(config, """
                apiVersion: drydock.io/v1
                kind: WatchConfig
                store: jdbc:sqlite:%s
                poll:
                  interval: 5m
                validation:
                  policy: policy.yaml
                  key: cosign.key
                  passphraseFile: key-passphrase
                rollout:
                  kubeconfig: none
                  timeout: 1m
                images:
                  - image: %s
                    base: %s
                    strategy: rebase
                """.formatted(dir.resolve("drydock.db"), app.withDigest(null), base.withDigest(null)));
        return config;
    }
}
