package io.drydock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.drydock.image.ImageManifest;
import io.drydock.image.ImageReference;
import io.drydock.image.local.LayerBuilder;
import io.drydock.image.registry.CredentialStore;
import io.drydock.image.registry.RegistryClient;
import io.drydock.rebuild.LayerAppend;
import io.drydock.store.LineageEdge;
import io.drydock.store.Store;
import io.drydock.store.Stores;
import io.drydock.testing.DrydockProcess;
import io.drydock.testing.TestImages;
import io.drydock.testing.TestRegistry;
import io.drydock.watch.WatchConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The golden base catalogue end to end against the real registry: an image on an approved base passes
 * {@code policy check}; one on an unapproved base fails it, and {@code validate}, with the approved alternative
 * named and nothing signed; {@code bases list|status} show the catalogue and how each base is doing.
 */
class GoldenBasesCommandTest {
    record Run(int exit, String out, String err) {
    }

    static Run run(Path home, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--home");
        all.add(home.toString());
        int exit = Main.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void anImageOnAnUnapprovedBaseFailsValidationWithTheAlternativeNamed(@TempDir Path dir) throws Exception {
        Map<String, String> env = Map.of("DRYDOCK_KEY_PASSWORD", "s3cret passphrase");
        Path home = dir.resolve("home");
        try (TestRegistry registry = TestRegistry.open()) {
            String host = registry.hostPort();
            registry.push(TestImages.ociRef("base"), "golden/debian:12");
            registry.push(TestImages.ociRef("app"), "team/app-on-golden:1");
            registry.push(TestImages.ociRef("arm64"), "other/base:1");
            RegistryClient client = new RegistryClient(CredentialStore.none(), RegistryClient.Options.defaults());
            ImageManifest appB = LayerAppend.push(client, ImageReference.parse(host + "/other/base:1"),
                    new LayerBuilder().file("app.txt", "app on another base"), "COPY app.txt /", Map.of(),
                    "2026-11-26T00:00:00Z", ImageReference.parse(host + "/team/app-elsewhere:1"));
            String golden = host + "/golden/debian:12";
            String appOnGolden = host + "/team/app-on-golden:1";
            String appElsewhere = host + "/team/app-elsewhere:1";
            String other = host + "/other/base:1";

            Files.writeString(dir.resolve("catalogue.yaml"), """
                    apiVersion: drydock.io/v1
                    kind: BaseCatalogue
                    bases:
                      - image: %s
                        owner: platform-team
                        upstream: debian:12
                        refresh: weekly
                    """.formatted(golden));
            Files.writeString(dir.resolve("policy.yaml"), """
                    apiVersion: drydock.io/v1
                    kind: Policy
                    name: golden-only
                    rules:
                      allowedBases: {catalogue: catalogue.yaml}
                    """);
            String policy = dir.resolve("policy.yaml").toString();

            // on the approved base: its first layer is the golden base's (no annotation, no lineage needed)
            Run ok = run(home, "policy", "check", appOnGolden, "--policy", policy);
            assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
            assertThat(ok.out()).contains("pass  allowedBases", "approved base " + golden, "its first 1 layer is " + golden);

            // on an unapproved base, named by --base
            Run bad = run(home, "policy", "check", appElsewhere, "--base", other, "--policy", policy);
            assertThat(bad.exit()).as(bad.out() + bad.err()).isEqualTo(1);
            assertThat(bad.out()).contains("FAIL  allowedBases", "built on " + other, "which is not an approved base",
                    "approved alternatives: " + golden);

            // validate: the same refusal (LayerAppend annotates the base), and nothing signed; the lineage records what
            // bases status lists as built on each base
            try (Store s = Stores.open(null, home)) {
                s.putEdge(new LineageEdge(WatchConfig.normalise(appElsewhere), WatchConfig.normalise(other), LineageEdge.Kind.RUNTIME,
                        LineageEdge.Source.MANUAL, appB.digest().toString(), null, "test", Instant.now()));
                s.putEdge(new LineageEdge(WatchConfig.normalise(appOnGolden), WatchConfig.normalise(golden), LineageEdge.Kind.RUNTIME,
                        LineageEdge.Source.MANUAL, null, null, "test", Instant.now()));
            }
            assertThat(DrydockProcess.run(dir, env, "key", "generate", "--output-key-prefix", "ci").exit()).isZero();
            DrydockProcess.Run refused = DrydockProcess.run(dir, env, "validate", appElsewhere, "--policy", "policy.yaml",
                    "--key", "ci.key", "--home", home.toString());
            assertThat(refused.exit()).as(refused.out() + refused.err()).isEqualTo(1);
            assertThat(refused.out()).contains("built on " + other,
                    "approved alternatives: " + golden, "nothing was signed or attested");
            assertThat(run(home, "verify", appElsewhere, "--key", dir.resolve("ci.pub").toString()).exit()).isEqualTo(1);

            Run list = run(home, "bases", "list", "--catalogue", dir.resolve("catalogue.yaml").toString());
            assertThat(list.exit()).as(list.err()).isZero();
            assertThat(list.out()).contains(golden, "owner    platform-team", "source   upstream debian:12", "refresh  weekly");

            Run status = run(home, "bases", "status", "--catalogue", dir.resolve("catalogue.yaml").toString());
            assertThat(status.exit()).as(status.out() + status.err()).isZero();
            assertThat(status.out()).contains(golden, "digest    " + TestImages.manifestDigest("base"), "days ago)",
                    "findings  ", "debian 12", "security support ended 2026-07-11", "[PAST REGULAR SUPPORT]",
                    "1 built on it: " + WatchConfig.normalise(appOnGolden));
        }
    }

    @Test
    void aMalformedCatalogueIsAClearError(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("catalogue.yaml"), "apiVersion: drydock.io/v1\nkind: BaseCatalogue\nbases:\n"
                + "  - image: registry.example.com/golden/debian:12\n    upstream: debian:12\n    refresh: weekly\n");
        Run r = run(dir.resolve("home"), "bases", "list", "--catalogue", dir.resolve("catalogue.yaml").toString());
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("base catalogue", "catalogue.yaml", "bases entry 1, owner: required");
    }
}
