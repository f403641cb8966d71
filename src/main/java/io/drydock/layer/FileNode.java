package io.drydock.layer;

import java.util.Objects;

/**
 * One path of the squashed image as the top-most layer that touched it left it. No content: analysers read
 * content while layers stream, and use the tree to know what survived.
 *
 * @param path       relative to the image root, no leading slash
 * @param type       what the path is
 * @param size       bytes of content for files and hard links (a hard link reports its target's size), else 0
 * @param mode       permission bits including setuid, setgid and sticky ({@code 07777})
 * @param uid        owner user id
 * @param gid        owner group id
 * @param linkTarget symlink target as stored in the layer, or the normalised path a hard link points to; else null
 * @param layer      the layer that last wrote this path (an implicit parent directory belongs to the layer that
 *                   first needed it)
 */
public record FileNode(
        String path, EntryType type, long size, int mode, long uid, long gid, String linkTarget, LayerInfo layer) {

    public FileNode {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(layer, "layer");
    }

    public boolean isDirectory() {
        return type == EntryType.DIRECTORY;
    }

    public boolean isRegularFile() {
        return type == EntryType.FILE;
    }

    public boolean isSymlink() {
        return type == EntryType.SYMLINK;
    }

    /** The last path segment. */
    public String name() {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
