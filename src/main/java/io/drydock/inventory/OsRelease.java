package io.drydock.inventory;

/**
 * The distribution an image is built on, e.g. {@code debian 12}, {@code alpine 3.20},
 * {@code rhel 9}. {@code id} is the lowercase os-release ID; {@code versionId} the release.
 */
public record OsRelease(String id, String versionId, String prettyName, String codename) {
    @Override
    public String toString() {
        return id + " " + versionId;
    }
}
