package io.drydock.cache;

import io.drydock.DrydockException;
import io.drydock.image.Descriptor;
import io.drydock.image.LayerRef;
import io.drydock.image.ResolvedImage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Fetches every layer of an image into the cache, several at a time, reporting progress. */
public final class Puller {
    /** Told about each layer as it is fetched; called from several threads. */
    public interface Listener {
        void started(LayerRef layer, boolean cached);

        void progressed(LayerRef layer, long bytes);

        void finished(LayerRef layer);
    }

    public static final Listener SILENT = new Listener() {
        public void started(LayerRef layer, boolean cached) {
        }

        public void progressed(LayerRef layer, long bytes) {
        }

        public void finished(LayerRef layer) {
        }
    };

    private final int parallelism;

    public Puller(int parallelism) {
        this.parallelism = Math.max(1, parallelism);
    }

    public record Result(int fetched, int alreadyCached, long bytesFetched) {
    }

    public Result pull(CachingSource source, ResolvedImage image, Listener listener) {
        List<LayerRef> layers = image.layers();
        try (ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, Math.max(1, layers.size())), Thread.ofVirtual().factory())) {
            List<Future<Long>> futures = new ArrayList<>();
            for (LayerRef layer : layers) {
                futures.add(pool.submit(() -> {
                    Descriptor d = layer.descriptor();
                    boolean cached = source.cache().contains(d.digest());
                    listener.started(layer, cached);
                    long fetched = 0;
                    if (!cached && source.fetch(d, n -> listener.progressed(layer, n))) fetched = d.size();
                    listener.finished(layer);
                    return fetched;
                }));
            }
            int fetched = 0;
            long bytes = 0;
            for (Future<Long> f : futures) {
                long b = f.get();
                if (b > 0) {
                    fetched++;
                    bytes += b;
                }
            }
            return new Result(fetched, layers.size() - fetched, bytes);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof DrydockException d) throw d;
            throw new DrydockException("pulling " + image.name() + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DrydockException("interrupted while pulling " + image.name());
        }
    }
}
