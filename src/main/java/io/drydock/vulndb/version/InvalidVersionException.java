package io.drydock.vulndb.version;

import io.drydock.DrydockException;

/** A string that is not a version in the named scheme. The message names both. */
public final class InvalidVersionException extends DrydockException {
    private final String scheme;
    private final String version;

    public InvalidVersionException(String scheme, String version, String reason) {
        super("not a valid " + scheme + " version: \"" + version + "\" (" + reason + ")");
        this.scheme = scheme;
        this.version = version;
    }

    public String scheme() {
        return scheme;
    }

    public String version() {
        return version;
    }
}
