package io.drydock.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.fleet.FleetMatcher;
import io.drydock.fleet.ImageFacts;
import io.drydock.fleet.InventoryCodec;
import io.drydock.inventory.Component;
import io.drydock.inventory.InstalledPackage;
import io.drydock.inventory.Inventory;
import io.drydock.inventory.OsRelease;
import io.drydock.layer.LayerInfo;
import io.drydock.scan.BaseImage;
import io.drydock.store.MatchRecord;
import io.drydock.store.Store;
import io.drydock.store.StoredImage;
import io.drydock.vulndb.EmbeddedAdvisories;
import io.drydock.vulndb.VulnDbBuilder;
import io.drydock.vulndb.osv.AdvisorySource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A synthetic fleet for the server's benchmarks: images of 200 Debian 12 packages and 100 language packages (npm
 * and Maven). Some packages are the ones Drydock's shipped advisories name, at old versions, so images have
 * findings as real ones do; the rest come from a pool of a few thousand names, so lookups spread as in a fleet.
 */
final class FleetData {
    static final ObjectMapper JSON = new ObjectMapper();
    static final OsRelease DEBIAN = new OsRelease("debian", "12", "Debian GNU/Linux 12 (bookworm)", "bookworm");
    /** Source packages the shipped Debian advisories name. */
    static final List<String> DEBIAN_NAMED = List.of("acl", "bzip2", "db5.3", "e2fsprogs", "gcc-12", "glibc", "gmp", "gnupg2", "gnutls28",
            "gzip", "libcap2", "libgcrypt20", "libidn2-0", "libseccomp", "libsepol", "libtasn1-6", "lz4", "ncurses", "nettle", "p11-kit",
            "pam", "perl", "sed", "shadow", "systemd", "tar", "util-linux", "xz-utils", "zlib");
    static final List<String[]> LANG_NAMED = List.of(new String[] {"npm", null, "lodash", "4.17.15"}, new String[] {"npm", null, "minimist", "1.2.0"},
            new String[] {"npm", null, "acorn", "5.7.3"}, new String[] {"maven", "org.apache.logging.log4j", "log4j-core", "2.14.1"},
            new String[] {"maven", "com.fasterxml.jackson.core", "jackson-databind", "2.9.8"});

    private FleetData() {
    }

    static Inventory inventory(Random r, int n) {
        String digest = digest(r);
        List<LayerInfo> layers = List.of(new LayerInfo(0, digest(r), digest(r), "debootstrap --variant=minbase bookworm"),
                new LayerInfo(1, digest(r), digest(r), "RUN apt-get install -y ca-certificates"),
                new LayerInfo(2, digest(r), digest(r), "COPY app /app"));
        List<Component> components = new ArrayList<>(300);
        for (int i = 0; i < 200; i++) {
            String source;
            String version;
            if (i < DEBIAN_NAMED.size()) {
                source = DEBIAN_NAMED.get(i);
                version = r.nextInt(4) == 0 ? "99.0-1" : "0.1-1";
            } else {
                source = "libfill" + r.nextInt(3000);
                version = "1." + r.nextInt(20) + "-1";
            }
            String name = source + (i % 3 == 0 ? "-bin" : "");
            InstalledPackage p = new InstalledPackage("deb", "debian", name, version, "amd64", source, version, List.of(), List.of("var/lib/dpkg/status"),
                    List.of(), null);
            components.add(new Component(p, "pkg:deb/debian/" + name + "@" + version + "?arch=amd64&distro=debian-12", layers.get(i < 150 ? 0 : 1), null));
        }
        for (int i = 0; i < 100; i++) {
            String type;
            String ns;
            String name;
            String version;
            if (i < LANG_NAMED.size() && r.nextInt(3) > 0) {
                String[] named = LANG_NAMED.get(i);
                type = named[0];
                ns = named[1];
                name = named[2];
                version = named[3];
            } else if (r.nextBoolean()) {
                type = "npm";
                ns = null;
                name = "fill-npm-" + r.nextInt(5000);
                version = "1." + r.nextInt(10) + ".0";
            } else {
                type = "maven";
                ns = "org.fill" + r.nextInt(50);
                name = "fill-jar-" + r.nextInt(2000);
                version = "2." + r.nextInt(10) + ".1";
            }
            String purl = "pkg:" + type + "/" + (ns == null ? "" : ns + "/") + name + "@" + version;
            InstalledPackage p = new InstalledPackage(type, ns, name, version, null, null, null, List.of(),
                    List.of(type.equals("npm") ? "app/node_modules/" + name + "/package.json" : "app/lib/" + name + "-" + version + ".jar"), List.of(), null);
            components.add(new Component(p, purl, layers.get(2), null));
        }
        return new Inventory("registry.example/fleet/app-" + n + ":1", digest, DEBIAN, layers, components, List.of());
    }

    static String digest(Random r) {
        return String.format("sha256:%016x%016x%016x%016x", r.nextLong(), r.nextLong(), r.nextLong(), r.nextLong());
    }

    static StoredImage stored(Inventory inv) throws IOException {
        String facts = JSON.writeValueAsString(new ImageFacts(new BaseImage(2, "registry.example/base/debian:12", null, BaseImage.How.ANNOTATION,
                "from the base annotations"), null, null, null, 0, List.of()));
        return new StoredImage(inv.digest(), inv.image(), inv.image().substring(0, inv.image().lastIndexOf(':')), InventoryCodec.encode(inv), facts,
                Instant.now(), null, null);
    }

    /** Stores {@code n} images matched with {@code matcher}, in batches; returns them as stored. */
    static List<StoredImage> fill(Store store, int n, FleetMatcher matcher, long seed) throws IOException {
        Random r = new Random(seed);
        List<StoredImage> out = new ArrayList<>(n);
        List<MatchRecord> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StoredImage image = stored(inventory(r, i));
            store.putImage(image);
            batch.add(matcher.match(image, Instant.now()).record());
            out.add(image);
            if (batch.size() == 200) {
                store.putMatches(batch, List.of(), List.of());
                batch.clear();
            }
        }
        store.putMatches(batch, List.of(), List.of());
        return out;
    }

    /** The advisory DB Drydock ships, built at {@code target}, plus the OSV records in {@code extra} (may be null). */
    static Path buildDb(Path target, Path extra) throws IOException {
        VulnDbBuilder b = VulnDbBuilder.to(target);
        EmbeddedAdvisories.sources().forEach(b::add);
        if (extra != null) {
            b.add(AdvisorySource.of(extra));
        }
        b.build();
        return target;
    }

    /** A new Debian advisory for one of the pool's packages: what a DB update brings. */
    static Path newAdvisory(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("DRYDOCK-BENCH-2026-0001.json"), """
                {"schema_version": "1.6.0", "id": "DRYDOCK-BENCH-2026-0001", "modified": "2026-11-20T00:00:00Z",
                 "published": "2026-11-20T00:00:00Z", "aliases": ["CVE-2026-99999"], "summary": "a flaw found in a fill package",
                 "affected": [{"package": {"ecosystem": "Debian:12", "name": "libfill7"},
                   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "9.9-1"}]}],
                   "database_specific": {"urgency": "high"}}]}
                """);
        return dir;
    }
}
