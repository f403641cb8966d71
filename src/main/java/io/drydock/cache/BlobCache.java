package io.drydock.cache;

import io.drydock.DrydockException;
import io.drydock.image.Digest;
import io.drydock.image.VerifyingInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * A content-addressed blob store under {@code DRYDOCK_HOME/blobs}. Blobs are written to a
 * temporary file, verified against their digest, then renamed into place, so several processes
 * can fill it at once and a reader never sees a partial or unverified blob.
 */
public final class BlobCache {
    private static final String TMP_PREFIX = ".tmp-";
    private final Path root;

    public BlobCache(Path root) {
        this.root = root;
    }

    public static BlobCache inHome(Path drydockHome) {
        return new BlobCache(drydockHome.resolve("blobs"));
    }

    public Path root() {
        return root;
    }

    public Path path(Digest digest) {
        return root.resolve(digest.algorithm()).resolve(digest.hex());
    }

    public boolean contains(Digest digest) {
        return Files.isRegularFile(path(digest));
    }

    /** Opens a cached blob, marking it as recently used for pruning; null when absent. */
    public InputStream open(Digest digest) {
        Path p = path(digest);
        try {
            InputStream in = Files.newInputStream(p);
            try {
                Files.setLastModifiedTime(p, FileTime.from(Instant.now()));
            } catch (IOException ignored) {
                // a read-only cache still serves reads
            }
            return in;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new DrydockException("cannot read cached blob " + digest + " at " + p + ": " + DrydockException.reason(e), e);
        }
    }

    /**
     * Stores {@code content}, which must hash to {@code digest} and have {@code size} bytes (or any
     * size when negative). On mismatch nothing is stored and the error names the blob.
     */
    public Path put(Digest digest, long size, InputStream content, String what, LongConsumer progress) {
        Path target = path(digest);
        if (Files.isRegularFile(target)) return target;
        Path tmp = null;
        // A stream that already verifies this digest is not hashed twice.
        boolean verifying = content instanceof VerifyingInputStream v && v.expectedDigest().equals(digest);
        try (InputStream in = verifying ? content : new VerifyingInputStream(content, digest, size, what)) {
            Files.createDirectories(target.getParent());
            tmp = target.resolveSibling(TMP_PREFIX + digest.hex().substring(0, 16) + "-" + UUID.randomUUID());
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                byte[] buf = new byte[256 * 1024];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    if (progress != null) progress.accept(n);
                }
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            } catch (FileAlreadyExistsException e) {
                // another process stored the same verified content first
                Files.deleteIfExists(tmp);
            }
            return target;
        } catch (IOException e) {
            throw new DrydockException("storing " + what + " in the cache at " + root + " failed: " + DrydockException.reason(e), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the prune of stale temporaries removes it later
                }
            }
        }
    }

    public record Entry(Digest digest, long size, Instant lastUsed) {
    }

    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        if (!Files.isDirectory(root)) return out;
        try (Stream<Path> algs = Files.list(root)) {
            for (Path alg : algs.toList()) {
                try (Stream<Path> files = Files.list(alg)) {
                    for (Path f : files.toList()) {
                        String name = f.getFileName().toString();
                        if (name.startsWith(TMP_PREFIX)) continue;
                        Digest d;
                        try {
                            d = new Digest(alg.getFileName().toString(), name);
                        } catch (DrydockException e) {
                            continue;
                        }
                        try {
                            out.add(new Entry(d, Files.size(f), Files.getLastModifiedTime(f).toInstant()));
                        } catch (NoSuchFileException e) {
                            // removed concurrently
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    public long totalSize() {
        return entries().stream().mapToLong(Entry::size).sum();
    }

    public record PruneResult(int removed, long freedBytes, long remainingBytes) {
    }

    /**
     * Removes least recently used blobs until the cache holds at most {@code maxBytes}, and
     * temporaries older than {@code staleTemp} left by killed processes.
     */
    public PruneResult prune(long maxBytes, Duration staleTemp) {
        int removed = 0;
        long freed = 0;
        removeStaleTemporaries(staleTemp);
        List<Entry> all = new ArrayList<>(entries());
        all.sort(Comparator.comparing(Entry::lastUsed));
        long total = all.stream().mapToLong(Entry::size).sum();
        for (Entry e : all) {
            if (total <= maxBytes) break;
            try {
                if (Files.deleteIfExists(path(e.digest()))) {
                    removed++;
                    freed += e.size();
                }
                total -= e.size();
            } catch (IOException ex) {
                throw new DrydockException("cannot remove cached blob " + e.digest() + ": " + DrydockException.reason(ex), ex);
            }
        }
        return new PruneResult(removed, freed, total);
    }

    private void removeStaleTemporaries(Duration staleTemp) {
        if (!Files.isDirectory(root)) return;
        Instant cutoff = Instant.now().minus(staleTemp);
        try (Stream<Path> walk = Files.walk(root, 2)) {
            for (Path p : walk.filter(p -> p.getFileName().toString().startsWith(TMP_PREFIX)).toList()) {
                if (Files.getLastModifiedTime(p).toInstant().isBefore(cutoff)) Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new DrydockException("cannot clean temporary files in " + root + ": " + DrydockException.reason(e), e);
        }
    }
}
