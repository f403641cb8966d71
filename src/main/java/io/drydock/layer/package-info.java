/**
 * Reading image layers and squashing them into one file view.
 *
 * <p>Entry points: {@link io.drydock.layer.LayerReader} streams one layer blob (gzip, zstd or plain tar, told apart by
 * content) to a {@link io.drydock.layer.LayerVisitor}; {@link io.drydock.layer.FileTree.Builder} is such a visitor
 * and squashes layers, applied bottom to top, into a {@link io.drydock.layer.FileTree}. An analysis pass chains the
 * tree's visitor with analysers ({@link io.drydock.layer.LayerVisitor#andThen}), so each layer is read once.
 *
 * <p>Layers come from registries we do not control. Whatever is wrong with one (truncated, corrupt, a name or link
 * leaving the image root, a bound of {@link io.drydock.layer.LayerLimits} exceeded) surfaces as a
 * {@link io.drydock.layer.LayerException} naming the image, the layer and the entry. Nothing here writes to disk,
 * so the checks guard the analysis (and anyone who later extracts what we approved), not this process.
 *
 * <p>Where this package follows the runtimes rather than the letter of the OCI spec: absolute symlink targets are
 * relative to the image root (never an escape), symlinked parent directories are followed when a later layer
 * writes through them, and whiteouts hide only lower layers, wherever they sit inside their own layer.
 */
package io.drydock.layer;
