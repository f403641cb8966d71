package io.drydock.layer;

import io.drydock.DrydockException;
import io.drydock.image.ImageSource;
import io.drydock.image.LayerRef;
import io.drydock.image.ResolvedImage;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.Function;

/** Streams the layers of a resolved image, bottom to top, through the layer reader. */
public final class ImageLayers {
    private ImageLayers() {
    }

    public static LayerInfo info(LayerRef ref) {
        return new LayerInfo(ref.index(), ref.digest().toString(), ref.diffId() == null ? null : ref.diffId().toString(), ref.createdBy());
    }

    /** Reads every layer; {@code visitorFor} gives the visitor for each one. */
    public static void walk(ImageSource source, ResolvedImage image, LayerReader reader, Function<LayerInfo, LayerVisitor> visitorFor) {
        for (LayerRef ref : image.layers()) {
            LayerInfo info = info(ref);
            try (InputStream blob = source.blob(ref.descriptor())) {
                reader.read(blob, image.name(), info, visitorFor.apply(info));
            } catch (IOException e) {
                throw new DrydockException("reading layer " + info.displayName() + " of " + image.name() + " failed: " + DrydockException.reason(e), e);
            }
        }
    }

    /** The squashed file view of the whole image. */
    public static FileTree fileTree(ImageSource source, ResolvedImage image, LayerReader reader) {
        FileTree.Builder builder = FileTree.builder(image.name());
        walk(source, image, reader, builder::layerApplier);
        return builder.build();
    }
}
