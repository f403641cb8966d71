package io.drydock.inventory.os;

import io.drydock.inventory.OsRelease;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The release line advisories are published for, derived from a full {@link OsRelease#versionId()}: distributions
 * fix vulnerabilities per line, not per point release, so a Debian 12.7 image is matched against "Debian:12" and an
 * Alpine 3.20.3 image against "Alpine:v3.20".
 */
public final class ReleaseLine {

    private static final Pattern LEADING_NUMBERS = Pattern.compile("^(\\d+)(?:\\.(\\d+))?");

    private ReleaseLine() {
    }

    /**
     * The line for this release: major.minor for Alpine ({@code 3.20}), the major version for Debian and the RHEL
     * family ({@code 12}, {@code 9}), the whole version elsewhere (Ubuntu's {@code 24.04} already is a line). A
     * version that does not start with a number, such as Debian testing's {@code trixie/sid}, is returned as is;
     * null when the release has no version.
     */
    public static String of(OsRelease os) {
        String version = os.versionId();
        if (version == null) {
            return null;
        }
        Matcher m = LEADING_NUMBERS.matcher(version);
        if (!m.find()) {
            return version;
        }
        return switch (os.id()) {
            case "alpine" -> m.group(2) == null ? m.group(1) : m.group(1) + "." + m.group(2);
            case "debian", "rhel", "centos", "rocky", "almalinux", "ol", "fedora", "amzn" -> m.group(1);
            default -> version;
        };
    }
}
