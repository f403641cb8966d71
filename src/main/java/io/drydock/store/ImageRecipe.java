package io.drydock.store;

import java.time.Instant;

/**
 * How an image is rebuilt.
 *
 * @param strategy the name of the rebuild strategy (rebase, buildah, kubernetes-job, jenkins, …)
 * @param settings the strategy's own settings, a JSON object
 */
public record ImageRecipe(String image, String strategy, String settings, Instant updatedAt) {
}
