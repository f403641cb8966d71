package io.drydock.sign;

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

    /**
     * Layer bytes by digest, already checked against it: content-addressed, so they never go stale, and an
     * admission check that verifies the same images again and again then reads only the two manifests.
     */
    private final Map<Digest, byte[]> contents = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Digest, byte[]> eldest) {
            return size() > 512;
        }
    });

    /** The config every signature and attestation manifest of ours points at; pushed once per repository. */
    private static final byte[] CONFIG = "{\"architecture\":\"\",\"os\":\"\",\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
            .getBytes(StandardCharsets.UTF_8);
    private static final Digest CONFIG_DIGEST = Digest.sha256(CONFIG);
    private final java.util.Set<String> configPushed = java.util.concurrent.ConcurrentHashMap.newKeySet();

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
        List<Descriptor> layers = manifest.get().layers();
        for (Descriptor layer : layers) {
            if (layer.size() > MAX_LAYER_BYTES) {
                throw new DrydockException(repository.name() + ":" + kind.tag(subject) + ": layer " + layer.digest() + " is "
                        + layer.size() + " bytes, more than a signature or attestation can be");
            }
        }
        // the layers are independent small reads: fetch them together
        List<java.util.concurrent.Future<byte[]>> reads = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (Descriptor layer : layers) {
                reads.add(pool.submit(() -> content(repository, subject, kind, layer)));
            }
            List<Entry> out = new ArrayList<>();
            for (int i = 0; i < layers.size(); i++) {
                out.add(new Entry(layers.get(i), reads.get(i).get()));
            }
            return out;
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new DrydockException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DrydockException("interrupted while reading " + repository.name() + ":" + kind.tag(subject));
        }
    }

    private byte[] content(ImageReference repository, Digest subject, Kind kind, Descriptor layer) {
        byte[] known = contents.get(layer.digest());
        if (known != null) {
            return known;
        }
        try (InputStream in = client.blob(repository, layer)) {
            byte[] read = in.readAllBytes(); // the stream checks size and digest at its end
            contents.put(layer.digest(), read);
            return read;
        } catch (IOException e) {
            throw new DrydockException("cannot read " + repository.name() + ":" + kind.tag(subject) + " layer " + layer.digest() + ": " + DrydockException.reason(e), e);
        }
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

    /**
     * Opens upload sessions for layers to come, and makes sure the shared config is there: work that needs no
     * content, done while the caller is still scanning, so that signing afterwards only sends the bytes.
     */
    public List<String> openSessions(ImageReference repository, int count) {
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<String>> opened = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                opened.add(pool.submit(() -> client.startUpload(repository)));
            }
            var config = pool.submit(() -> pushConfig(repository));
            List<String> sessions = new ArrayList<>();
            for (var o : opened) {
                sessions.add(o.get());
            }
            config.get();
            return sessions;
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new DrydockException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DrydockException("interrupted while preparing uploads to " + repository.name());
        }
    }

    /**
     * Appends layers in one write (several attestations of one validation go together). Under the lock, the
     * uploads and the read of what the tag holds run together: they do not depend on each other, and on a
     * registry an upload costs two round trips.
     */
    public void append(ImageReference repository, Descriptor subject, Kind kind, List<NewLayer> additions) {
        append(repository, subject, kind, additions, List.of());
    }

    /** As {@link #append(ImageReference, Descriptor, Kind, List)}, sending the layers through sessions opened earlier. */
    public void append(ImageReference repository, Descriptor subject, Kind kind, List<NewLayer> additions, List<String> sessions) {
        List<Descriptor> added = additions.stream().map(NewLayer::descriptor).toList();
        Path lockFile = locks.resolve(Digest.sha256((repository.name() + "\n" + kind.tag(subject.digest()))
                .getBytes(StandardCharsets.UTF_8)).hex() + ".lock");
        try (HostLock ignored = HostLock.acquire(lockFile);
             var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<?>> uploads = new ArrayList<>();
            for (int i = 0; i < additions.size(); i++) {
                NewLayer n = additions.get(i);
                String session = i < sessions.size() ? sessions.get(i) : null;
                uploads.add(pool.submit(() -> {
                    if (session == null) {
                        client.uploadBlob(repository, Digest.sha256(n.content()), n.content().length, () -> new ByteArrayInputStream(n.content()));
                    } else {
                        client.uploadBlob(repository, session, Digest.sha256(n.content()), n.content().length,
                                () -> new ByteArrayInputStream(n.content()));
                    }
                }));
            }
            uploads.add(pool.submit(() -> pushConfig(repository)));
            var firstRead = pool.submit(() -> current(repository, subject.digest(), kind));
            for (var u : uploads) {
                u.get();
            }
            Optional<ImageManifest> now = firstRead.get();
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                List<Descriptor> layers = new ArrayList<>(now.map(ImageManifest::layers).orElse(List.of()));
                if (layers.containsAll(added)) {
                    return;
                }
                added.stream().filter(d -> !layers.contains(d)).forEach(layers::add);
                try {
                    write(repository, subject, kind, layers);
                } catch (RegistryException e) {
                    if (e.status() != 400) {
                        throw e;
                    }
                    // "blob unknown": a concurrent upload of the same blob (the shared config, from another process)
                    // can leave it briefly unlinked; make sure every blob is there, then write once more
                    configPushed.remove(repository.name());
                    pushConfig(repository);
                    for (NewLayer n : additions) {
                        client.pushBlob(repository, Digest.sha256(n.content()), n.content().length, () -> new ByteArrayInputStream(n.content()));
                    }
                    write(repository, subject, kind, layers);
                }
                // another machine may have read before our write and written after it: ours must be in what the tag holds
                now = current(repository, subject.digest(), kind);
                if (now.map(m -> m.layers().containsAll(added)).orElse(false)) {
                    return;
                }
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new DrydockException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DrydockException("interrupted while writing " + repository.name() + ":" + kind.tag(subject.digest()));
        }
        throw new DrydockException(repository.name() + ":" + kind.tag(subject.digest()) + " kept changing under concurrent writers;"
                + " the new " + kind.name().toLowerCase() + " was not kept after " + ATTEMPTS + " attempts");
    }

    /** Once per repository and process, whichever append asks first; the others wait for that upload. */
    private void pushConfig(ImageReference repository) {
        if (configPushed.contains(repository.name())) {
            return;
        }
        synchronized (configPushed) {
            if (!configPushed.contains(repository.name())) {
                // asked first: a repository signed before has it, and an upload is the registry's slowest request
                client.pushBlob(repository, CONFIG_DIGEST, CONFIG.length, () -> new ByteArrayInputStream(CONFIG));
                configPushed.add(repository.name());
            }
        }
    }

    private void write(ImageReference repository, Descriptor subject, Kind kind, List<Descriptor> layers) {
        Descriptor subjectRef = Descriptor.of(subject.mediaType(), subject.digest(), subject.size());
        ImageManifest manifest = ManifestCodec.writeManifest(MediaTypes.OCI_MANIFEST, null,
                Descriptor.of(MediaTypes.OCI_CONFIG, CONFIG_DIGEST, CONFIG.length), layers, Map.of(), subjectRef);
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
