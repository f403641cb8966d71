package io.drydock.image.registry;

import io.drydock.DrydockException;
import io.drydock.cache.BlobCache;
import io.drydock.cache.CachingSource;
import io.drydock.cache.Puller;
import io.drydock.image.Descriptor;
import io.drydock.image.Digest;
import io.drydock.image.ImageIndex;
import io.drydock.image.ImageManifest;
import io.drydock.image.ImageReference;
import io.drydock.image.ImageResolver;
import io.drydock.image.Manifest;
import io.drydock.image.ManifestCodec;
import io.drydock.image.MediaTypes;
import io.drydock.image.Platform;
import io.drydock.image.ResolvedImage;
import io.drydock.testing.TestImages;
import io.drydock.testing.TestRegistry;
import io.drydock.testing.TokenServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The registry client against Debian's real Distribution registry, with real images pushed by skopeo. */
class RegistryClientTest {
    static TestRegistry open;
    static String app;
    static Path fixtures;

    @BeforeAll
    static void pushImages() {
        fixtures = TestImages.fixtures();
        open = TestRegistry.open();
        open.push("oci:" + fixtures.resolve("oci") + ":app", "test/app:1");
        open.push("oci:" + fixtures.resolve("oci") + ":app", "test/app-v2s2:1", "--format", "v2s2");
        open.pushMulti("oci:" + fixtures.resolve("multi") + ":multi", "test/multi:1");
        app = open.hostPort() + "/test/app:1";
    }

    @AfterAll
    static void stop() {
        if (open != null) open.close();
    }

    static RegistryClient client() {
        return new RegistryClient(CredentialStore.none(), RegistryClient.Options.defaults().withRetries(3, Duration.ofMillis(20)));
    }

    @Test
    void readsTheSameImageInBothMediaTypeFamilies() {
        RegistryClient c = client();
        ImageManifest oci = (ImageManifest) c.manifest(ImageReference.parse(app));
        assertThat(oci.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
        assertThat(oci.digest().toString()).isEqualTo(TestImages.value("app.manifest"));
        ImageManifest docker = (ImageManifest) c.manifest(ImageReference.parse(open.hostPort() + "/test/app-v2s2:1"));
        assertThat(docker.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
        assertThat(docker.layers()).allSatisfy(l -> assertThat(l.mediaType()).isEqualTo(MediaTypes.DOCKER_LAYER_GZIP));
        assertThat(docker.layers()).extracting(Descriptor::digest).containsExactlyElementsOf(oci.layers().stream().map(Descriptor::digest).toList());

        Descriptor head = c.head(ImageReference.parse(app)).orElseThrow();
        assertThat(head.digest()).isEqualTo(oci.digest());
        assertThat(c.head(ImageReference.parse(open.hostPort() + "/test/app:nope"))).isEmpty();

        Manifest byDigest = c.manifest(ImageReference.parse(open.hostPort() + "/test/app@" + oci.digest()));
        assertThat(byDigest.raw()).isEqualTo(oci.raw());
    }

    @Test
    void resolvesAndPullsIntoTheCacheVerified(@TempDir Path home) throws Exception {
        BlobCache cache = BlobCache.inHome(home);
        try (CachingSource source = new CachingSource(new RegistrySource(client(), ImageReference.parse(app)), cache)) {
            ResolvedImage img = ImageResolver.resolve(source, source.defaultReference(), Platform.LINUX_AMD64);
            assertThat(img.layers()).hasSize(Integer.parseInt(TestImages.value("app.layers")));
            assertThat(img.config().user()).isEqualTo("1000");
            assertThat(img.layers().get(0).createdBy()).contains("debootstrap");
            Puller.Result r = new Puller(4).pull(source, img, Puller.SILENT);
            assertThat(r.fetched()).isEqualTo(img.layers().size());
            for (var l : img.layers()) {
                Path p = cache.path(l.digest());
                assertThat(Digest.sha256(Files.readAllBytes(p))).isEqualTo(l.digest());
            }
            assertThat(new Puller(4).pull(source, img, Puller.SILENT).alreadyCached()).isEqualTo(img.layers().size());
        }
    }

    @Test
    void selectsPlatformsFromAnIndex() {
        RegistryClient c = client();
        RegistrySource source = new RegistrySource(c, ImageReference.parse(open.hostPort() + "/test/multi:1"));
        ResolvedImage arm = ImageResolver.resolve(source, "1", Platform.parse("linux/arm64"));
        assertThat(arm.top()).isInstanceOf(ImageIndex.class);
        assertThat(arm.config().architecture()).isEqualTo("arm64");
        ResolvedImage amd = ImageResolver.resolve(source, "1", Platform.LINUX_AMD64);
        assertThat(amd.digest().toString()).isEqualTo(TestImages.value("app.manifest"));
        assertThatThrownBy(() -> ImageResolver.resolve(source, "1", Platform.parse("linux/ppc64le")))
                .hasMessageContaining("no image for platform linux/ppc64le")
                .hasMessageContaining("linux/amd64").hasMessageContaining("linux/arm64/v8");
    }

    @Test
    void basicAuth() {
        try (TestRegistry reg = TestRegistry.basicAuth("alice", "wonderland")) {
            reg.push("oci:" + fixtures.resolve("oci") + ":arm64", "private/img:1");
            ImageReference ref = ImageReference.parse(reg.hostPort() + "/private/img:1");
            assertThatThrownBy(() -> client().manifest(ref))
                    .isInstanceOf(RegistryException.Unauthorized.class)
                    .hasMessageContaining("no credentials were found");
            CredentialStore wrong = CredentialStore.none();
            wrong.put(reg.hostPort(), Credential.basic("alice", "not-the-password", "--username"));
            assertThatThrownBy(() -> new RegistryClient(wrong, RegistryClient.Options.defaults()).manifest(ref))
                    .isInstanceOf(RegistryException.Unauthorized.class)
                    .hasMessageContaining("credentials from --username were rejected")
                    .hasMessageNotContaining("not-the-password");
            CredentialStore right = CredentialStore.none();
            right.put(reg.hostPort(), Credential.basic("alice", "wonderland", "test"));
            assertThat(new RegistryClient(right, RegistryClient.Options.defaults()).manifest(ref)).isInstanceOf(ImageManifest.class);
        }
    }

    @Test
    void bearerTokensAreFetchedOnceAndReused() {
        try (TokenServer tokens = TokenServer.start("bob", "builder"); TestRegistry reg = TestRegistry.tokenAuth(tokens)) {
            reg.push("oci:" + fixtures.resolve("oci") + ":arm64", "tok/img:1");
            int before = tokens.tokensIssued();
            CredentialStore creds = CredentialStore.none();
            creds.put(reg.hostPort(), Credential.basic("bob", "builder", "test"));
            RegistryClient c = new RegistryClient(creds, RegistryClient.Options.defaults());
            RegistrySource source = new RegistrySource(c, ImageReference.parse(reg.hostPort() + "/tok/img:1"));
            ResolvedImage img = ImageResolver.resolve(source, "1", Platform.parse("linux/arm64"));
            c.manifest(ImageReference.parse(reg.hostPort() + "/tok/img:1"));
            c.head(ImageReference.parse(reg.hostPort() + "/tok/img:1"));
            assertThat(img.layers()).isNotEmpty();
            assertThat(tokens.tokensIssued() - before).isEqualTo(1);

            assertThatThrownBy(() -> new RegistryClient(CredentialStore.none(), RegistryClient.Options.defaults())
                    .manifest(ImageReference.parse(reg.hostPort() + "/tok/img:1")))
                    .isInstanceOf(RegistryException.Unauthorized.class)
                    .hasMessageContaining("refused anonymous access");
        }
    }

    @Test
    void expiredTokensAreRefreshedThenReported() {
        try (TokenServer tokens = TokenServer.start("bob", "builder"); TestRegistry reg = TestRegistry.tokenAuth(tokens)) {
            reg.push("oci:" + fixtures.resolve("oci") + ":arm64", "tok/img:1");
            CredentialStore creds = CredentialStore.none();
            creds.put(reg.hostPort(), Credential.basic("bob", "builder", "test"));
            RegistryClient c = new RegistryClient(creds, RegistryClient.Options.defaults());
            ImageReference ref = ImageReference.parse(reg.hostPort() + "/tok/img:1");
            c.manifest(ref);
            tokens.issueExpiredTokens(true);
            int before = tokens.tokensIssued();
            // A token that expires on the registry is renewed once, then the failure is explained.
            c.manifest(ref);
            assertThat(tokens.tokensIssued()).isEqualTo(before);
            RegistryClient fresh = new RegistryClient(creds, RegistryClient.Options.defaults());
            assertThatThrownBy(() -> fresh.manifest(ref))
                    .isInstanceOf(RegistryException.Unauthorized.class)
                    .hasMessageContaining("invalid_token")
                    .hasMessageContaining("expired");
            assertThat(tokens.tokensIssued() - before).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void corruptBlobIsRejectedAndNothingEntersTheCache(@TempDir Path home) throws Exception {
        try (FaultyProxy proxy = new FaultyProxy(open.hostPort())) {
            proxy.blobBody = FaultyProxy::flipLastByte;
            BlobCache cache = BlobCache.inHome(home);
            ImageReference ref = ImageReference.parse(proxy.hostPort() + "/test/app:1");
            CachingSource source = new CachingSource(new RegistrySource(client(), ref), cache);
            assertThatThrownBy(() -> ImageResolver.resolve(source, "1", Platform.LINUX_AMD64))
                    .isInstanceOf(DrydockException.class)
                    .hasMessageContaining("does not match its digest")
                    .hasMessageContaining("test/app");
            try (Stream<Path> files = Files.walk(home)) {
                assertThat(files.filter(Files::isRegularFile).toList()).isEmpty();
            }
        }
    }

    @Test
    void manifestThatIsNotJson() throws Exception {
        try (FaultyProxy proxy = new FaultyProxy(open.hostPort())) {
            proxy.manifestOverride = "<html>502 bad gateway</html>".getBytes(StandardCharsets.UTF_8);
            ImageReference ref = ImageReference.parse(proxy.hostPort() + "/test/app:1");
            assertThatThrownBy(() -> client().manifest(ref))
                    .isInstanceOf(DrydockException.class)
                    .hasMessageContaining(proxy.hostPort() + "/test/app@1 is not valid JSON");
        }
    }

    @Test
    void aStalledBlobTimesOutWithAClearError(@TempDir Path home) throws Exception {
        try (FaultyProxy proxy = new FaultyProxy(open.hostPort())) {
            proxy.stallBlobsAfter = 100;
            RegistryClient c = new RegistryClient(CredentialStore.none(), RegistryClient.Options.defaults().withReadTimeout(Duration.ofSeconds(1)));
            ImageReference ref = ImageReference.parse(proxy.hostPort() + "/test/app:1");
            CachingSource source = new CachingSource(new RegistrySource(c, ref), BlobCache.inHome(home));
            long start = System.nanoTime();
            assertThatThrownBy(() -> ImageResolver.resolve(source, "1", Platform.LINUX_AMD64))
                    .hasMessageContaining("no data for 1 s (read timeout)");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(BlobCache.inHome(home).entries()).isEmpty();
        }
    }

    @Test
    void retriesServerErrorsHonouringRetryAfter() throws Exception {
        try (FaultyProxy proxy = new FaultyProxy(open.hostPort())) {
            proxy.failuresLeft.set(2);
            proxy.retryAfter = "1";
            long start = System.nanoTime();
            Manifest m = client().manifest(ImageReference.parse(proxy.hostPort() + "/test/app:1"));
            assertThat(m.digest().toString()).isEqualTo(TestImages.value("app.manifest"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
            proxy.failuresLeft.set(100);
            proxy.retryAfter = null;
            assertThatThrownBy(() -> client().manifest(ImageReference.parse(proxy.hostPort() + "/test/app:1")))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("HTTP 503");
        }
    }

    @Test
    void registryThatIsDown() {
        TestRegistry reg = TestRegistry.open();
        String host = reg.hostPort();
        reg.close();
        long start = System.nanoTime();
        assertThatThrownBy(() -> client().manifest(ImageReference.parse(host + "/test/app:1")))
                .isInstanceOf(RegistryException.Unreachable.class)
                .hasMessageContaining("registry " + host + " is unreachable")
                .hasMessageContaining("connection refused");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void pushSide(@TempDir Path tmp) throws Exception {
        RegistryClient c = new RegistryClient(CredentialStore.none(), RegistryClient.Options.defaults().withChunkSize(300));
        ImageReference target = ImageReference.parse(open.hostPort() + "/pushed/app:v1");
        ImageManifest src = (ImageManifest) c.manifest(ImageReference.parse(app));
        // Layers are mounted across repositories (no bytes move); the config is uploaded in chunks.
        for (Descriptor l : src.layers()) {
            assertThat(c.mountBlob(target, l.digest(), "test/app")).isTrue();
        }
        byte[] config;
        try (InputStream in = c.blob(ImageReference.parse(app), src.config())) {
            config = in.readAllBytes();
        }
        assertThat(config.length).isGreaterThan(600);
        long patchesBefore = open.requests().stream().filter(r -> r.method().equals("PATCH")).count();
        c.pushBlob(target, src.config().digest(), config.length, () -> new ByteArrayInputStream(config));
        assertThat(c.blobExists(target, src.config().digest())).isTrue();
        assertThat(open.requests().stream().filter(r -> r.method().equals("PATCH")).count() - patchesBefore)
                .isEqualTo((config.length + 299) / 300);
        c.pushManifest(target, "v1", src);
        assertThat(c.manifest(target).digest()).isEqualTo(src.digest());

        // A monolithic upload of a new blob, and a mount the registry cannot do (unknown blob).
        byte[] small = "drydock".getBytes();
        Digest smallDigest = Digest.sha256(small);
        RegistryClient mono = client();
        mono.pushBlob(target, smallDigest, small.length, () -> new ByteArrayInputStream(small));
        assertThat(mono.blobExists(target, smallDigest)).isTrue();
        assertThat(mono.mountBlob(target, Digest.sha256("absent".getBytes()), "test/app")).isFalse();

        for (int i = 0; i < 5; i++) c.pushManifest(target.withTag("t" + i), "t" + i, src);
        assertThat(c.tags(target, 2)).containsExactlyInAnyOrder("v1", "t0", "t1", "t2", "t3", "t4");
    }

    @Test
    void referrersFallBackToTheDigestTag() {
        RegistryClient c = client();
        ImageReference ref = ImageReference.parse(app);
        ImageManifest subject = (ImageManifest) c.manifest(ref);
        byte[] empty = "{}".getBytes();
        Digest emptyDigest = Digest.sha256(empty);
        c.pushBlob(ref, emptyDigest, empty.length, () -> new ByteArrayInputStream(empty));
        ImageManifest artifact = ManifestCodec.writeManifest(MediaTypes.OCI_MANIFEST, "application/vnd.drydock.test",
                Descriptor.of(MediaTypes.OCI_EMPTY, emptyDigest, empty.length), List.of(), Map.of("purpose", "test"), subject.descriptor());
        c.pushManifest(ref, artifact.digest().toString(), artifact);
        Descriptor entry = artifact.descriptor().withAnnotations(Map.of("purpose", "test"));
        ImageIndex fallback = ManifestCodec.writeIndex(MediaTypes.OCI_INDEX, List.of(entry), Map.of());
        c.pushManifest(ref, subject.digest().tagForm(), fallback);

        List<Descriptor> found = c.referrers(ref, subject.digest(), null);
        assertThat(found).extracting(Descriptor::digest).containsExactly(artifact.digest());
        assertThat(c.referrers(ref, subject.digest(), "application/vnd.drydock.test")).hasSize(1);
        assertThat(c.referrers(ref, subject.digest(), "application/other")).isEmpty();
        assertThat(c.referrers(ref, Digest.sha256("nothing".getBytes()), null)).isEmpty();
    }

    @Test
    void plainHttpOnlyForLoopbackOrNamedRegistries() {
        RegistryClient c = new RegistryClient(CredentialStore.none(), RegistryClient.Options.defaults().withRetries(1, Duration.ofMillis(1)));
        // localhost resolves to loopback: plain HTTP is allowed after the TLS attempt fails.
        String viaLocalhost = "localhost:" + open.port() + "/test/app:1";
        assertThat(c.manifest(ImageReference.parse(viaLocalhost)).digest().toString()).isEqualTo(TestImages.value("app.manifest"));
        assertThat(RegistryClient.allowsPlainHttp("127.0.0.1:5000", Set.of())).isTrue();
        assertThat(RegistryClient.allowsPlainHttp("[::1]:5000", Set.of())).isTrue();
        assertThat(RegistryClient.allowsPlainHttp("registry.example.com", Set.of())).isFalse();
        assertThat(RegistryClient.allowsPlainHttp("10.1.2.3:5000", Set.of())).isFalse();
        assertThat(RegistryClient.allowsPlainHttp("registry.example.com:5000", Set.of("registry.example.com"))).isTrue();
    }

    @Test
    void tlsIsVerifiedAndAPrivateCaCanBeTrusted(@TempDir Path tmp) throws Exception {
        Path key = tmp.resolve("key.pem");
        Path cert = tmp.resolve("cert.pem");
        io.drydock.testing.HostTools.runChecked("openssl self-signed certificate", Duration.ofSeconds(60), List.of("openssl", "req", "-x509",
                "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=drydock-test-registry",
                "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key.toString(), "-out", cert.toString()));
        try (TestRegistry tls = TestRegistry.builder().tls(cert, key).start()) {
            tls.push("oci:" + fixtures.resolve("oci") + ":arm64", "secure/img:1");
            ImageReference ref = ImageReference.parse(tls.hostPort() + "/secure/img:1");
            // The loopback registry answers plain HTTP with "use HTTPS"; the client switches, and verifies the certificate.
            assertThatThrownBy(() -> client().manifest(ref))
                    .isInstanceOf(RegistryException.Unreachable.class)
                    .hasMessageContaining("TLS connection to registry " + tls.hostPort() + " failed")
                    .hasMessageContaining("--registry-ca");
            RegistryClient trusting = new RegistryClient(CredentialStore.none(), RegistryClient.Options.defaults().withCaCertificates(List.of(cert)));
            assertThat(trusting.manifest(ref).digest().toString()).isEqualTo(TestImages.value("arm64.manifest"));
            Path notACert = Files.writeString(tmp.resolve("bad.pem"), "hello");
            assertThatThrownBy(() -> new RegistryClient(CredentialStore.none(), RegistryClient.Options.defaults().withCaCertificates(List.of(notACert))))
                    .hasMessageContaining("bad.pem");
        }
    }
}
