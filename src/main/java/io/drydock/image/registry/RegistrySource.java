package io.drydock.image.registry;

import io.drydock.image.Descriptor;
import io.drydock.image.ImageReference;
import io.drydock.image.ImageSource;
import io.drydock.image.Manifest;

import java.io.InputStream;

/** An image in a registry, read through {@link RegistryClient}. */
public final class RegistrySource implements ImageSource {
    private final RegistryClient client;
    private final ImageReference reference;

    public RegistrySource(RegistryClient client, ImageReference reference) {
        this.client = client;
        this.reference = reference;
    }

    public ImageReference reference() {
        return reference;
    }

    public RegistryClient client() {
        return client;
    }

    @Override
    public Manifest manifest(String tagOrDigest) {
        return client.manifest(reference, tagOrDigest == null ? reference.manifestReference() : tagOrDigest);
    }

    @Override
    public InputStream blob(Descriptor descriptor) {
        return client.blob(reference, descriptor);
    }

    @Override
    public String describe() {
        return reference.toString();
    }

    @Override
    public String defaultReference() {
        return reference.manifestReference();
    }
}
