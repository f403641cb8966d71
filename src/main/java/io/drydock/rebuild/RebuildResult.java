package io.drydock.rebuild;

import io.drydock.image.Digest;
import io.drydock.image.ImageReference;
import java.util.Map;

/**
 * @param digest the new image's manifest digest, as the registry reports it for {@code pushed}
 * @param summary one line for the audit trail: what ran and where (a run URL, a Job name, the layers replaced)
 * @param facts details for the audit trail's JSON (build number, run id, layer counts)
 */
public record RebuildResult(Digest digest, ImageReference pushed, String summary, Map<String, String> facts) {
    public RebuildResult {
        facts = Map.copyOf(facts);
    }
}
