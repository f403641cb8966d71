package io.drydock.image;

import io.drydock.DrydockException;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where an image argument points, in skopeo's transport syntax: {@code oci:DIR[:TAG|@DIGEST]},
 * {@code oci-archive:FILE[:TAG]}, {@code docker-archive:FILE[:NAME:TAG]}, {@code docker://REF}, or a
 * plain reference. A bare path to an existing layout directory or archive is recognised too.
 */
public record ImageSpec(Kind kind, Path path, String reference, ImageReference registryReference) {
    public enum Kind { REGISTRY, OCI_LAYOUT, OCI_ARCHIVE, DOCKER_ARCHIVE }

    public static ImageSpec parse(String text) {
        if (text == null || text.isBlank()) throw new DrydockException("no image given");
        if (text.startsWith("docker://")) return registry(text.substring("docker://".length()));
        if (text.startsWith("oci:")) return local(Kind.OCI_LAYOUT, text.substring(4), text);
        if (text.startsWith("oci-archive:")) return local(Kind.OCI_ARCHIVE, text.substring(12), text);
        if (text.startsWith("docker-archive:")) return local(Kind.DOCKER_ARCHIVE, text.substring(15), text);
        Path p = Path.of(text);
        if (text.contains("/") || text.startsWith(".")) {
            if (Files.isDirectory(p) && Files.exists(p.resolve("oci-layout"))) return new ImageSpec(Kind.OCI_LAYOUT, p, null, null);
            if (Files.isRegularFile(p)) return new ImageSpec(Kind.DOCKER_ARCHIVE, p, null, null);
        }
        return registry(text);
    }

    private static ImageSpec registry(String ref) {
        return new ImageSpec(Kind.REGISTRY, null, null, ImageReference.parse(ref));
    }

    /**
     * Splits {@code PATH[:REF]} or {@code PATH@DIGEST}. References may contain colons and slashes
     * ({@code app.tar:test/app:1}), so the split is at the first colon whose prefix exists on disk.
     */
    private static ImageSpec local(Kind kind, String rest, String original) {
        if (rest.isEmpty()) throw new DrydockException("invalid image '" + original + "': no path given");
        int at = rest.lastIndexOf('@');
        if (at > 0 && rest.substring(at + 1).startsWith("sha")) {
            String ref = rest.substring(at + 1);
            Digest.parse(ref);
            return new ImageSpec(kind, Path.of(rest.substring(0, at)), ref, null);
        }
        if (Files.exists(Path.of(rest))) return new ImageSpec(kind, Path.of(rest), null, null);
        for (int i = rest.indexOf(':'); i > 0; i = rest.indexOf(':', i + 1)) {
            if (Files.exists(Path.of(rest.substring(0, i)))) {
                String ref = rest.substring(i + 1);
                return new ImageSpec(kind, Path.of(rest.substring(0, i)), ref.isEmpty() ? null : ref, null);
            }
        }
        throw new DrydockException("invalid image '" + original + "': no file or directory at " + rest.split(":")[0]);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case REGISTRY -> registryReference.toString();
            case OCI_LAYOUT -> "oci:" + path + (reference != null ? ":" + reference : "");
            case OCI_ARCHIVE -> "oci-archive:" + path + (reference != null ? ":" + reference : "");
            case DOCKER_ARCHIVE -> "docker-archive:" + path + (reference != null ? ":" + reference : "");
        };
    }
}
