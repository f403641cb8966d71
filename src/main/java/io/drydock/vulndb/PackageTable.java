package io.drydock.vulndb;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The loaded package indexes, by key: an open-addressing table whose slots hold the indexes themselves, found
 * by the key's 64-bit hash (the one the package filter computed already) and confirmed against the key the index
 * carries. A lookup touches the slot, the index and the key's name; a general map would also touch its own entry
 * and key objects, which at a million checks a second over a large DB is the dominant cost.
 *
 * <p>Readers take no lock; one writer at a time (the caller's lock) adds entries, publishing each index with a
 * release write, and a full table is replaced by a bigger copy.
 */
final class PackageTable {
    private volatile AtomicReferenceArray<PackageIndex> slots = new AtomicReferenceArray<>(1 << 10);
    private int size; // guarded by the writer's lock

    PackageIndex get(long hash, PackageKey key) {
        AtomicReferenceArray<PackageIndex> table = slots;
        int mask = table.length() - 1;
        for (int i = (int) hash & mask; ; i = (i + 1) & mask) {
            PackageIndex index = table.getAcquire(i);
            if (index == null) {
                return null;
            }
            if (index.isFor(hash, key)) {
                return index;
            }
        }
    }

    /** Adds an index; the caller holds the lock that serialises writers and has checked it is not there yet. */
    void put(PackageIndex index) {
        AtomicReferenceArray<PackageIndex> table = slots;
        if ((size + 1) * 2 > table.length()) {
            AtomicReferenceArray<PackageIndex> bigger = new AtomicReferenceArray<>(table.length() * 2);
            for (int i = 0; i < table.length(); i++) {
                PackageIndex existing = table.get(i);
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

    private static void insert(AtomicReferenceArray<PackageIndex> table, PackageIndex index) {
        int mask = table.length() - 1;
        int i = (int) index.hash & mask;
        while (table.get(i) != null) {
            i = (i + 1) & mask;
        }
        table.setRelease(i, index);
    }
}
