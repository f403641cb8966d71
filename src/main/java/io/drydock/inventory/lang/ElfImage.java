package io.drydock.inventory.lang;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The front matter of an ELF file, read from a stream: the file header, the program headers (which sit right after
 * it) and the notes (a few hundred bytes close behind). That is enough to know where every loaded segment lies, so
 * later parts can be picked out in one forward pass with {@link #collect}; the section header table, at the end,
 * comes last in such a pass. 32- and 64-bit, either byte order.
 */
final class ElfImage {
    static final int PT_LOAD = 1;
    static final int PT_NOTE = 4;
    static final int PF_X = 1;
    static final int PF_W = 2;
    /** Notes are a few hundred bytes; more than this is not a note segment worth reading. */
    private static final int MAX_NOTE_BYTES = 64 * 1024;
    /** Real executables have a dozen program headers; the format's own limit (PN_XNUM) is 65535. */
    private static final int MAX_PROGRAM_HEADERS = 4096;
    /** Entries are 56 bytes (64-bit) or 32 bytes; a larger stated size only pads them. */
    private static final int MAX_HEADER_ENTRY_BYTES = 256;
    private static final byte[] MAGIC = {0x7f, 'E', 'L', 'F'};

    /** One program header. */
    record Segment(int type, int flags, long offset, long address, long fileSize) {
        long end() {
            return offset + fileSize;
        }

        boolean isLoad() {
            return type == PT_LOAD;
        }

        boolean isWritableData() {
            return type == PT_LOAD && (flags & PF_W) != 0 && (flags & PF_X) == 0;
        }

        boolean isReadOnlyData() {
            return type == PT_LOAD && (flags & (PF_W | PF_X)) == 0;
        }
    }

    /** One ELF note: owner name (without its NUL) and type. */
    record Note(String name, int type) {
    }

    /** Bytes {@code [start, end)} of the file. */
    record FileRange(long start, long end) {
        long length() {
            return end - start;
        }
    }

    /** Not an ELF file after all, or one whose headers contradict themselves. */
    static final class MalformedElf extends Exception {
        MalformedElf(String message) {
            super(message);
        }
    }

    private final boolean is64;
    private final boolean littleEndian;
    private final long fileSize;
    private final long sectionHeaderOffset;
    private final int sectionHeaderSize;
    private final int sectionCount;
    private final int sectionNamesIndex;
    private final List<Segment> segments;
    private final List<Note> notes;

    private ElfImage(boolean is64, boolean littleEndian, long fileSize, long sectionHeaderOffset,
                     int sectionHeaderSize, int sectionCount, int sectionNamesIndex, List<Segment> segments,
                     List<Note> notes) {
        this.is64 = is64;
        this.littleEndian = littleEndian;
        this.fileSize = fileSize;
        this.sectionHeaderOffset = sectionHeaderOffset;
        this.sectionHeaderSize = sectionHeaderSize;
        this.sectionCount = sectionCount;
        this.sectionNamesIndex = sectionNamesIndex;
        this.segments = List.copyOf(segments);
        this.notes = List.copyOf(notes);
    }

    static boolean hasMagic(byte[] head) {
        return head.length >= MAGIC.length && head[0] == MAGIC[0] && head[1] == MAGIC[1] && head[2] == MAGIC[2]
                && head[3] == MAGIC[3];
    }

    /**
     * Reads the headers and notes; {@code magic} holds the four bytes already taken from {@code in}.
     *
     * @throws MalformedElf when a header points outside the file or is otherwise impossible
     */
    static ElfImage read(ForwardReader in, byte[] magic) throws IOException, MalformedElf {
        long fileSize = in.size();
        if (fileSize < 52) {
            throw new MalformedElf("too short for an ELF header");
        }
        byte[] identification = in.read(12);
        boolean is64 = switch (identification[0]) {
            case 1 -> false;
            case 2 -> true;
            default -> throw new MalformedElf("unknown ELF class " + identification[0]);
        };
        boolean littleEndian = switch (identification[1]) {
            case 1 -> true;
            case 2 -> false;
            default -> throw new MalformedElf("unknown ELF byte order " + identification[1]);
        };
        byte[] header = concat(magic, identification, in.read(is64 ? 48 : 36));
        Bytes b = new Bytes(header, littleEndian);
        long programHeaderOffset = is64 ? b.u64(32) : b.u32(28);
        long sectionHeaderOffset = is64 ? b.u64(40) : b.u32(32);
        int programHeaderSize = b.u16(is64 ? 54 : 42);
        int programHeaderCount = b.u16(is64 ? 56 : 44);
        int sectionHeaderSize = b.u16(is64 ? 58 : 46);
        int sectionCount = b.u16(is64 ? 60 : 48);
        int sectionNamesIndex = b.u16(is64 ? 62 : 50);

        List<Segment> segments = new ArrayList<>();
        if (programHeaderCount > 0) {
            int minimum = is64 ? 56 : 32;
            if (programHeaderSize < minimum || programHeaderSize > MAX_HEADER_ENTRY_BYTES
                    || programHeaderCount > MAX_PROGRAM_HEADERS
                    || programHeaderOffset < in.position()
                    || programHeaderOffset + (long) programHeaderSize * programHeaderCount > fileSize) {
                throw new MalformedElf("program headers (" + programHeaderCount + " of " + programHeaderSize
                        + " bytes at " + programHeaderOffset + ") do not fit the file");
            }
            in.skipTo(programHeaderOffset);
            Bytes table = new Bytes(in.read(programHeaderSize * programHeaderCount), littleEndian);
            for (int i = 0; i < programHeaderCount; i++) {
                segments.add(segment(table, i * programHeaderSize, is64));
            }
        }
        for (Segment segment : segments) {
            boolean outside = segment.offset() < 0 || segment.fileSize() < 0 || segment.offset() > fileSize
                    || segment.fileSize() > fileSize - segment.offset(); // written so that nothing can overflow
            if (segment.isLoad() && outside) {
                throw new MalformedElf("a loaded segment (" + segment.fileSize() + " bytes at offset "
                        + segment.offset() + ") ends past the end of the file at " + fileSize
                        + " bytes; the file is truncated");
            }
        }
        List<Note> notes = readNotes(in, segments, fileSize, littleEndian);
        return new ElfImage(is64, littleEndian, fileSize, sectionHeaderOffset, sectionHeaderSize, sectionCount,
                sectionNamesIndex, segments, notes);
    }

    private static Segment segment(Bytes table, int at, boolean is64) {
        if (is64) {
            return new Segment(table.s32(at), table.s32(at + 4), table.u64(at + 8), table.u64(at + 16),
                    table.u64(at + 32));
        }
        return new Segment(table.s32(at), table.s32(at + 24), table.u32(at + 4), table.u32(at + 8),
                table.u32(at + 16));
    }

    /** Notes of the PT_NOTE segments that still lie ahead of the stream; binaries put them right after the headers. */
    private static List<Note> readNotes(ForwardReader in, List<Segment> segments, long fileSize, boolean littleEndian)
            throws IOException {
        List<Note> notes = new ArrayList<>();
        List<Segment> noteSegments = segments.stream().filter(s -> s.type() == PT_NOTE)
                .sorted(Comparator.comparingLong(Segment::offset)).toList();
        for (Segment segment : noteSegments) {
            if (segment.offset() < in.position() || segment.fileSize() > MAX_NOTE_BYTES
                    || segment.end() > fileSize || segment.fileSize() < 12) {
                continue;
            }
            in.skipTo(segment.offset());
            Bytes b = new Bytes(in.read((int) segment.fileSize()), littleEndian);
            for (int at = 0; at + 12 <= b.length(); ) {
                long nameSize = b.u32(at);
                long descriptorSize = b.u32(at + 4);
                int type = b.s32(at + 8);
                long next = at + 12 + align4(nameSize) + align4(descriptorSize);
                if (next > b.length()) {
                    break;
                }
                // the size counts the terminating NUL, and some owners pad further (Go's is "Go\0\0")
                int nameLength = 0;
                while (nameLength < nameSize && b.bytes()[at + 12 + nameLength] != 0) {
                    nameLength++;
                }
                notes.add(new Note(new String(b.bytes(), at + 12, nameLength, StandardCharsets.ISO_8859_1), type));
                at = (int) next;
            }
        }
        return notes;
    }

    private static long align4(long n) {
        return (n + 3) & ~3L;
    }

    /**
     * Reads the given ranges in one forward pass. Ranges are clipped to the file and to what still lies ahead of
     * the stream (the headers already read are behind it); overlapping ranges are read once.
     */
    ElfRegions collect(ForwardReader in, List<FileRange> ranges) throws IOException {
        List<FileRange> sorted = new ArrayList<>();
        for (FileRange range : ranges) {
            long start = Math.max(range.start(), in.position());
            long end = Math.min(range.end(), fileSize);
            if (start < end) {
                sorted.add(new FileRange(start, end));
            }
        }
        sorted.sort(Comparator.comparingLong(FileRange::start));
        List<FileRange> merged = new ArrayList<>();
        for (FileRange range : sorted) {
            FileRange last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && range.start() <= last.end()) {
                merged.set(merged.size() - 1, new FileRange(last.start(), Math.max(last.end(), range.end())));
            } else {
                merged.add(range);
            }
        }
        List<ElfRegions.Region> regions = new ArrayList<>();
        for (FileRange range : merged) {
            if (range.length() > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("range too large to hold: " + range);
            }
            in.skipTo(range.start());
            regions.add(new ElfRegions.Region(range.start(), in.read((int) range.length())));
        }
        return new ElfRegions(regions, littleEndian);
    }

    boolean is64() {
        return is64;
    }

    boolean littleEndian() {
        return littleEndian;
    }

    long fileSize() {
        return fileSize;
    }

    List<Segment> segments() {
        return segments;
    }

    List<Note> notes() {
        return notes;
    }

    /** Offset of the section header table, 0 when there is none. */
    long sectionHeaderOffset() {
        return sectionHeaderOffset;
    }

    int sectionHeaderSize() {
        return sectionHeaderSize;
    }

    /**
     * Number of section headers. 0 also when there are more than 65279 (the count then hides in section 0,
     * "extended numbering"), which only object files reach; such files are treated as having none.
     */
    int sectionCount() {
        return sectionCount;
    }

    int sectionNamesIndex() {
        return sectionNamesIndex;
    }

    /** Where in the file the bytes mapped at {@code address} lie, or -1 when no loaded segment holds them. */
    long fileOffsetOf(long address, long length) {
        for (Segment segment : segments) {
            if (segment.isLoad() && address >= segment.address()
                    && address + length <= segment.address() + segment.fileSize()) {
                return segment.offset() + (address - segment.address());
            }
        }
        return -1;
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }

    /** Unsigned reads from a byte array in the file's byte order. */
    record Bytes(byte[] bytes, boolean littleEndian) {
        int length() {
            return bytes.length;
        }

        int u8(int at) {
            return bytes[at] & 0xff;
        }

        int u16(int at) {
            return littleEndian ? u8(at) | u8(at + 1) << 8 : u8(at) << 8 | u8(at + 1);
        }

        long u32(int at) {
            return littleEndian
                    ? (long) u16(at) | (long) u16(at + 2) << 16
                    : (long) u16(at) << 16 | (long) u16(at + 2);
        }

        int s32(int at) {
            return (int) u32(at);
        }

        /** Values above Long.MAX_VALUE come out negative; callers treat them as out of range. */
        long u64(int at) {
            return littleEndian ? u32(at) | u32(at + 4) << 32 : u32(at) << 32 | u32(at + 4);
        }

        long pointer(int at, int size) {
            return size == 8 ? u64(at) : u32(at);
        }
    }
}
