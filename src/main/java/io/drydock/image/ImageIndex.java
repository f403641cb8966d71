package io.drydock.image;

import java.util.List;
import java.util.Map;

public record ImageIndex(String mediaType, Digest digest, byte[] raw, List<Descriptor> manifests,
                         Map<String, String> annotations, Descriptor subject) implements Manifest {
    public ImageIndex {
        manifests = List.copyOf(manifests);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }
}
