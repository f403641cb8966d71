package io.drydock.sign;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.image.Descriptor;
import io.drydock.image.ImageManifest;
import io.drydock.image.ImageReference;
import io.drydock.image.Manifest;
import io.drydock.image.ManifestCodec;
import io.drydock.image.MediaTypes;
import io.drydock.image.registry.CredentialStore;
import io.drydock.image.registry.RegistryClient;
import io.drydock.testing.TestImages;
import io.drydock.testing.TestRegistry;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signatures and attestations against the real registry: the round trip, and every way a check must fail. */
class SignVerifyTest {
    static TestRegistry registry;
    static RegistryClient client;
    static KeyPair alice;
    static KeyPair bob;
    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir
    static Path locks;

    @BeforeAll
    static void start() throws Exception {
        registry = TestRegistry.open();
        client = new RegistryClient(CredentialStore.none(), RegistryClient.Options.defaults());
        alice = p256();
        bob = p256();
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    static KeyPair p256() {
        return SigningKeys.generate();
    }

    /** A fresh repository with the app image, and the descriptor of its manifest. */
    static Descriptor push(String repo, String tag) {
        registry.push(TestImages.ociRef(tag.startsWith("base") ? "base" : "app"), repo + ":" + tag);
        ImageReference ref = ImageReference.parse(registry.hostPort() + "/" + repo + ":" + tag);
        Manifest m = client.manifest(ref);
        return Descriptor.of(m.mediaType(), m.digest(), m.raw().length);
    }

    static ImageReference repo(String repo) {
        return ImageReference.parse(registry.hostPort() + "/" + repo + ":x");
    }

    static CosignStore store() {
        return new CosignStore(client, locks);
    }

    static ObjectNode vulnPredicate(Instant finished) {
        ObjectNode p = new ObjectMapper().createObjectNode();
        p.putObject("scanner").put("uri", "pkg:generic/drydock@test");
        p.putObject("metadata").put("scanStartedOn", finished.minusSeconds(5).toString()).put("scanFinishedOn", finished.toString());
        return p;
    }

    static Verifier.Result verify(String repo, Descriptor subject, List<KeyPair> keys, int threshold, Set<Attestations> atts, Duration maxAge) {
        List<Verifier.TrustedKey> trusted = new ArrayList<>();
        for (KeyPair k : keys) {
            trusted.add(new Verifier.TrustedKey(k == alice ? "alice.pub" : "bob.pub", k.getPublic()));
        }
        return new Verifier(client, store(), CLOCK).verify(repo(repo), subject, trusted,
                new Verifier.Requirements(threshold, Set.of(), atts, maxAge));
    }

    @Test
    void roundTripThenEachTamperingFails() throws Exception {
        Descriptor app = push("sv/app", "1");
        Signer signer = new Signer(store(), alice.getPrivate());
        signer.sign(repo("sv/app"), app);
        signer.attest(repo("sv/app"), app, Attestations.VULN.predicateType, vulnPredicate(NOW.minusSeconds(3600)));

        Verifier.Result ok = verify("sv/app", app, List.of(alice), 1, Set.of(Attestations.VULN), Duration.ofHours(24));
        assertThat(ok.failures()).isEmpty();
        assertThat(ok.verified()).isTrue();
        assertThat(ok.verifiedBy()).anyMatch(l -> l.startsWith("signature: alice.pub signed " + app.digest()))
                .anyMatch(l -> l.startsWith("attestation vuln: alice.pub"));

        // the wrong key
        Verifier.Result wrongKey = verify("sv/app", app, List.of(bob), 1, Set.of(), null);
        assertThat(wrongKey.verified()).isFalse();
        assertThat(wrongKey.notes()).anyMatch(n -> n.contains("does not verify with any trusted key"));
        assertThat(wrongKey.failures()).anyMatch(f -> f.contains("1 required"));

        // a threshold of two keys, with only one signature
        Verifier.Result threshold = verify("sv/app", app, List.of(alice, bob), 2, Set.of(), null);
        assertThat(threshold.verified()).isFalse();
        assertThat(threshold.failures()).anyMatch(f -> f.contains("2 required"));
        new Signer(store(), bob.getPrivate()).sign(repo("sv/app"), app);
        assertThat(verify("sv/app", app, List.of(alice, bob), 2, Set.of(), null).verified()).as("bob signed too").isTrue();

        // an attestation older than the allowed age
        Verifier.Result expired = verify("sv/app", app, List.of(alice), 1, Set.of(Attestations.VULN), Duration.ofMinutes(30));
        assertThat(expired.verified()).isFalse();
        assertThat(expired.notes()).anyMatch(n -> n.contains("expired"));
        assertThat(expired.failures()).anyMatch(f -> f.startsWith("attestation vuln"));

        // a required attestation that is not there
        assertThat(verify("sv/app", app, List.of(alice), 1, Set.of(Attestations.SBOM), null).failures())
                .anyMatch(f -> f.startsWith("attestation sbom: none valid"));
    }

    @Test
    void anImageChangedUnderItsTagHasNoSignature() {
        Descriptor signed = push("sv/moved", "1");
        new Signer(store(), alice.getPrivate()).sign(repo("sv/moved"), signed);
        Descriptor moved = push("sv/moved", "base-1"); // another image
        registry.push(TestImages.ociRef("base"), "sv/moved:1"); // the tag now points at it
        Manifest now = client.manifest(ImageReference.parse(registry.hostPort() + "/sv/moved:1"));
        assertThat(now.digest()).isEqualTo(moved.digest()).isNotEqualTo(signed.digest());
        Verifier.Result r = verify("sv/moved", moved, List.of(alice), 1, Set.of(), null);
        assertThat(r.verified()).isFalse();
        assertThat(r.failures()).anyMatch(f -> f.contains("no cosign signatures"));
    }

    @Test
    void aSignatureCopiedToAnotherImageFails() {
        Descriptor a = push("sv/copy", "1");
        Descriptor b = push("sv/copy", "base-1");
        new Signer(store(), alice.getPrivate()).sign(repo("sv/copy"), a);
        Manifest sig = client.manifest(repo("sv/copy").withTag(a.digest().tagForm() + ".sig"), a.digest().tagForm() + ".sig");
        client.pushManifest(repo("sv/copy"), b.digest().tagForm() + ".sig", sig);
        Verifier.Result r = verify("sv/copy", b, List.of(alice), 1, Set.of(), null);
        assertThat(r.verified()).isFalse();
        assertThat(r.failures()).anyMatch(f -> f.contains("for " + a.digest() + ", not for " + b.digest()) && f.contains("copied"));
    }

    @Test
    void aTamperedPayloadOrEnvelopeFails() throws Exception {
        Descriptor app = push("sv/tamper", "1");
        Signer signer = new Signer(store(), alice.getPrivate());
        signer.sign(repo("sv/tamper"), app);
        signer.attest(repo("sv/tamper"), app, Attestations.VULN.predicateType, vulnPredicate(NOW));
        assertThat(verify("sv/tamper", app, List.of(alice), 1, Set.of(Attestations.VULN), null).verified()).isTrue();

        // the payload's bytes changed (one more space), the signature kept
        rewriteFirstLayer("sv/tamper", app, ".sig", content -> (new String(content, StandardCharsets.UTF_8) + " ").getBytes(StandardCharsets.UTF_8));
        Verifier.Result payload = verify("sv/tamper", app, List.of(alice), 1, Set.of(), null);
        assertThat(payload.verified()).isFalse();
        assertThat(payload.notes()).anyMatch(n -> n.contains("does not verify"));

        // the envelope's statement changed (another predicate time), the DSSE signature kept
        rewriteFirstLayer("sv/tamper", app, ".att", content -> {
            Dsse d = Dsse.parse(content, "test");
            byte[] changed = new String(d.payload(), StandardCharsets.UTF_8).replace(NOW.toString(), NOW.plusSeconds(1).toString())
                    .getBytes(StandardCharsets.UTF_8);
            return new Dsse(d.payloadType(), changed, d.signatures()).toJson();
        });
        Verifier.Result envelope = verify("sv/tamper", app, List.of(alice), 1, Set.of(Attestations.VULN), null);
        assertThat(envelope.verified()).isFalse();
        assertThat(envelope.notes()).anyMatch(n -> n.contains("DSSE signature does not verify"));
    }

    interface Change {
        byte[] apply(byte[] content) throws Exception;
    }

    static void rewriteFirstLayer(String repo, Descriptor subject, String suffix, Change change) throws Exception {
        String tag = subject.digest().tagForm() + suffix;
        ImageManifest m = (ImageManifest) client.manifest(repo(repo).withTag(tag), tag);
        Descriptor first = m.layers().get(0);
        byte[] original;
        try (var in = client.blob(repo(repo), first)) {
            original = in.readAllBytes();
        }
        byte[] changed = change.apply(original);
        io.drydock.image.Digest d = io.drydock.image.Digest.sha256(changed);
        client.pushBlob(repo(repo), d, changed.length, () -> new ByteArrayInputStream(changed));
        List<Descriptor> layers = new ArrayList<>(m.layers());
        layers.set(0, new Descriptor(first.mediaType(), d, changed.length, null, first.annotations(), null));
        client.pushManifest(repo(repo), tag, ManifestCodec.writeManifest(MediaTypes.OCI_MANIFEST, null, m.config(), layers, Map.of(), null));
    }

    @Test
    void concurrentSignersOnOneMachineLoseNoSignature() throws Exception {
        Descriptor app = push("sv/race", "1");
        int writers = 6;
        List<KeyPair> keys = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            keys.add(p256());
        }
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            KeyPair k = keys.get(i);
            // each writer with its own store, as separate validate runs would have
            done.add(pool.submit(() -> {
                new Signer(new CosignStore(client, locks), k.getPrivate()).sign(repo("sv/race"), app);
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        List<CosignStore.Entry> entries = store().read(repo("sv/race"), app.digest(), CosignStore.Kind.SIGNATURE);
        assertThat(entries).hasSize(writers);
        Map<String, Integer> byKey = new HashMap<>();
        for (KeyPair k : keys) {
            Verifier.Result r = new Verifier(client, store(), CLOCK).verify(repo("sv/race"), app,
                    List.of(new Verifier.TrustedKey(Ecdsa.fingerprint(k.getPublic()), k.getPublic())), new Verifier.Requirements(1, Set.of(), Set.of(), null));
            assertThat(r.verified()).as(r.failures().toString()).isTrue();
            byKey.merge(Ecdsa.fingerprint(k.getPublic()), 1, Integer::sum);
        }
        assertThat(byKey).hasSize(writers);
    }

    @Test
    void aSigstoreBundleIsRecognisedAndSaidToBeUnverified() {
        Descriptor app = push("sv/bundle", "1");
        // cosign's newer format: a bundle manifest referring to the image; Distribution 2.8 has no referrers API,
        // so it is listed in the sha256-<hex> fallback index, as cosign writes it there
        byte[] bundle = "{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\"}".getBytes(StandardCharsets.UTF_8);
        io.drydock.image.Digest bundleDigest = io.drydock.image.Digest.sha256(bundle);
        client.pushBlob(repo("sv/bundle"), bundleDigest, bundle.length, () -> new ByteArrayInputStream(bundle));
        byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
        io.drydock.image.Digest emptyDigest = io.drydock.image.Digest.sha256(empty);
        client.pushBlob(repo("sv/bundle"), emptyDigest, empty.length, () -> new ByteArrayInputStream(empty));
        ImageManifest referrer = ManifestCodec.writeManifest(MediaTypes.OCI_MANIFEST, Verifier.BUNDLE_TYPES.get(0),
                Descriptor.of("application/vnd.oci.empty.v1+json", emptyDigest, empty.length),
                List.of(Descriptor.of(Verifier.BUNDLE_TYPES.get(0), bundleDigest, bundle.length)), Map.of(), app);
        client.pushManifest(repo("sv/bundle"), referrer.digest().toString(), referrer);
        Descriptor listed = new Descriptor(MediaTypes.OCI_MANIFEST, referrer.digest(), referrer.raw().length, null, Map.of(),
                Verifier.BUNDLE_TYPES.get(0));
        client.pushManifest(repo("sv/bundle"), app.digest().tagForm(), ManifestCodec.writeIndex(MediaTypes.OCI_INDEX, List.of(listed), Map.of()));

        Verifier.Result r = verify("sv/bundle", app, List.of(alice), 1, Set.of(), null);
        assertThat(r.verified()).isFalse();
        assertThat(r.notes()).anyMatch(n -> n.contains("Sigstore bundle") && n.contains("does not verify the bundle format yet"));
    }
}
