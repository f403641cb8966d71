package io.drydock.cli;

import io.drydock.DrydockException;
import io.drydock.image.Digest;
import io.drydock.image.ImageManifest;
import io.drydock.image.ImageReference;
import io.drydock.image.Manifest;
import io.drydock.image.registry.RegistryClient;
import io.drydock.rebuild.Rebase;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code drydock rebase}: one rebase in the registry, no build. */
@Command(name = "rebase", description = "Put an image on a new base in the registry, without a build: its old base's layers are replaced by the new base's.",
        footer = {"", "The old base is --old-base, else the image's org.opencontainers.image.base.name and .digest annotations.",
                "Exit codes: 0 pushed; 1 refused (the reason is printed; nothing was pushed); 2 usage error; 3 error."})
final class RebaseCommand implements Callable<Integer> {
    static final int EXIT_REFUSED = 1;

    @Parameters(paramLabel = "IMAGE", description = "The image to rebase, in a registry.")
    String image;

    @Option(names = "--base", required = true, paramLabel = "NEW", description = "The new base (tag or digest).")
    String newBase;

    @Option(names = "--old-base", paramLabel = "OLD", description = "The base IMAGE was built on (default: from its annotations).")
    String oldBase;

    @Option(names = "--tag", required = true, paramLabel = "T", description = "Where to push the result: a tag of IMAGE's repository, or a full reference.")
    String tag;

    @Mixin
    ImageOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ImageReference ref = ImageReference.parse(image);
        RegistryClient client = options.client();
        ImageReference old = oldBase != null ? ImageReference.parse(oldBase) : fromAnnotations(client, ref);
        ImageReference target = tag.contains("/") ? ImageReference.parse(tag) : ref.withDigest(null).withTag(tag);
        try {
            Rebase.Result r = new Rebase(client).rebase(new Rebase.Request(ref, old, ImageReference.parse(newBase), target));
            out.println("rebased " + ref + " from " + old + " onto " + newBase);
            out.println("pushed " + target.withDigest(null) + "@" + r.digest() + " (" + r.baseLayers() + " base layer(s) under "
                    + r.imageLayers() + " image layer(s); " + r.mounted() + " blob(s) mounted, " + r.copied() + " copied)");
            out.flush();
            return 0;
        } catch (Rebase.Refused e) {
            err.println("drydock: refused: " + e.getMessage());
            err.flush();
            return EXIT_REFUSED;
        }
    }

    /** The base an image names in its OCI annotations, pinned to the digest it was built on. */
    static ImageReference fromAnnotations(RegistryClient client, ImageReference image) {
        Manifest m = client.manifest(image);
        if (!(m instanceof ImageManifest manifest)) {
            throw new DrydockException(image + " is an index: rebase one platform's manifest (name it by digest)");
        }
        String name = manifest.annotations().get("org.opencontainers.image.base.name");
        String digest = manifest.annotations().get("org.opencontainers.image.base.digest");
        if (name == null || digest == null) {
            throw new DrydockException(image + " does not name its base (no org.opencontainers.image.base.name and .digest "
                    + "annotations): give it with --old-base");
        }
        return ImageReference.parse(name).withDigest(Digest.parse(digest));
    }
}
