package io.drydock.image.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.image.Descriptor;
import io.drydock.image.Digest;
import io.drydock.image.ImageManifest;
import io.drydock.image.ImageSource;
import io.drydock.image.ManifestCodec;
import io.drydock.image.MediaTypes;
import io.drydock.testing.HostTools;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;


/** Images, archives and external tools for the local source tests. */
final class Fixtures {
    static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    /** What a test needs to know about an image it wrote. */
    record SampleImage(Descriptor manifestDescriptor, ImageManifest manifest, Digest configDigest, List<Digest> diffIds,
                       List<String> createdBy) {
        Descriptor layer(int i) {
            return manifest.layers().get(i);
        }
    }

    /**
     * Writes a two-layer linux/amd64 image with an empty-layer history entry between the layers,
     * tagged {@code tag}; {@code flavour} changes the content so that images differ.
     */
    static SampleImage writeSample(OciLayoutWriter layout, String tag, String flavour) {
        BuiltLayer base = new LayerBuilder()
                .file("etc/os-release", "ID=drydock-test\nVERSION_ID=" + flavour + "\n")
                .file("bin/app", ("#!/bin/sh\necho " + flavour + "\n").getBytes(StandardCharsets.UTF_8), 0755)
                .writeTo(layout);
        BuiltLayer app = new LayerBuilder()
                .file("app/data.txt", "data " + flavour)
                .symlink("app/current", "data.txt")
                .writeTo(layout);
        List<String> createdBy = List.of("ADD base-" + flavour + ".tar /", "COPY app /app");
        byte[] config = config(List.of(base.diffId(), app.diffId()), createdBy);
        StoredBlob configBlob = layout.writeBlob(config);
        ImageManifest manifest = ManifestCodec.writeManifest(MediaTypes.OCI_MANIFEST, null,
                configBlob.descriptor(MediaTypes.OCI_CONFIG), List.of(base.descriptor(), app.descriptor()), null, null);
        Descriptor descriptor = layout.writeManifest(manifest);
        if (tag != null) layout.tag(tag, descriptor);
        return new SampleImage(descriptor, manifest, configBlob.digest(), List.of(base.diffId(), app.diffId()), createdBy);
    }

    /** An image config whose history has an empty layer (ENV) between the given layer-creating steps. */
    static byte[] config(List<Digest> diffIds, List<String> createdBy) {
        ObjectNode root = JSON.createObjectNode();
        root.put("architecture", "amd64");
        root.put("os", "linux");
        root.put("created", "2024-01-01T00:00:00Z");
        root.putObject("config").putArray("Cmd").add("/bin/app");
        ObjectNode rootfs = root.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode ids = rootfs.putArray("diff_ids");
        diffIds.forEach(d -> ids.add(d.toString()));
        ArrayNode history = root.putArray("history");
        for (int i = 0; i < createdBy.size(); i++) {
            history.addObject().put("created", "2024-01-01T00:00:00Z").put("created_by", createdBy.get(i));
            if (i == 0) history.addObject().put("created_by", "ENV PATH=/bin").put("empty_layer", true);
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] gunzip(byte[] compressed) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
            return in.readAllBytes();
        }
    }

    /** The layer as an uncompressed tar, as classic docker archives store it. */
    static byte[] uncompressedLayer(LayerBuilder layer) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        layer.writeTo(out);
        return gunzip(out.toByteArray());
    }

    static byte[] readBlob(ImageSource source, Descriptor descriptor) throws IOException {
        try (InputStream in = source.blob(descriptor)) {
            return in.readAllBytes();
        }
    }

    /** Files under {@code dir} whose names mark them as temporary: none may survive a write. */
    static List<Path> leftovers(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> p.getFileName().toString().startsWith(".")).toList();
        }
    }

    /** Runs a host tool (installing its Debian package when missing), failing the test with its output unless it succeeds. */
    static String run(String... command) {
        HostTools.require(command[0], command[0]);
        return HostTools.runChecked(command[0], Duration.ofMinutes(2), List.of(command)).output();
    }

    /** Builds tar files entry by entry, including the links and odd names real archives contain. */
    static final class TestTar {
        private record Item(String name, byte type, byte[] content, String link) {
        }

        private final List<Item> items = new ArrayList<>();

        TestTar file(String name, byte[] content) {
            items.add(new Item(name, TarConstants.LF_NORMAL, content, null));
            return this;
        }

        TestTar file(String name, String content) {
            return file(name, content.getBytes(StandardCharsets.UTF_8));
        }

        TestTar directory(String name) {
            items.add(new Item(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR, null, null));
            return this;
        }

        TestTar symlink(String name, String target) {
            items.add(new Item(name, TarConstants.LF_SYMLINK, null, target));
            return this;
        }

        TestTar hardlink(String name, String target) {
            items.add(new Item(name, TarConstants.LF_LINK, null, target));
            return this;
        }

        /** Adds every file under {@code dir}, named {@code prefix + relative path} (e.g. {@code ./blobs/...}). */
        TestTar tree(Path dir, String prefix) throws IOException {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted().toList()) {
                    if (p.equals(dir)) continue;
                    String name = prefix + dir.relativize(p).toString();
                    if (Files.isDirectory(p)) directory(name);
                    else file(name, Files.readAllBytes(p));
                }
            }
            return this;
        }

        Path writeTo(Path file) throws IOException {
            try (OutputStream out = Files.newOutputStream(file)) {
                writeTo(out);
            }
            return file;
        }

        void writeTo(OutputStream out) throws IOException {
            TarArchiveOutputStream tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Item item : items) {
                TarArchiveEntry entry = new TarArchiveEntry(item.name(), item.type(), true);
                if (item.link() != null) entry.setLinkName(item.link());
                if (item.content() != null) entry.setSize(item.content().length);
                tar.putArchiveEntry(entry);
                if (item.content() != null) tar.write(item.content());
                tar.closeArchiveEntry();
            }
            tar.finish();
        }
    }
}
