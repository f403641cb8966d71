package io.drydock.vulndb;

/**
 * A Bloom filter of the package keys the DB files advisories under, written by the build and read whole on open:
 * most packages of an image have no advisory, and this answers "none" for them from memory, without a query and
 * without remembering every key ever asked for. About 10 bits a key, 1% false positives (which then cost one
 * indexed query).
 */
final class PackageFilter {
    private static final int HASHES = 7;
    private static final int BITS_PER_KEY = 10;

    private final long[] bits;
    private final long size;

    private PackageFilter(long[] bits) {
        this.bits = bits;
        this.size = (long) bits.length * 64;
    }

    static PackageFilter forKeys(int count) {
        long wanted = Math.max(64, (long) count * BITS_PER_KEY);
        return new PackageFilter(new long[(int) ((wanted + 63) / 64)]);
    }

    static PackageFilter fromBytes(byte[] bytes) {
        long[] bits = new long[bytes.length / 8];
        for (int i = 0; i < bits.length; i++) {
            long v = 0;
            for (int b = 0; b < 8; b++) {
                v |= (bytes[i * 8 + b] & 0xFFL) << (8 * b);
            }
            bits[i] = v;
        }
        return new PackageFilter(bits);
    }

    byte[] toBytes() {
        byte[] out = new byte[bits.length * 8];
        for (int i = 0; i < bits.length; i++) {
            for (int b = 0; b < 8; b++) {
                out[i * 8 + b] = (byte) (bits[i] >>> (8 * b));
            }
        }
        return out;
    }

    void add(PackageKey key) {
        long h = hash(key);
        long h1 = h;
        long h2 = mix(h) | 1;
        for (int i = 0; i < HASHES; i++) {
            long bit = Math.floorMod(h1 + i * h2, size);
            bits[(int) (bit >>> 6)] |= 1L << bit;
        }
    }

    boolean mightContain(PackageKey key) {
        return mightContain(hash(key));
    }

    /** As {@link #mightContain(PackageKey)}, for a key whose {@link #hash} the caller already has. */
    boolean mightContain(long h) {
        long h1 = h;
        long h2 = mix(h) | 1;
        for (int i = 0; i < HASHES; i++) {
            long bit = Math.floorMod(h1 + i * h2, size);
            if ((bits[(int) (bit >>> 6)] & (1L << bit)) == 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The key's hash, from the three strings' own hash codes: the JLS defines them, so the value is the same in
     * every JVM (the filter is written into a file that outlives the process), and strings cache them, so a key
     * asked for again costs almost nothing. A collision only costs a false positive here and is resolved against
     * the key itself where indexes are looked up.
     */
    static long hash(PackageKey key) {
        long h = mix(key.ecosystem().hashCode() * 0x9E3779B97F4A7C15L + key.release().hashCode());
        return mix(h ^ (key.name().hashCode() * 0xC2B2AE3D27D4EB4FL + key.name().length()));
    }

    /** splitmix64's finaliser. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
