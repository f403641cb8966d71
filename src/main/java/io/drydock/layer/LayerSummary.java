package io.drydock.layer;

/**
 * What reading one layer found, besides what the visitor saw.
 *
 * @param layer             the layer that was read
 * @param compression       compression found from the blob's first bytes (may differ from the declared media type)
 * @param compressedBytes   bytes consumed from the blob
 * @param uncompressedBytes bytes of tar, including padding and anything after the end-of-archive marker
 * @param entries           tar entries, whiteouts included, PAX and GNU metadata records excluded
 * @param diffId            digest of the uncompressed tar when the reader was asked to compute it, else null
 */
public record LayerSummary(
        LayerInfo layer, Compression compression, long compressedBytes, long uncompressedBytes, long entries,
        String diffId) {
}
