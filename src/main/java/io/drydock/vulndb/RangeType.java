package io.drydock.vulndb;

/** The OSV range types Drydock evaluates ({@code GIT} ranges need a repository's commit graph and are skipped). */
public enum RangeType {
    /** Versions in the package ecosystem's own ordering. */
    ECOSYSTEM,
    /** Semantic Versioning 2.0 precedence. */
    SEMVER
}
