package io.drydock.vulndb;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.vulndb.osv.AdvisorySource;
import io.drydock.vulndb.osv.IngestLog;
import io.drydock.vulndb.osv.OsvParser;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Synthetic OSV records of realistic shape, for scale tests only: ids, aliases and package names all say SYNTH,
 * so they can never be mistaken for real advisories. Record {@code i} depends only on the seed and {@code i}.
 * The mix of ecosystems, the number of ranges and events, the share of unfixed distro entries, the severities and
 * the length of texts and reference lists follow what GitHub's and the distributions' feeds look like.
 */
final class SyntheticOsv {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Ecosystem, share in percent. */
    private static final String[][] MIX = {
            {"npm", "28"}, {"Maven", "14"}, {"PyPI", "14"}, {"Go", "8"}, {"Debian:12", "14"}, {"Alpine:v3.20", "8"},
            {"RubyGems", "4"}, {"crates.io", "4"}, {"NuGet", "3"}, {"Packagist", "3"}};
    private static final String[] WORDS = ("a an the in of to and or for with via when by from before after allows "
            + "remote attacker attackers local user users crafted request requests input inputs header headers "
            + "parser parsing function method component library module package version versions affected "
            + "vulnerability vulnerable issue flaw bug denial service memory buffer overflow heap stack pointer "
            + "injection command code execution arbitrary file path traversal directory cross site scripting "
            + "prototype pollution regular expression resource consumption exhaustion authentication bypass "
            + "sensitive information disclosure exposure validation improper missing incorrect certificate "
            + "verification redirect cookie session token xml entity deserialization untrusted data object "
            + "could may might can cause lead leads result results in crash infinite loop read write out bounds "
            + "fixed patched upgrade upgrading recommended users should this that which is are was were be been")
            .split(" ");
    private static final String[] REFERENCE_PREFIXES = {
            "https://github.com/synth-org/synth-#/commit/", "https://github.com/synth-org/synth-#/pull/",
            "https://github.com/synth-org/synth-#/issues/", "https://nvd.nist.gov/vuln/detail/SYNTH-CVE-2099-",
            "https://security.netapp.com/advisory/ntap-2099#-", "https://lists.debian.org/debian-lts-announce/2099/#/msg",
            "https://access.redhat.com/errata/RHSA-2099:", "https://www.openwall.com/lists/oss-security/2099/#/"};
    private static final String[] CVSS3 = {
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
            "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N",
            "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L"};
    private static final String[] CVSS4 = {
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N",
            "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:L/VI:L/VA:N/SC:L/SI:L/SA:N"};
    private static final String[] LABELS = {"LOW", "MODERATE", "HIGH", "CRITICAL"};

    private final long seed;
    private final int count;
    private final int packagesPerEcosystem;
    private final String marker;

    /**
     * @param marker an extra advisory id written as record 0, so that a test can tell one synthetic DB from
     *     another (null for none)
     */
    SyntheticOsv(long seed, int count, String marker) {
        this.seed = seed;
        this.count = count;
        this.packagesPerEcosystem = Math.max(10, count / 8 / MIX.length * 2);
        this.marker = marker;
    }

    int count() {
        return count;
    }

    /** A package a record is filed under, and a version of it. */
    record Probe(String ecosystem, String release, String name, String version) {
    }

    private static int pick(Random r) {
        int roll = r.nextInt(100);
        for (int i = 0; i < MIX.length; i++) {
            roll -= Integer.parseInt(MIX[i][1]);
            if (roll < 0) {
                return i;
            }
        }
        return 0;
    }

    private int packageIndex(Random r) {
        // a few packages carry many advisories, most carry few
        return (int) (packagesPerEcosystem * Math.pow(r.nextDouble(), 1.5));
    }

    private static String name(String ecosystem, int k) {
        return switch (ecosystem) {
            case "Maven" -> "org.synth.group" + (k % 97) + ":synth-artifact-" + k;
            case "Go" -> "example.com/synth/mod" + k;
            case "npm" -> (k % 5 == 0 ? "@synth/" : "synth-") + "pkg-" + k;
            case "Packagist" -> "synth/package-" + k;
            case "NuGet" -> "Synth.Package" + k;
            default -> "synth-pkg-" + k;
        };
    }

    private static String version(String ecosystem, int major, int minor, int patch, Random r) {
        return switch (ecosystem) {
            case "Debian:12" -> (r.nextInt(10) == 0 ? "1:" : "") + major + "." + minor + "." + patch + "-" + (1 + r.nextInt(5))
                    + (r.nextBoolean() ? "+deb12u" + (1 + r.nextInt(4)) : "");
            case "Alpine:v3.20" -> major + "." + minor + "." + patch + "-r" + r.nextInt(6);
            case "Go" -> "v" + major + "." + minor + "." + patch;
            default -> major + "." + minor + "." + patch;
        };
    }

    private static String sentence(Random r, int words) {
        return sentence(new StringBuilder(words * 8), r, words).toString();
    }

    private static StringBuilder sentence(StringBuilder sb, Random r, int words) {
        for (int i = 0; i < words; i++) {
            String w = WORDS[r.nextInt(WORDS.length)];
            if (i == 0) {
                sb.append(Character.toUpperCase(w.charAt(0))).append(w, 1, w.length());
            } else {
                sb.append(' ').append(w);
            }
        }
        return sb.append('.');
    }

    /** The JSON of record {@code i}. */
    byte[] record(int i) {
        Random r = new Random(seed * 1_000_003L + i);
        int eco = pick(r);
        String ecosystem = MIX[eco][0];
        String id = i == 0 && marker != null ? marker : "SYNTH-" + Long.toString(seed, 36).toUpperCase() + "-" + i;
        ObjectNode o = JSON.createObjectNode();
        o.put("schema_version", "1.6.0");
        o.put("id", id);
        o.put("modified", Instant.ofEpochSecond(1_600_000_000L + r.nextInt(200_000_000)).toString());
        o.put("published", Instant.ofEpochSecond(1_500_000_000L + r.nextInt(100_000_000)).toString());
        o.putArray("aliases").add("SYNTH-CVE-2099-" + (10000 + i));
        o.put("summary", sentence(r, 6 + r.nextInt(8)));
        StringBuilder details = new StringBuilder(1024);
        int paragraphs = 1 + r.nextInt(4);
        for (int p = 0; p < paragraphs; p++) {
            for (int s = 0, n = 2 + r.nextInt(4); s < n; s++) {
                sentence(details, r, 8 + r.nextInt(14)).append(' ');
            }
            details.append("\n\n");
        }
        o.put("details", details.toString());
        boolean distro = ecosystem.contains(":");
        if (!distro || r.nextInt(3) == 0) {
            ArrayNode sev = o.putArray("severity");
            sev.addObject().put("type", "CVSS_V3").put("score", CVSS3[r.nextInt(CVSS3.length)]);
            if (r.nextInt(8) == 0) {
                sev.addObject().put("type", "CVSS_V4").put("score", CVSS4[r.nextInt(CVSS4.length)]);
            }
        }
        int pkg = packageIndex(r);
        ArrayNode affected = o.putArray("affected");
        ObjectNode a = affected.addObject();
        a.putObject("package").put("ecosystem", ecosystem).put("name", name(ecosystem, pkg));
        ArrayNode ranges = a.putArray("ranges");
        int rangeCount = distro ? 1 : 1 + (r.nextInt(4) == 0 ? 1 + r.nextInt(2) : 0);
        int major = r.nextInt(6);
        for (int k = 0; k < rangeCount; k++, major += 1 + r.nextInt(3)) {
            ObjectNode range = ranges.addObject();
            range.put("type", "ECOSYSTEM");
            ArrayNode events = range.putArray("events");
            boolean fromStart = k == 0 && r.nextInt(3) == 0;
            int minor = r.nextInt(20);
            events.addObject().put("introduced", fromStart ? "0" : version(ecosystem, major, minor, r.nextInt(10), r));
            int outcome = r.nextInt(100);
            if (outcome < (distro ? 70 : 85)) {
                events.addObject().put("fixed", version(ecosystem, major, minor + 1 + r.nextInt(5), r.nextInt(20), r));
            } else if (outcome < 92) {
                events.addObject().put("last_affected", version(ecosystem, major, minor + r.nextInt(5), r.nextInt(20), r));
            } // otherwise unfixed
        }
        if (distro) {
            a.putObject("ecosystem_specific").put("urgency", new String[] {"low", "medium", "high", "unimportant"}[r.nextInt(4)]);
        } else {
            ObjectNode db = a.putObject("database_specific");
            db.put("source", "https://github.com/synth-org/advisory-database/blob/main/advisories/" + id + ".json");
        }
        ArrayNode refs = o.putArray("references");
        for (int k = 0, n = 2 + r.nextInt(7); k < n; k++) {
            String prefix = REFERENCE_PREFIXES[r.nextInt(REFERENCE_PREFIXES.length)];
            refs.addObject().put("type", k == 0 ? "ADVISORY" : "WEB")
                    .put("url", prefix.replace("#", Integer.toString(pkg)) + Integer.toHexString(r.nextInt()));
        }
        ObjectNode dbs = o.putObject("database_specific");
        dbs.putArray("cwe_ids").add("CWE-" + (20 + r.nextInt(1300)));
        dbs.put("severity", LABELS[r.nextInt(LABELS.length)]);
        dbs.put("synthetic", true);
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A package with a plausible version (affected or not): one the data files advisories under, or, with the
     * given probability, one it has none for (most packages of an image have no advisory at all).
     */
    Probe probe(Random r, double withoutAdvisories) {
        int eco = pick(r);
        String ecosystem = MIX[eco][0];
        int colon = ecosystem.indexOf(':');
        String release = colon < 0 ? "" : ecosystem.substring(colon + 1);
        String base = colon < 0 ? ecosystem : ecosystem.substring(0, colon);
        int k = r.nextDouble() < withoutAdvisories ? packagesPerEcosystem + r.nextInt(1_000_000) : packageIndex(r);
        return new Probe(base, release, name(ecosystem, k), version(ecosystem, r.nextInt(12), r.nextInt(25), r.nextInt(30), r));
    }

    /** The records as a source, read through the same OSV parser as real data. */
    AdvisorySource source() {
        return new AdvisorySource() {
            @Override
            public String kind() {
                return "synthetic-osv";
            }

            @Override
            public String location() {
                return "synthetic:" + count + "@" + seed;
            }

            @Override
            public void read(Consumer<Advisory> sink, IngestLog log) {
                for (int i = 0; i < count; i++) {
                    log.recordRead();
                    OsvParser.parse(record(i), "SYNTH#" + i, log).ifPresent(sink);
                }
            }
        };
    }

    /** The records as an osv.dev-style export: a plain zip, one JSON file per record. */
    long writeZip(Path zip) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(zip), 1 << 16); ZipOutputStream z = new ZipOutputStream(out)) {
            for (int i = 0; i < count; i++) {
                byte[] json = record(i);
                z.putNextEntry(new ZipEntry("SYNTH-" + i + ".json"));
                z.write(json);
                z.closeEntry();
            }
        }
        return Files.size(zip);
    }

    /**
     * The packages of a fleet's images, image after image, as a re-match of stored inventories checks them:
     * every image starts from one of a few base images (the distribution's packages, shared exactly by every image
     * built on that base) and adds its own language packages, drawn with the advisories' popularity; half of those
     * have no advisory at all. A package has one of three versions across the fleet, as fleets pin versions.
     */
    List<Probe> fleet(int images, int packagesPerImage, long fleetSeed) {
        Random r = new Random(fleetSeed);
        int bases = 20;
        int basePackages = 300;
        List<List<Probe>> baseImages = new ArrayList<>();
        for (int b = 0; b < bases; b++) {
            String distro = b % 3 == 0 ? "Alpine:v3.20" : "Debian:12";
            List<Probe> base = new ArrayList<>();
            for (int i = 0; i < basePackages; i++) {
                base.add(fleetProbe(distro, r.nextDouble() < 0.3 ? packagesPerEcosystem + r.nextInt(5000) : packageIndex(r), r));
            }
            baseImages.add(base);
        }
        List<Probe> out = new ArrayList<>(images * packagesPerImage);
        for (int image = 0; image < images; image++) {
            out.addAll(baseImages.get((int) (bases * Math.pow(r.nextDouble(), 2))));
            for (int i = basePackages; i < packagesPerImage; i++) {
                String ecosystem;
                do {
                    ecosystem = MIX[pick(r)][0];
                } while (ecosystem.contains(":"));
                out.add(fleetProbe(ecosystem, r.nextBoolean() ? packagesPerEcosystem + r.nextInt(50_000) : packageIndex(r), r));
            }
        }
        return out;
    }

    private Probe fleetProbe(String ecosystem, int k, Random r) {
        Random pinned = new Random(k * 31L + ecosystem.hashCode() * 7L + r.nextInt(3)); // one of three versions
        int colon = ecosystem.indexOf(':');
        return new Probe(colon < 0 ? ecosystem : ecosystem.substring(0, colon), colon < 0 ? "" : ecosystem.substring(colon + 1),
                name(ecosystem, k), version(ecosystem, pinned.nextInt(12), pinned.nextInt(25), pinned.nextInt(30), pinned));
    }

    /** Probes drawn with a fixed seed. */
    List<Probe> probes(int n, long probeSeed, double withoutAdvisories) {
        Random r = new Random(probeSeed);
        List<Probe> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(probe(r, withoutAdvisories));
        }
        return out;
    }
}
