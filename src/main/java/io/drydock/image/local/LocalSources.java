package io.drydock.image.local;

import io.drydock.image.ImageSource;
import io.drydock.image.ImageSpec;

/** Opens the local source an {@link ImageSpec} names: an OCI layout, an OCI archive or a docker archive. */
public final class LocalSources {
    private LocalSources() {
    }

    /**
     * Opens {@code spec}'s file or directory; its reference becomes the source's default reference.
     * A docker archive that holds an OCI layout is read as one, so a bare path to an OCI archive
     * (which {@link ImageSpec} takes for a docker archive) still works.
     */
    public static ImageSource open(ImageSpec spec) {
        return switch (spec.kind()) {
            case OCI_LAYOUT -> OciLayoutSource.open(spec.path(), spec.reference());
            case OCI_ARCHIVE -> OciArchiveSource.open(spec.path(), spec.reference());
            case DOCKER_ARCHIVE -> DockerArchiveSource.open(spec.path(), spec.reference());
            case REGISTRY -> throw new IllegalArgumentException(spec + " is a registry image, not a local one");
        };
    }
}
