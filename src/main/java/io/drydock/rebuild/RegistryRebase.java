package io.drydock.rebuild;

import io.drydock.DrydockException;
import io.drydock.image.registry.RegistryClient;
import java.util.Map;

/** {@link Rebase} as a {@link RebuildStrategy}: no build at all, only when the image allows it. */
public final class RegistryRebase implements RebuildStrategy {
    private final Rebase rebase;

    public RegistryRebase(RegistryClient client) {
        this.rebase = new Rebase(client);
    }

    @Override
    public String name() {
        return "rebase";
    }

    @Override
    public RebuildResult rebuild(RebuildRequest request) {
        if (request.oldBase() == null) {
            throw new DrydockException("cannot rebase " + request.image() + ": its current base is not known (record it with "
                    + "'drydock lineage add' or build the image with the org.opencontainers.image.base.* annotations)");
        }
        Rebase.Result r = rebase.rebase(new Rebase.Request(request.image(), request.oldBase(), request.newBase(), request.target()));
        return new RebuildResult(r.digest(), request.target(), "rebased " + request.image() + " onto " + request.newBase() + ": "
                + r.baseLayers() + " base layer(s) under " + r.imageLayers() + " image layer(s), " + r.mounted() + " blob(s) mounted, "
                + r.copied() + " copied", Map.of("baseLayers", String.valueOf(r.baseLayers()), "imageLayers",
                String.valueOf(r.imageLayers()), "previousDigest", r.previousDigest().toString()));
    }
}
