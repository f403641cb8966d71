package io.drydock.layer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Interned path segments, stored once each as UTF-8 in one byte array. A million-file image repeats the same few
 * hundred thousand names ("__init__.py", "LICENSE", "index.js"), so a segment costs its bytes plus three ints
 * instead of a String object per path.
 */
final class NameTable {

    private static final int EMPTY = 0;

    private byte[] bytes = new byte[1 << 16];
    private int usedBytes;
    /** starts[id] is where name id begins; starts[count] is the end of the last name. */
    private int[] starts = new int[1 << 10];
    private int[] hashes = new int[1 << 10];
    private int count;
    /** Open addressing, linear probing; holds id + 1 so that 0 means empty. */
    private int[] slots = new int[1 << 11];
    private byte[] scratch = new byte[256];

    int size() {
        return count;
    }

    /** The id of a segment of {@code text}, adding it if new. Not thread-safe: only the builder calls it. */
    int intern(String text, int from, int to) {
        if (scratch.length < 3 * (to - from)) {
            scratch = new byte[Math.max(2 * scratch.length, 3 * (to - from))];
        }
        int length = encode(text, from, to, scratch);
        int hash = hash(scratch, 0, length);
        int mask = slots.length - 1;
        for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
            int entry = slots[slot];
            if (entry == EMPTY) {
                int id = append(scratch, length, hash);
                slots[slot] = id + 1;
                if (count * 2 > slots.length) {
                    rehash();
                }
                return id;
            }
            int id = entry - 1;
            if (hashes[id] == hash && equalsAt(id, scratch, length)) {
                return id;
            }
        }
    }

    /** The id of a segment, or -1 if no path has it. Safe to call from several threads once building is done. */
    int find(String text, int from, int to) {
        byte[] encoded = new byte[3 * (to - from)];
        int length = encode(text, from, to, encoded);
        int hash = hash(encoded, 0, length);
        int mask = slots.length - 1;
        for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
            int entry = slots[slot];
            if (entry == EMPTY) {
                return -1;
            }
            int id = entry - 1;
            if (hashes[id] == hash && equalsAt(id, encoded, length)) {
                return id;
            }
        }
    }

    int find(String segment) {
        return find(segment, 0, segment.length());
    }

    String name(int id) {
        return new String(bytes, starts[id], starts[id + 1] - starts[id], StandardCharsets.UTF_8);
    }

    int length(int id) {
        return starts[id + 1] - starts[id];
    }

    /** Copies the UTF-8 bytes of a name into {@code target} at {@code offset}. */
    void copyTo(int id, byte[] target, int offset) {
        System.arraycopy(bytes, starts[id], target, offset, length(id));
    }

    /** Unsigned byte order of the UTF-8 forms, which is Unicode code point order. */
    int compare(int a, int b) {
        return Arrays.compareUnsigned(bytes, starts[a], starts[a + 1], bytes, starts[b], starts[b + 1]);
    }

    /** Drops spare capacity once no more names will be added. */
    void trim() {
        bytes = Arrays.copyOf(bytes, usedBytes);
        starts = Arrays.copyOf(starts, count + 1);
        hashes = Arrays.copyOf(hashes, count);
        scratch = new byte[0];
    }

    private int append(byte[] source, int length, int hash) {
        if (usedBytes + length > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length + (bytes.length >> 1), usedBytes + length));
        }
        if (count + 2 > starts.length) {
            starts = Arrays.copyOf(starts, starts.length + (starts.length >> 1));
            hashes = Arrays.copyOf(hashes, starts.length);
        }
        System.arraycopy(source, 0, bytes, usedBytes, length);
        int id = count++;
        starts[id] = usedBytes;
        hashes[id] = hash;
        usedBytes += length;
        starts[count] = usedBytes;
        return id;
    }

    private boolean equalsAt(int id, byte[] other, int length) {
        int start = starts[id];
        return starts[id + 1] - start == length && Arrays.equals(bytes, start, start + length, other, 0, length);
    }

    private void rehash() {
        int[] larger = new int[slots.length * 2];
        int mask = larger.length - 1;
        for (int id = 0; id < count; id++) {
            int slot = hashes[id] & mask;
            while (larger[slot] != EMPTY) {
                slot = (slot + 1) & mask;
            }
            larger[slot] = id + 1;
        }
        slots = larger;
    }

    private static int hash(byte[] data, int from, int to) {
        int h = 0x811c9dc5;
        for (int i = from; i < to; i++) {
            h = (h ^ data[i]) * 0x01000193;
        }
        // FNV's low bits are weak for short keys; spread before masking.
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        return h;
    }

    /** UTF-8 without allocating; unpaired surrogates (never produced by tar decoding) become '?'. */
    private static int encode(String text, int from, int to, byte[] out) {
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                out[n++] = (byte) c;
            } else if (c < 0x800) {
                out[n++] = (byte) (0xc0 | (c >> 6));
                out[n++] = (byte) (0x80 | (c & 0x3f));
            } else if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(text.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, text.charAt(++i));
                out[n++] = (byte) (0xf0 | (cp >> 18));
                out[n++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
                out[n++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                out[n++] = (byte) (0x80 | (cp & 0x3f));
            } else if (Character.isSurrogate(c)) {
                out[n++] = '?';
            } else {
                out[n++] = (byte) (0xe0 | (c >> 12));
                out[n++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                out[n++] = (byte) (0x80 | (c & 0x3f));
            }
        }
        return n;
    }
}
