package io.drydock.fleet;

import io.drydock.scan.BaseImage;
import java.util.List;

/**
 * What analysis learnt about an image besides its inventory, kept with it: where the base ends (re-matching
 * attributes findings with it), what a rebuild on the base's current digest would fix when its tag could be checked,
 * and the cosign signatures and attestations found beside the image.
 *
 * @param signatures how many signatures are stored in the image's {@code .sig} tag (present, not verified here:
 *     the admission gate verifies them against its keys)
 * @param attestations the predicate types of the attestations in its {@code .att} tag
 */
public record ImageFacts(BaseImage base, Integer fixedByRebuild, String currentBaseDigest, String rebuildNote, int signatures,
        List<String> attestations) {
    public ImageFacts {
        attestations = attestations == null ? List.of() : List.copyOf(attestations);
    }
}
