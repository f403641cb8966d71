package io.drydock.inventory.lang;

import java.util.Arrays;
import java.util.List;

/** The parts of an ELF file that {@link ElfImage#collect} kept, addressed by file offset. */
final class ElfRegions {
    /** {@code bytes} are the file's from offset {@code start} on. */
    record Region(long start, byte[] bytes) {
        long end() {
            return start + bytes.length;
        }
    }

    private final List<Region> regions;
    private final boolean littleEndian;

    ElfRegions(List<Region> regions, boolean littleEndian) {
        this.regions = List.copyOf(regions);
        this.littleEndian = littleEndian;
    }

    /** The region holding all of {@code [offset, offset + length)}, or null when none was kept. */
    Region holding(long offset, long length) {
        for (Region region : regions) {
            if (offset >= region.start() && length >= 0 && offset + length <= region.end()) {
                return region;
            }
        }
        return null;
    }

    /** The kept regions that share bytes with {@code [start, end)}, in file order. */
    List<Region> overlapping(long start, long end) {
        return regions.stream().filter(r -> r.start() < end && start < r.end()).toList();
    }

    /** A copy of {@code length} bytes at {@code offset}, or null when they were not kept. */
    byte[] bytes(long offset, int length) {
        Region region = holding(offset, length);
        if (region == null) {
            return null;
        }
        int from = (int) (offset - region.start());
        return Arrays.copyOfRange(region.bytes(), from, from + length);
    }

    /** Like {@link #bytes} but for reading numbers in the file's byte order. */
    ElfImage.Bytes numbers(long offset, int length) {
        byte[] bytes = bytes(offset, length);
        return bytes == null ? null : new ElfImage.Bytes(bytes, littleEndian);
    }
}
