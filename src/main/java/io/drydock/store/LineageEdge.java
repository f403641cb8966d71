package io.drydock.store;

import java.time.Instant;

/**
 * An edge of the lineage graph: {@code image} is built on {@code base}.
 *
 * @param imageDigest the image's digest when the edge was seen; null when only its name is known (a Dockerfile)
 * @param baseDigest the base's digest the image was built on; null when unknown
 * @param detail where it was seen (the Dockerfile and line, the annotation, the number of shared layers)
 */
public record LineageEdge(String image, String base, Kind kind, Source source, String imageDigest, String baseDigest,
        String detail, Instant recordedAt) {
    /** The runtime base is what the image runs on; build bases only lend files or tools to the build. */
    public enum Kind { RUNTIME, BUILD }

    public enum Source { DOCKERFILE, ANNOTATION, LAYERS, MANUAL }
}
