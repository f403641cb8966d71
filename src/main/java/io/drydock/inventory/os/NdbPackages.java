package io.drydock.inventory.os;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Adler32;

/**
 * Reads rpm's own "ndb" package database, {@code Packages.db} (SUSE since 15 SP3), as rpm's
 * lib/backend/ndb/rpmpkg.c lays it out. Everything is little-endian:
 * <ul>
 * <li>a 32-byte file header: magic "RpmP", format version 0, generation, number of slot pages, next package index;
 * <li>the slot pages (4096 bytes each; the first one's first 32 bytes are the file header): 16-byte slots of magic
 *     "Slot", package index, start and length of the package's blob in 16-byte blocks (start 0 = free slot);
 * <li>each blob: magic "BlbS", package index, generation, data length, the header data, zero padding to a whole
 *     block, then a trailer of the Adler-32 of everything before it, the data length again, and magic "BlbE".
 * </ul>
 */
final class NdbPackages {

    static final int FILE_MAGIC = magic("RpmP");
    static final int SLOT_MAGIC = magic("Slot");
    static final int BLOB_HEAD_MAGIC = magic("BlbS");
    static final int BLOB_TAIL_MAGIC = magic("BlbE");
    static final int PAGE_BYTES = 4096;
    static final int SLOT_BYTES = 16;
    static final int BLOCK_BYTES = 16;
    static final int FILE_HEADER_BYTES = 32;
    static final int BLOB_HEAD_BYTES = 16;
    static final int BLOB_TAIL_BYTES = 12;

    private record Slot(long number, long packageIndex, long firstBlock, long blocks) {
    }

    private NdbPackages() {
    }

    static int magic(String fourLetters) {
        byte[] b = fourLetters.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return (b[0] & 0xFF) | (b[1] & 0xFF) << 8 | (b[2] & 0xFF) << 16 | (b[3] & 0xFF) << 24;
    }

    /** Sends every blob to {@code sink} under its package index, which is rpm's header number for ndb. */
    static void read(FileChannel file, HeaderSink sink) throws IOException {
        long size = file.size();
        if (size < PAGE_BYTES) {
            sink.problem("is " + size + " bytes, too short to be an rpm ndb database");
            return;
        }
        ByteBuffer header = ByteBuffer.allocate(FILE_HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        FileReads.readFully(file, header, 0);
        if (header.getInt(0) != FILE_MAGIC) {
            sink.problem("is not an rpm ndb database (no 'RpmP' magic)");
            return;
        }
        int version = header.getInt(4);
        if (version != 0) {
            sink.problem("is an rpm ndb database of format version " + version + "; only version 0 is known");
            return;
        }
        long slotPages = Integer.toUnsignedLong(header.getInt(12));
        if (slotPages == 0 || slotPages * PAGE_BYTES > size) {
            sink.problem("declares " + slotPages + " slot pages, impossible in a " + size + "-byte file");
            return;
        }
        for (Slot slot : slots(file, slotPages, sink)) {
            byte[] blob = blob(file, slot, slotPages, sink);
            if (blob != null) {
                sink.header(slot.packageIndex(), blob);
            }
        }
    }

    private static List<Slot> slots(FileChannel file, long slotPages, HeaderSink sink) throws IOException {
        List<Slot> slots = new ArrayList<>();
        ByteBuffer page = ByteBuffer.allocate(PAGE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long p = 0; p < slotPages; p++) {
            FileReads.readFully(file, page, p * PAGE_BYTES);
            for (int at = p == 0 ? FILE_HEADER_BYTES : 0; at < PAGE_BYTES; at += SLOT_BYTES) {
                // Numbered as rpm numbers them: by position in the file, so the first slot is 2.
                long number = (p * PAGE_BYTES + at) / SLOT_BYTES;
                if (page.getInt(at) != SLOT_MAGIC) {
                    // rpm refuses the whole database here; the slots before this one are still trustworthy.
                    sink.problem("slot " + number + " has no 'Slot' magic; the slot table is damaged from there on");
                    return slots;
                }
                long firstBlock = Integer.toUnsignedLong(page.getInt(at + 8));
                if (firstBlock != 0) {
                    slots.add(new Slot(number, Integer.toUnsignedLong(page.getInt(at + 4)), firstBlock,
                            Integer.toUnsignedLong(page.getInt(at + 12))));
                }
            }
        }
        return slots;
    }

    private static byte[] blob(FileChannel file, Slot slot, long slotPages, HeaderSink sink) throws IOException {
        long firstDataBlock = slotPages * PAGE_BYTES / BLOCK_BYTES;
        long minBlocks = (BLOB_HEAD_BYTES + BLOB_TAIL_BYTES + BLOCK_BYTES - 1) / BLOCK_BYTES;
        long bytes = slot.blocks() * BLOCK_BYTES;
        String which = "package " + slot.packageIndex() + " (slot " + slot.number() + ")";
        if (slot.packageIndex() == 0 || slot.blocks() < minBlocks || slot.firstBlock() < firstDataBlock
                || (slot.firstBlock() + slot.blocks()) * BLOCK_BYTES > file.size()
                || bytes > RpmHeader.MAX_DATA_BYTES + BLOB_HEAD_BYTES + BLOB_TAIL_BYTES + BLOCK_BYTES) {
            sink.problem(which + " points at blocks " + slot.firstBlock() + "+" + slot.blocks()
                    + ", outside the blob area of the file; skipped");
            return null;
        }
        ByteBuffer blob = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        FileReads.readFully(file, blob, slot.firstBlock() * BLOCK_BYTES);
        long length = Integer.toUnsignedLong(blob.getInt(12));
        if (blob.getInt(0) != BLOB_HEAD_MAGIC || Integer.toUnsignedLong(blob.getInt(4)) != slot.packageIndex()) {
            sink.problem(which + ": its blob does not start with 'BlbS' and its package index; skipped");
            return null;
        }
        if ((BLOB_HEAD_BYTES + length + BLOB_TAIL_BYTES + BLOCK_BYTES - 1) / BLOCK_BYTES != slot.blocks()) {
            sink.problem(which + ": the blob declares " + length + " bytes, which does not fit its "
                    + slot.blocks() + " blocks; skipped");
            return null;
        }
        int tail = (int) bytes - BLOB_TAIL_BYTES;
        if (blob.getInt(tail + 8) != BLOB_TAIL_MAGIC || Integer.toUnsignedLong(blob.getInt(tail + 4)) != length) {
            sink.problem(which + ": the blob's trailer is missing or disagrees on its length; skipped");
            return null;
        }
        Adler32 adler = new Adler32();
        adler.update(blob.array(), 0, tail);
        if ((int) adler.getValue() != blob.getInt(tail)) {
            sink.problem(which + ": the blob's Adler-32 checksum does not match its content; skipped");
            return null;
        }
        byte[] data = new byte[(int) length];
        blob.get(BLOB_HEAD_BYTES, data);
        return data;
    }
}
