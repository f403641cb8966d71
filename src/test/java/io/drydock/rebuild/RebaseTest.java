package io.drydock.rebuild;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drydock.image.Descriptor;
import io.drydock.image.ImageConfig;
import io.drydock.image.ImageManifest;
import io.drydock.image.ImageReference;
import io.drydock.image.local.LayerBuilder;
import io.drydock.image.registry.CredentialStore;
import io.drydock.image.registry.RegistryClient;
import io.drydock.testing.TestImages;
import io.drydock.testing.TestRegistry;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Rebase in the real registry: the result's layers, config and annotations, idempotence, and every refusal. */
class RebaseTest {
    static final String CREATED = "2026-11-26T00:00:00Z";
    static TestRegistry registry;
    static RegistryClient client;
    static Rebase rebase;

    @BeforeAll
    static void start() {
        registry = TestRegistry.open();
        client = new RegistryClient(CredentialStore.none(), RegistryClient.Options.defaults());
        rebase = new Rebase(client);
        registry.push(TestImages.ociRef("base"), "rb/base:1");
        registry.push(TestImages.ociRef("app"), "rb/app:1");
        registry.push(TestImages.ociRef("arm64"), "rb/arm:1");
        LayerAppend.push(client, ref("rb/base:1"), new LayerBuilder().file("etc/base-release", "2\n"), "RUN apt-get upgrade",
                Map.of(), CREATED, ref("rb/base:2"));
        LayerAppend.push(client, ref("rb/base:1"), new LayerBuilder().file("etc/x", "1"), "ENV X=1", Map.of("X", "1"), CREATED,
                ref("rb/basex:1"));
        LayerAppend.push(client, ref("rb/basex:1"), new LayerBuilder().file("app/run", "echo"), "COPY run /app/", Map.of(), CREATED,
                ref("rb/appx:1"));
        LayerAppend.push(client, ref("rb/base:1"), new LayerBuilder().file("etc/x", "2"), "ENV X=2", Map.of("X", "2"), CREATED,
                ref("rb/basex:2"));
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    static ImageReference ref(String repoAndTag) {
        return ImageReference.parse(registry.hostPort() + "/" + repoAndTag);
    }

    static ImageConfig config(ImageReference ref, ImageManifest m) throws Exception {
        try (InputStream in = client.blob(ref, m.config())) {
            return ImageConfig.parse(in.readAllBytes(), ref.toString());
        }
    }

    @Test
    void theOldBaseLayersAreReplacedInManifestAndConfigAndTheImageKeepsItsOwnSettings() throws Exception {
        ImageManifest app = (ImageManifest) client.manifest(ref("rb/app:1"));
        ImageManifest newBase = (ImageManifest) client.manifest(ref("rb/base:2"));
        Rebase.Result r = rebase.rebase(new Rebase.Request(ref("rb/app:1"), ref("rb/base:1"), ref("rb/base:2"), ref("rb/app:rebased")));

        ImageManifest pushed = (ImageManifest) client.manifest(ref("rb/app:rebased"));
        assertThat(pushed.digest()).isEqualTo(r.digest());
        assertThat(pushed.layers()).extracting(Descriptor::digest).containsExactly(newBase.layers().get(0).digest(),
                newBase.layers().get(1).digest(), app.layers().get(1).digest());
        assertThat(r.baseLayers()).isEqualTo(2);
        assertThat(r.imageLayers()).isEqualTo(1);
        assertThat(pushed.annotations()).containsEntry("org.opencontainers.image.base.name", ref("rb/base:2").toString())
                .containsEntry("org.opencontainers.image.base.digest", newBase.digest().toString());

        ImageConfig before = config(ref("rb/app:1"), app);
        ImageConfig after = config(ref("rb/app:rebased"), pushed);
        ImageConfig newBaseConfig = config(ref("rb/base:2"), newBase);
        assertThat(after.diffIds()).containsExactly(newBaseConfig.diffIds().get(0), newBaseConfig.diffIds().get(1),
                before.diffIds().get(1));
        assertThat(after.user()).isEqualTo(before.user()).isEqualTo("1000");
        assertThat(after.env()).isEqualTo(before.env());
        assertThat(after.entrypoint()).isEqualTo(before.entrypoint());
        assertThat(after.cmd()).isEqualTo(before.cmd());
        assertThat(after.created()).isEqualTo(before.created());
        assertThat(after.history()).hasSize(newBaseConfig.history().size() + before.history().size() - 1);
        assertThat(after.history().subList(0, newBaseConfig.history().size())).isEqualTo(newBaseConfig.history());
        assertThat(after.history().get(after.history().size() - 1)).isEqualTo(before.history().get(before.history().size() - 1));

        Rebase.Result again = rebase.rebase(new Rebase.Request(ref("rb/app:1"), ref("rb/base:1"), ref("rb/base:2"),
                ref("rb/app:rebased")));
        assertThat(again.digest()).as("a retried rebase pushes the same image").isEqualTo(r.digest());
    }

    @Test
    void blobsReachAnotherRepositoryByCrossRepositoryMount() {
        Rebase.Result r = rebase.rebase(new Rebase.Request(ref("rb/app:1"), ref("rb/base:1"), ref("rb/base:2"),
                ref("rb/elsewhere:1")));
        assertThat(r.mounted()).isEqualTo(3);
        assertThat(r.copied()).isZero();
        assertThat(client.manifest(ref("rb/elsewhere:1")).digest()).isEqualTo(r.digest());
    }

    @Test
    void anOldBaseThatIsNotAPrefixIsRefused() {
        // appx is base:1 + X=1 + its own layer; basex:2 is base:1 + X=2: they share only the first layer
        assertThatThrownBy(() -> rebase.rebase(new Rebase.Request(ref("rb/appx:1"), ref("rb/basex:2"), ref("rb/base:2"),
                ref("rb/appx:x")))).isInstanceOf(Rebase.Refused.class).hasMessageContaining("not an exact prefix")
                .hasMessageContaining("layer 2");
        assertThatThrownBy(() -> rebase.rebase(new Rebase.Request(ref("rb/app:1"), ref("rb/base:2"), ref("rb/base:1"),
                ref("rb/app:x")))).isInstanceOf(Rebase.Refused.class).hasMessageContaining("adds nothing on top of it");
        assertThat(registry.requests()).noneMatch(r -> r.method().equals("PUT") && r.path().contains("/manifests/x"));
    }

    @Test
    void anotherArchitectureIsRefused() {
        assertThatThrownBy(() -> rebase.rebase(new Rebase.Request(ref("rb/app:1"), ref("rb/base:1"), ref("rb/arm:1"),
                ref("rb/app:x")))).isInstanceOf(Rebase.Refused.class).hasMessageContaining("OS and architecture must match");
    }

    @Test
    void anInheritedSettingTheNewBaseChangesIsRefused() {
        assertThatThrownBy(() -> rebase.rebase(new Rebase.Request(ref("rb/appx:1"), ref("rb/basex:1"), ref("rb/basex:2"),
                ref("rb/appx:2")))).isInstanceOf(Rebase.Refused.class)
                .hasMessageContaining("inherits ENV X=1 from the old base, and the new base sets X=2");
    }

    @Test
    void anApplicationLayerThatWritesAPackageDatabaseIsRefused() {
        LayerAppend.push(client, ref("rb/base:1"), new LayerBuilder().file("var/lib/dpkg/status", "Package: x\n"),
                "RUN apt-get install -y x", Map.of(), CREATED, ref("rb/apt:1"));
        assertThatThrownBy(() -> rebase.rebase(new Rebase.Request(ref("rb/apt:1"), ref("rb/base:1"), ref("rb/base:2"),
                ref("rb/apt:2")))).isInstanceOf(Rebase.Refused.class)
                .hasMessageContaining("image layer 2 (RUN apt-get install -y x) writes var/lib/dpkg/status");
    }

    @Test
    void packageDatabasePathsAreRecognised() {
        assertThat(List.of("var/lib/dpkg/status", "/lib/apk/db/installed", "var/lib/rpm/rpmdb.sqlite", "var/lib/dpkg/status.d/foo"))
                .allMatch(Rebase::isPackageDatabase);
        assertThat(List.of("var/lib/dpkg/statusx", "var/lib/rpm/", "app/var/lib/dpkg/status")).noneMatch(Rebase::isPackageDatabase);
    }
}
