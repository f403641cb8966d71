package io.drydock.policy;

import io.drydock.inventory.OsRelease;
import io.drydock.layer.LayerInfo;
import io.drydock.scan.BaseImage;
import io.drydock.scan.Finding;
import io.drydock.scan.Origin;
import io.drydock.scan.Rating;
import io.drydock.scan.Remediation;
import io.drydock.scan.ScanReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * Hand-built scans of a Java application on Debian 12 (the scan report tests' fixture is private to their package):
 * log4j-core 2.14.1 in the application with Log4Shell, glibc in the base with a fixed HIGH and an unfixed
 * NEGLIGIBLE flaw, jackson-databind with an unfixed MEDIUM one.
 */
final class Scans {
    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final Instant SCANNED = Instant.parse("2026-06-01T11:58:00Z");
    static final String IMAGE = "registry.example.com/payments/api:1.4.2";
    static final String DIGEST = "sha256:5d2c8c7b0f2a4d3e9f1a6b7c8d9e0f11223344556677889900aabbccddeeff00";
    static final String BASE_NAME = "docker.io/library/debian:12";
    static final String BASE_DIGEST = "sha256:b8084b1a576c5504a031936e1132574f4ce1d6cc7130bf8bd3ea1bc88e2f5ad7";

    static final BaseImage BASE = new BaseImage(2, BASE_NAME, BASE_DIGEST, BaseImage.How.ANNOTATION, "OCI annotations name the base");
    static final BaseImage GUESSED = new BaseImage(2, null, null, BaseImage.How.HEURISTIC,
            "heuristic, no base image named or known");

    static final Finding.FoundPackage LOG4J = pkg("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", "maven",
            "org.apache.logging.log4j:log4j-core", "2.14.1");
    static final Finding.FoundPackage LIBC6 = pkg("pkg:deb/debian/libc6@2.36-9%2Bdeb12u1?arch=amd64&distro=debian-12", "deb",
            "libc6", "2.36-9+deb12u1");
    static final Finding.FoundPackage JACKSON = pkg("pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.15.2", "maven",
            "com.fasterxml.jackson.core:jackson-databind", "2.15.2");

    static final Finding LOG4SHELL = finding("CVE-2021-44228", List.of("GHSA-jfh8-c2jp-5v3q"), LOG4J, Rating.CRITICAL,
            Origin.APPLICATION, List.of("2.15.0"));
    static final Finding LOONEY_TUNABLES = finding("CVE-2023-4911", List.of("DSA-5514-1"), LIBC6, Rating.HIGH, Origin.BASE,
            List.of("2.36-9+deb12u3"));
    static final Finding GLIBC_UNFIXED = finding("CVE-2019-1010022", List.of(), LIBC6, Rating.NEGLIGIBLE, Origin.BASE, List.of());
    static final Finding JACKSON_UNFIXED = finding("CVE-2023-35116", List.of("GHSA-pjwm-rvh2-c87w"), JACKSON, Rating.MEDIUM,
            Origin.APPLICATION, List.of());

    static final List<Finding> ALL = List.of(LOG4SHELL, LOONEY_TUNABLES, JACKSON_UNFIXED, GLIBC_UNFIXED);

    static final List<PolicyInput.Package> PACKAGES = List.of(
            new PolicyInput.Package("pkg:deb/debian/libc6@2.36-9%2Bdeb12u1?arch=amd64&distro=debian-12", "libc6", "2.36-9+deb12u1", Origin.BASE),
            new PolicyInput.Package("pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12", "openssl", "3.0.11-1~deb12u2", Origin.BASE),
            new PolicyInput.Package("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", "org.apache.logging.log4j:log4j-core", "2.14.1", Origin.APPLICATION),
            new PolicyInput.Package("pkg:maven/log4j/log4j@1.2.17", "log4j:log4j", "1.2.17", Origin.APPLICATION),
            new PolicyInput.Package("pkg:npm/event-stream@3.3.6", "event-stream", "3.3.6", Origin.APPLICATION),
            new PolicyInput.Package("pkg:npm/%40babel/core@7.24.0", "@babel/core", "7.24.0", Origin.APPLICATION));

    private Scans() {
    }

    static Finding.FoundPackage pkg(String purl, String type, String name, String version) {
        return new Finding.FoundPackage(purl, type, name, version, List.of("/somewhere"), null);
    }

    static Finding finding(String id, List<String> aliases, Finding.FoundPackage pkg, Rating severity, Origin origin,
                           List<String> fixed) {
        LayerInfo layer = new LayerInfo(origin == Origin.BASE ? 0 : 3, "sha256:" + "a".repeat(64), "sha256:" + "b".repeat(64), "RUN");
        return new Finding(id, aliases, aliases, pkg, new Finding.MatchedAs("Maven", "", pkg.name(), pkg.version()),
                fixed.isEmpty() ? "unfixed" : "fixed", fixed, severity, "test", null, null, "summary of " + id, layer, origin,
                "test");
    }

    static ScanReport report(BaseImage base, List<Finding> findings) {
        return new ScanReport(IMAGE, DIGEST, new OsRelease("debian", "12", null, "bookworm"), SCANNED,
                new ScanReport.DbInfo(NOW.minusSeconds(3600), List.of()), base, findings, List.of(), 0,
                new Remediation(0, 0, null, "none", 0, List.of(), List.of()), List.of(), List.of(), 214);
    }

    static ScanReport report(List<Finding> findings) {
        return report(BASE, findings);
    }

    /** An input with the findings given, every package, a non-root user, the source label, and a base built 30 days ago. */
    static PolicyInput input(List<Finding> findings) {
        return new PolicyInput(report(findings), PACKAGES, Map.of("org.opencontainers.image.source", "https://github.com/example/api"),
                "1000", NOW.minus(java.time.Duration.ofDays(30)), null, DIGEST);
    }

    /** A policy file with the standard header and these rules (indented as under {@code rules:}). */
    static Policy policy(Path dir, String rules) {
        return Policy.read(write(dir, "apiVersion: drydock.io/v1\nkind: Policy\nname: production\nrules:\n" + rules.indent(2)));
    }

    static Path write(Path dir, String text) {
        try {
            Path file = Files.createTempFile(dir, "policy-", ".yaml");
            Files.writeString(file, text);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
