package io.drydock.fleet;

import io.drydock.inventory.Inventory;

/**
 * Reads an image for the fleet: its inventory (layers read or taken from the analysis cache) and its base. The
 * server assembles it from the same registry client, caches and base detection as {@code drydock scan}.
 */
@FunctionalInterface
public interface ImageAnalyser {
    /** @param digest the manifest digest of the analysed image (for an index: the platform's manifest) */
    record Analysis(String digest, Inventory inventory, ImageFacts facts) {
    }

    Analysis analyse(String reference);
}
