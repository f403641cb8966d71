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

    /**
     * The pod an image was seen running in: its pull secrets (and its service account's) are what the kubelet pulled
     * it with, so they are what the analysis reads it with. Only names travel through the store, never a credential.
     */
    record SeenIn(String namespace, String pod) {
    }

    /** @param seenIn the pod the image runs in, or null (an image named through the API) */
    Analysis analyse(String reference, SeenIn seenIn);
}
