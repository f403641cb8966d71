package io.drydock.vulndb.version;

/**
 * The ordering rules of one packaging ecosystem's version strings (dpkg, apk, rpm, Maven, …).
 *
 * <p>Implementations are exact: they follow the ecosystem's own tool (dpkg's verrevcmp, apk-tools, rpmvercmp,
 * Maven's ComparableVersion, …) and are checked against that tool's published test vectors. A scheme is stateless
 * and safe to share between threads.
 */
public interface VersionScheme {

    /** A short stable name, stored in the advisory DB ("dpkg", "apk", "rpm", "maven", "npm", …). */
    String name();

    /** Whether the ecosystem's tool accepts this string as a version. */
    boolean isValid(String version);

    /**
     * Orders two versions: negative, zero or positive as {@code a} sorts before, equal to or after {@code b}.
     *
     * @throws InvalidVersionException if either string is not a valid version in this scheme, unless the
     *     ecosystem's tool itself defines an order for such strings (apk and rpm do)
     */
    int compare(String a, String b);

    /**
     * Parses once, so that a version compared many times (a range bound, a queried version) is not re-read on
     * every comparison.
     *
     * @throws InvalidVersionException if the string is not a valid version in this scheme
     */
    ParsedVersion parse(String version);
}
