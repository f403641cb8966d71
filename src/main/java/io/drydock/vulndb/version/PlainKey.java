package io.drydock.vulndb.version;

/**
 * A version of a simple shape ("1.2.3") that can also be ordered by four numbers. For two versions of the same
 * scheme that both have a plain key, comparing the keys (element by element) gives exactly the order
 * {@link ParsedVersion#compareTo} gives; the matcher keeps such keys in one flat array, so that a lookup compares
 * numbers instead of following objects.
 */
public interface PlainKey {
    int LENGTH = 4;

    /** The four numbers, or null when this version's shape has no plain key. */
    long[] plainKey();

    /** Orders two plain keys. */
    static int compare(long[] a, int aFrom, long[] b, int bFrom) {
        for (int i = 0; i < LENGTH; i++) {
            int c = Long.compare(a[aFrom + i], b[bFrom + i]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** Up to four numbers, padded with zeros (for schemes where 1.2 equals 1.2.0); null when there are more. */
    static long[] zeroPadded(long[] numbers, int length) {
        if (length > LENGTH) {
            return null;
        }
        long[] key = new long[LENGTH];
        System.arraycopy(numbers, 0, key, 0, length);
        return key;
    }
}
