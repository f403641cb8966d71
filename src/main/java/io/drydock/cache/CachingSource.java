package io.drydock.cache;

import io.drydock.DrydockException;
import io.drydock.image.Descriptor;
import io.drydock.image.ImageSource;
import io.drydock.image.Manifest;

import java.io.InputStream;
import java.util.function.LongConsumer;

/** An image source whose blobs go through the blob cache: fetched once, verified, then read from disk. */
public final class CachingSource implements ImageSource {
    private final ImageSource origin;
    private final BlobCache cache;

    public CachingSource(ImageSource origin, BlobCache cache) {
        this.origin = origin;
        this.cache = cache;
    }

    public ImageSource origin() {
        return origin;
    }

    public BlobCache cache() {
        return cache;
    }

    @Override
    public Manifest manifest(String reference) {
        return origin.manifest(reference);
    }

    @Override
    public InputStream blob(Descriptor descriptor) {
        InputStream cached = cache.open(descriptor.digest());
        if (cached != null) return cached;
        fetch(descriptor, null);
        InputStream in = cache.open(descriptor.digest());
        if (in == null) throw new DrydockException("blob " + descriptor.digest() + " vanished from the cache at " + cache.root() + " right after it was stored (pruned concurrently?)");
        return in;
    }

    /** Makes sure the blob is in the cache; returns false when it already was. */
    public boolean fetch(Descriptor descriptor, LongConsumer progress) {
        if (cache.contains(descriptor.digest())) return false;
        cache.put(descriptor.digest(), descriptor.size(), origin.blob(descriptor),
                "blob " + descriptor.digest() + " of " + origin.describe(), progress);
        return true;
    }

    @Override
    public String describe() {
        return origin.describe();
    }

    @Override
    public String defaultReference() {
        return origin.defaultReference();
    }

    @Override
    public void close() {
        origin.close();
    }
}
