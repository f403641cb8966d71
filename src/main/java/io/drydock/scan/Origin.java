package io.drydock.scan;

/** Whose finding it is: the base image's publisher fixes it by a rebuild, the application team by a change. */
public enum Origin {
    BASE, APPLICATION;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
