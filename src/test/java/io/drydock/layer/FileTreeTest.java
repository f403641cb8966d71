package io.drydock.layer;

import static io.drydock.layer.TestLayers.IMAGE;
import static io.drydock.layer.TestLayers.gzip;
import static io.drydock.layer.TestLayers.layer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.drydock.layer.LayerException.Problem;
import io.drydock.layer.TestLayers.Tar;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Test;

class FileTreeTest {

    private final LayerReader reader = new LayerReader();

    /** Applies tar layers bottom to top, through the reader, as the scan pipeline does. */
    private FileTree squash(byte[]... layers) {
        FileTree.Builder builder = FileTree.builder(IMAGE);
        for (int i = 0; i < layers.length; i++) {
            LayerInfo info = layer(i);
            reader.read(new ByteArrayInputStream(gzip(layers[i])), IMAGE, info, builder.layerApplier(info));
        }
        return builder.build();
    }

    private static List<String> paths(FileTree tree) {
        return tree.stream().map(FileNode::path).toList();
    }

    /** path -> index of the layer that last wrote it */
    private static Map<String, Integer> owners(FileTree tree) {
        return tree.stream().collect(Collectors.toMap(FileNode::path, n -> n.layer().index()));
    }

    @Test
    void appliesWhiteoutsAndOpaqueDirectoriesAcrossThreeLayers() {
        byte[] base = new Tar()
                .dir("etc").file("etc/keep.conf", "k").file("etc/old.conf", "o")
                .dir("var").dir("var/lib").dir("var/lib/apt").file("var/lib/apt/lists", "l")
                .dir("opt").dir("opt/before").file("opt/before/a", "a")
                .dir("opt/before/sub").file("opt/before/sub/x", "x")
                .dir("opt/after").file("opt/after/b", "b")
                .dir("tmp").file("tmp/junk", "j")
                .bytes();
        byte[] middle = new Tar()
                .whiteout("etc", "old.conf")
                .whiteout("", "tmp") // deletes a whole directory
                .dir("opt/before").opaque("opt/before") // marker before this layer's entries
                .file("opt/before/new", "n")
                .file("opt/before/sub/y", "y") // parent not listed: created implicitly
                .dir("opt/after").file("opt/after/c", "c").opaque("opt/after") // marker after them
                .file("var/lib/apt/lists", "updated")
                .bytes();
        byte[] top = new Tar()
                .file("etc/old.conf", "back again")
                .whiteout("var/lib", "apt")
                .whiteout("", "does-not-exist")
                .file("tmp/fresh", "f")
                .bytes();

        FileTree tree = squash(base, middle, top);

        assertThat(paths(tree)).containsExactly(
                "etc", "etc/keep.conf", "etc/old.conf",
                "opt", "opt/after", "opt/after/c", "opt/before", "opt/before/new", "opt/before/sub", "opt/before/sub/y",
                "tmp", "tmp/fresh",
                "var", "var/lib");
        assertThat(owners(tree)).containsAllEntriesOf(Map.of(
                "etc/keep.conf", 0, "etc/old.conf", 2, "opt/after/c", 1, "opt/before/new", 1,
                "opt/before/sub", 1, "tmp", 2, "var/lib", 0));
        assertThat(tree.size()).isEqualTo(14);
        FileNode old = tree.lookup("/etc/old.conf").orElseThrow();
        assertThat(old.layer()).isEqualTo(layer(2));
        assertThat(old.layer().createdBy()).isEqualTo("RUN step 2");
        assertThat(old.size()).isEqualTo("back again".length());
        assertThat(tree.layers()).containsExactly(layer(0), layer(1), layer(2));
    }

    @Test
    void opaqueMarkerOrderDoesNotMatter() {
        byte[] base = new Tar().dir("d").file("d/lower", "l").dir("d/sub").file("d/sub/lower", "l").bytes();
        byte[] markerFirst = new Tar().opaque("d").file("d/sub/mine", "m").file("d/mine", "m").bytes();
        byte[] markerLast = new Tar().file("d/sub/mine", "m").file("d/mine", "m").opaque("d").bytes();

        FileTree first = squash(base, markerFirst);
        FileTree last = squash(base, markerLast);

        assertThat(paths(first)).containsExactly("d", "d/mine", "d/sub", "d/sub/mine");
        assertThat(paths(last)).isEqualTo(paths(first));
        assertThat(owners(last)).isEqualTo(owners(first));
        assertThat(last.lookup("d/sub").orElseThrow().mode()).isEqualTo(0755);
    }

    @Test
    void whiteoutOnlyHidesLowerLayers() {
        byte[] base = new Tar().file("a", "lower").file("b", "lower").bytes();
        byte[] layer = new Tar().file("a", "mine").whiteout("", "a").whiteout("", "b").file("b", "recreated").bytes();

        FileTree tree = squash(base, layer);

        assertThat(paths(tree)).containsExactly("a", "b");
        assertThat(tree.lookup("a").orElseThrow().size()).isEqualTo(4);
        assertThat(owners(tree)).containsExactlyInAnyOrderEntriesOf(Map.of("a", 1, "b", 1));
    }

    @Test
    void replacesAcrossTypes() {
        byte[] base = new Tar()
                .dir("dir-to-file").file("dir-to-file/child", "c")
                .file("file-to-dir", "f")
                .dir("dir-stays").file("dir-stays/child", "c")
                .symlink("link-to-dir", "dir-stays")
                .bytes();
        TarArchiveEntryModes modes = new TarArchiveEntryModes();
        byte[] top = new Tar()
                .file("dir-to-file", "now a file")
                .dir("file-to-dir").file("file-to-dir/inside", "i")
                .put(modes.dir("dir-stays", 0700), null)
                .dir("link-to-dir")
                .bytes();

        FileTree tree = squash(base, top);

        assertThat(paths(tree)).containsExactly("dir-stays", "dir-stays/child", "dir-to-file", "file-to-dir",
                "file-to-dir/inside", "link-to-dir");
        FileNode stays = tree.lookup("dir-stays").orElseThrow();
        assertThat(stays.mode()).isEqualTo(0700);
        assertThat(stays.layer().index()).isEqualTo(1);
        assertThat(tree.lookup("dir-stays/child").orElseThrow().layer().index()).isZero();
        assertThat(tree.lookup("dir-to-file").orElseThrow().type()).isEqualTo(EntryType.FILE);
        assertThat(tree.lookup("link-to-dir").orElseThrow().type()).isEqualTo(EntryType.DIRECTORY);
    }

    /** Builds entries with a chosen mode; Tar's helpers fix modes to typical values. */
    private static final class TarArchiveEntryModes {
        TarArchiveEntry dir(String name, int mode) {
            TarArchiveEntry e = new TarArchiveEntry(name + "/");
            e.setMode(040000 | mode);
            return e;
        }
    }

    @Test
    void iteratesDepthFirstInNameOrder() {
        byte[] tar = new Tar().file("b", "").file("a-c", "").file("a/z", "").file("a/b/c", "").file("A", "")
                .file("a/é", "").file("a/e", "").bytes();

        FileTree tree = squash(tar);

        assertThat(paths(tree)).containsExactly("A", "a", "a/b", "a/b/c", "a/e", "a/z", "a/é", "a-c", "b");
        assertThat(tree.size()).isEqualTo(9);
        assertThat(tree.children("a").stream().map(FileNode::name)).containsExactly("b", "e", "z", "é");
        assertThat(tree.children("/").stream().map(FileNode::path)).containsExactly("A", "a", "a-c", "b");
        assertThat(tree.children("a/z")).isEmpty();
    }

    @Test
    void resolvesSymlinksInsideTheTree() {
        byte[] tar = new Tar()
                .dir("usr/bin").file("usr/bin/python3.11", "py")
                .symlink("usr/bin/python3", "python3.11")
                .symlink("bin", "usr/bin")
                .dir("etc/alternatives").symlink("etc/alternatives/python", "/usr/bin/python3")
                .dir("usr/lib").file("usr/lib/os-release", "ID=debian")
                .symlink("etc/os-release", "../usr/lib/os-release")
                .symlink("loop/a", "b").symlink("loop/b", "a")
                .symlink("dangling", "/nowhere")
                .symlink("usr/lib/up", "/../../../usr/bin/python3") // clamps at the root, as in a chroot
                .bytes();

        FileTree tree = squash(tar);

        assertThat(tree.resolve("etc/alternatives/python").orElseThrow().path()).isEqualTo("usr/bin/python3.11");
        assertThat(tree.resolve("/bin/python3").orElseThrow().path()).isEqualTo("usr/bin/python3.11");
        assertThat(tree.resolve("etc/os-release").orElseThrow().size()).isEqualTo(9);
        assertThat(tree.resolve("usr/lib/up").orElseThrow().path()).isEqualTo("usr/bin/python3.11");
        assertThat(tree.resolve("bin").orElseThrow().path()).isEqualTo("usr/bin");
        assertThat(tree.resolve("loop/a")).isEmpty();
        assertThat(tree.resolve("dangling")).isEmpty();
        assertThat(tree.resolve("../../etc/os-release")).isEmpty();
        assertThat(tree.lookup("bin/python3")).isEmpty(); // lookup does not follow symlinks
        assertThat(tree.lookup("bin").orElseThrow().linkTarget()).isEqualTo("usr/bin");
        assertThat(tree.children("bin").stream().map(FileNode::path))
                .containsExactly("usr/bin/python3", "usr/bin/python3.11");
    }

    @Test
    void writesThroughSymlinkedParentDirectories() {
        byte[] base = new Tar().dir("usr/lib").symlink("lib", "usr/lib").bytes();
        byte[] top = new Tar().file("lib/libfoo.so", "elf").bytes();

        FileTree tree = squash(base, top);

        assertThat(tree.lookup("usr/lib/libfoo.so")).isPresent();
        assertThat(tree.lookup("lib").orElseThrow().type()).isEqualTo(EntryType.SYMLINK);
    }

    @Test
    void acceptsHardLinksToEarlierOrLowerEntries() {
        byte[] base = new Tar().file("usr/bin/perl5.36", "perl!").bytes();
        byte[] top = new Tar()
                .hardlink("usr/bin/perl", "usr/bin/perl5.36") // target in a lower layer
                .file("opt/tool", "tool")
                .hardlink("opt/tool-alias", "/opt/tool") // target earlier in this layer
                .bytes();

        FileTree tree = squash(base, top);

        FileNode perl = tree.lookup("usr/bin/perl").orElseThrow();
        assertThat(perl.type()).isEqualTo(EntryType.HARDLINK);
        assertThat(perl.linkTarget()).isEqualTo("usr/bin/perl5.36");
        assertThat(perl.size()).isEqualTo(5);
        assertThat(tree.lookup("opt/tool-alias").orElseThrow().size()).isEqualTo(4);
    }

    @Test
    void rejectsHardLinkToNothingOrToADirectory() {
        byte[] later = new Tar().hardlink("a", "b").file("b", "too late").bytes();
        byte[] toDirectory = new Tar().dir("d").hardlink("a", "d").bytes();

        LayerException missing = catchThrowableOfType(LayerException.class, () -> squash(later));
        LayerException directory = catchThrowableOfType(LayerException.class, () -> squash(toDirectory));

        assertThat(missing.problem()).isEqualTo(Problem.DANGLING_HARDLINK);
        assertThat(missing.getMessage()).isEqualTo("layer " + layer(0).displayName() + " of " + IMAGE
                + ": hard link 'a' -> 'b' points to nothing in this layer before it or in the layers below");
        assertThat(missing.entryPath()).isEqualTo("a");
        assertThat(directory.getMessage()).endsWith("points to a directory");
    }

    @Test
    void rejectsLayersOutOfOrderAndUseAfterBuild() {
        FileTree.Builder builder = FileTree.builder(IMAGE);
        builder.layerApplier(layer(1));

        assertThatThrownBy(() -> builder.layerApplier(layer(0))).isInstanceOf(IllegalArgumentException.class);
        builder.build();
        assertThatThrownBy(() -> builder.layerApplier(layer(5))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void lookupNormalisesAndRejectsEscapes() {
        FileTree tree = squash(new Tar().file("etc/passwd", "root").bytes());

        assertThat(tree.lookup("/etc/passwd")).isPresent();
        assertThat(tree.lookup("./etc//passwd")).isPresent();
        assertThat(tree.lookup("../etc/passwd")).isEmpty();
        assertThat(tree.lookup("")).isEmpty();
        assertThat(tree.lookup("etc/passwd/x")).isEmpty();
        FileNode passwd = tree.lookup("etc/passwd").orElseThrow();
        assertThat(passwd).isEqualTo(new FileNode("etc/passwd", EntryType.FILE, 4, 0644, 1000, 100, null, layer(0)));
        assertThat(tree.lookup("etc").orElseThrow().mode()).isEqualTo(0755); // implicit parent
    }

    @Test
    void chainsWithAnalyserInOnePass() {
        FileTree.Builder builder = FileTree.builder(IMAGE);
        StringBuilder seen = new StringBuilder();
        LayerVisitor analyser = (entry, content) -> {
            if (entry.path().equals("etc/os-release")) {
                seen.append(new String(content.readAllBytes()));
            }
        };

        reader.read(new ByteArrayInputStream(new Tar().file("etc/os-release", "ID=alpine").bytes()), IMAGE, layer(0),
                builder.layerApplier(layer(0)).andThen(analyser));

        assertThat(seen.toString()).isEqualTo("ID=alpine");
        assertThat(builder.build().lookup("etc/os-release")).isPresent();
    }
}
