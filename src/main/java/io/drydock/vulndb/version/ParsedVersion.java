package io.drydock.vulndb.version;

/**
 * A version already split into the parts its scheme compares. Instances of one scheme compare with each other
 * only; comparing versions of two different schemes is a programming error.
 */
public interface ParsedVersion extends Comparable<ParsedVersion> {

    /** The version string as it was given. */
    String text();
}
