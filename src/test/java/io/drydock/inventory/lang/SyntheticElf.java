package io.drydock.inventory.lang;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A minimal 64-bit little-endian ELF executable laid out as the Go linker lays out a pre-1.18 binary: a note
 * segment, read-only data holding the version and module strings, and writable data starting with the
 * {@code .go.buildinfo} header whose two pointers lead to Go string headers, which lead to the strings. No Go 1.18+
 * toolchain can produce that format, so tests build it by hand.
 */
final class SyntheticElf {
    private static final int NOTE_OFFSET = 0x200;
    private static final long BASE = 0x400000;
    private static final int RODATA = 0x1000;
    private static final int DATA = 0x2000;
    private static final int SIZE = 0x3000;

    private SyntheticElf() {
    }

    /** The sentinels {@code cmd/go} wraps module information in; their content does not matter to readers. */
    static String wrapModuleInfo(String modules) {
        return "0w\u00af\f\u0092t\b\u0002A\u00e1\u00c1\u0007\u00e6\u00d6\u0018\u00e6" + modules
                + "\u00f92C1\u0086\u0018 r\u0000\u0082B\u0010A\u0016\u00d8\u00f2";
    }

    /**
     * @param withGoNote whether to include the Go build ID note, which tells the reader to keep read-only data
     */
    static byte[] preGo118(String goVersion, String moduleInfo, boolean withGoNote) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        int programHeaders = withGoNote ? 3 : 2;
        // file header
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        b.position(16);
        b.putShort((short) 2).putShort((short) 62).putInt(1).putLong(BASE + DATA); // ET_EXEC, x86-64, version, entry
        b.putLong(64).putLong(0).putInt(0); // phoff, shoff (no section headers: a stripped binary), flags
        b.putShort((short) 64).putShort((short) 56).putShort((short) programHeaders);
        b.putShort((short) 64).putShort((short) 0).putShort((short) 0);
        // program headers
        b.position(64);
        segment(b, 1, 4, RODATA, 0x1000); // PT_LOAD R
        segment(b, 1, 6, DATA, 0x1000); // PT_LOAD RW
        if (withGoNote) {
            segment(b, 4, 4, NOTE_OFFSET, 24); // PT_NOTE
            b.position(NOTE_OFFSET);
            b.putInt(4).putInt(8).putInt(4).put("Go\0\0".getBytes(StandardCharsets.ISO_8859_1))
                    .put("buildid!".getBytes(StandardCharsets.ISO_8859_1));
        }
        // read-only data: the two strings
        byte[] version = goVersion.getBytes(StandardCharsets.UTF_8);
        byte[] modules = moduleInfo.getBytes(StandardCharsets.ISO_8859_1);
        b.position(RODATA).put(version);
        b.position(RODATA + 0x100).put(modules);
        // writable data: build info header, then the string headers it points to
        b.position(DATA).put("\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1)).put((byte) 8).put((byte) 0);
        b.putLong(BASE + DATA + 0x20).putLong(BASE + DATA + 0x30);
        b.position(DATA + 0x20).putLong(BASE + RODATA).putLong(version.length);
        b.putLong(BASE + RODATA + 0x100).putLong(modules.length);
        return b.array();
    }

    private static void segment(ByteBuffer b, int type, int flags, long offset, long size) {
        b.putInt(type).putInt(flags).putLong(offset).putLong(BASE + offset).putLong(BASE + offset)
                .putLong(size).putLong(size).putLong(0x1000);
    }
}
