package io.drydock.layer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * The nodes of a {@link FileTree} as parallel primitive arrays indexed by node id. Measured on a million
 * Python-like paths, a HashMap from full path String to a metadata record retained about 200 bytes per path; this
 * layout retains about 100 (41 in these arrays, the rest in the name and child tables). Children of a directory
 * form a doubly linked list so that deleting one entry from a huge directory does not scan its siblings.
 */
final class TreeStore {

    static final int ROOT = 0;
    static final int NONE = -1;
    /** Type code of a freed slot, waiting in the free list for reuse. */
    static final byte FREE = -1;
    /** Linux gives up after 40 symlinks in one lookup (MAXSYMLINKS); loops and chains longer than that fail. */
    static final int MAX_SYMLINK_HOPS = 40;

    private static final EntryType[] TYPES = EntryType.values();
    private static final byte DIRECTORY = (byte) EntryType.DIRECTORY.ordinal();
    private static final byte SYMLINK = (byte) EntryType.SYMLINK.ordinal();

    final NameTable names = new NameTable();
    private final ChildTable children;

    int[] parent;
    int[] name;
    int[] firstChild;
    int[] nextSibling;
    int[] prevSibling;
    long[] size;
    int[] uid;
    int[] gid;
    /** Permission bits fit in 12 bits; char keeps them unsigned in two bytes. */
    char[] mode;
    /** Position in the tree's layer list; images are limited to far fewer than 65,536 layers. */
    char[] layer;
    byte[] type;
    String[] linkTarget;

    private int used;
    private int live;
    private int[] free = new int[16];
    private int freeCount;

    TreeStore(int expectedNodes) {
        int capacity = Math.max(16, expectedNodes);
        children = new ChildTable(capacity);
        parent = new int[capacity];
        name = new int[capacity];
        firstChild = new int[capacity];
        nextSibling = new int[capacity];
        prevSibling = new int[capacity];
        size = new long[capacity];
        uid = new int[capacity];
        gid = new int[capacity];
        mode = new char[capacity];
        layer = new char[capacity];
        type = new byte[capacity];
        linkTarget = new String[capacity];
        int root = allocate();
        parent[root] = NONE;
        name[root] = NONE;
        firstChild[root] = NONE;
        type[root] = DIRECTORY;
        mode[root] = 0755;
    }

    /** Number of nodes, root excluded. */
    int size() {
        return live - 1;
    }

    EntryType typeOf(int node) {
        return TYPES[type[node]];
    }

    boolean isDirectory(int node) {
        return type[node] == DIRECTORY;
    }

    boolean isSymlink(int node) {
        return type[node] == SYMLINK;
    }

    int child(int directory, int nameId) {
        return children.get(directory, nameId);
    }

    /** Adds an empty node under {@code directory}; the caller sets its attributes. */
    int addChild(int directory, int nameId) {
        int node = allocate();
        parent[node] = directory;
        name[node] = nameId;
        firstChild[node] = NONE;
        prevSibling[node] = NONE;
        int head = firstChild[directory];
        nextSibling[node] = head;
        if (head != NONE) {
            prevSibling[head] = node;
        }
        firstChild[directory] = node;
        children.put(directory, nameId, node);
        return node;
    }

    void set(int node, EntryType entryType, long length, int permissions, long owner, long group, String link,
            int layerPosition) {
        type[node] = (byte) entryType.ordinal();
        size[node] = length;
        mode[node] = (char) (permissions & 07777);
        uid[node] = (int) Math.min(owner, 0xffffffffL);
        gid[node] = (int) Math.min(group, 0xffffffffL);
        linkTarget[node] = link;
        layer[node] = (char) layerPosition;
    }

    /** Removes a node and everything below it. */
    void removeSubtree(int top) {
        unlink(top);
        int[] stack = new int[16];
        int depth = 0;
        stack[depth++] = top;
        while (depth > 0) {
            int node = stack[--depth];
            for (int c = firstChild[node]; c != NONE; c = nextSibling[c]) {
                if (depth == stack.length) {
                    stack = Arrays.copyOf(stack, depth * 2);
                }
                stack[depth++] = c;
                children.remove(node, name[c]);
            }
            release(node);
        }
    }

    private void unlink(int node) {
        int p = parent[node];
        int prev = prevSibling[node];
        int next = nextSibling[node];
        if (prev == NONE) {
            firstChild[p] = next;
        } else {
            nextSibling[prev] = next;
        }
        if (next != NONE) {
            prevSibling[next] = prev;
        }
        children.remove(p, name[node]);
    }

    private int allocate() {
        live++;
        if (freeCount > 0) {
            return free[--freeCount];
        }
        if (used == parent.length) {
            grow(used + (used >> 1));
        }
        return used++;
    }

    private void release(int node) {
        type[node] = FREE;
        linkTarget[node] = null;
        live--;
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, freeCount * 2);
        }
        free[freeCount++] = node;
    }

    private void grow(int capacity) {
        parent = Arrays.copyOf(parent, capacity);
        name = Arrays.copyOf(name, capacity);
        firstChild = Arrays.copyOf(firstChild, capacity);
        nextSibling = Arrays.copyOf(nextSibling, capacity);
        prevSibling = Arrays.copyOf(prevSibling, capacity);
        size = Arrays.copyOf(size, capacity);
        uid = Arrays.copyOf(uid, capacity);
        gid = Arrays.copyOf(gid, capacity);
        mode = Arrays.copyOf(mode, capacity);
        layer = Arrays.copyOf(layer, capacity);
        type = Arrays.copyOf(type, capacity);
        linkTarget = Arrays.copyOf(linkTarget, capacity);
    }

    /**
     * Puts every directory's children in name order, then drops spare capacity. After this the store is
     * read-only, and the sibling lists are what iteration walks: sorting once here is cheaper than on every walk.
     */
    void freeze() {
        int[] rank = nameRanks();
        long[] keyed = new long[16];
        for (int node = 0; node < used; node++) {
            if (type[node] != DIRECTORY || firstChild[node] == NONE) {
                continue;
            }
            int count = 0;
            for (int c = firstChild[node]; c != NONE; c = nextSibling[c]) {
                if (count == keyed.length) {
                    keyed = Arrays.copyOf(keyed, count * 2);
                }
                keyed[count++] = ((long) rank[name[c]] << 32) | c;
            }
            Arrays.sort(keyed, 0, count);
            int previous = NONE;
            for (int i = 0; i < count; i++) {
                int c = (int) keyed[i];
                prevSibling[c] = previous;
                if (previous == NONE) {
                    firstChild[node] = c;
                } else {
                    nextSibling[previous] = c;
                }
                previous = c;
            }
            nextSibling[previous] = NONE;
        }
        names.trim();
        // prevSibling only serves deletion, which a frozen tree never does.
        prevSibling = null;
        parent = Arrays.copyOf(parent, used);
        name = Arrays.copyOf(name, used);
        firstChild = Arrays.copyOf(firstChild, used);
        nextSibling = Arrays.copyOf(nextSibling, used);
        size = Arrays.copyOf(size, used);
        uid = Arrays.copyOf(uid, used);
        gid = Arrays.copyOf(gid, used);
        mode = Arrays.copyOf(mode, used);
        layer = Arrays.copyOf(layer, used);
        type = Arrays.copyOf(type, used);
        linkTarget = Arrays.copyOf(linkTarget, used);
        free = null;
    }

    /** rank[nameId] = position of the name in sorted order, so children sort as plain longs. */
    private int[] nameRanks() {
        int count = names.size();
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        int[] scratch = new int[count];
        mergeSort(order, scratch, 0, count);
        int[] rank = new int[count];
        for (int i = 0; i < count; i++) {
            rank[order[i]] = i;
        }
        return rank;
    }

    /** Bottom-up merge sort of name ids; the JDK has no primitive sort that takes a comparator. */
    private void mergeSort(int[] a, int[] scratch, int from, int to) {
        int[] source = a;
        int[] target = scratch;
        for (int width = 1; width < to - from; width *= 2) {
            for (int lo = from; lo < to; lo += 2 * width) {
                int mid = Math.min(lo + width, to);
                int hi = Math.min(lo + 2 * width, to);
                int i = lo;
                int j = mid;
                int k = lo;
                while (i < mid && j < hi) {
                    target[k++] = names.compare(source[i], source[j]) <= 0 ? source[i++] : source[j++];
                }
                while (i < mid) {
                    target[k++] = source[i++];
                }
                while (j < hi) {
                    target[k++] = source[j++];
                }
            }
            int[] swap = source;
            source = target;
            target = swap;
        }
        if (source != a) {
            System.arraycopy(source, from, a, from, to - from);
        }
    }

    /**
     * Looks a path up from {@code start} the way the kernel would inside a chroot at the image root: absolute
     * symlink targets restart at the root, {@code ..} at the root stays at the root, and at most
     * {@link #MAX_SYMLINK_HOPS} symlinks are followed. Nothing resolved here can leave the tree.
     *
     * @param followFinal whether a symlink as the last segment is followed too
     * @return the node, or {@link #NONE} if a segment is missing, a non-directory is traversed, or hops run out
     */
    int resolve(int start, String path, boolean followFinal) {
        ArrayDeque<String> pending = new ArrayDeque<>();
        pushSegments(pending, path);
        int current = path.startsWith("/") ? ROOT : start;
        int hops = 0;
        while (!pending.isEmpty()) {
            String segment = pending.pollFirst();
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (current != ROOT) {
                    current = parent[current];
                }
                continue;
            }
            if (type[current] != DIRECTORY) {
                return NONE;
            }
            int nameId = names.find(segment);
            int next = nameId < 0 ? NONE : children.get(current, nameId);
            if (next == NONE) {
                return NONE;
            }
            if (type[next] == SYMLINK && (followFinal || !pending.isEmpty())) {
                if (++hops > MAX_SYMLINK_HOPS) {
                    return NONE;
                }
                String target = linkTarget[next];
                pushSegments(pending, target);
                if (target.startsWith("/")) {
                    current = ROOT;
                }
                continue; // a relative target starts from the directory holding the link: current
            }
            current = next;
        }
        return current;
    }

    /** Puts the segments of {@code path} in front of {@code pending}, in order. */
    private static void pushSegments(ArrayDeque<String> pending, String path) {
        int end = path.length();
        while (end >= 0) {
            int slash = path.lastIndexOf('/', end - 1);
            if (end > slash + 1) {
                pending.addFirst(path.substring(slash + 1, end));
            }
            if (slash < 0) {
                break;
            }
            end = slash;
        }
    }

    /** Path of a node relative to the root, "" for the root. */
    String pathOf(int node) {
        int length = -1;
        int depth = 0;
        for (int n = node; n != ROOT; n = parent[n]) {
            length += names.length(name[n]) + 1;
            depth++;
        }
        if (depth == 0) {
            return "";
        }
        byte[] bytes = new byte[length];
        int end = length;
        for (int n = node; n != ROOT; n = parent[n]) {
            int nameLength = names.length(name[n]);
            end -= nameLength;
            names.copyTo(name[n], bytes, end);
            if (end > 0) {
                bytes[--end] = '/';
            }
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
