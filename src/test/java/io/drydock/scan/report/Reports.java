package io.drydock.scan.report;

import io.drydock.inventory.OsRelease;
import io.drydock.layer.LayerInfo;
import io.drydock.scan.BaseImage;
import io.drydock.scan.Finding;
import io.drydock.scan.Origin;
import io.drydock.scan.Rating;
import io.drydock.scan.Remediation;
import io.drydock.scan.ScanReport;
import io.drydock.scan.Suppressed;
import io.drydock.scan.Upgrades;
import java.time.Instant;
import java.util.List;

/**
 * A scan of a Java application on Debian 12, built by hand as the scanner would report it: log4j-core 2.14.1 in the
 * application's layer (Log4Shell, fixed), glibc in the base (Looney Tunables, fixed by a newer Debian build), an
 * unfixed glibc flaw Debian rates unimportant, an application flaw with no fix yet, and two suppressed findings (one
 * by OpenVEX, one by the ignore file).
 */
final class Reports {
    static final String IMAGE = "registry.example.com/payments/api:1.4.2";
    static final String DIGEST = "sha256:5d2c8c7b0f2a4d3e9f1a6b7c8d9e0f11223344556677889900aabbccddeeff00";
    static final String BASE_NAME = "docker.io/library/debian:12";
    static final String BASE_DIGEST = "sha256:b8084b1a576c5504a031936e1132574f4ce1d6cc7130bf8bd3ea1bc88e2f5ad7";
    static final Instant SCANNED = Instant.parse("2024-03-05T10:15:30.250Z");
    static final Instant DB_BUILT = Instant.parse("2024-03-05T06:00:00Z");

    static final LayerInfo BASE_LAYER = new LayerInfo(0,
            "sha256:8a1e25ce7c4f75e372e9884f8f7b1bedcfe4a7a7d452eb4b0a1c7477c9a90345",
            "sha256:1f00ff201478a4e4c9e6a0e9f7c9b2e14a3c1b1e0c3a3d1f0a7f4b2e1c9d8e7f", "/bin/sh -c #(nop) ADD file:0b2d3c in / ");
    static final LayerInfo APP_LAYER = new LayerInfo(3,
            "sha256:c3a1f4b2e5d6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2",
            "sha256:d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5", "COPY target/lib /app/lib # buildkit");

    static final Finding.FoundPackage LOG4J = new Finding.FoundPackage(
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", "maven", "org.apache.logging.log4j:log4j-core",
            "2.14.1", List.of("/app/lib/log4j-core-2.14.1.jar"), null);
    static final Finding.FoundPackage LIBC6 = new Finding.FoundPackage(
            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u1?arch=amd64&distro=debian-12", "deb", "libc6", "2.36-9+deb12u1",
            List.of("/var/lib/dpkg/status"), null);
    static final Finding.FoundPackage JACKSON = new Finding.FoundPackage(
            "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.15.2", "maven",
            "com.fasterxml.jackson.core:jackson-databind", "2.15.2", List.of("/app/lib/jackson-databind-2.15.2.jar"), null);

    static final Finding LOG4SHELL = new Finding("CVE-2021-44228", List.of("GHSA-jfh8-c2jp-5v3q"),
            List.of("GHSA-jfh8-c2jp-5v3q"), LOG4J,
            new Finding.MatchedAs("Maven", "", "org.apache.logging.log4j:log4j-core", "2.14.1"), "fixed",
            List.of("2.15.0", "2.12.2", "2.3.1"), Rating.CRITICAL, "GHSA-jfh8-c2jp-5v3q database_specific.severity (vendor)",
            10.0, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H",
            "Remote code injection in Log4j", APP_LAYER, Origin.APPLICATION,
            "2.14.1 is in [2.13.0, 2.15.0) of GHSA-jfh8-c2jp-5v3q");
    static final Finding LOONEY_TUNABLES = new Finding("CVE-2023-4911", List.of("DEBIAN-CVE-2023-4911", "DSA-5514-1"),
            List.of("DEBIAN-CVE-2023-4911", "DSA-5514-1"), LIBC6,
            new Finding.MatchedAs("Debian", "12", "glibc", "2.36-9+deb12u1"), "fixed", List.of("2.36-9+deb12u3"),
            Rating.HIGH, "CVE-2023-4911 severity[0] CVSS_V3", 7.8, "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
            "glibc: buffer overflow in ld.so leading to privilege escalation", BASE_LAYER, Origin.BASE,
            "2.36-9+deb12u1 is before 2.36-9+deb12u3 (DSA-5514-1)");
    static final Finding GLIBC_UNFIXED = new Finding("CVE-2019-1010022", List.of("DEBIAN-CVE-2019-1010022"),
            List.of("DEBIAN-CVE-2019-1010022"), LIBC6,
            new Finding.MatchedAs("Debian", "12", "glibc", "2.36-9+deb12u1"), "unfixed", List.of(),
            Rating.NEGLIGIBLE, "DEBIAN-CVE-2019-1010022 affected[0].ecosystem_specific.urgency (vendor)", 9.8,
            "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "GNU Libc current is affected by: Mitigation bypass. The impact is: Attacker may bypass stack guard protection.",
            BASE_LAYER, Origin.BASE, "every version of glibc in Debian 12 is affected; no fix");
    static final Finding JACKSON_UNFIXED = new Finding("CVE-2023-35116", List.of("GHSA-pjwm-rvh2-c87w"),
            List.of("GHSA-pjwm-rvh2-c87w"), JACKSON,
            new Finding.MatchedAs("Maven", "", "com.fasterxml.jackson.core:jackson-databind", "2.15.2"), "unfixed",
            List.of(), Rating.MEDIUM, "GHSA-pjwm-rvh2-c87w database_specific.severity (vendor)", 4.7,
            "CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:N/I:N/A:H",
            "jackson-databind possible Denial of Service if parsing untrusted HTML", APP_LAYER, Origin.APPLICATION,
            "2.15.2 is in [0, ∞) of GHSA-pjwm-rvh2-c87w");
    static final Finding LOG4J_DOS = new Finding("CVE-2021-45046", List.of("GHSA-7rjr-3q55-vv33"),
            List.of("GHSA-7rjr-3q55-vv33"), LOG4J,
            new Finding.MatchedAs("Maven", "", "org.apache.logging.log4j:log4j-core", "2.14.1"), "fixed",
            List.of("2.16.0", "2.12.2"), Rating.CRITICAL, "GHSA-7rjr-3q55-vv33 database_specific.severity (vendor)", 9.0,
            "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:H",
            "Incomplete fix for Apache Log4j vulnerability", APP_LAYER, Origin.APPLICATION,
            "2.14.1 is in [2.13.0, 2.16.0) of GHSA-7rjr-3q55-vv33");
    static final Finding ZLIB = new Finding("CVE-2023-45853", List.of("DEBIAN-CVE-2023-45853"),
            List.of("DEBIAN-CVE-2023-45853"),
            new Finding.FoundPackage("pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64&distro=debian-12", "deb",
                    "zlib1g", "1:1.2.13.dfsg-1", List.of("/var/lib/dpkg/status"), null),
            new Finding.MatchedAs("Debian", "12", "zlib", "1:1.2.13.dfsg-1"), "ignored", List.of(), Rating.CRITICAL,
            "CVE-2023-45853 severity[0] CVSS_V3", 9.8, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "integer overflow in zipOpenNewFileInZip4_6 in MiniZip", BASE_LAYER, Origin.BASE,
            "Debian marks it ignored: contrib/minizip is not built");

    static final BaseImage BASE = new BaseImage(2, BASE_NAME, BASE_DIGEST, BaseImage.How.ANNOTATION,
            "OCI annotations name the base " + BASE_NAME + "; its 2 layers are the image's first layers");

    static final Suppressed BY_VEX = new Suppressed(LOG4J_DOS, "OpenVEX payments.vex.json statement 1",
            "not_affected: vulnerable_code_not_in_execute_path (the Thread Context lookups are not used)");
    static final Suppressed BY_IGNORE_FILE = new Suppressed(ZLIB,
            "ignore file .drydockignore.yaml entry 2 (CVE-2023-45853, expires 2024-06-30)",
            "MiniZip is not in the image: only zlib itself is installed");

    static final Remediation REMEDIATION = new Remediation(2, 1, "sha256:6bb7a4e1a0f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c",
            "rebuilding on the current digest of " + BASE_NAME + " would fix 1 of 2", 2,
            List.of(new Upgrades.Upgrade(LOG4J, LOG4SHELL.matchedAs(), Origin.APPLICATION, List.of("CVE-2021-44228"), "2.15.0", List.of()),
                    new Upgrades.Upgrade(JACKSON, JACKSON_UNFIXED.matchedAs(), Origin.APPLICATION, List.of(), null,
                            List.of("CVE-2023-35116"))),
            List.of(new Upgrades.Upgrade(LIBC6, LOONEY_TUNABLES.matchedAs(), Origin.BASE, List.of("CVE-2023-4911"),
                    "2.36-9+deb12u3", List.of("CVE-2019-1010022"))));

    private Reports() {
    }

    /** The scan as the scanner orders findings: most severe first. */
    static ScanReport scan() {
        return new ScanReport(IMAGE, DIGEST, new OsRelease("debian", "12", "Debian GNU/Linux 12 (bookworm)", "bookworm"),
                SCANNED, new ScanReport.DbInfo(DB_BUILT, List.of("https://osv-vulnerabilities.storage.googleapis.com/all.zip")),
                BASE, List.of(LOG4SHELL, LOONEY_TUNABLES, JACKSON_UNFIXED, GLIBC_UNFIXED), List.of(BY_VEX, BY_IGNORE_FILE), 3,
                REMEDIATION, List.of("no advisory data for generic packages"),
                List.of("/app/lib/broken.jar in layer 3: not a zip file"), 214);
    }

    /** A second image with nothing found, whose base was guessed. */
    static ScanReport cleanGuessedBase() {
        return new ScanReport("registry.example.com/tools/jq@sha256:0a1b", "sha256:0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
                new OsRelease("alpine", "3.20", null, null), SCANNED, new ScanReport.DbInfo(DB_BUILT, List.of()),
                new BaseImage(1, null, null, BaseImage.How.HEURISTIC, "heuristic, no base image named or known: layer 0 installed the OS packages"),
                List.of(), List.of(), 0,
                new Remediation(0, 0, null, "no findings in the base image", 0, List.of(), List.of()), List.of(), List.of(), 15);
    }
}
