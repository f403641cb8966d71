package io.drydock.sign;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.DrydockException;
import io.drydock.cache.HostLock;
import io.drydock.image.Descriptor;
import io.drydock.image.Digest;
import io.drydock.image.ImageManifest;
import io.drydock.image.ImageReference;
import io.drydock.image.Manifest;
import io.drydock.image.ManifestCodec;
import io.drydock.image.MediaTypes;
import io.drydock.image.registry.RegistryClient;
import io.drydock.image.registry.RegistryException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Signatures and attestations where cosign keeps them: one OCI manifest per image digest at the tag
 * {@code sha256-<hex>.sig} (simple-signing payloads, the signature in an annotation) and {@code sha256-<hex>.att}
 * (DSSE envelopes), one layer per signature, new ones appended. The manifests also name the image as their
 * {@code subject}, so registries with the OCI 1.1 referrers API list them as referrers.
 *
 * <p>Registries offer no compare-and-swap on tags. Writers on one machine (threads and processes) take a lock per
 * tag, so they never lose each other's entries. Writers on different machines can: appending is therefore read,
 * add, write, then read again after a short pause, and a write another machine overwrote is merged and written
 * again. That narrows the race to writes closer together than the pause; only a registry with conditional
 * writes could close it.
 */
public final class CosignStore {
    public static final String SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";
    public static final String PREDICATE_TYPE_ANNOTATION = "predicateType";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ATTEMPTS = 8;
    private static final long MAX_LAYER_BYTES = 64L << 20;

    public enum Kind {
        SIGNATURE(".sig"), ATTESTATION(".att");

        final String suffix;

        Kind(String suffix) {
            this.suffix = suffix;
        }

        public String tag(Digest subject) {
            return subject.tagForm() + suffix;
        }
    }

    /** One stored signature or attestation: its layer descriptor (with annotations) and the layer's bytes. */
    public record Entry(Descriptor layer, byte[] content) {
    }

    private final RegistryClient client;
    private final Path locks;

    public CosignStore(RegistryClient client, Path lockDirectory) {
        this.client = client;
        this.locks = lockDirectory;
    }

    /** The entries stored for the image digest, each layer read and checked against its digest. */
    public List<Entry> read(ImageReference repository, Digest subject, Kind kind) {
        Optional<ImageManifest> manifest = current(repository, subject, kind);
        if (manifest.isEmpty()) {
            return List.of();
        }
        List<Entry> out = new ArrayList<>();
        for (Descriptor layer : manifest.get().layers()) {
            if (layer.size() > MAX_LAYER_BYTES) {
                throw new DrydockException(repository.name() + ":" + kind.tag(subject) + ": layer " + layer.digest() + " is "
                        + layer.size() + " bytes, more than a signature or attestation can be");
            }
            try (InputStream in = client.blob(repository, layer)) {
                out.add(new Entry(layer, in.readAllBytes()));
            } catch (IOException e) {
                throw new DrydockException("cannot read " + repository.name() + ":" + kind.tag(subject) + " layer " + layer.digest() + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** One layer to append: its bytes, media type and annotations. */
    public record NewLayer(byte[] content, String mediaType, Map<String, String> annotations) {
        Descriptor descriptor() {
            return new Descriptor(mediaType, Digest.sha256(content), content.length, null, annotations, null);
        }
    }

    /** Appends one layer, unless an identical one (same bytes, same annotations) is there already. */
    public void append(ImageReference repository, Descriptor subject, Kind kind, byte[] content, String mediaType,
                       Map<String, String> annotations) {
        append(repository, subject, kind, List.of(new NewLayer(content, mediaType, annotations)));
    }

    /** Appends layers in one write (several attestations of one validation go together). */
    public void append(ImageReference repository, Descriptor subject, Kind kind, List<NewLayer> additions) {
        List<Descriptor> added = new ArrayList<>();
        for (NewLayer n : additions) {
            Descriptor d = n.descriptor();
            client.pushBlob(repository, d.digest(), n.content().length, () -> new ByteArrayInputStream(n.content()));
            added.add(d);
        }
        Path lockFile = locks.resolve(Digest.sha256((repository.name() + "\n" + kind.tag(subject.digest()))
                .getBytes(StandardCharsets.UTF_8)).hex() + ".lock");
        try {
            try (HostLock ignored = HostLock.acquire(lockFile)) {
                for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                    List<Descriptor> layers = new ArrayList<>(current(repository, subject.digest(), kind)
                            .map(ImageManifest::layers).orElse(List.of()));
                    if (layers.containsAll(added)) {
                        return;
                    }
                    added.stream().filter(d -> !layers.contains(d)).forEach(layers::add);
                    write(repository, subject, kind, layers);
                    // another machine may have read before our write and write after it
                    Thread.sleep(ThreadLocalRandom.current().nextLong(5, 20));
                    if (current(repository, subject.digest(), kind).map(m -> m.layers().containsAll(added)).orElse(false)) {
                        return;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DrydockException("interrupted while writing " + repository.name() + ":" + kind.tag(subject.digest()));
        }
        throw new DrydockException(repository.name() + ":" + kind.tag(subject.digest()) + " kept changing under concurrent writers;"
                + " the new " + kind.name().toLowerCase() + " was not kept after " + ATTEMPTS + " attempts");
    }

    private void write(ImageReference repository, Descriptor subject, Kind kind, List<Descriptor> layers) {
        ObjectNode config = JSON.createObjectNode();
        config.put("architecture", "");
        config.put("os", "");
        config.putObject("config");
        ObjectNode rootfs = config.putObject("rootfs");
        rootfs.put("type", "layers");
        var diffIds = rootfs.putArray("diff_ids");
        layers.forEach(l -> diffIds.add(l.digest().toString()));
        byte[] configBytes = config.toString().getBytes(StandardCharsets.UTF_8);
        Digest configDigest = Digest.sha256(configBytes);
        client.pushBlob(repository, configDigest, configBytes.length, () -> new ByteArrayInputStream(configBytes));
        Descriptor subjectRef = Descriptor.of(subject.mediaType(), subject.digest(), subject.size());
        ImageManifest manifest = ManifestCodec.writeManifest(MediaTypes.OCI_MANIFEST, null,
                Descriptor.of(MediaTypes.OCI_CONFIG, configDigest, configBytes.length), layers, Map.of(), subjectRef);
        client.pushManifest(repository, kind.tag(subject.digest()), manifest);
    }

    private Optional<ImageManifest> current(ImageReference repository, Digest subject, Kind kind) {
        String tag = kind.tag(subject);
        try {
            Manifest m = client.manifest(repository.withTag(tag), tag);
            if (m instanceof ImageManifest im) {
                return Optional.of(im);
            }
            throw new DrydockException(repository.name() + ":" + tag + " is an index, not a cosign " + kind.name().toLowerCase() + " manifest");
        } catch (RegistryException.NotFound e) {
            return Optional.empty();
        }
    }
}
