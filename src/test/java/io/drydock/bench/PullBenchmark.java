package io.drydock.bench;

import io.drydock.cache.BlobCache;
import io.drydock.cache.CachingSource;
import io.drydock.cache.Puller;
import io.drydock.image.ImageReference;
import io.drydock.image.ImageResolver;
import io.drydock.image.Platform;
import io.drydock.image.ResolvedImage;
import io.drydock.image.registry.CredentialStore;
import io.drydock.image.registry.RegistryClient;
import io.drydock.image.registry.RegistrySource;
import io.drydock.testing.TestImages;
import io.drydock.testing.TestRegistry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 2's pull target: pulling the application image from the local registry into an empty
 * cache takes at most 1.2x the time of {@code skopeo copy} of the same image to an OCI directory.
 */
@Tag("bench")
class PullBenchmark {
    @Test
    void pullVersusSkopeoCopy() throws Exception {
        Path work = Files.createTempDirectory("drydock-pull-bench");
        try (TestRegistry registry = TestRegistry.open()) {
            registry.push(TestImages.ociRef("app"), "bench/app:1");
            String ref = registry.hostPort() + "/bench/app:1";
            Path cacheDir = work.resolve("cache");
            Path skopeoDir = work.resolve("skopeo");
            BenchSupport.Timed reset = () -> {
                BenchSupport.deleteTree(cacheDir);
                BenchSupport.deleteTree(skopeoDir);
            };
            BenchSupport.Timed drydock = () -> {
                RegistryClient client = new RegistryClient(CredentialStore.none(), RegistryClient.Options.defaults());
                try (CachingSource source = new CachingSource(new RegistrySource(client, ImageReference.parse(ref)), new BlobCache(cacheDir))) {
                    ResolvedImage img = ImageResolver.resolve(source, "1", Platform.LINUX_AMD64);
                    new Puller(4).pull(source, img, Puller.SILENT);
                }
            };
            BenchSupport.Timed skopeo = () -> BenchSupport.run(List.of("skopeo", "--insecure-policy", "copy", "--src-tls-verify=false",
                    "docker://" + ref, "oci:" + skopeoDir + ":app"));
            BenchSupport.Comparison inProcess = BenchSupport.compare("pull (in process) vs skopeo copy", 7, reset, drydock, skopeo);

            Path jar = Path.of("target/drydock.jar");
            if (Files.exists(jar)) {
                String java = ProcessHandle.current().info().command().orElse("java");
                BenchSupport.Timed cli = () -> BenchSupport.run(List.of(java, "-jar", jar.toString(), "pull", ref, "--home", work.resolve("home").toString()));
                BenchSupport.Timed resetCli = () -> {
                    BenchSupport.deleteTree(work.resolve("home"));
                    BenchSupport.deleteTree(skopeoDir);
                };
                BenchSupport.compare("drydock pull (CLI, JVM start included) vs skopeo copy", 7, resetCli, cli, skopeo);
            }
            assertThat(inProcess.ratio()).as(inProcess.report()).isLessThanOrEqualTo(1.2);
        } finally {
            BenchSupport.deleteTree(work);
        }
    }
}
