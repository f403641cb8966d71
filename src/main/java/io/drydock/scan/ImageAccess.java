package io.drydock.scan;

import io.drydock.image.ResolvedImage;
import io.drydock.inventory.Inventory;

/**
 * How a scan reaches images other than its target: the base image an annotation or {@code --base} names, and the
 * current digest of that base's tag. The command line opens them the way it opens the target (registry,
 * layout, archive, with the same credentials and caches).
 */
public interface ImageAccess {
    /** The image's manifest and config; layer contents are not read. */
    ResolvedImage resolve(String reference);

    /** The image's inventory (layers read, or taken from the analysis cache). */
    Inventory inventory(String reference);
}
