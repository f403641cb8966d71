package io.drydock.inventory.os;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The facts the inventory needs from one rpm header blob, as the rpm databases store it: a big-endian index count
 * and data length, that many 16-byte index entries (tag, type, offset into the data, count), then the data. rpm's
 * lib/header.c is the reference; every offset and count is checked against the blob before it is followed, because
 * the blob comes from an image nobody vetted.
 *
 * @param epoch null when the package has none (which is not the same as epoch 0 to rpm's version comparison)
 * @param files owned paths relative to the root, without the leading slash; directories the package owns are left
 *              out (as they are for dpkg), so this lists what the package put inside them
 */
record RpmHeader(String name, Long epoch, String version, String release, String arch, String sourceRpm,
                 String license, List<String> files) {

    static final int NAME = 1000;
    static final int VERSION = 1001;
    static final int RELEASE = 1002;
    static final int EPOCH = 1003;
    static final int LICENSE = 1014;
    static final int ARCH = 1022;
    static final int OLD_FILENAMES = 1027;
    static final int FILEMODES = 1030;
    static final int SOURCERPM = 1044;
    static final int DIRINDEXES = 1116;
    static final int BASENAMES = 1117;
    static final int DIRNAMES = 1118;

    private static final Map<Integer, String> TAG_NAMES = Map.ofEntries(
            Map.entry(NAME, "NAME"), Map.entry(VERSION, "VERSION"), Map.entry(RELEASE, "RELEASE"),
            Map.entry(EPOCH, "EPOCH"), Map.entry(LICENSE, "LICENSE"), Map.entry(ARCH, "ARCH"),
            Map.entry(OLD_FILENAMES, "OLDFILENAMES"), Map.entry(FILEMODES, "FILEMODES"),
            Map.entry(SOURCERPM, "SOURCERPM"),
            Map.entry(DIRINDEXES, "DIRINDEXES"), Map.entry(BASENAMES, "BASENAMES"), Map.entry(DIRNAMES, "DIRNAMES"));

    static final int TYPE_INT16 = 3;
    static final int TYPE_INT32 = 4;
    static final int TYPE_STRING = 6;
    static final int TYPE_STRING_ARRAY = 8;
    static final int TYPE_I18NSTRING = 9;

    /** rpm's own bounds (header.c): at most 65535 tags, 256 MiB of data, 2^20 elements in an array. */
    static final long MAX_INDEX_ENTRIES = 0xFFFF;
    static final long MAX_DATA_BYTES = 0x0FFF_FFFF;
    static final long MAX_ARRAY_COUNT = 0xF_FFFF;
    private static final int INDEX_ENTRY_BYTES = 16;
    private static final int FILE_TYPE_MASK = 0170000;
    private static final int DIRECTORY_TYPE = 0040000;

    RpmHeader {
        files = List.copyOf(files);
    }

    /** A blob that cannot be a well-formed header; the message says what is wrong. */
    static final class MalformedHeader extends Exception {
        MalformedHeader(String message) {
            super(message, null, false, false);
        }
    }

    /** epoch:version-release, the epoch only when the header has one. */
    String evr() {
        return (epoch == null ? "" : epoch + ":") + version + "-" + release;
    }

    private record IndexEntry(int tag, int type, int offset, long count) {
    }

    static RpmHeader parse(byte[] blob) throws MalformedHeader {
        return new Reader(blob).read();
    }

    private static final class Reader {
        private final ByteBuffer buffer;
        private final Map<Integer, IndexEntry> entries = new HashMap<>();
        private int dataStart;
        private int dataLength;

        Reader(byte[] blob) {
            this.buffer = ByteBuffer.wrap(blob); // big-endian, as rpm writes headers on every platform
        }

        RpmHeader read() throws MalformedHeader {
            int size = buffer.capacity();
            if (size < 8) {
                throw new MalformedHeader("is " + size + " bytes, too short for a header");
            }
            long indexCount = Integer.toUnsignedLong(buffer.getInt(0));
            long declaredData = Integer.toUnsignedLong(buffer.getInt(4));
            if (indexCount < 1 || indexCount > MAX_INDEX_ENTRIES) {
                throw new MalformedHeader("declares " + indexCount + " index entries (rpm allows 1 to "
                        + MAX_INDEX_ENTRIES + ")");
            }
            if (declaredData > MAX_DATA_BYTES) {
                throw new MalformedHeader("declares " + declaredData + " data bytes (rpm allows at most "
                        + MAX_DATA_BYTES + ")");
            }
            long start = 8 + indexCount * INDEX_ENTRY_BYTES;
            if (start + declaredData > size) {
                throw new MalformedHeader("is truncated: its index declares " + (start + declaredData)
                        + " bytes but the blob has " + size);
            }
            if (start + declaredData < size) {
                // rpm refuses these too: every database stores a header's exact length, so extra bytes mean damage.
                throw new MalformedHeader("is " + size + " bytes but its index declares only "
                        + (start + declaredData));
            }
            dataStart = (int) start;
            dataLength = (int) declaredData;
            for (int i = 0; i < indexCount; i++) {
                int at = 8 + i * INDEX_ENTRY_BYTES;
                int tag = buffer.getInt(at);
                if (TAG_NAMES.containsKey(tag)) {
                    // Entries added after install (outside the immutable region) come later and override.
                    entries.put(tag, new IndexEntry(tag, buffer.getInt(at + 4), buffer.getInt(at + 8),
                            Integer.toUnsignedLong(buffer.getInt(at + 12))));
                }
            }
            String name = requiredString(NAME);
            String version = requiredString(VERSION);
            String release = requiredString(RELEASE);
            Long epoch = null;
            IndexEntry epochEntry = entries.get(EPOCH);
            if (epochEntry != null) {
                epoch = Integer.toUnsignedLong(int32s(epochEntry)[0]);
            }
            return new RpmHeader(name, epoch, version, release, string(ARCH), string(SOURCERPM), string(LICENSE),
                    files());
        }

        private List<String> files() throws MalformedHeader {
            List<String> all = allFiles();
            IndexEntry modesEntry = entries.get(FILEMODES);
            if (modesEntry == null || all.isEmpty()) {
                return all;
            }
            int[] modes = int16s(modesEntry);
            if (modes.length != all.size()) {
                throw new MalformedHeader("has " + all.size() + " files but " + modes.length + " FILEMODES");
            }
            List<String> files = new ArrayList<>(all.size());
            for (int i = 0; i < modes.length; i++) {
                if ((modes[i] & FILE_TYPE_MASK) != DIRECTORY_TYPE) {
                    files.add(all.get(i));
                }
            }
            return files;
        }

        private List<String> allFiles() throws MalformedHeader {
            IndexEntry basenamesEntry = entries.get(BASENAMES);
            if (basenamesEntry == null) {
                IndexEntry old = entries.get(OLD_FILENAMES);
                if (old == null) {
                    return List.of();
                }
                List<String> files = new ArrayList<>();
                for (String file : strings(old)) {
                    files.add(relative(file));
                }
                return files;
            }
            IndexEntry dirnamesEntry = entries.get(DIRNAMES);
            IndexEntry indexesEntry = entries.get(DIRINDEXES);
            if (dirnamesEntry == null || indexesEntry == null) {
                throw new MalformedHeader("has BASENAMES without DIRNAMES and DIRINDEXES");
            }
            List<String> basenames = strings(basenamesEntry);
            List<String> dirnames = strings(dirnamesEntry);
            int[] indexes = int32s(indexesEntry);
            if (indexes.length != basenames.size()) {
                throw new MalformedHeader("has " + basenames.size() + " BASENAMES but " + indexes.length
                        + " DIRINDEXES");
            }
            List<String> files = new ArrayList<>(basenames.size());
            for (int i = 0; i < indexes.length; i++) {
                int index = indexes[i];
                if (index < 0 || index >= dirnames.size()) {
                    throw new MalformedHeader("DIRINDEXES[" + i + "] is " + index + " but there are only "
                            + dirnames.size() + " DIRNAMES");
                }
                files.add(relative(dirnames.get(index) + basenames.get(i)));
            }
            return files;
        }

        private static String relative(String path) {
            int start = 0;
            while (start < path.length() && path.charAt(start) == '/') {
                start++;
            }
            return path.substring(start);
        }

        private String requiredString(int tag) throws MalformedHeader {
            String value = string(tag);
            if (value == null) {
                throw new MalformedHeader("has no " + TAG_NAMES.get(tag) + " tag");
            }
            return value;
        }

        /** A STRING tag; for an I18NSTRING or STRING_ARRAY the first element, which is what rpm shows. */
        private String string(int tag) throws MalformedHeader {
            IndexEntry entry = entries.get(tag);
            if (entry == null) {
                return null;
            }
            if (entry.type() != TYPE_STRING && entry.type() != TYPE_I18NSTRING
                    && entry.type() != TYPE_STRING_ARRAY) {
                throw problem(entry, "has type " + entry.type() + ", not a string");
            }
            if (entry.type() == TYPE_STRING && entry.count() != 1) {
                throw problem(entry, "is a single string with count " + entry.count());
            }
            return readStrings(entry, 1).get(0);
        }

        private List<String> strings(IndexEntry entry) throws MalformedHeader {
            if (entry.type() != TYPE_STRING_ARRAY) {
                throw problem(entry, "has type " + entry.type() + ", not a string array");
            }
            return readStrings(entry, checkedCount(entry));
        }

        private List<String> readStrings(IndexEntry entry, int wanted) throws MalformedHeader {
            checkedCount(entry);
            int position = dataStart + checkedOffset(entry);
            int end = dataStart + dataLength;
            byte[] bytes = buffer.array();
            List<String> values = new ArrayList<>(Math.min(wanted, 1024));
            for (int i = 0; i < wanted; i++) {
                int nul = position;
                while (nul < end && bytes[nul] != 0) {
                    nul++;
                }
                if (nul >= end) {
                    throw problem(entry, "string " + i + " runs past the end of the " + dataLength + "-byte data");
                }
                values.add(new String(bytes, position, nul - position, StandardCharsets.UTF_8));
                position = nul + 1;
            }
            return values;
        }

        private int[] int32s(IndexEntry entry) throws MalformedHeader {
            int offset = checkedNumbers(entry, TYPE_INT32, 4);
            int[] values = new int[(int) entry.count()];
            for (int i = 0; i < values.length; i++) {
                values[i] = buffer.getInt(dataStart + offset + 4 * i);
            }
            return values;
        }

        /** Unsigned, as rpm's file modes are. */
        private int[] int16s(IndexEntry entry) throws MalformedHeader {
            int offset = checkedNumbers(entry, TYPE_INT16, 2);
            int[] values = new int[(int) entry.count()];
            for (int i = 0; i < values.length; i++) {
                values[i] = buffer.getShort(dataStart + offset + 2 * i) & 0xFFFF;
            }
            return values;
        }

        /** Checks type, count, alignment and extent of a number array; returns its offset in the data. */
        private int checkedNumbers(IndexEntry entry, int type, int width) throws MalformedHeader {
            if (entry.type() != type) {
                throw problem(entry, "has type " + entry.type() + ", not " + (type == TYPE_INT32 ? "INT32" : "INT16"));
            }
            int count = checkedCount(entry);
            int offset = checkedOffset(entry);
            if (offset % width != 0) {
                throw problem(entry, "offset " + offset + " is not " + width + "-byte aligned");
            }
            if ((long) offset + (long) width * count > dataLength) {
                throw problem(entry, count + " values at offset " + offset + " run past the end of the "
                        + dataLength + "-byte data");
            }
            return offset;
        }

        private int checkedCount(IndexEntry entry) throws MalformedHeader {
            // Every element takes at least one byte, so a count above the data length is a lie.
            if (entry.count() < 1 || entry.count() > Math.min(MAX_ARRAY_COUNT, dataLength)) {
                throw problem(entry, "count " + (int) entry.count() + " is impossible for "
                        + dataLength + " bytes of data");
            }
            return (int) entry.count();
        }

        private int checkedOffset(IndexEntry entry) throws MalformedHeader {
            if (entry.offset() < 0 || entry.offset() >= dataLength) {
                throw problem(entry, "offset " + entry.offset() + " is outside the " + dataLength + "-byte data");
            }
            return entry.offset();
        }

        private MalformedHeader problem(IndexEntry entry, String detail) {
            return new MalformedHeader("tag " + entry.tag() + " (" + TAG_NAMES.get(entry.tag()) + "): " + detail);
        }
    }
}
