package io.drydock.rebuild;

/**
 * One way to make a new image of an application on a new base: rebase in the registry, a local build, a build Job
 * in the cluster, or a CI service's pipeline. Each call is for one (image, base digest): a strategy that is asked
 * again with the same {@link RebuildRequest#requestId()} after a crash must not start a second build when the
 * first is still running or already pushed (CI triggers look for the run they started; builds are deterministic).
 */
public interface RebuildStrategy {
    /** The name recipes use: rebase, buildah, kubernetes-job, jenkins, github-actions, azure-pipelines, gitlab, webhook. */
    String name();

    /**
     * Builds and pushes the image, waits for the result, and returns the digest now at {@code request.target()}.
     *
     * @throws io.drydock.DrydockException naming the image and the strategy when the rebuild fails or times out
     */
    RebuildResult rebuild(RebuildRequest request);
}
