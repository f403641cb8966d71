package io.drydock.image.registry;

import io.drydock.DrydockException;
import io.drydock.image.Descriptor;
import io.drydock.image.ImageManifest;
import io.drydock.image.ImageReference;
import io.drydock.image.ImageSource;
import io.drydock.image.Manifest;
import java.util.ArrayList;
import java.util.List;

/** Copies one single-platform image from any source (an OCI layout, an archive) into a registry, blobs first. */
public final class ImageCopy {
    private ImageCopy() {
    }

    /** Pushes what {@code reference} names in {@code source} to {@code target} (its tag); returns the manifest pushed. */
    public static ImageManifest push(ImageSource source, String reference, RegistryClient client, ImageReference target) {
        Manifest m = source.manifest(reference);
        if (!(m instanceof ImageManifest manifest)) {
            throw new DrydockException(source.describe() + " names an index; copy one platform's manifest");
        }
        List<Descriptor> blobs = new ArrayList<>(manifest.layers());
        blobs.add(manifest.config());
        for (Descriptor d : blobs) {
            if (!client.blobExists(target, d.digest())) {
                client.uploadBlob(target, d.digest(), d.size(), () -> source.blob(d));
            }
        }
        client.pushManifest(target, target.tag() != null ? target.tag() : manifest.digest().toString(), manifest);
        return manifest;
    }
}
