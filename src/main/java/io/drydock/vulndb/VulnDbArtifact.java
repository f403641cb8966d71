package io.drydock.vulndb;

import io.drydock.DrydockException;
import io.drydock.image.Descriptor;
import io.drydock.image.Digest;
import io.drydock.image.ImageManifest;
import io.drydock.image.ImageReference;
import io.drydock.image.Manifest;
import io.drydock.image.ManifestCodec;
import io.drydock.image.MediaTypes;
import io.drydock.image.registry.RegistryClient;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * The advisory DB as an OCI artifact, so air-gapped sites can mirror it through their own
 * registry: one layer holding the SQLite file, with Drydock's own media types, digest-verified on
 * pull and opened before it replaces the local DB. Other data may travel in extra layers (the
 * end-of-life data does): each is verified and staged before the DB is replaced, and installed after.
 */
public final class VulnDbArtifact {
    public static final String ARTIFACT_TYPE = "application/vnd.drydock.vulndb.v1";
    public static final String LAYER_TYPE = "application/vnd.drydock.vulndb.layer.v1.sqlite";
    private static final byte[] EMPTY_CONFIG = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    /** The largest extra layer pulled (held in memory). */
    public static final long MAX_EXTRA_LAYER = 16L << 20;

    /** A layer pushed besides the DB's: its media type, content and file name (the layer's title annotation). */
    public record ExtraLayer(String mediaType, byte[] content, String title) {
    }

    /**
     * Takes a pulled extra layer's verified content, checks and prepares it (throwing refuses the whole pull, before
     * the DB is replaced), and returns what installs it once the DB is in place.
     */
    public interface LayerStage {
        Runnable stage(byte[] content);
    }

    private VulnDbArtifact() {
    }

    public static Digest push(RegistryClient client, ImageReference ref, Path dbFile) {
        return push(client, ref, dbFile, List.of());
    }

    /** Pushes the DB and {@code extras} as one artifact; returns the manifest's digest. */
    public static Digest push(RegistryClient client, ImageReference ref, Path dbFile, List<ExtraLayer> extras) {
        DbMetadata meta;
        try (VulnDb db = VulnDb.open(dbFile)) {
            meta = db.metadata();
        }
        Digest layerDigest = digestOf(dbFile);
        long size;
        try {
            size = Files.size(dbFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        client.pushBlob(ref, layerDigest, size, () -> {
            try {
                return Files.newInputStream(dbFile);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        Digest configDigest = Digest.sha256(EMPTY_CONFIG);
        client.pushBlob(ref, configDigest, EMPTY_CONFIG.length, () -> new ByteArrayInputStream(EMPTY_CONFIG));
        List<Descriptor> layers = new java.util.ArrayList<>();
        layers.add(Descriptor.of(LAYER_TYPE, layerDigest, size)
                .withAnnotations(Map.of("org.opencontainers.image.title", "vulndb.sqlite")));
        for (ExtraLayer extra : extras) {
            Digest d = Digest.sha256(extra.content());
            client.pushBlob(ref, d, extra.content().length, () -> new ByteArrayInputStream(extra.content()));
            layers.add(Descriptor.of(extra.mediaType(), d, extra.content().length)
                    .withAnnotations(Map.of("org.opencontainers.image.title", extra.title())));
        }
        ImageManifest manifest = ManifestCodec.writeManifest(MediaTypes.OCI_MANIFEST, ARTIFACT_TYPE,
                Descriptor.of(MediaTypes.OCI_EMPTY, configDigest, EMPTY_CONFIG.length), layers,
                Map.of("org.opencontainers.image.created", meta.builtAt().toString(),
                        "io.drydock.vulndb.schema", String.valueOf(meta.schemaVersion()),
                        "io.drydock.vulndb.advisories", String.valueOf(meta.advisories())), null);
        return client.pushManifest(ref, ref.digest() != null ? ref.digest().toString() : ref.tag(), manifest);
    }

    /** Downloads, verifies and atomically installs the DB at {@code target}; the old DB stays if anything fails. */
    public static DbMetadata pull(RegistryClient client, ImageReference ref, Path target) {
        return pull(client, ref, target, Map.of());
    }

    /**
     * {@link #pull(RegistryClient, ImageReference, Path)}, and the artifact's extra layers of the media types in
     * {@code extras}: each is downloaded and verified, and staged before the DB is replaced (a stage that fails leaves
     * everything as it was), then installed after it. An artifact without such a layer pulls as before.
     */
    public static DbMetadata pull(RegistryClient client, ImageReference ref, Path target, Map<String, LayerStage> extras) {
        Manifest m = client.manifest(ref);
        if (!(m instanceof ImageManifest manifest) || !ARTIFACT_TYPE.equals(artifactType(manifest))) {
            throw new DrydockException(ref + " is not a Drydock advisory DB artifact (artifactType " + ARTIFACT_TYPE + ")");
        }
        Descriptor layer = manifest.layers().stream().filter(l -> LAYER_TYPE.equals(l.mediaType())).findFirst()
                .orElseThrow(() -> new DrydockException(ref + " has no layer of type " + LAYER_TYPE));
        Path dir = target.toAbsolutePath().getParent();
        Path temp = dir.resolve("." + target.getFileName() + ".pull-" + ProcessHandle.current().pid() + ".tmp");
        try {
            Files.createDirectories(dir);
            try (InputStream in = client.blob(ref, layer); OutputStream out = Files.newOutputStream(temp)) {
                in.transferTo(out);
            }
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            DbMetadata meta;
            try (VulnDb db = VulnDb.open(temp)) {
                meta = db.metadata();
            }
            List<Runnable> installs = new java.util.ArrayList<>();
            for (Map.Entry<String, LayerStage> extra : extras.entrySet()) {
                Descriptor d = manifest.layers().stream().filter(l -> extra.getKey().equals(l.mediaType())).findFirst().orElse(null);
                if (d != null) installs.add(extra.getValue().stage(extraLayer(client, ref, d)));
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            installs.forEach(Runnable::run);
            return meta;
        } catch (IOException e) {
            throw new DrydockException("pulling the advisory DB from " + ref + " into " + target + " failed: " + DrydockException.reason(e), e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // a later build removes stale temporaries
            }
        }
    }

    private static byte[] extraLayer(RegistryClient client, ImageReference ref, Descriptor d) throws IOException {
        if (d.size() > MAX_EXTRA_LAYER) {
            throw new DrydockException(ref + ": the " + d.mediaType() + " layer is " + d.size() + " bytes, more than the "
                    + (MAX_EXTRA_LAYER >> 20) + " MiB accepted");
        }
        try (InputStream in = client.blob(ref, d)) {
            return in.readAllBytes(); // verified against the descriptor's digest and size at its end
        }
    }

    private static String artifactType(ImageManifest m) {
        return m.artifactType() != null ? m.artifactType() : m.config().mediaType();
    }

    private static Digest digestOf(Path file) {
        Digest probe = Digest.sha256(new byte[0]);
        var md = probe.newMessageDigest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
        } catch (IOException e) {
            throw new DrydockException("cannot read " + file + ": " + DrydockException.reason(e), e);
        }
        return new Digest("sha256", java.util.HexFormat.of().formatHex(md.digest()));
    }
}
