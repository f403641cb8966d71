package io.drydock.rebuild;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.drydock.image.ImageReference;
import java.time.Duration;
import java.util.Objects;

/**
 * What to rebuild and where to put it.
 *
 * @param image the current image (its reference as deployed)
 * @param oldBase the base it is built on now (by digest when known)
 * @param newBase the updated base (by digest: the build must use exactly what was decided on)
 * @param target where the new image goes (repository and tag)
 * @param settings the strategy's own settings from the image's recipe (a JSON object; empty when none)
 * @param requestId stable for one (image, base digest): external systems get it so a retry finds the same run
 * @param timeout how long to wait for the rebuild before it counts as failed
 */
public record RebuildRequest(ImageReference image, ImageReference oldBase, ImageReference newBase, ImageReference target,
        JsonNode settings, String requestId, Duration timeout) {
    public RebuildRequest {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(newBase, "newBase");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(requestId, "requestId");
        settings = settings == null ? JsonNodeFactory.instance.objectNode() : settings;
        timeout = timeout == null ? Duration.ofMinutes(30) : timeout;
    }
}
