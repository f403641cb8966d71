package io.drydock.scan;

/**
 * Where the image's base ends: its first {@code layers} layers are the base image's. {@code how} says how that is
 * known; a {@link How#HEURISTIC} split is a guess and reports say so.
 *
 * @param name the base's reference when known (from the annotation, {@code --base} or an earlier scan), else null
 * @param digest the base's manifest digest when known, else null
 * @param note one sentence for people: what the split rests on
 */
public record BaseImage(int layers, String name, String digest, How how, String note) {
    public enum How {
        /** The OCI annotations {@code org.opencontainers.image.base.name} and {@code .base.digest}. */
        ANNOTATION,
        /** {@code --base IMAGE}, whose layers are the image's leading layers. */
        FLAG,
        /** An image scanned before (or named as a base) whose layers are the image's leading layers. */
        KNOWN_BASE,
        /** No base known: the layers up to the last one that installed OS packages. */
        HEURISTIC;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    public boolean isGuess() {
        return how == How.HEURISTIC;
    }
}
