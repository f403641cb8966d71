package io.drydock.inventory.os;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Header blobs from real rpm databases, damaged in the ways a hostile or broken image could damage them. */
class RpmHeaderTest {

    private static byte[] hello;
    private static byte[] toolkit;

    @BeforeAll
    static void realBlobs() {
        RpmFixtures rpm = RpmFixtures.get();
        for (RpmFixtures.Installed p : rpm.installed) {
            if (p.name().equals("hello-drydock")) {
                hello = rpm.blobs.get(p.headerNumber());
            } else if (p.name().equals("toolkit")) {
                toolkit = rpm.blobs.get(p.headerNumber());
            }
        }
    }

    @Test
    void realHeaderParses() throws RpmHeader.MalformedHeader {
        RpmHeader h = RpmHeader.parse(hello);
        assertThat(h.name()).isEqualTo("hello-drydock");
        assertThat(h.epoch()).isEqualTo(2L);
        assertThat(h.evr()).isEqualTo("2:1.4.2-3.el9");
        assertThat(h.arch()).isEqualTo("noarch");
        assertThat(h.sourceRpm()).isEqualTo("hello-drydock-1.4.2-3.el9.src.rpm");
        assertThat(h.files()).containsExactly("usr/bin/hello-drydock", "usr/share/hello-drydock/data.txt");
        assertThat(RpmHeader.parse(toolkit).epoch()).isNull();
        assertThat(RpmHeader.parse(toolkit).evr()).isEqualTo("0.9.1-7.fc40");
    }

    @Test
    void lengthsThatCannotBeTrueAreRefused() {
        assertMalformed(Arrays.copyOf(hello, 4), "is 4 bytes, too short for a header");
        assertMalformed(with(hello, 0, 0), "declares 0 index entries");
        assertMalformed(with(hello, 0, 0x10000), "declares 65536 index entries");
        assertMalformed(with(hello, 0, -1), "declares 4294967295 index entries");
        assertMalformed(with(hello, 4, 0x7FFF_FFFF), "declares 2147483647 data bytes");
        assertMalformed(Arrays.copyOf(hello, hello.length - 1), "is truncated: its index declares "
                + hello.length + " bytes but the blob has " + (hello.length - 1));
        assertMalformed(Arrays.copyOf(hello, hello.length + 1), "is " + (hello.length + 1)
                + " bytes but its index declares only " + hello.length);
    }

    @Test
    void entriesPointingOutsideTheDataAreRefused() {
        int dataLength = ByteBuffer.wrap(hello).getInt(4);
        int name = entry(hello, RpmHeader.NAME);
        assertMalformed(with(hello, name + 8, dataLength), "tag 1000 (NAME): offset " + dataLength
                + " is outside the " + dataLength + "-byte data");
        assertMalformed(with(hello, name + 8, -16), "tag 1000 (NAME): offset -16 is outside");

        int basenames = entry(hello, RpmHeader.BASENAMES);
        assertMalformed(with(hello, basenames + 12, -1), "tag 1117 (BASENAMES): count -1 is impossible");
        assertMalformed(with(hello, basenames + 12, dataLength + 1), "tag 1117 (BASENAMES): count "
                + (dataLength + 1) + " is impossible");
    }

    @Test
    void inconsistentEntriesAreRefused() {
        int name = entry(hello, RpmHeader.NAME);
        assertMalformed(with(hello, name + 4, RpmHeader.TYPE_INT32), "tag 1000 (NAME): has type 4, not a string");

        // The name starts at the data's last byte, which is no terminator: the string never ends.
        int dataLength = ByteBuffer.wrap(hello).getInt(4);
        byte[] unterminated = with(hello, name + 8, dataLength - 1);
        unterminated[unterminated.length - 1] = 'X';
        assertMalformed(unterminated, "tag 1000 (NAME): string 0 runs past the end");

        int epoch = entry(hello, RpmHeader.EPOCH);
        int epochOffset = ByteBuffer.wrap(hello).getInt(epoch + 8);
        assertMalformed(with(hello, epoch + 8, epochOffset + 1), "tag 1003 (EPOCH): offset " + (epochOffset + 1)
                + " is not 4-byte aligned");

        // hello-drydock lists three paths in three directories: its two files and its own directory.
        int dirIndexes = entry(hello, RpmHeader.DIRINDEXES);
        int dataStart = 8 + 16 * ByteBuffer.wrap(hello).getInt(0);
        int firstIndex = dataStart + ByteBuffer.wrap(hello).getInt(dirIndexes + 8);
        assertMalformed(with(hello, firstIndex, 99), "DIRINDEXES[0] is 99 but there are only 3 DIRNAMES");

        int basenames = entry(hello, RpmHeader.BASENAMES);
        assertMalformed(with(hello, basenames + 12, 1), "has 1 BASENAMES but 3 DIRINDEXES");
    }

    @Test
    void missingIdentityIsRefused() {
        int name = entry(hello, RpmHeader.NAME);
        assertMalformed(with(hello, name, 999_999), "has no NAME tag");
    }

    /** Whatever the damage, parsing ends in a header or a MalformedHeader: never another exception, never a hang. */
    @Test
    void randomDamageNeverEscapesAsAnythingElse() {
        Random random = new Random(20241125);
        int parsed = 0;
        int refused = 0;
        for (int round = 0; round < 3000; round++) {
            byte[] blob = (round % 2 == 0 ? hello : toolkit).clone();
            int flips = 1 + random.nextInt(8);
            for (int i = 0; i < flips; i++) {
                // Most damage goes to the index, where offsets and counts live.
                int limit = random.nextBoolean() ? Math.min(blob.length, 8 + 16 * 40) : blob.length;
                blob[random.nextInt(limit)] = (byte) random.nextInt(256);
            }
            if (random.nextInt(4) == 0) {
                blob = Arrays.copyOf(blob, random.nextInt(blob.length));
            }
            try {
                RpmHeader.parse(blob);
                parsed++;
            } catch (RpmHeader.MalformedHeader e) {
                refused++;
            }
        }
        assertThat(parsed).isPositive();
        assertThat(refused).isPositive();
    }

    private static void assertMalformed(byte[] blob, String message) {
        assertThatThrownBy(() -> RpmHeader.parse(blob)).isInstanceOf(RpmHeader.MalformedHeader.class)
                .message().contains(message);
    }

    /** Byte position of the index entry for {@code tag}. */
    private static int entry(byte[] blob, int tag) {
        ByteBuffer b = ByteBuffer.wrap(blob);
        int count = b.getInt(0);
        for (int i = 0; i < count; i++) {
            if (b.getInt(8 + 16 * i) == tag) {
                return 8 + 16 * i;
            }
        }
        throw new IllegalArgumentException("no tag " + tag);
    }

    private static byte[] with(byte[] blob, int position, int value) {
        byte[] copy = blob.clone();
        ByteBuffer.wrap(copy).putInt(position, value);
        return copy;
    }
}
