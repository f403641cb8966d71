package io.drydock.cli;

import io.drydock.cache.Puller;
import io.drydock.image.LayerRef;

import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Download progress: one self-rewriting line on a terminal, plain lines (one per layer) when
 * stderr is piped, so CI logs stay readable.
 */
final class Progress implements Puller.Listener {
    private final PrintWriter err;
    private final boolean terminal;
    private final long total;
    private final AtomicLong done = new AtomicLong();
    private volatile long lastDraw;

    Progress(PrintWriter err, boolean terminal, long totalBytes) {
        this.err = err;
        this.terminal = terminal;
        this.total = totalBytes;
    }

    static boolean isTerminal() {
        return System.console() != null && System.getenv("TERM") != null && !"dumb".equals(System.getenv("TERM"));
    }

    @Override
    public void started(LayerRef layer, boolean cached) {
        if (cached) done.addAndGet(layer.descriptor().size());
        if (!terminal) {
            synchronized (err) {
                err.println((cached ? "cached   " : "fetching ") + layer.digest() + " (" + Text.bytes(layer.descriptor().size()) + ")");
                err.flush();
            }
        }
    }

    @Override
    public void progressed(LayerRef layer, long bytes) {
        long now = done.addAndGet(bytes);
        if (terminal && System.nanoTime() - lastDraw > 100_000_000L) {
            lastDraw = System.nanoTime();
            draw(now);
        }
    }

    @Override
    public void finished(LayerRef layer) {
        if (terminal) draw(done.get());
    }

    private void draw(long now) {
        synchronized (err) {
            int pct = total == 0 ? 100 : (int) (100 * Math.min(now, total) / total);
            err.print("\r\033[Kpulling " + Text.bytes(now) + " / " + Text.bytes(total) + " (" + pct + "%)");
            err.flush();
        }
    }

    void end() {
        if (terminal) {
            synchronized (err) {
                err.print("\r\033[K");
                err.flush();
            }
        }
    }
}
