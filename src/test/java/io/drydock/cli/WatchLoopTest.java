package io.drydock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.image.Descriptor;
import io.drydock.image.ImageManifest;
import io.drydock.image.ImageReference;
import io.drydock.image.local.LayerBuilder;
import io.drydock.image.registry.CredentialStore;
import io.drydock.image.registry.RegistryClient;
import io.drydock.rebuild.LayerAppend;
import io.drydock.sign.SigningKeys;
import io.drydock.store.AuditEntry;
import io.drydock.store.Job;
import io.drydock.store.Store;
import io.drydock.store.Stores;
import io.drydock.testing.DrydockProcess;
import io.drydock.testing.TestImages;
import io.drydock.testing.TestRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The base-update loop end to end, as {@code drydock watch --once} in a process of its own: a real registry, real
 * rebases, real scans, policy and signatures, and the durable store between runs.
 */
class WatchLoopTest {
    static final String CREATED = "2026-11-26T00:00:00Z";
    static TestRegistry registry;
    static RegistryClient client;

    @TempDir
    static Path shared;

    @BeforeAll
    static void start() throws Exception {
        registry = TestRegistry.open();
        client = new RegistryClient(CredentialStore.none(), RegistryClient.Options.defaults());
        KeyPair key = SigningKeys.generate();
        Files.writeString(shared.resolve("cosign.key"), SigningKeys.encryptPrivate(key.getPrivate(), "pw".toCharArray()));
        Files.writeString(shared.resolve("cosign.pub"), SigningKeys.publicPem(key.getPublic()));
        Files.writeString(shared.resolve("policy.yaml"), """
                apiVersion: drydock.io/v1
                kind: Policy
                name: watch-test
                rules:
                  maxSeverity: CRITICAL
                """);
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    static ImageReference ref(String repoAndTag) {
        return ImageReference.parse(registry.hostPort() + "/" + repoAndTag);
    }

    static String image(String repoAndTag) {
        return ref(repoAndTag).toString();
    }

    static ImageManifest manifest(String repoAndTag) {
        return (ImageManifest) client.manifest(ref(repoAndTag));
    }

    /** A watch configuration in {@code dir} with the shared policy and key. */
    static Path config(Path dir, String images) throws Exception {
        Path file = dir.resolve("watch.yaml");
        Files.writeString(file, """
                apiVersion: drydock.io/v1
                kind: WatchConfig
                poll:
                  interval: 1m
                validation:
                  policy: %s
                  key: %s
                rollout:
                  kubeconfig: none
                images:
                %s""".formatted(shared.resolve("policy.yaml"), shared.resolve("cosign.key"), images.indent(2)));
        return file;
    }

    static DrydockProcess.Run watchOnce(Path home, Path config, Map<String, String> extraEnv) throws Exception {
        Map<String, String> env = new java.util.HashMap<>(Map.of("DRYDOCK_HOME", home.toString(), "DRYDOCK_KEY_PASSWORD", "pw"));
        env.putAll(extraEnv);
        return DrydockProcess.run(home, env, "watch", "--config", config.toString(), "--once", "--worker-id", "test-worker");
    }

    static List<String> actions(Path home, String subject) {
        try (Store s = Stores.open(null, home)) {
            return s.history(subject).stream().map(AuditEntry::action).toList();
        }
    }

    @Test
    void aThreeLevelChainUpdatedAtTheBottomIsRebuiltInOrderOncePerImage(@TempDir Path home) throws Exception {
        registry.push(TestImages.ociRef("base"), "chain/debian:12");
        LayerAppend.push(client, ref("chain/debian:12"), new LayerBuilder().file("etc/company", "acme\n"), "COPY company /etc/",
                Map.of(), CREATED, ref("chain/company-base:1"));
        LayerAppend.push(client, ref("chain/company-base:1"), new LayerBuilder().file("app/run.sh", "echo hi\n"), "COPY run.sh /app/",
                Map.of(), CREATED, ref("chain/app:1"));
        Path cfg = config(home, """
                - image: %s
                  base: %s
                  when: any-change
                - image: %s
                  base: %s
                  when: any-change
                """.formatted(image("chain/company-base:1"), image("chain/debian:12"), image("chain/app:1"),
                image("chain/company-base:1")));

        DrydockProcess.Run first = watchOnce(home, cfg, Map.of());
        assertThat(first.exit()).as(first.err() + first.out()).isZero();
        assertThat(first.out()).contains("now tracking").contains("0 base change(s)");

        ImageManifest oldDebian = manifest("chain/debian:12");
        LayerAppend.push(client, ref("chain/debian:12"), new LayerBuilder().file("etc/debian_version", "12.99\n"), "RUN apt-get upgrade",
                Map.of(), CREATED, ref("chain/debian:12"));
        ImageManifest newDebian = manifest("chain/debian:12");
        assertThat(newDebian.digest()).isNotEqualTo(oldDebian.digest());

        DrydockProcess.Run second = watchOnce(home, cfg, Map.of());
        assertThat(second.exit()).as(second.err() + second.out()).isZero();

        ImageManifest company = manifest("chain/company-base:1");
        ImageManifest app = manifest("chain/app:1");
        // company base = new debian + its own layer; app = new company base + its own layer
        assertThat(company.layers().subList(0, newDebian.layers().size())).isEqualTo(newDebian.layers());
        assertThat(app.layers().subList(0, company.layers().size())).isEqualTo(company.layers());
        assertThat(app.annotations()).containsEntry("org.opencontainers.image.base.digest", company.digest().toString());

        // the company base is an image (rebuilt) and a base (its change starts the app's steps)
        assertThat(actions(home, image("chain/company-base:1"))).containsExactly("rebuild-decided", "rebuilt", "validated", "changed",
                "dependents");
        assertThat(actions(home, image("chain/app:1"))).containsExactly("rebuild-decided", "rebuilt", "validated");
        assertThat(actions(home, image("chain/debian:12"))).containsExactly("changed", "dependents");
        assertThat(actions(home, image("chain/company-base:1")).stream().filter(a -> a.equals("rebuilt"))).hasSize(1);
        try (Store s = Stores.open(null, home)) {
            List<Job> jobs = s.jobs(null);
            assertThat(jobs).allMatch(j -> j.state() == Job.State.DONE);
            // company base rebuilt (and validated) before anything about the app started
            long companyValidated = jobs.stream().filter(j -> j.kind().equals("validate") && j.key().contains("company-base"))
                    .findFirst().orElseThrow().id();
            long appDecided = jobs.stream().filter(j -> j.kind().equals("decide") && j.key().contains("chain/app"))
                    .findFirst().orElseThrow().id();
            assertThat(appDecided).isGreaterThan(companyValidated);
            assertThat(jobs.stream().filter(j -> j.kind().equals("rebuild"))).hasSize(2);
        }

        DrydockProcess.Run third = watchOnce(home, cfg, Map.of());
        assertThat(third.exit()).as(third.err()).isZero();
        assertThat(third.out()).contains("0 base change(s)");
        assertThat(actions(home, image("chain/app:1"))).containsExactly("rebuild-decided", "rebuilt", "validated");

        DrydockProcess.Run history = DrydockProcess.run(home, Map.of("DRYDOCK_HOME", home.toString()), "history", image("chain/app:1"));
        assertThat(history.out()).contains("rebuilt").contains("validated and signed");
    }

    @Test
    void underTheDefaultRuleABaseUpdateThatFixesNothingIsSkippedAndOneThatFixesFindingsIsRebuilt(@TempDir Path home) throws Exception {
        Path layout = home.resolve("demo-layout");
        DemoImage.build(layout);
        // the app was built on base-2023 (glibc 2.36-9+deb12u1); "base" is current bookworm, which fixes its CVEs
        registry.push("oci:" + layout + ":base-2023", "fresh/base:12");
        registry.push("oci:" + layout + ":app", "fresh/app:1");
        ImageManifest appBefore = manifest("fresh/app:1");
        Path cfg = config(home, """
                - image: %s
                  base: %s
                """.formatted(image("fresh/app:1"), image("fresh/base:12")));
        assertThat(watchOnce(home, cfg, Map.of()).exit()).isZero();

        LayerAppend.push(client, ref("fresh/base:12"), new LayerBuilder().file("etc/motd", "welcome\n"), "COPY motd /etc/",
                Map.of(), CREATED, ref("fresh/base:12"));
        DrydockProcess.Run nothing = watchOnce(home, cfg, Map.of());
        assertThat(nothing.exit()).as(nothing.err() + nothing.out()).isZero();
        assertThat(actions(home, image("fresh/app:1"))).containsExactly("rebuild-skipped");
        assertThat(manifest("fresh/app:1").digest()).as("not rebuilt").isEqualTo(appBefore.digest());
        try (Store s = Stores.open(null, home)) {
            assertThat(s.history(image("fresh/app:1")).get(0).message()).contains("fixes none of the image's").contains("base findings");
        }

        registry.push("oci:" + layout + ":base", "fresh/base:12");
        DrydockProcess.Run fixes = watchOnce(home, cfg, Map.of());
        assertThat(fixes.exit()).as(fixes.err() + fixes.out()).isZero();
        assertThat(actions(home, image("fresh/app:1"))).containsExactly("rebuild-skipped", "rebuild-decided", "rebuilt", "validated");
        try (Store s = Stores.open(null, home)) {
            AuditEntry decided = s.history(image("fresh/app:1")).get(1);
            assertThat(decided.message()).containsPattern("the new base fixes \\d+ of the image's \\d+ base findings")
                    .contains("CVE-2023-4911");
        }
        ImageManifest rebuilt = manifest("fresh/app:1");
        ImageManifest currentBase = manifest("fresh/base:12");
        assertThat(rebuilt.layers().subList(0, currentBase.layers().size())).isEqualTo(currentBase.layers());
        assertThat(rebuilt.layers().get(rebuilt.layers().size() - 1)).isEqualTo(appBefore.layers().get(appBefore.layers().size() - 1));
    }

    @Test
    void aRebuildWaitsForApprovalOrOutsideQuietHours(@TempDir Path home) throws Exception {
        registry.push(TestImages.ociRef("base"), "gate/base:1");
        LayerAppend.push(client, ref("gate/base:1"), new LayerBuilder().file("app/a", "a"), "COPY a /app/", Map.of(), CREATED,
                ref("gate/approved:1"));
        LayerAppend.push(client, ref("gate/base:1"), new LayerBuilder().file("app/q", "q"), "COPY q /app/", Map.of(), CREATED,
                ref("gate/quiet:1"));
        Path cfg = config(home, """
                - image: %s
                  base: %s
                  when: any-change
                  approval: {deadline: 1h, onTimeout: drop}
                - image: %s
                  base: %s
                  when: any-change
                  quietHours:
                    - {from: "00:00", to: "24:00", zone: UTC}
                """.formatted(image("gate/approved:1"), image("gate/base:1"), image("gate/quiet:1"), image("gate/base:1")));
        assertThat(watchOnce(home, cfg, Map.of()).exit()).isZero();
        ImageManifest approvedBefore = manifest("gate/approved:1");
        ImageManifest quietBefore = manifest("gate/quiet:1");
        LayerAppend.push(client, ref("gate/base:1"), new LayerBuilder().file("etc/update", "1"), "RUN apt-get upgrade", Map.of(),
                CREATED, ref("gate/base:1"));

        DrydockProcess.Run waiting = watchOnce(home, cfg, Map.of());
        assertThat(waiting.exit()).as(waiting.err() + waiting.out()).isZero();
        assertThat(actions(home, image("gate/approved:1"))).containsExactly("rebuild-decided", "approval-requested");
        assertThat(actions(home, image("gate/quiet:1"))).containsExactly("rebuild-decided", "rebuild-scheduled");
        assertThat(manifest("gate/approved:1").digest()).isEqualTo(approvedBefore.digest());
        assertThat(manifest("gate/quiet:1").digest()).isEqualTo(quietBefore.digest());

        Map<String, String> env = Map.of("DRYDOCK_HOME", home.toString());
        DrydockProcess.Run approve = DrydockProcess.run(home, env, "approve", image("gate/approved:1"), "--config", cfg.toString(),
                "--by", "alice");
        assertThat(approve.exit()).as(approve.err()).isZero();
        DrydockProcess.Run approved = watchOnce(home, cfg, Map.of());
        assertThat(approved.exit()).as(approved.err() + approved.out()).isZero();
        assertThat(actions(home, image("gate/approved:1"))).containsExactly("rebuild-decided", "approval-requested", "approved",
                "rebuilt", "validated");
        try (Store s = Stores.open(null, home)) {
            assertThat(s.history(image("gate/approved:1")).get(2).message()).isEqualTo("approved by alice");
        }
        assertThat(manifest("gate/approved:1").digest()).isNotEqualTo(approvedBefore.digest());
        assertThat(manifest("gate/quiet:1").digest()).as("still inside its quiet hours").isEqualTo(quietBefore.digest());
        assertThat(DrydockProcess.run(home, env, "approve", image("gate/approved:1"), "--config", cfg.toString()).exit())
                .as("nothing waits any more").isEqualTo(1);
    }
}
