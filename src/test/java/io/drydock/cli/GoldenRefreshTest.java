package io.drydock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.image.ImageManifest;
import io.drydock.image.ImageReference;
import io.drydock.image.local.LayerBuilder;
import io.drydock.image.registry.CredentialStore;
import io.drydock.image.registry.RegistryClient;
import io.drydock.rebuild.BuildahBuild;
import io.drydock.rebuild.LayerAppend;
import io.drydock.rebuild.RebuildRequest;
import io.drydock.sign.SigningKeys;
import io.drydock.store.AuditEntry;
import io.drydock.store.Store;
import io.drydock.store.Stores;
import io.drydock.testing.DrydockProcess;
import io.drydock.testing.HostTools;
import io.drydock.testing.TestImages;
import io.drydock.testing.TestRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A golden base kept fresh: rebuilt by a real buildah run on its current base (its Dockerfile installs a package
 * built by the test, standing for the distribution's security updates). A refresh that installs the same packages
 * is not pushed; one that installs a newer package is pushed, validated, and triggers the rebuild of the image on
 * it exactly once.
 */
class GoldenRefreshTest {
    @Test
    void aRefreshThatChangesNoPackageIsNotPushedAndOneThatDoesCascadesOnce(@TempDir Path home) throws Exception {
        HostTools.require("buildah", "buildah");
        try (TestRegistry registry = TestRegistry.open()) {
            RegistryClient client = new RegistryClient(CredentialStore.none(), RegistryClient.Options.defaults());
            ImageReference debian = ImageReference.parse(registry.hostPort() + "/gold/debian:12");
            ImageReference golden = ImageReference.parse(registry.hostPort() + "/gold/base:1");
            ImageReference app = ImageReference.parse(registry.hostPort() + "/gold/app:1");
            registry.push(TestImages.ociRef("base"), "gold/debian:12");

            // buildah's vfs storage lives outside the test directory and is removed with buildah itself (its files are
            // a whole root file system, with links JUnit's cleanup would only complain about)
            Path storage = Files.createTempDirectory(Path.of("/var/tmp"), "drydock-golden-buildah");
            try {
            Path context = home.resolve("golden");
            Files.createDirectories(context);
            deb(home, context, "1.0");
            Files.writeString(context.resolve("Dockerfile"), """
                    ARG BASE_IMAGE
                    FROM ${BASE_IMAGE}
                    COPY drydock-security.deb /tmp/
                    RUN dpkg -i /tmp/drydock-security.deb && rm /tmp/drydock-security.deb
                    """);
            var settings = new ObjectMapper().createObjectNode().put("context", context.toString()).put("baseArg", "BASE_IMAGE")
                    .put("tlsVerify", false).put("storageRoot", storage.toString());
            new BuildahBuild(client).rebuild(new RebuildRequest(debian, debian, debian.withDigest(client.manifest(debian).digest()), golden,
                    settings, "initial", Duration.ofMinutes(5)));
            LayerAppend.push(client, golden, new LayerBuilder().file("app/run", "x"), "COPY run /app/", Map.of(), "2026-11-26T00:00:00Z", app);
            ImageManifest goldenBefore = (ImageManifest) client.manifest(golden);
            ImageManifest appBefore = (ImageManifest) client.manifest(app);

            Files.writeString(home.resolve("cosign.key"), SigningKeys.encryptPrivate(SigningKeys.generate().getPrivate(), "pw".toCharArray()));
            Files.writeString(home.resolve("policy.yaml"), "apiVersion: drydock.io/v1\nkind: Policy\nname: g\nrules:\n  maxSeverity: CRITICAL\n");
            Path cfg = home.resolve("watch.yaml");
            Files.writeString(cfg, """
                    apiVersion: drydock.io/v1
                    kind: WatchConfig
                    validation: {policy: policy.yaml, key: cosign.key}
                    rollout: {kubeconfig: none}
                    images:
                      - image: %s
                        base: %s
                        strategy: buildah
                        refresh: 7d
                        settings: %s
                      - image: %s
                        base: %s
                        when: any-change
                    """.formatted(golden, debian, settings.toString(), app, golden));
            Map<String, String> env = Map.of("DRYDOCK_HOME", home.toString(), "DRYDOCK_KEY_PASSWORD", "pw");

            // the scheduled refresh: the same package, nothing pushed
            DrydockProcess.Run first = DrydockProcess.run(home, env, "watch", "--config", cfg.toString(), "--once");
            assertThat(first.exit()).as(first.err() + first.out()).isZero();
            assertThat(actions(home, golden.toString())).containsExactly("refresh-unchanged");
            assertThat(client.manifest(golden).digest()).isEqualTo(goldenBefore.digest());

            // a security update arrives; the refresh is asked for now
            deb(home, context, "1.1");
            assertThat(DrydockProcess.run(home, env, "refresh", golden.toString(), "--config", cfg.toString(), "--by", "secops").exit())
                    .isZero();
            DrydockProcess.Run second = DrydockProcess.run(home, env, "watch", "--config", cfg.toString(), "--once");
            assertThat(second.exit()).as(second.err() + second.out()).isZero();
            assertThat(actions(home, golden.toString())).containsExactly("refresh-unchanged", "refresh-requested", "refreshed",
                    "validated", "changed", "dependents");
            try (Store s = Stores.open(null, home)) {
                assertThat(s.history(golden.toString()).get(2).message()).contains("pkg:deb/debian/drydock-security@1.1");
            }
            ImageManifest goldenAfter = (ImageManifest) client.manifest(golden);
            assertThat(goldenAfter.digest()).isNotEqualTo(goldenBefore.digest());
            assertThat(actions(home, app.toString())).as("the image on the golden base, rebuilt once")
                    .containsExactly("rebuild-decided", "rebuilt", "validated");
            ImageManifest appAfter = (ImageManifest) client.manifest(app);
            assertThat(appAfter.layers().subList(0, goldenAfter.layers().size())).isEqualTo(goldenAfter.layers());
            assertThat(appAfter.digest()).isNotEqualTo(appBefore.digest());
            } finally {
                removeStorage(storage);
            }
        }
    }

    static void removeStorage(Path storage) {
        for (String what : List.of("rm --all", "rmi --all --force")) {
            List<String> cmd = new java.util.ArrayList<>(List.of("buildah", "--storage-driver", "vfs", "--root", storage.resolve("storage").toString(),
                    "--runroot", storage.resolve("run").toString()));
            cmd.addAll(List.of(what.split(" ")));
            HostTools.run(Duration.ofMinutes(2), cmd);
        }
        HostTools.run(Duration.ofMinutes(2), List.of("rm", "-rf", storage.toString()));
    }

    @Test
    void anApprovedBaseFromTheCatalogueIsRebuiltWhenItsUpstreamChangesAndPushedOnlyWhenItsPackagesChange(@TempDir Path home)
            throws Exception {
        HostTools.require("buildah", "buildah");
        Path storage = Files.createTempDirectory(Path.of("/var/tmp"), "drydock-golden-buildah");
        try (TestRegistry registry = TestRegistry.open()) {
            RegistryClient client = new RegistryClient(CredentialStore.none(), RegistryClient.Options.defaults());
            ImageReference debian = ImageReference.parse(registry.hostPort() + "/up/debian:12");
            ImageReference golden = ImageReference.parse(registry.hostPort() + "/up/base:1");
            ImageReference app = ImageReference.parse(registry.hostPort() + "/up/app:1");
            registry.push(TestImages.ociRef("base"), "up/debian:12");
            Path context = home.resolve("bases/debian");
            Files.createDirectories(context);
            Files.writeString(context.resolve("Dockerfile"), "FROM " + debian + "\nRUN echo golden > /etc/golden\n");
            var settings = new ObjectMapper().createObjectNode().put("context", context.toString()).put("tlsVerify", false)
                    .put("storageRoot", storage.toString());
            new BuildahBuild(client).rebuild(new RebuildRequest(debian, debian, debian.withDigest(client.manifest(debian).digest()), golden,
                    settings, "initial", Duration.ofMinutes(5)));
            LayerAppend.push(client, golden, new LayerBuilder().file("app/run", "x"), "COPY run /app/", Map.of(), "2026-11-26T00:00:00Z", app);
            ImageManifest goldenBefore = (ImageManifest) client.manifest(golden);

            Files.writeString(home.resolve("catalogue.yaml"), """
                    apiVersion: drydock.io/v1
                    kind: BaseCatalogue
                    bases:
                      - image: %s
                        owner: platform-team
                        dockerfile: bases/debian/Dockerfile
                        refresh: weekly
                    """.formatted(golden));
            Files.writeString(home.resolve("cosign.key"), SigningKeys.encryptPrivate(SigningKeys.generate().getPrivate(), "pw".toCharArray()));
            Files.writeString(home.resolve("policy.yaml"), "apiVersion: drydock.io/v1\nkind: Policy\nname: g\nrules:\n  maxSeverity: CRITICAL\n");
            Path cfg = home.resolve("watch.yaml");
            Files.writeString(cfg, """
                    apiVersion: drydock.io/v1
                    kind: WatchConfig
                    catalogue: catalogue.yaml
                    validation: {policy: policy.yaml, key: cosign.key}
                    rollout: {kubeconfig: none}
                    images:
                      - image: %s
                        base: %s
                        when: any-change
                    """.formatted(app, golden));
            Map<String, String> env = Map.of("DRYDOCK_HOME", home.toString(), "DRYDOCK_KEY_PASSWORD", "pw");
            // the catalogue's entry builds in the default storage of DRYDOCK_HOME; the first pass is its scheduled refresh
            assertThat(DrydockProcess.run(home, env, "watch", "--config", cfg.toString(), "--once").exit()).isZero();
            try (Store s = Stores.open(null, home)) {
                assertThat(actions(home, golden.toString())).as(s.history(golden.toString()).toString()).containsExactly("refresh-unchanged");
            }

            // the upstream moves without a package change: rebuilt, nothing pushed, the app left alone
            LayerAppend.push(client, debian, new LayerBuilder().file("etc/motd", "hello\n"), "COPY motd /etc/", Map.of(),
                    "2026-11-26T00:00:00Z", debian);
            DrydockProcess.Run same = DrydockProcess.run(home, env, "watch", "--config", cfg.toString(), "--once");
            assertThat(same.exit()).as(same.err() + same.out()).isZero();
            assertThat(actions(home, golden.toString())).containsExactly("refresh-unchanged", "rebuild-decided", "refresh-unchanged");
            assertThat(client.manifest(golden).digest()).isEqualTo(goldenBefore.digest());
            assertThat(actions(home, app.toString())).isEmpty();

            // the upstream gains a package (a distroless-style status.d entry): pushed, validated, and the app rebuilt once
            LayerAppend.push(client, debian, new LayerBuilder().file("var/lib/dpkg/status.d/drydock-fix", """
                    Package: drydock-fix
                    Status: install ok installed
                    Version: 1.0
                    Architecture: all
                    """), "RUN apt-get install drydock-fix", Map.of(), "2026-11-26T00:00:00Z", debian);
            DrydockProcess.Run changed = DrydockProcess.run(home, env, "watch", "--config", cfg.toString(), "--once");
            assertThat(changed.exit()).as(changed.err() + changed.out()).isZero();
            assertThat(actions(home, golden.toString())).containsExactly("refresh-unchanged", "rebuild-decided", "refresh-unchanged",
                    "rebuild-decided", "refreshed", "validated", "changed", "dependents");
            assertThat(client.manifest(golden).digest()).isNotEqualTo(goldenBefore.digest());
            assertThat(actions(home, app.toString())).containsExactly("rebuild-decided", "rebuilt", "validated");
        } finally {
            removeStorage(storage);
            removeStorage(home.resolve("buildah"));
        }
    }

    /** A real Debian package built with dpkg-deb, standing for a security update of the distribution. */
    static void deb(Path work, Path context, String version) throws Exception {
        Path pkg = work.resolve("pkg-" + version);
        Files.createDirectories(pkg.resolve("DEBIAN"));
        Files.createDirectories(pkg.resolve("usr/share/doc/drydock-security"));
        Files.writeString(pkg.resolve("DEBIAN/control"), """
                Package: drydock-security
                Version: %s
                Architecture: all
                Maintainer: Drydock tests <tests@drydock.invalid>
                Description: stands for a security update in the golden base test
                """.formatted(version));
        Files.writeString(pkg.resolve("usr/share/doc/drydock-security/README"), "version " + version + "\n");
        HostTools.runChecked("dpkg-deb --build", Duration.ofMinutes(1), List.of("dpkg-deb", "--build", "--root-owner-group",
                pkg.toString(), context.resolve("drydock-security.deb").toString()));
    }

    static List<String> actions(Path home, String subject) {
        try (Store s = Stores.open(null, home)) {
            return s.history(subject).stream().map(AuditEntry::action).toList();
        }
    }
}
