package io.drydock.inventory.os;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Berkeley DB and ndb files from the fixtures, damaged at random and in targeted ways: the readers must report
 * problems through the sink and return, never throw, loop or read outside the file.
 */
class RpmDatabaseDamageTest {

    private static byte[] berkeleyDb;
    private static byte[] ndb;
    private static int headers;

    @TempDir
    static Path temp;

    @BeforeAll
    static void databases() throws IOException {
        RpmFixtures rpm = RpmFixtures.get();
        headers = rpm.blobs.size();
        Path bdb = temp.resolve("Packages");
        // Small pages: every header is spread over an overflow chain, the part most worth damaging.
        RpmFixtures.berkeleyDb(bdb, rpm.blobs, "db_pagesize=512");
        berkeleyDb = Files.readAllBytes(bdb);
        ndb = RpmFixtures.ndb(rpm.blobs);
    }

    private record Outcome(List<Long> headers, List<String> problems) {
    }

    private static Outcome read(byte[] database, boolean isNdb) throws IOException {
        Path file = temp.resolve("damaged");
        Files.write(file, database);
        List<Long> numbers = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        HeaderSink sink = new HeaderSink() {
            @Override
            public void header(long number, byte[] blob) {
                numbers.add(number);
                try {
                    RpmHeader.parse(blob);
                } catch (RpmHeader.MalformedHeader e) {
                    problems.add("header " + number + " " + e.getMessage());
                }
            }

            @Override
            public void problem(String message) {
                problems.add(message);
            }
        };
        try (FileChannel channel = FileChannel.open(file)) {
            if (isNdb) {
                NdbPackages.read(channel, sink);
            } else {
                BerkeleyDbHash.read(channel, sink);
            }
        }
        return new Outcome(numbers, problems);
    }

    @Test
    void undamagedFilesReadCompletely() throws IOException {
        assertThat(read(berkeleyDb, false).headers()).hasSize(headers);
        assertThat(read(berkeleyDb, false).problems()).isEmpty();
        assertThat(read(ndb, true).headers()).hasSize(headers);
        assertThat(read(ndb, true).problems()).isEmpty();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void randomDamageIsReportedNeverThrown() throws IOException {
        Random random = new Random(1125);
        for (int round = 0; round < 400; round++) {
            boolean isNdb = round % 2 == 1;
            byte[] damaged = (isNdb ? ndb : berkeleyDb).clone();
            int flips = 1 + random.nextInt(16);
            for (int i = 0; i < flips; i++) {
                damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
            }
            read(damaged, isNdb); // throws, loops or overflows on failure
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void overflowChainThatLoopsBackIsCutOff() throws IOException {
        ByteBuffer file = ByteBuffer.wrap(berkeleyDb.clone()).order(ByteOrder.LITTLE_ENDIAN);
        int pageSize = file.getInt(20);
        int firstOverflow = -1;
        for (int page = 1; page * pageSize < berkeleyDb.length; page++) {
            if ((file.get(page * pageSize + 25) & 0xFF) == BerkeleyDbHash.PAGE_OVERFLOW
                    && file.getInt(page * pageSize + 16) != 0) {
                firstOverflow = page;
                break;
            }
        }
        assertThat(firstOverflow).as("an overflow page with a successor").isPositive();
        file.putInt(firstOverflow * pageSize + 16, firstOverflow); // next page: itself

        Outcome outcome = read(file.array(), false);
        assertThat(outcome.problems()).anySatisfy(p -> assertThat(p).contains("overflow chain of header"));
        assertThat(outcome.headers()).hasSize(headers - 1);
    }

    @Test
    void truncatedFilesSayTheyAreTruncated() throws IOException {
        byte[] half = Arrays.copyOf(berkeleyDb, berkeleyDb.length / 2);
        assertThat(read(half, false).problems()).first().asString().contains("(truncated?)");

        ByteBuffer slotPointsPastEnd = ByteBuffer.wrap(ndb.clone()).order(ByteOrder.LITTLE_ENDIAN);
        slotPointsPastEnd.putInt(32 + 8, ndb.length / 16); // first slot's blob starts at the end of the file
        Outcome outcome = read(slotPointsPastEnd.array(), true);
        assertThat(outcome.headers()).hasSize(headers - 1);
        assertThat(outcome.problems()).singleElement().asString().contains("outside the blob area");
    }
}
