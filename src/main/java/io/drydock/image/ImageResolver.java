package io.drydock.image;

import io.drydock.DrydockException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Turns a reference in a source into one platform's manifest, config and layer list. */
public final class ImageResolver {
    static final long MAX_CONFIG_BYTES = 32L << 20;

    private ImageResolver() {
    }

    public static ResolvedImage resolve(ImageSource source, String reference, Platform platform) {
        Manifest top = source.manifest(reference);
        ImageManifest manifest = switch (top) {
            case ImageManifest m -> m;
            case ImageIndex index -> {
                Descriptor chosen = selectPlatform(index, platform, source.describe());
                Manifest child = source.manifest(chosen.digest().toString());
                if (!(child instanceof ImageManifest m)) {
                    throw new DrydockException(source.describe() + ": the index entry for " + platform + " is itself an index; nested indexes are not supported");
                }
                yield m;
            }
        };
        byte[] configBytes = readAll(source, manifest.config(), MAX_CONFIG_BYTES, "image config");
        ImageConfig config = ImageConfig.parse(configBytes, source.describe());
        List<Descriptor> layers = manifest.layers();
        if (!config.diffIds().isEmpty() && config.diffIds().size() != layers.size()) {
            throw new DrydockException(source.describe() + ": manifest lists " + layers.size() + " layers but the config has "
                    + config.diffIds().size() + " diff_ids");
        }
        List<String> createdBy = config.createdByPerLayer(layers.size());
        List<LayerRef> refs = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Digest diffId = config.diffIds().isEmpty() ? null : config.diffIds().get(i);
            refs.add(new LayerRef(i, layers.get(i), diffId, createdBy.get(i)));
        }
        return new ResolvedImage(source.describe(), top, manifest, config, refs);
    }

    public static Descriptor selectPlatform(ImageIndex index, Platform wanted, String where) {
        for (Descriptor d : index.manifests()) {
            if (wanted.accepts(d.platform())) return d;
        }
        String available = index.manifests().stream()
                .map(d -> d.platform() == null ? "(no platform: " + d.digest().shortHex() + ")" : d.platform().toString())
                .collect(Collectors.joining(", "));
        throw new DrydockException(where + " has no image for platform " + wanted + "; available: "
                + (available.isEmpty() ? "none" : available) + " (choose one with --platform)");
    }

    /** Reads a small blob whole, verified; refuses anything larger than {@code limit}. */
    public static byte[] readAll(ImageSource source, Descriptor descriptor, long limit, String what) {
        if (descriptor.size() > limit) {
            throw new DrydockException(source.describe() + ": " + what + " " + descriptor.digest() + " declares " + descriptor.size()
                    + " bytes, more than the limit of " + limit);
        }
        try (InputStream in = source.blob(descriptor)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.max(descriptor.size(), 64));
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new DrydockException(source.describe() + ": reading " + what + " " + descriptor.digest() + " failed: " + DrydockException.reason(e), e);
        }
    }
}
