package io.drydock.layer;

import static io.drydock.layer.TestLayers.IMAGE;
import static io.drydock.layer.TestLayers.concat;
import static io.drydock.layer.TestLayers.gzip;
import static io.drydock.layer.TestLayers.layer;
import static io.drydock.layer.TestLayers.zstd;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.drydock.layer.LayerException.Problem;
import io.drydock.layer.TestLayers.Recorder;
import io.drydock.layer.TestLayers.Tar;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class LayerReaderTest {

    private final LayerReader reader = new LayerReader();

    private static byte[] sampleTar() {
        return new Tar()
                .dir("./")
                .dir("./etc/")
                .file("./etc/os-release", "ID=debian\n")
                .dir("usr/bin")
                .file("usr/bin/tool", "binary".getBytes(StandardCharsets.UTF_8), 04755)
                .symlink("usr/bin/python3", "python3.11")
                .hardlink("usr/bin/tool2", "usr/bin/tool")
                .fifo("run/pipe")
                .bytes();
    }

    private Recorder read(byte[] blob) {
        Recorder recorder = new Recorder();
        reader.read(new ByteArrayInputStream(blob), IMAGE, layer(0), recorder);
        return recorder;
    }

    private LayerException readFails(LayerReader withReader, byte[] blob, LayerVisitor visitor) {
        return catchThrowableOfType(LayerException.class,
                () -> withReader.read(new ByteArrayInputStream(blob), IMAGE, layer(2), visitor));
    }

    private LayerException readFails(byte[] blob) {
        return readFails(reader, blob, new Recorder());
    }

    private static void assertNamesContext(LayerException e) {
        assertThat(e.getMessage()).startsWith("layer " + layer(2).digest() + " (index 2) of " + IMAGE + ": ");
        assertThat(e.image()).isEqualTo(IMAGE);
        assertThat(e.layer()).isEqualTo(layer(2));
    }

    @Test
    void readsGzipLayerIntoNormalisedEntries() {
        Recorder recorder = read(gzip(sampleTar()));

        assertThat(recorder.events).containsExactly(
                "DIRECTORY etc",
                "FILE etc/os-release",
                "DIRECTORY usr/bin",
                "FILE usr/bin/tool",
                "SYMLINK usr/bin/python3 -> python3.11",
                "HARDLINK usr/bin/tool2 -> usr/bin/tool",
                "OTHER run/pipe");
        assertThat(recorder.contents).containsExactly("ID=debian\n", "binary");
        LayerEntry tool = recorder.entries.get(3);
        assertThat(tool).isEqualTo(new LayerEntry("usr/bin/tool", EntryType.FILE, 6, 04755, 1000, 100,
                TestLayers.MTIME, null));
        assertThat(recorder.entries.get(0).size()).isZero();
    }

    @Test
    void readsZstdAndPlainTarTheSame() {
        byte[] tar = sampleTar();
        List<String> expected = read(gzip(tar)).events;

        assertThat(read(zstd(tar)).events).isEqualTo(expected);
        assertThat(read(tar).events).isEqualTo(expected);
    }

    @Test
    void readsZstdMadeByTheZstdCommand(@TempDir Path dir) throws Exception {
        Path tar = dir.resolve("layer.tar");
        Files.write(tar, sampleTar());
        Process zstd = new ProcessBuilder("zstd", "-q", "-19", tar.toString(), "-o",
                dir.resolve("layer.tar.zst").toString()).redirectErrorStream(true).start();
        assertThat(zstd.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(zstd.exitValue()).isZero();

        Recorder recorder = read(Files.readAllBytes(dir.resolve("layer.tar.zst")));

        assertThat(recorder.events).hasSize(7);
        assertThat(recorder.contents).containsExactly("ID=debian\n", "binary");
    }

    @Test
    void detectsCompressionFromContentNotMediaType() {
        byte[] tar = sampleTar();
        String declared = "application/vnd.oci.image.layer.v1.tar+gzip";
        Recorder recorder = new Recorder();

        LayerSummary summary = reader.read(new ByteArrayInputStream(tar), IMAGE, layer(0), recorder);

        assertThat(Compression.fromMediaType(declared)).contains(Compression.GZIP);
        assertThat(summary.compression()).isEqualTo(Compression.NONE);
        assertThat(recorder.events).hasSize(7);
        assertThat(summary.uncompressedBytes()).isEqualTo(tar.length);
        assertThat(summary.compressedBytes()).isEqualTo(tar.length);
        assertThat(summary.entries()).isEqualTo(8); // "./" counts although it is not reported
    }

    @Test
    void mapsMediaTypes() {
        assertThat(Compression.fromMediaType("application/vnd.docker.image.rootfs.diff.tar.gzip"))
                .contains(Compression.GZIP);
        assertThat(Compression.fromMediaType("application/vnd.oci.image.layer.v1.tar+zstd"))
                .contains(Compression.ZSTD);
        assertThat(Compression.fromMediaType("application/vnd.oci.image.layer.v1.tar")).contains(Compression.NONE);
        assertThat(Compression.fromMediaType("application/vnd.oci.image.config.v1+json")).isEmpty();
    }

    @Test
    void readsPaxAndGnuLongNamesAndLinkTargets() {
        String longDir = "usr/lib/" + "very-long-directory-name/".repeat(8);
        String longName = longDir + "file-with-a-long-name.txt";
        String longTarget = "../" + "x".repeat(150);
        for (int mode : new int[] {TarArchiveOutputStream.LONGFILE_POSIX, TarArchiveOutputStream.LONGFILE_GNU}) {
            byte[] tar = new Tar(mode)
                    .file(longName, "long")
                    .symlink(longDir + "link", longTarget)
                    .file("ünïcødé/名前.txt", "utf8")
                    .bytes();

            Recorder recorder = read(gzip(tar));

            assertThat(recorder.events).containsExactly(
                    "FILE " + longName,
                    "SYMLINK " + longDir + "link -> " + longTarget,
                    "FILE ünïcødé/名前.txt");
            assertThat(recorder.contents).containsExactly("long", "utf8");
        }
    }

    @Test
    void normalisesEntryNames() {
        byte[] tar = new Tar()
                .file("/abs/file", "a")
                .file("./dot/file", "b")
                .file("double//slash/./file", "c")
                .file("up/../down/file", "d")
                .dir("/")
                .dir(".")
                .bytes();

        assertThat(read(tar).events).containsExactly(
                "FILE abs/file", "FILE dot/file", "FILE double/slash/file", "FILE down/file");
    }

    @Test
    void rejectsEntryEscapingTheRoot() {
        for (String name : List.of("../../etc/passwd", "a/../../x", "/../etc/shadow", "./..")) {
            LayerException e = readFails(gzip(new Tar().file("ok", "fine").file(name, "evil").bytes()));

            assertThat(e.problem()).as(name).isEqualTo(Problem.PATH_ESCAPE);
            assertThat(e.entryPath()).isEqualTo(name);
            assertThat(e.getMessage()).contains("entry '" + name + "' climbs above the image root");
            assertNamesContext(e);
        }
    }

    @Test
    void rejectsRelativeSymlinkEscapingTheRoot() {
        for (String[] link : new String[][] {
                {"etc/evil", "../../etc/passwd"}, {"a/b/c", "../../../x"}, {"top", ".."}, {"a/l", "./../.."}}) {
            LayerException e = readFails(new Tar().symlink(link[0], link[1]).bytes());

            assertThat(e.problem()).as(link[0]).isEqualTo(Problem.LINK_ESCAPE);
            assertThat(e.getMessage()).contains("symlink '" + link[0] + "' -> '" + link[1] + "' points above");
            assertNamesContext(e);
        }
    }

    @Test
    void acceptsAbsoluteSymlinksAndRelativeOnesThatStayInside() {
        byte[] tar = new Tar()
                .symlink("usr/bin/python3", "python3.11")
                .symlink("etc/alternatives/x", "/usr/bin/x")
                .symlink("bin", "usr/bin")
                .symlink("etc/os-release", "../usr/lib/os-release")
                .symlink("usr/lib/x86_64-linux-gnu/libz.so", "../../../lib/libz.so.1")
                .symlink("weird", "/../../../etc/passwd") // absolute: resolves against the image root
                .symlink("etc/localtime", "/usr/share/zoneinfo/Etc/UTC")
                .bytes();

        assertThat(read(gzip(tar)).events).hasSize(7);
    }

    @Test
    void rejectsHardLinkEscapingTheRoot() {
        LayerException e = readFails(new Tar().file("a", "x").hardlink("b", "../etc/passwd").bytes());

        assertThat(e.problem()).isEqualTo(Problem.LINK_ESCAPE);
        assertThat(e.getMessage()).contains("hard link 'b' -> '../etc/passwd' points above the image root");
        assertNamesContext(e);
    }

    @Test
    void reportsWhiteoutsAndOpaqueDirectoriesButNotAsEntries() {
        byte[] tar = new Tar()
                .dir("etc")
                .whiteout("etc", "old.conf")
                .opaque("var/cache")
                .whiteout("", "tmp")
                .file("etc/.wh..wh.plnk", "aufs hard link bookkeeping")
                .file("etc/new.conf", "n")
                .bytes();

        assertThat(read(tar).events).containsExactly(
                "DIRECTORY etc", "WHITEOUT etc/old.conf", "OPAQUE var/cache", "WHITEOUT tmp", "FILE etc/new.conf");
    }

    @Test
    void rejectsWhiteoutOfParentDirectory() {
        LayerException e = readFails(new Tar().file("a/.wh..", "").bytes());

        assertThat(e.problem()).isEqualTo(Problem.PATH_ESCAPE);
        assertThat(e.getMessage()).contains("whiteout 'a/.wh..'");
    }

    /** 4 GiB of zeros as one tar entry, gzip'd as repeated members: about 4 MB compressed, made in a second. */
    private static byte[] gzipBomb() throws IOException {
        long entrySize = 4L << 30;
        TarArchiveEntry header = new TarArchiveEntry("zeros.bin");
        header.setSize(entrySize);
        ByteArrayOutputStream headerBytes = new ByteArrayOutputStream();
        TarArchiveOutputStream tar = new TarArchiveOutputStream(headerBytes);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.putArchiveEntry(header);
        tar.flush();
        byte[] chunk = new byte[64 << 20];
        byte[] zerosMember = gzip(chunk);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(gzip(headerBytes.toByteArray()));
        for (long written = 0; written < entrySize; written += chunk.length) {
            out.writeBytes(zerosMember);
        }
        return out.toByteArray();
    }

    @Test
    @Timeout(30)
    void stopsGzipBombAtTheLimitWithoutReadingItAll() throws IOException {
        byte[] bomb = gzipBomb();
        assertThat(bomb.length).isLessThan(8 << 20);
        LayerReader limited = new LayerReader(LayerLimits.DEFAULTS.withMaxLayerBytes(32L << 20));
        CountingInput blob = new CountingInput(new ByteArrayInputStream(bomb));
        List<String> seen = new ArrayList<>();
        long start = System.nanoTime();

        LayerException e = catchThrowableOfType(LayerException.class, () -> limited.read(blob, IMAGE, layer(2),
                (entry, content) -> seen.add(entry.path()))); // the visitor skips the content

        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(e.problem()).isEqualTo(Problem.LIMIT_EXCEEDED);
        assertThat(e.getMessage()).contains("larger than the limit of 33554432 bytes").contains("zeros.bin");
        assertNamesContext(e);
        assertThat(seen).containsExactly("zeros.bin");
        assertThat(blob.count).as("compressed bytes read").isLessThan(bomb.length / 20);
        assertThat(millis).isLessThan(5_000);
    }

    @Test
    @Timeout(30)
    void stopsBombHiddenAfterTheEndOfTheTar() throws IOException {
        // The tar ends at once (its first record is zeros); the rest of the stream still has to be drained.
        byte[] zeros = gzip(new byte[64 << 20]);
        byte[] bomb = concat(zeros, zeros, zeros, zeros);
        LayerReader limited = new LayerReader(LayerLimits.DEFAULTS.withMaxLayerBytes(100L << 20));

        LayerException e = readFails(limited, bomb, new Recorder());

        assertThat(e.problem()).isEqualTo(Problem.LIMIT_EXCEEDED);
    }

    @Test
    void stopsAtEntryLimit() {
        Tar tar = new Tar();
        for (int i = 0; i < 200; i++) {
            tar.file("f" + i, "");
        }
        LayerReader limited = new LayerReader(LayerLimits.DEFAULTS.withMaxEntries(100));
        List<String> seen = new ArrayList<>();

        LayerException e = readFails(limited, gzip(tar.bytes()), (entry, content) -> seen.add(entry.path()));

        assertThat(e.problem()).isEqualTo(Problem.LIMIT_EXCEEDED);
        assertThat(e.getMessage()).contains("more than 100 entries");
        assertThat(seen).hasSize(100);
    }

    @Test
    void capsPaxHeaderSize() {
        String hugeName = "d/".repeat(5000) + "f";
        LayerReader limited = new LayerReader(LayerLimits.DEFAULTS.withMaxMetadataBytes(4096));

        LayerException e = readFails(limited, new Tar().file(hugeName, "x").bytes(), new Recorder());

        assertThat(e.problem()).isEqualTo(Problem.LIMIT_EXCEEDED);
        assertThat(e.getMessage()).contains("exceeds the limit of 4096 bytes");
        assertThat(read(new Tar().file(hugeName, "x").bytes()).events).containsExactly("FILE " + hugeName);
    }

    @Test
    void survivesLongRunsOfHeaderRecords() throws Exception {
        // commons-compress 1.28 recurses once per header record: 20,000 of them overflow a thread's stack.
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        for (int i = 0; i < 20_000; i++) {
            tar.writeBytes(TestLayers.globalPaxHeader("comment", "x"));
        }
        tar.writeBytes(new Tar().file("f", "x").bytes());
        byte[] blob = gzip(tar.toByteArray());
        Throwable[] outcome = new Throwable[1];
        Thread small = new Thread(null, () -> {
            try {
                reader.read(new ByteArrayInputStream(blob), IMAGE, layer(2), new Recorder());
            } catch (Throwable t) {
                outcome[0] = t;
            }
        }, "small-stack", 256 * 1024);
        small.start();
        small.join();

        assertThat(outcome[0]).isInstanceOf(LayerException.class);
        LayerException e = (LayerException) outcome[0];
        assertThat(e.problem()).isEqualTo(Problem.LIMIT_EXCEEDED);
        assertThat(e.getMessage()).contains("more than 32 PAX or GNU header records in a row");
    }

    @Test
    void capsGlobalPaxHeadersInTotal() {
        Tar tar = new Tar();
        byte[] header = TestLayers.globalPaxHeader("comment", "y".repeat(3000));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < 10; i++) {
            bytes.writeBytes(header);
            bytes.writeBytes(Arrays.copyOf(new Tar().file("f" + i, "x").bytes(), 1024)); // entry without end marker
        }
        bytes.writeBytes(tar.bytes());
        LayerReader limited = new LayerReader(LayerLimits.DEFAULTS.withMaxMetadataBytes(16 * 1024));

        LayerException e = readFails(limited, bytes.toByteArray(), new Recorder());
        Recorder fine = read(concat(header, new Tar().file("g", "z").bytes()));

        assertThat(e.problem()).isEqualTo(Problem.LIMIT_EXCEEDED);
        assertThat(e.getMessage()).contains("global PAX headers take more than 16384 bytes");
        assertThat(fine.events).containsExactly("FILE g");
    }

    @Test
    void capsFileSizeLoadedIntoMemory() {
        byte[] tar = new Tar().file("small", "1234").file("big", "x".repeat(5000)).bytes();
        LayerReader limited = new LayerReader(LayerLimits.DEFAULTS.withMaxFileBytesInMemory(4096));
        List<String> fits = new ArrayList<>();

        limited.read(new ByteArrayInputStream(tar), IMAGE, layer(2),
                (entry, content) -> fits.add(entry.path() + "=" + content.fitsInMemory()));
        LayerException e = readFails(limited, tar, (entry, content) -> content.readAllBytes());

        assertThat(fits).containsExactly("small=true", "big=false");
        assertThat(e.problem()).isEqualTo(Problem.LIMIT_EXCEEDED);
        assertThat(e.entryPath()).isEqualTo("big");
        assertThat(e.getMessage()).contains("file 'big' is 5000 bytes");
    }

    private static byte[] bigTar() {
        Tar tar = new Tar();
        byte[] content = new byte[200_000];
        new Random(1).nextBytes(content);
        for (int i = 0; i < 20; i++) {
            tar.file("data/file" + i, content, 0644);
        }
        return tar.bytes();
    }

    @Test
    void rejectsTruncatedGzip() {
        byte[] blob = gzip(bigTar());
        LayerException e = readFails(Arrays.copyOf(blob, blob.length / 2));

        assertThat(e.problem()).isEqualTo(Problem.TRUNCATED);
        assertThat(e.getMessage()).contains(": truncated gzip stream: the compressed data ends after "
                + blob.length / 2 + " bytes (in entry 'data/file");
        assertNamesContext(e);
    }

    @Test
    void rejectsGzipCutInsideItsTrailer() {
        byte[] blob = gzip(sampleTar());

        LayerException e = readFails(Arrays.copyOf(blob, blob.length - 3));

        assertThat(e.problem()).isEqualTo(Problem.TRUNCATED);
        assertThat(e.getMessage()).contains("truncated gzip stream");
    }

    @Test
    void rejectsTruncatedZstd() {
        byte[] blob = zstd(bigTar());

        LayerException e = readFails(Arrays.copyOf(blob, blob.length / 2));

        assertThat(e.problem()).isEqualTo(Problem.TRUNCATED);
        assertThat(e.getMessage()).contains(": truncated zstd stream: the compressed data ends after");
        assertNamesContext(e);
    }

    @Test
    void rejectsTruncatedPlainTar() {
        byte[] tar = bigTar();

        LayerException inContent = readFails(Arrays.copyOf(tar, tar.length / 2));
        LayerException inHeader = readFails(Arrays.copyOf(tar, 200_000 + 512 + 512 + 100));

        assertThat(inContent.problem()).isEqualTo(Problem.TRUNCATED);
        assertThat(inContent.getMessage()).contains("truncated tar stream");
        assertThat(inHeader.problem()).isEqualTo(Problem.TRUNCATED);
        assertThat(inHeader.getMessage()).contains("truncated tar stream");
    }

    @Test
    void rejectsTarMissingItsEndMarker() {
        // What a multi-member gzip cut exactly between members looks like: every gzip member is complete.
        byte[] tar = new Tar().file("a", "x".repeat(600)).file("b", "y").bytes();
        byte[] firstEntryOnly = Arrays.copyOf(tar, 512 + 1024);

        LayerException e = readFails(gzip(firstEntryOnly));

        assertThat(e.problem()).isEqualTo(Problem.TRUNCATED);
        assertThat(e.getMessage())
                .contains("truncated gzip stream: the tar has no end-of-archive marker (1 entries read)");
    }

    @Test
    void rejectsCorruptGzip() {
        byte[] blob = gzip(bigTar());
        for (int i = 1000; i < 1100; i++) {
            blob[i] ^= 0x5a;
        }

        LayerException e = readFails(blob);

        assertThat(e.problem()).isEqualTo(Problem.CORRUPT);
        assertThat(e.getMessage()).contains("corrupt gzip stream after");
    }

    @Test
    void rejectsCorruptZstd() {
        Tar tar = new Tar();
        for (int i = 0; i < 200; i++) {
            tar.file("etc/file" + i, "key" + i + " = value " + (i * 7919 % 1000) + "\n".repeat(i % 5 + 1));
        }
        byte[] blob = zstd(tar.bytes());
        for (int i = 1000; i < 1100; i++) {
            blob[i] ^= 0x5a;
        }

        LayerException e = readFails(blob);

        assertThat(e.problem()).isEqualTo(Problem.CORRUPT);
        assertThat(e.getMessage()).contains("corrupt zstd stream after");
    }

    @Test
    void rejectsGarbageAsCorruptTar() {
        byte[] garbage = "this is not a tar file at all, just some text".repeat(40).getBytes(StandardCharsets.UTF_8);

        LayerException e = readFails(garbage);

        assertThat(e.problem()).isEqualTo(Problem.CORRUPT);
        assertThat(e.getMessage()).contains("corrupt tar stream");
    }

    @Test
    void rejectsXzWithAClearMessage() {
        byte[] xz = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0, 1, 2, 3};

        LayerException e = readFails(xz);

        assertThat(e.problem()).isEqualTo(Problem.UNSUPPORTED_FORMAT);
        assertThat(e.getMessage()).contains("the layer is xz-compressed");
    }

    @Test
    void readsEmptyLayers() {
        assertThat(read(new byte[0]).events).isEmpty();
        assertThat(read(gzip(new byte[1024])).events).isEmpty();
        assertThat(read(new Tar().bytes()).events).isEmpty();
    }

    @Test
    void readsMultiMemberGzipEvenWhenSourceReportsNothingAvailable() {
        byte[] tar = bigTar();
        byte[] members = concat(gzip(Arrays.copyOf(tar, 300_000)),
                gzip(Arrays.copyOfRange(tar, 300_000, tar.length)));
        InputStream stingy = new FilterInputStream(new ByteArrayInputStream(members)) {
            @Override
            public int available() {
                return 0; // like a network stream between packets
            }
        };
        List<String> seen = new ArrayList<>();

        LayerSummary summary = reader.read(stingy, IMAGE, layer(0), (entry, content) -> {
            seen.add(entry.path() + ":" + content.readAllBytes().length);
        });

        assertThat(seen).hasSize(20).allMatch(s -> s.endsWith(":200000"));
        assertThat(summary.uncompressedBytes()).isEqualTo(tar.length);
    }

    @Test
    void skipsWhatTheVisitorDoesNotRead() {
        byte[] tar = new Tar().file("a", "0123456789".repeat(1000)).file("b", "second").bytes();
        List<String> seen = new ArrayList<>();

        reader.read(new ByteArrayInputStream(gzip(tar)), IMAGE, layer(0), (entry, content) -> {
            byte[] start = content.readNBytes(3);
            seen.add(entry.path() + ":" + new String(start, StandardCharsets.UTF_8));
        });

        assertThat(seen).containsExactly("a:012", "b:sec");
    }

    @Test
    void contentIsOnlyValidDuringTheVisit() {
        List<EntryContent> kept = new ArrayList<>();

        reader.read(new ByteArrayInputStream(sampleTar()), IMAGE, layer(0), (entry, content) -> kept.add(content));

        assertThatThrownBy(() -> kept.get(0).read()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void reportsSourceFailures() {
        InputStream failing = new InputStream() {
            private int calls;

            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (calls++ == 0) {
                    byte[] head = Arrays.copyOf(gzip(bigTar()), 2000);
                    int n = Math.min(len, head.length);
                    System.arraycopy(head, 0, b, off, n);
                    return n;
                }
                throw new IOException("connection reset");
            }
        };

        LayerException e = catchThrowableOfType(LayerException.class,
                () -> reader.read(failing, IMAGE, layer(2), new Recorder()));

        assertThat(e.problem()).isEqualTo(Problem.SOURCE_FAILED);
        assertThat(e.getMessage()).contains("reading the blob failed").contains("connection reset");
        assertNamesContext(e);
    }

    @Test
    void wrapsVisitorIoFailures() {
        LayerException e = readFails(reader, sampleTar(), (entry, content) -> {
            throw new IOException("disk full");
        });

        assertThat(e.problem()).isEqualTo(Problem.VISITOR_FAILED);
        assertThat(e.getMessage()).contains("analysing entry './etc/' failed: disk full");
    }

    @Test
    void passesVisitorRuntimeExceptionsThrough() {
        assertThatThrownBy(() -> reader.read(new ByteArrayInputStream(sampleTar()), IMAGE, layer(0),
                (entry, content) -> {
                    throw new IllegalStateException("analyser bug");
                })).isInstanceOf(IllegalStateException.class).hasMessage("analyser bug");
    }

    @Test
    void computesAndVerifiesDiffId() throws Exception {
        byte[] tar = sampleTar();
        String diffId = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(tar));
        LayerReader verifying = reader.verifyingDiffIds();
        LayerInfo right = new LayerInfo(2, layer(2).digest(), diffId, null);
        LayerInfo wrong = new LayerInfo(2, layer(2).digest(), "sha256:" + "0".repeat(64), null);

        LayerSummary summary = verifying.read(new ByteArrayInputStream(gzip(tar)), IMAGE, right, new Recorder());
        LayerException e = catchThrowableOfType(LayerException.class,
                () -> verifying.read(new ByteArrayInputStream(gzip(tar)), IMAGE, wrong, new Recorder()));

        assertThat(summary.diffId()).isEqualTo(diffId);
        assertThat(e.problem()).isEqualTo(Problem.DIFF_ID_MISMATCH);
        assertThat(e.getMessage()).contains(diffId);
        assertThat(reader.read(new ByteArrayInputStream(tar), IMAGE, right, new Recorder()).diffId()).isNull();
    }

    @Test
    void reportsDevicesAsOtherWithoutContent() {
        Tar tar = new Tar();
        TarArchiveEntry device = new TarArchiveEntry("dev/null", TarConstants.LF_CHR);
        device.setDevMajor(1);
        device.setDevMinor(3);
        tar.put(device, null);

        assertThat(read(tar.bytes()).events).containsExactly("OTHER dev/null");
    }

    /** Counts bytes the reader pulled from the blob. */
    private static final class CountingInput extends FilterInputStream {
        long count;

        CountingInput(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
