package io.drydock.scan;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.DrydockException;
import io.drydock.cache.AtomicFile;
import io.drydock.cache.HostLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The layer chains of images scanned before and of bases named with {@code --base}: an image whose leading layers
 * are exactly one of them is built on it. Kept in one JSON file under the Drydock home, replaced atomically under
 * a file lock, so that concurrent scans never lose each other's entries or leave half a file.
 */
public final class KnownBases {
    /** Enough for a fleet's bases and recent images; the oldest entries go first. */
    static final int LIMIT = 5000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An image's name as scanned, its manifest digest, and its layers' diff IDs from the bottom. */
    public record Entry(String name, String digest, List<String> diffIds) {
        public Entry {
            diffIds = List.copyOf(diffIds);
        }
    }

    private final Path file;

    public KnownBases(Path file) {
        this.file = file;
    }

    /** The entry with the longest chain that is a strict prefix of these diff IDs: the nearest known base. */
    public Optional<Entry> baseOf(List<String> diffIds) {
        Entry best = null;
        for (Entry e : read()) {
            if (e.diffIds().size() < diffIds.size() && !e.diffIds().isEmpty()
                    && diffIds.subList(0, e.diffIds().size()).equals(e.diffIds())
                    && (best == null || e.diffIds().size() > best.diffIds().size())) {
                best = e;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The entry recorded for a manifest digest, if any. */
    public Optional<Entry> byDigest(String digest) {
        return read().stream().filter(e -> e.digest().equals(digest)).reduce((a, b) -> b);
    }

    /** Records an image; an entry for the same digest is replaced (the name may have changed). */
    public void remember(Entry entry) {
        if (entry.diffIds().isEmpty() || entry.digest() == null) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            try (HostLock ignored = HostLock.acquire(file.resolveSibling(file.getFileName() + ".lock"))) {
                List<Entry> entries = new ArrayList<>(read());
                entries.removeIf(e -> e.digest().equals(entry.digest()));
                entries.add(entry);
                while (entries.size() > LIMIT) {
                    entries.remove(0);
                }
                AtomicFile.replace(file, JSON.writeValueAsBytes(entries));
            }
        } catch (IOException e) {
            throw new DrydockException("cannot record the known base images in " + file + ": " + DrydockException.reason(e), e);
        }
    }

    /** The entries; a file that cannot be read is an error, not an empty list, so it is never overwritten blindly. */
    List<Entry> read() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return JSON.readValue(file.toFile(), new TypeReference<List<Entry>>() {
            });
        } catch (IOException e) {
            throw new DrydockException("the list of known base images " + file + " is damaged (" + DrydockException.reason(e)
                    + "); delete it to start a new one");
        }
    }
}
