package io.drydock.layer;

/** Kind of a tar entry, and of a path in the squashed {@link FileTree}. */
public enum EntryType {
    FILE,
    DIRECTORY,
    SYMLINK,
    HARDLINK,
    /** Devices, FIFOs and anything else that has no content worth analysing. */
    OTHER
}
