package io.drydock.layer;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of a layer tar after normalisation and safety checks.
 *
 * @param path       relative to the image root: no leading {@code /} or {@code ./}, no {@code .} or {@code ..}
 *                   segments, no trailing slash; never empty (the root entry itself is not reported)
 * @param type       what the entry is
 * @param size       content length for regular files; 0 for everything else
 * @param mode       permission bits including setuid, setgid and sticky ({@code 07777}); file-type bits are stripped
 * @param uid        owner user id
 * @param gid        owner group id
 * @param modified   modification time recorded in the tar
 * @param linkTarget for a symlink the target exactly as stored (absolute targets are relative to the image root);
 *                   for a hard link the normalised path of the entry it links to; null otherwise
 */
public record LayerEntry(
        String path, EntryType type, long size, int mode, long uid, long gid, Instant modified, String linkTarget) {

    public LayerEntry {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(modified, "modified");
        if ((type == EntryType.SYMLINK || type == EntryType.HARDLINK) != (linkTarget != null)) {
            throw new IllegalArgumentException("link target must be set exactly for links: " + path);
        }
    }

    public boolean isRegularFile() {
        return type == EntryType.FILE;
    }

    public boolean isDirectory() {
        return type == EntryType.DIRECTORY;
    }

    /** The last path segment. */
    public String name() {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
