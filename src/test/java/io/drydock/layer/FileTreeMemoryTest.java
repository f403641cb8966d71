package io.drydock.layer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A million-path image must squash in a small fraction of a 512 MB heap. */
class FileTreeMemoryTest {

    private static final int PATHS = 1_000_000;
    private static final String[] COMMON_NAMES = {"__init__.py", "index.js", "package.json", "LICENSE", "README.md"};

    @Test
    void millionPathsStayFarBelow512MegabytesOfHeap() throws IOException {
        long before = usedHeapAfterGc();
        long start = System.nanoTime();

        FileTree tree = buildTree();

        long buildMillis = (System.nanoTime() - start) / 1_000_000;
        long retained = usedHeapAfterGc() - before;
        System.out.printf("FileTree: %,d paths retain %,d bytes (%.1f MB, %.0f bytes/path), built in %,d ms%n",
                tree.size(), retained, retained / 1e6, (double) retained / tree.size(), buildMillis);
        assertThat(tree.size()).isGreaterThanOrEqualTo(PATHS);
        assertThat(retained).isLessThan(200L << 20);
        assertThat(tree.lookup("usr/lib/python3/dist-packages/pkg42/sub3/module_42301.py")).isPresent();
    }

    /**
     * 10,000 leaf directories of 100 files under a realistic prefix; three files in four have a unique name, the
     * rest share the names that repeat across real images.
     */
    private static FileTree buildTree() throws IOException {
        LayerInfo layer = new LayerInfo(0, "sha256:" + "e".repeat(64), null, "ADD rootfs.tar /");
        FileTree.Builder builder = FileTree.builder("memory-test");
        LayerVisitor apply = builder.layerApplier(layer);
        Instant mtime = Instant.EPOCH;
        for (int i = 0; i < PATHS; i++) {
            String directory = "usr/lib/python3/dist-packages/pkg" + (i / 1000) + "/sub" + (i / 100 % 10);
            if (i % 100 == 0) {
                apply.entry(new LayerEntry(directory, EntryType.DIRECTORY, 0, 0755, 0, 0, mtime, null), null);
            }
            String name = i % 4 == 0 ? COMMON_NAMES[i / 4 % COMMON_NAMES.length] + "." + (i / 20 % 5)
                    : "module_" + i + ".py";
            apply.entry(new LayerEntry(directory + "/" + name, EntryType.FILE, 1234, 0644, 0, 0, mtime, null),
                    null);
        }
        return builder.build();
    }

    private static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
        }
        return used;
    }
}
