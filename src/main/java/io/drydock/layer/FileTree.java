package io.drydock.layer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The squashed file view of an image: every path that survives after applying its layers bottom to top, with the
 * metadata and the layer that last wrote it. Holds no file contents.
 *
 * <p>Immutable once built and safe to read from several threads. Paths are stored as a tree of interned names in
 * primitive arrays (see {@link TreeStore}); a million paths take about 100 MB of heap.
 *
 * <p>Paths given to the query methods may start with {@code /} or {@code ./}; they are normalised as layer entries
 * are. A path that would climb above the root finds nothing.
 */
public final class FileTree implements Iterable<FileNode> {

    private final String image;
    private final List<LayerInfo> layers;
    private final TreeStore store;

    private FileTree(String image, List<LayerInfo> layers, TreeStore store) {
        this.image = image;
        this.layers = List.copyOf(layers);
        this.store = store;
    }

    /** Starts a tree for an image; {@code image} names it in error messages. */
    public static Builder builder(String image) {
        return new Builder(image);
    }

    public String image() {
        return image;
    }

    /** The layers applied, bottom first. */
    public List<LayerInfo> layers() {
        return layers;
    }

    /** Number of paths, the root excluded. */
    public int size() {
        return store.size();
    }

    /** The node stored at exactly this path; symlinks along the way are not followed. Empty for the root. */
    public Optional<FileNode> lookup(String path) {
        String normalized = LayerPaths.normalize(path);
        if (normalized == null || normalized.isEmpty()) {
            return Optional.empty();
        }
        int node = TreeStore.ROOT;
        int start = 0;
        while (node != TreeStore.NONE) {
            int end = normalized.indexOf('/', start);
            if (end < 0) {
                end = normalized.length();
            }
            if (!store.isDirectory(node)) {
                return Optional.empty();
            }
            int nameId = store.names.find(normalized, start, end);
            node = nameId < 0 ? TreeStore.NONE : store.child(node, nameId);
            if (end == normalized.length()) {
                break;
            }
            start = end + 1;
        }
        return node == TreeStore.NONE ? Optional.empty() : Optional.of(toNode(node, normalized));
    }

    /**
     * Follows symlinks in every segment, the last included, as a process inside the container would (absolute
     * targets start at the image root, {@code ..} stops at the root, at most 40 hops). The result's
     * {@link FileNode#path()} is where the path really leads. Empty if it leads nowhere or loops.
     */
    public Optional<FileNode> resolve(String path) {
        String normalized = LayerPaths.normalize(path);
        if (normalized == null) {
            return Optional.empty();
        }
        int node = store.resolve(TreeStore.ROOT, normalized, true);
        return node == TreeStore.NONE || node == TreeStore.ROOT
                ? Optional.empty()
                : Optional.of(toNode(node, store.pathOf(node)));
    }

    /**
     * The entries of a directory in name order, following symlinks to it (so "bin" lists "usr/bin" in a merged-usr
     * image). "" lists the root. Empty when the path is not a directory.
     */
    public List<FileNode> children(String directory) {
        String normalized = LayerPaths.normalize(directory);
        if (normalized == null) {
            return List.of();
        }
        int node = store.resolve(TreeStore.ROOT, normalized, true);
        if (node == TreeStore.NONE || !store.isDirectory(node)) {
            return List.of();
        }
        String prefix = node == TreeStore.ROOT ? "" : store.pathOf(node) + "/";
        List<FileNode> result = new ArrayList<>();
        for (int c = store.firstChild[node]; c != TreeStore.NONE; c = store.nextSibling[c]) {
            result.add(toNode(c, prefix + store.names.name(store.name[c])));
        }
        return result;
    }

    /**
     * Every path, depth first, each directory before its contents and siblings in name order (UTF-8 byte order).
     * So "a", "a/b", "a-c": not plain string order, which would put "a-c" before "a/b".
     */
    @Override
    public Iterator<FileNode> iterator() {
        return new DepthFirst();
    }

    public Stream<FileNode> stream() {
        return StreamSupport.stream(Spliterators.spliterator(iterator(), size(),
                Spliterator.ORDERED | Spliterator.DISTINCT | Spliterator.NONNULL | Spliterator.IMMUTABLE), false);
    }

    private FileNode toNode(int node, String path) {
        return new FileNode(path, store.typeOf(node), store.size[node], store.mode[node],
                Integer.toUnsignedLong(store.uid[node]), Integer.toUnsignedLong(store.gid[node]),
                store.linkTarget[node], layers.get(store.layer[node]));
    }

    /**
     * Walks the sorted sibling lists without a stack of iterators, keeping the UTF-8 bytes of the current
     * directory's path so each path costs one String and nothing more.
     */
    private final class DepthFirst implements Iterator<FileNode> {
        private int next = store.firstChild[TreeStore.ROOT];
        private byte[] pathBytes = new byte[256];
        /** prefixLength[d] = bytes of the parent path (with its trailing '/') for nodes at depth d. */
        private int[] prefixLength = new int[16];
        private int depth;

        @Override
        public boolean hasNext() {
            return next != TreeStore.NONE;
        }

        @Override
        public FileNode next() {
            if (next == TreeStore.NONE) {
                throw new NoSuchElementException();
            }
            int node = next;
            int prefix = prefixLength[depth];
            int nameId = store.name[node];
            int length = prefix + store.names.length(nameId);
            if (length + 1 > pathBytes.length) {
                pathBytes = Arrays.copyOf(pathBytes, Math.max(pathBytes.length * 2, length + 1));
            }
            store.names.copyTo(nameId, pathBytes, prefix);
            FileNode result = toNode(node, new String(pathBytes, 0, length, StandardCharsets.UTF_8));
            advance(node, length);
            return result;
        }

        private void advance(int node, int pathLength) {
            if (store.isDirectory(node) && store.firstChild[node] != TreeStore.NONE) {
                pathBytes[pathLength] = '/';
                if (++depth == prefixLength.length) {
                    prefixLength = Arrays.copyOf(prefixLength, depth * 2);
                }
                prefixLength[depth] = pathLength + 1;
                next = store.firstChild[node];
                return;
            }
            int n = node;
            while (store.nextSibling[n] == TreeStore.NONE) {
                n = store.parent[n];
                if (n == TreeStore.ROOT) {
                    next = TreeStore.NONE;
                    return;
                }
                depth--;
            }
            next = store.nextSibling[n];
        }
    }

    /**
     * Applies layers bottom to top. Not thread-safe; use one per image. Each layer gets a {@link LayerVisitor}
     * from {@link #layerApplier} to pass to {@link LayerReader#read}, chained before any analyser with
     * {@link LayerVisitor#andThen}. If a layer fails, discard the builder: it holds that layer half applied.
     *
     * <p>Semantics follow how container runtimes apply layers: a directory entry over a directory updates it in
     * place, anything else replaces what was there (a directory with its subtree); missing parent directories are
     * created; symlinks among the parent segments are followed within the tree; whiteouts and opaque markers hide
     * only what lower layers put there, never this layer's own entries, whatever the order inside the tar.
     */
    public static final class Builder {
        private final String image;
        private final List<LayerInfo> layers = new ArrayList<>();
        private final TreeStore store = new TreeStore(1 << 12);
        private boolean built;
        /** Position in {@link #layers} of the layer being applied. */
        private int current = -1;
        /** The last parent directory resolved, since tar entries come grouped by directory. */
        private String cachedDirectory;
        private int cachedDirectoryNode;

        private Builder(String image) {
            this.image = Objects.requireNonNull(image, "image");
        }

        /**
         * The visitor that applies one layer. Layers must be applied in order, each index above the previous.
         *
         * @throws IllegalArgumentException if {@code layer} is not above the previously applied one
         */
        public LayerVisitor layerApplier(LayerInfo layer) {
            checkOpen();
            Objects.requireNonNull(layer, "layer");
            if (!layers.isEmpty() && layer.index() <= layers.get(layers.size() - 1).index()) {
                throw new IllegalArgumentException("layers must be applied bottom to top: " + layer.displayName()
                        + " after " + layers.get(layers.size() - 1).displayName());
            }
            if (layers.size() == Character.MAX_VALUE) {
                throw new IllegalArgumentException("an image cannot have more than " + (int) Character.MAX_VALUE
                        + " layers");
            }
            layers.add(layer);
            int position = layers.size() - 1;
            return new LayerVisitor() {
                @Override
                public void entry(LayerEntry entry, EntryContent content) throws IOException {
                    begin(position);
                    add(entry);
                }

                @Override
                public void whiteout(String path) {
                    begin(position);
                    whiteOut(path);
                }

                @Override
                public void opaqueDirectory(String directory) {
                    begin(position);
                    makeOpaque(directory);
                }
            };
        }

        /** Finishes the tree. The builder cannot be used afterwards. */
        public FileTree build() {
            checkOpen();
            built = true;
            store.freeze();
            return new FileTree(image, layers, store);
        }

        private void begin(int position) {
            checkOpen();
            if (position != current) {
                if (position < current) {
                    throw new IllegalStateException("layer " + layers.get(position).displayName()
                            + " is applied after a layer above it");
                }
                current = position;
            }
        }

        private void checkOpen() {
            if (built) {
                throw new IllegalStateException("the file tree was already built");
            }
        }

        private void add(LayerEntry entry) {
            String path = entry.path();
            int slash = path.lastIndexOf('/');
            int directory = slash < 0 ? TreeStore.ROOT : directoryFor(path, slash);
            int nameId = store.names.intern(path, slash + 1, path.length());
            long size = entry.size();
            if (entry.type() == EntryType.HARDLINK) {
                size = hardLinkTargetSize(entry);
            }
            int existing = store.child(directory, nameId);
            if (existing != TreeStore.NONE) {
                if (store.isDirectory(existing) && entry.type() == EntryType.DIRECTORY) {
                    setAttributes(existing, entry, size);
                    return;
                }
                remove(existing);
            }
            setAttributes(store.addChild(directory, nameId), entry, size);
        }

        private void setAttributes(int node, LayerEntry entry, long size) {
            store.set(node, entry.type(), size, entry.mode(), entry.uid(), entry.gid(), entry.linkTarget(), current);
        }

        /**
         * A hard link must point at something already in the tree (this layer's earlier entries or a lower
         * layer), as link(2) would require when the runtime applies the layer; it shares that file's content.
         */
        private long hardLinkTargetSize(LayerEntry entry) {
            int target = store.resolve(TreeStore.ROOT, entry.linkTarget(), false);
            if (target == TreeStore.NONE || target == TreeStore.ROOT || store.isDirectory(target)) {
                throw new LayerException(LayerException.Problem.DANGLING_HARDLINK, image, layers.get(current),
                        entry.path(), "hard link '" + entry.path() + "' -> '" + entry.linkTarget() + "' points to "
                        + (target == TreeStore.NONE ? "nothing in this layer before it or in the layers below"
                                : "a directory"));
            }
            return store.size[target];
        }

        /** The directory node for {@code path.substring(0, end)}, created as needed. */
        private int directoryFor(String path, int end) {
            if (cachedDirectory != null && cachedDirectory.length() == end && path.startsWith(cachedDirectory)) {
                return cachedDirectoryNode;
            }
            int node = TreeStore.ROOT;
            int start = 0;
            while (start < end) {
                int segmentEnd = path.indexOf('/', start);
                if (segmentEnd < 0 || segmentEnd > end) {
                    segmentEnd = end;
                }
                int nameId = store.names.intern(path, start, segmentEnd);
                node = enterDirectory(node, nameId);
                start = segmentEnd + 1;
            }
            cachedDirectory = path.substring(0, end);
            cachedDirectoryNode = node;
            return node;
        }

        /**
         * The child directory to descend into. A symlink to a directory is followed, as the kernel does when the
         * runtime writes through it; a missing parent is created; anything else in the way is replaced by a
         * directory (the runtime would fail there, but a scanner should still show what the layer holds).
         */
        private int enterDirectory(int parent, int nameId) {
            int child = store.child(parent, nameId);
            if (child != TreeStore.NONE) {
                if (store.isDirectory(child)) {
                    return child;
                }
                if (store.isSymlink(child)) {
                    int target = store.resolve(parent, store.linkTarget[child], true);
                    if (target != TreeStore.NONE && store.isDirectory(target)) {
                        return target;
                    }
                }
                remove(child);
            }
            int created = store.addChild(parent, nameId);
            setImplicitDirectory(created);
            return created;
        }

        /** Directories a layer implies without listing get what Docker gives them: root-owned, 0755. */
        private void setImplicitDirectory(int node) {
            store.set(node, EntryType.DIRECTORY, 0, 0755, 0, 0, null, current);
        }

        private void remove(int node) {
            if (store.isDirectory(node) || store.isSymlink(node)) {
                cachedDirectory = null; // the cached directory may be inside, or reached through, this node
            }
            store.removeSubtree(node);
        }

        private void whiteOut(String path) {
            int slash = path.lastIndexOf('/');
            int directory = slash < 0 ? TreeStore.ROOT : store.resolve(TreeStore.ROOT, path.substring(0, slash), true);
            if (directory == TreeStore.NONE || !store.isDirectory(directory)) {
                return;
            }
            int nameId = store.names.find(path, slash + 1, path.length());
            int node = nameId < 0 ? TreeStore.NONE : store.child(directory, nameId);
            if (node != TreeStore.NONE) {
                removeLowerContent(node);
            }
        }

        private void makeOpaque(String directory) {
            int node = directory.isEmpty() ? TreeStore.ROOT : store.resolve(TreeStore.ROOT, directory, true);
            if (node == TreeStore.NONE || !store.isDirectory(node)) {
                return;
            }
            int child = store.firstChild[node];
            while (child != TreeStore.NONE) {
                int next = store.nextSibling[child];
                removeLowerContent(child);
                child = next;
            }
        }

        /**
         * Removes what lower layers put at and below {@code top}, keeping what the current layer wrote. That makes
         * a whiteout or opaque marker mean the same wherever it sits in the tar relative to this layer's own
         * entries. A lower directory that still holds entries of this layer stays, as an implicit directory of
         * this layer, which is what it would be had the marker come first.
         */
        private void removeLowerContent(int top) {
            if (!store.isDirectory(top)) {
                if (store.layer[top] != current) {
                    remove(top);
                }
                return;
            }
            int[] directories = new int[16];
            int count = 0;
            int[] stack = new int[16];
            int depth = 0;
            stack[depth++] = top;
            while (depth > 0) {
                int directory = stack[--depth];
                if (count == directories.length) {
                    directories = Arrays.copyOf(directories, count * 2);
                }
                directories[count++] = directory;
                int child = store.firstChild[directory];
                while (child != TreeStore.NONE) {
                    int next = store.nextSibling[child];
                    if (store.isDirectory(child)) {
                        if (depth == stack.length) {
                            stack = Arrays.copyOf(stack, depth * 2);
                        }
                        stack[depth++] = child;
                    } else if (store.layer[child] != current) {
                        remove(child);
                    }
                    child = next;
                }
            }
            // Children before parents, so a directory is judged after its own contents were pruned.
            for (int i = count - 1; i >= 0; i--) {
                int directory = directories[i];
                if (store.layer[directory] == current) {
                    continue;
                }
                if (store.firstChild[directory] == TreeStore.NONE) {
                    remove(directory);
                } else {
                    setImplicitDirectory(directory);
                }
            }
        }
    }
}
