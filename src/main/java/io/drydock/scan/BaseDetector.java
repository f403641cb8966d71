package io.drydock.scan;

import io.drydock.DrydockException;
import io.drydock.image.Digest;
import io.drydock.image.ResolvedImage;
import io.drydock.inventory.Inventory;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds where an image's base ends, from the best evidence there is: {@code --base}, the OCI base annotations, an
 * image scanned before whose layers the image starts with, and only then a heuristic that says it is one.
 */
public final class BaseDetector {
    public static final String BASE_NAME = "org.opencontainers.image.base.name";
    public static final String BASE_DIGEST = "org.opencontainers.image.base.digest";

    private final ImageAccess images;
    private final KnownBases known;

    public BaseDetector(ImageAccess images, KnownBases known) {
        this.images = images;
        this.known = known;
    }

    /**
     * @param diffIds the image's layers from the bottom
     * @param annotations the image manifest's annotations (empty for an SBOM)
     * @param flagBase {@code --base}, or null
     * @throws DrydockException when {@code --base} names an image the target is not built on
     */
    public BaseImage detect(List<String> diffIds, Map<String, String> annotations, String flagBase, Inventory inventory) {
        if (flagBase != null) {
            ResolvedImage base = images.resolve(flagBase);
            List<String> baseIds = diffIds(base);
            if (!isPrefix(baseIds, diffIds)) {
                throw new DrydockException("--base " + flagBase + " is not the base of " + inventory.image() + ": its "
                        + baseIds.size() + " layers are not the image's first layers");
            }
            known.remember(new KnownBases.Entry(flagBase, base.digest().toString(), baseIds));
            return new BaseImage(baseIds.size(), flagBase, base.digest().toString(), BaseImage.How.FLAG,
                    "--base " + flagBase + ": the image's first " + baseIds.size() + " layers are its layers");
        }
        String name = annotations.get(BASE_NAME);
        String digest = annotations.get(BASE_DIGEST);
        String annotationNote = null;
        if (name != null || digest != null) {
            Optional<List<String>> baseIds = annotatedBaseLayers(name, digest);
            if (baseIds.isPresent() && isPrefix(baseIds.get(), diffIds)) {
                return new BaseImage(baseIds.get().size(), name, digest, BaseImage.How.ANNOTATION,
                        "OCI annotations name the base " + describe(name, digest) + "; its " + baseIds.get().size()
                                + " layers are the image's first layers");
            }
            annotationNote = baseIds.isPresent()
                    ? "the annotated base " + describe(name, digest) + " does not share the image's first layers"
                    : "the annotated base " + describe(name, digest) + " could not be read";
        }
        Optional<KnownBases.Entry> seen = known.baseOf(diffIds);
        if (seen.isPresent()) {
            KnownBases.Entry e = seen.get();
            return new BaseImage(e.diffIds().size(), e.name(), e.digest(), BaseImage.How.KNOWN_BASE,
                    (annotationNote == null ? "" : annotationNote + "; ") + "the image's first " + e.diffIds().size()
                            + " layers are those of " + e.name() + " (scanned before)");
        }
        int lastOsLayer = inventory.components().stream().filter(c -> c.pkg().isOsPackage())
                .mapToInt(c -> c.layer().index()).max().orElse(-1);
        String why = lastOsLayer < 0
                ? "no OS packages, so every layer is counted as the application's"
                : "the layers up to the last one that installed OS packages (index " + lastOsLayer + ") are counted as the base";
        return new BaseImage(lastOsLayer + 1, name, digest, BaseImage.How.HEURISTIC,
                (annotationNote == null ? "" : annotationNote + "; ") + "heuristic, no base image named or known: " + why
                        + "; name the base with --base IMAGE for an exact split");
    }

    private Optional<List<String>> annotatedBaseLayers(String name, String digest) {
        if (digest != null) {
            Optional<KnownBases.Entry> e = known.byDigest(digest);
            if (e.isPresent()) {
                return Optional.of(e.get().diffIds());
            }
        }
        if (name == null) {
            return Optional.empty();
        }
        String pinned = digest == null ? name : pinned(name, digest);
        try {
            ResolvedImage base = images.resolve(pinned);
            List<String> ids = diffIds(base);
            known.remember(new KnownBases.Entry(name, base.digest().toString(), ids));
            return Optional.of(ids);
        } catch (DrydockException unreachable) {
            return Optional.empty();
        }
    }

    /** {@code repo:tag} and a digest to {@code repo@digest}: the exact base, even after its tag moved. */
    static String pinned(String name, String digest) {
        int at = name.indexOf('@');
        if (at >= 0) {
            return name.substring(0, at) + "@" + digest;
        }
        int slash = name.lastIndexOf('/');
        int colon = name.lastIndexOf(':');
        String repo = colon > slash ? name.substring(0, colon) : name;
        return repo + "@" + digest;
    }

    static List<String> diffIds(ResolvedImage image) {
        return image.config().diffIds().stream().map(Digest::toString).toList();
    }

    private static boolean isPrefix(List<String> base, List<String> image) {
        return !base.isEmpty() && base.size() <= image.size() && image.subList(0, base.size()).equals(base);
    }

    private static String describe(String name, String digest) {
        return name == null ? digest : digest == null ? name : name + " (" + digest + ")";
    }
}
