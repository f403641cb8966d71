package io.drydock.vulndb;

/** Whether the data names a version that fixes the advisory for a package. */
public enum FixState {
    /** Some range has a {@code fixed} event. */
    FIXED,
    /** No range has a {@code fixed} event: every affected version may still be current. */
    UNFIXED
}
