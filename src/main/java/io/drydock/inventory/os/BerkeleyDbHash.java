package io.drydock.inventory.os;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * Reads the key/value pairs of a Berkeley DB hash database, the format of rpm's {@code Packages} file before rpm
 * 4.16 (RHEL/CentOS 7 and 8, Amazon Linux 2), without Berkeley DB. Every page is visited once, in file order, and
 * the pairs of each hash page are taken from its index; values too big for a page are assembled from their chain of
 * overflow pages. Walking pages instead of bucket chains needs no trust in the bucket mapping, and every hash page
 * belongs to some bucket, so nothing is missed.
 *
 * <p>Layout facts used (Berkeley DB's db_page.h, hash access method, versions 8 to 10): the metadata page holds the
 * magic at byte 12 in the writer's byte order, the version at 16, the page size at 20, the encryption algorithm at
 * 24, the meta flags at 26 and the last page number at 32. Every other page starts with a 26-byte header (page
 * number at 8, next page at 16, item count at 20, free-area offset at 22, type at 25), followed by the item index,
 * pushed to byte 32 when pages carry checksums.
 */
final class BerkeleyDbHash {

    static final int HASH_MAGIC = 0x00061561;
    static final int BTREE_MAGIC = 0x00053162;
    static final int PAGE_HASH_UNSORTED = 2;
    static final int PAGE_OVERFLOW = 7;
    static final int PAGE_HASH = 13;
    static final int ITEM_KEYDATA = 1;
    static final int ITEM_OFFPAGE = 3;
    static final int PAGE_HEADER_BYTES = 26;
    static final int CHECKSUMMED_PAGE_HEADER_BYTES = 32;
    private static final int META_FLAG_CHECKSUM = 0x01;
    private static final int META_BYTES = 512;
    /** rpm's limit for one header, which is what every value here is. */
    static final long MAX_VALUE_BYTES = RpmHeader.MAX_DATA_BYTES;

    private final FileChannel file;
    private final HeaderSink sink;
    private ByteOrder order;
    private int pageSize;
    private int overhead;
    private long lastPage;

    private BerkeleyDbHash(FileChannel file, HeaderSink sink) {
        this.file = file;
        this.sink = sink;
    }

    /** Sends every value whose key is a non-zero 4-byte header number to {@code sink}; key 0 is rpm's counter. */
    static void read(FileChannel file, HeaderSink sink) throws IOException {
        BerkeleyDbHash db = new BerkeleyDbHash(file, sink);
        if (db.readMeta()) {
            db.readPages();
        }
    }

    private boolean readMeta() throws IOException {
        long size = file.size();
        if (size < META_BYTES) {
            sink.problem("is " + size + " bytes, too short to be a Berkeley DB database");
            return false;
        }
        ByteBuffer meta = ByteBuffer.allocate(META_BYTES);
        FileReads.readFully(file, meta, 0);
        int magic = meta.order(ByteOrder.LITTLE_ENDIAN).getInt(12);
        if (magic == HASH_MAGIC) {
            order = ByteOrder.LITTLE_ENDIAN;
        } else if (Integer.reverseBytes(magic) == HASH_MAGIC) {
            order = ByteOrder.BIG_ENDIAN;
        } else if (magic == BTREE_MAGIC || Integer.reverseBytes(magic) == BTREE_MAGIC) {
            sink.problem("is a Berkeley DB btree, not the hash database rpm keeps packages in");
            return false;
        } else {
            sink.problem("is not a Berkeley DB hash database (no hash magic in its first page)");
            return false;
        }
        meta.order(order);
        int version = meta.getInt(16);
        if (version < 8 || version > 10) {
            sink.problem("is a Berkeley DB hash database of version " + version + "; only versions 8 to 10 are known");
            return false;
        }
        pageSize = meta.getInt(20);
        if (pageSize < 512 || pageSize > 65536 || Integer.bitCount(pageSize) != 1) {
            sink.problem("declares a page size of " + pageSize + " bytes, which Berkeley DB never uses");
            return false;
        }
        if (meta.get(24) != 0) {
            sink.problem("is an encrypted Berkeley DB database; it cannot be read");
            return false;
        }
        overhead = (meta.get(26) & META_FLAG_CHECKSUM) != 0 ? CHECKSUMMED_PAGE_HEADER_BYTES : PAGE_HEADER_BYTES;
        lastPage = Integer.toUnsignedLong(meta.getInt(32));
        long pagesInFile = size / pageSize;
        if (lastPage >= pagesInFile) {
            sink.problem("declares " + (lastPage + 1) + " pages but holds only " + pagesInFile
                    + " (truncated?); reading the pages that are there");
            lastPage = pagesInFile - 1;
        }
        return true;
    }

    private void readPages() throws IOException {
        ByteBuffer page = ByteBuffer.allocate(pageSize).order(order);
        for (long number = 1; number <= lastPage; number++) {
            FileReads.readFully(file, page, number * pageSize);
            int type = page.get(25) & 0xFF;
            if (type != PAGE_HASH && type != PAGE_HASH_UNSORTED) {
                continue;
            }
            if (Integer.toUnsignedLong(page.getInt(8)) != number) {
                sink.problem("page " + number + " says it is page " + Integer.toUnsignedLong(page.getInt(8))
                        + "; skipped");
                continue;
            }
            readHashPage(number, page);
        }
    }

    private void readHashPage(long number, ByteBuffer page) throws IOException {
        int items = page.getShort(20) & 0xFFFF;
        int indexEnd = overhead + 2 * items;
        if (items % 2 != 0 || indexEnd > pageSize) {
            sink.problem("hash page " + number + " claims " + items + " items, which cannot be key/value pairs "
                    + "on a " + pageSize + "-byte page; skipped");
            return;
        }
        // Items fill the page from its end in index order: item i ends where item i-1 begins.
        for (int i = 0; i < items; i += 2) {
            int keyEnd = i == 0 ? pageSize : itemOffset(page, i - 1);
            int keyStart = itemOffset(page, i);
            int valueStart = itemOffset(page, i + 1);
            if (!(indexEnd <= valueStart && valueStart < keyStart && keyStart < keyEnd && keyEnd <= pageSize)) {
                sink.problem("hash page " + number + " has overlapping or misplaced items at index " + i
                        + "; the rest of the page is skipped");
                return;
            }
            int keyLength = keyEnd - keyStart - 1;
            if ((page.get(keyStart) & 0xFF) != ITEM_KEYDATA || keyLength != 4) {
                sink.problem("hash page " + number + " item " + i + " is not a 4-byte header number key; skipped");
                continue;
            }
            long headerNumber = Integer.toUnsignedLong(page.getInt(keyStart + 1));
            if (headerNumber == 0) {
                continue;
            }
            byte[] value = value(number, page, headerNumber, valueStart, keyStart);
            if (value != null) {
                sink.header(headerNumber, value);
            }
        }
    }

    private byte[] value(long pageNumber, ByteBuffer page, long headerNumber, int start, int end) throws IOException {
        int type = page.get(start) & 0xFF;
        if (type == ITEM_KEYDATA) {
            byte[] value = new byte[end - start - 1];
            page.get(start + 1, value);
            return value;
        }
        if (type == ITEM_OFFPAGE && end - start == 12) {
            long first = Integer.toUnsignedLong(page.getInt(start + 4));
            long length = Integer.toUnsignedLong(page.getInt(start + 8));
            return overflow(headerNumber, first, length);
        }
        sink.problem("header " + headerNumber + " on hash page " + pageNumber + " is stored as item type " + type
                + " (duplicates?), which rpm never writes; skipped");
        return null;
    }

    private byte[] overflow(long headerNumber, long firstPage, long length) throws IOException {
        if (length == 0 || length > MAX_VALUE_BYTES || length > file.size()) {
            sink.problem("header " + headerNumber + " claims " + length + " bytes in overflow pages, impossible in a "
                    + file.size() + "-byte file; skipped");
            return null;
        }
        byte[] value = new byte[(int) length];
        ByteBuffer page = ByteBuffer.allocate(pageSize).order(order);
        int done = 0;
        long number = firstPage;
        long visited = 0;
        while (done < length) {
            // A chain can visit each page once at most, so a longer walk is a loop.
            if (number == 0 || number > lastPage || ++visited > lastPage) {
                sink.problem("the overflow chain of header " + headerNumber + " breaks off at page " + number
                        + " after " + done + " of " + length + " bytes; skipped");
                return null;
            }
            FileReads.readFully(file, page, number * pageSize);
            int pieceLength = page.getShort(22) & 0xFFFF;
            if (Integer.toUnsignedLong(page.getInt(8)) != number || (page.get(25) & 0xFF) != PAGE_OVERFLOW
                    || pieceLength > pageSize - overhead || pieceLength > length - done) {
                sink.problem("page " + number + " in the overflow chain of header " + headerNumber
                        + " is not a consistent overflow page; skipped");
                return null;
            }
            page.get(overhead, value, done, pieceLength);
            done += pieceLength;
            number = Integer.toUnsignedLong(page.getInt(16));
        }
        return value;
    }

    private int itemOffset(ByteBuffer page, int index) {
        return page.getShort(overhead + 2 * index) & 0xFFFF;
    }
}
