package io.drydock.image;

import java.util.List;
import java.util.Map;

public record ImageManifest(String mediaType, Digest digest, byte[] raw, Descriptor config, List<Descriptor> layers,
                            Map<String, String> annotations, Descriptor subject, String artifactType) implements Manifest {
    public ImageManifest {
        layers = List.copyOf(layers);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    public Descriptor descriptor() {
        return new Descriptor(mediaType, digest, raw.length, null, Map.of(), artifactType);
    }
}
