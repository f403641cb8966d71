package io.drydock.vulndb;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The loaded package indexes, by key: an open-addressing table of the keys' 64-bit hashes (the ones the package
 * filter computed already) beside the indexes themselves. Probing compares hashes in one flat array and only
 * dereferences an index whose hash is equal, to confirm the key; at a million checks a second over a large DB,
 * each object touched on the way is a likely cache miss and the dominant cost.
 *
 * <p>Readers take no lock; one writer at a time (the caller's lock) adds entries, writing the index before
 * publishing its hash with a release write, and a full table is replaced by a bigger copy.
 */
final class PackageTable {
    private record Slots(AtomicLongArray hashes, AtomicReferenceArray<PackageIndex> indexes) {
        Slots(int length) {
            this(new AtomicLongArray(length), new AtomicReferenceArray<>(length));
        }
    }

    private volatile Slots slots = new Slots(1 << 10);
    private int size; // guarded by the writer's lock

    PackageIndex get(long hash, PackageKey key) {
        Slots table = slots;
        AtomicLongArray hashes = table.hashes();
        long stored = stored(hash);
        int mask = hashes.length() - 1;
        for (int i = (int) hash & mask; ; i = (i + 1) & mask) {
            long h = hashes.getAcquire(i);
            if (h == 0) {
                return null;
            }
            if (h == stored) {
                PackageIndex index = table.indexes().getPlain(i); // written before its hash was released
                if (index.isFor(hash, key)) {
                    return index;
                }
            }
        }
    }

    /** Adds an index; the caller holds the lock that serialises writers and has checked it is not there yet. */
    void put(PackageIndex index) {
        Slots table = slots;
        if ((size + 1) * 2 > table.hashes().length()) {
            Slots bigger = new Slots(table.hashes().length() * 2);
            for (int i = 0; i < table.hashes().length(); i++) {
                PackageIndex existing = table.indexes().get(i);
                if (existing != null) {
                    insert(bigger, existing);
                }
            }
            slots = bigger;
            table = bigger;
        }
        insert(table, index);
        size++;
    }

    private static void insert(Slots table, PackageIndex index) {
        int mask = table.hashes().length() - 1;
        int i = (int) index.hash & mask;
        while (table.hashes().get(i) != 0) {
            i = (i + 1) & mask;
        }
        table.indexes().setPlain(i, index);
        table.hashes().setRelease(i, stored(index.hash));
    }

    /** Zero marks an empty slot, so a hash of zero is stored as one (the key comparison tells them apart). */
    private static long stored(long hash) {
        return hash == 0 ? 1 : hash;
    }
}
