package io.drydock.scan;

import io.drydock.inventory.Component;
import io.drydock.inventory.InstalledPackage;
import io.drydock.inventory.Inventory;
import io.drydock.inventory.OsRelease;
import io.drydock.inventory.os.ReleaseLine;
import io.drydock.vulndb.AdvisoryMatch;
import io.drydock.vulndb.Ecosystems;
import io.drydock.vulndb.RangeEvent;
import io.drydock.vulndb.Severity;
import io.drydock.vulndb.StateNote;
import io.drydock.vulndb.VulnDb;
import io.drydock.vulndb.version.InvalidVersionException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Matches an inventory against the advisory DB. OS packages are looked up by their source package in their
 * distribution's release line and compared with its version scheme; language packages in their ecosystem; a
 * language package an OS package installed is left to the distribution's data unless the priority is
 * {@link Priority#COMPREHENSIVE}. Pure: the same inventory and DB give the same findings, so stored inventories
 * are re-matched whenever the advisories change.
 */
public final class Matcher {
    /** Whose data judges a language package that an OS package installed (Trivy's {@code --detection-priority}). */
    public enum Priority {
        /** The distribution's: it may have backported a fix without changing the upstream version. */
        PRECISE,
        /** Both the distribution's and upstream's. */
        COMPREHENSIVE
    }

    private final VulnDb db;
    private final Priority priority;

    /**
     * What a list of matches means, worked out once: the DB hands out the same list instance for a package version
     * it was asked about recently, and a fleet repeats the same versions, so re-matching mostly costs lookups.
     * Keyed by identity (equal lists from different lookups are merely recomputed); cleared when large.
     */
    private final Map<List<AdvisoryMatch>, List<Flaw>> flaws = new java.util.IdentityHashMap<>();
    private static final int FLAW_CACHE_LIMIT = 50_000;

    /** One flaw of a package version: the merged advisories, and what the findings on it share. */
    private record Flaw(String id, List<String> aliases, List<String> advisories, String status, List<String> fixed,
                        SeverityChoice severity, String summary, String why) {
    }

    public Matcher(VulnDb db, Priority priority) {
        this.db = db;
        this.priority = priority;
    }

    /** What matching found, and what it could not look at (with the reason, for the report). */
    public record Result(List<Finding> findings, List<String> notes, int packagesMatched) {
        public Result {
            findings = List.copyOf(findings);
            notes = List.copyOf(notes);
        }
    }

    /**
     * Findings for every component; a component installed by a layer below {@code baseLayers} is the base
     * image's.
     */
    public Result match(Inventory inventory, int baseLayers) {
        Map<FindingKey, Finding> byKey = new LinkedHashMap<>();
        Set<String> notes = new LinkedHashSet<>();
        int matched = 0;
        // once per image, not per package: re-matching a fleet runs this for every stored package
        String release = inventory.os() == null ? null : ReleaseLine.of(inventory.os());
        for (Component c : inventory.components()) {
            Optional<Finding.MatchedAs> as = lookupKey(c.pkg(), inventory.os(), release, notes);
            if (as.isEmpty() || (c.ownedBy() != null && !c.pkg().isOsPackage() && priority == Priority.PRECISE)) {
                continue;
            }
            matched++;
            Finding.MatchedAs key = as.get();
            List<AdvisoryMatch> matches;
            try {
                matches = db.query(key.ecosystem(), key.release(), key.name(), key.version());
            } catch (InvalidVersionException e) {
                notes.add(c.purl() + ": version " + key.version() + " is not a valid " + key.ecosystem() + " version, not matched: " + e.getMessage());
                continue;
            }
            if (matches.isEmpty()) {
                continue;
            }
            Origin origin = c.layer().index() < baseLayers ? Origin.BASE : Origin.APPLICATION;
            for (Flaw flaw : flaws(matches)) {
                Finding f = finding(c, key, flaw, origin);
                // the same package version at several paths of the same part of the image is one finding
                FindingKey k = new FindingKey(c.purl(), origin, f.id());
                Finding seen = byKey.get(k);
                byKey.put(k, seen == null ? f : withMorePaths(seen, f));
            }
        }
        List<Finding> findings = new ArrayList<>(byKey.values());
        findings.sort(ORDER);
        return new Result(findings, new ArrayList<>(notes), matched);
    }

    private record FindingKey(String purl, Origin origin, String id) {
    }

    private List<Flaw> flaws(List<AdvisoryMatch> matches) {
        synchronized (flaws) {
            List<Flaw> known = flaws.get(matches);
            if (known != null) {
                return known;
            }
        }
        List<Flaw> computed = sameFlaw(matches).stream().map(Matcher::flaw).toList();
        synchronized (flaws) {
            if (flaws.size() >= FLAW_CACHE_LIMIT) {
                flaws.clear();
            }
            flaws.put(matches, computed);
        }
        return computed;
    }

    /** Most severe first, then by package and id, so that reports and diffs are stable. */
    public static final Comparator<Finding> ORDER = Comparator.comparing(Finding::severity)
            .thenComparing(f -> f.pkg().name()).thenComparing(f -> f.pkg().version()).thenComparing(Finding::id)
            .thenComparing(Finding::origin);

    /**
     * The DB key a package is looked up under, or empty when there is no advisory data for its kind: the source
     * package for OS packages (Debian and Ubuntu {@code Source:}, Alpine origin, RPM source rpm), which is what
     * distributions file advisories under.
     */
    public static Optional<Finding.MatchedAs> lookupKey(InstalledPackage p, OsRelease os, Set<String> notes) {
        return lookupKey(p, os, os == null ? null : ReleaseLine.of(os), notes);
    }

    private static Optional<Finding.MatchedAs> lookupKey(InstalledPackage p, OsRelease os, String release, Set<String> notes) {
        if (p.isOsPackage()) {
            if (os == null) {
                notes.add(p.type() + " packages found but no os-release: OS packages are not matched");
                return Optional.empty();
            }
            String ecosystem = distroEcosystem(p.type(), os.id());
            if (ecosystem == null || release == null) {
                notes.add("no advisory data for " + os.id() + " " + os.versionId() + ": its " + p.type() + " packages are not matched");
                return Optional.empty();
            }
            String name = p.sourceName() != null ? p.sourceName() : p.name();
            String version = p.sourceVersion() != null ? p.sourceVersion() : p.version();
            return Optional.of(new Finding.MatchedAs(ecosystem, release, name, version));
        }
        String ecosystem = languageEcosystem(p.type());
        if (ecosystem == null) {
            notes.add("no advisory data for " + p.type() + " packages");
            return Optional.empty();
        }
        String name = switch (p.type()) {
            case "maven" -> (p.namespace() == null ? "" : p.namespace()) + ":" + p.name();
            case "npm" -> p.namespace() == null ? p.name() : "@" + p.namespace() + "/" + p.name();
            case "golang", "composer" -> p.namespace() == null ? p.name() : p.namespace() + "/" + p.name();
            default -> p.name();
        };
        return Optional.of(new Finding.MatchedAs(ecosystem, "", name, p.version()));
    }

    static String distroEcosystem(String type, String osId) {
        return switch (type + ":" + osId) {
            case "deb:debian" -> Ecosystems.DEBIAN;
            case "deb:ubuntu" -> Ecosystems.UBUNTU;
            case "apk:alpine" -> Ecosystems.ALPINE;
            case "rpm:rhel" -> Ecosystems.RED_HAT;
            case "rpm:rocky" -> Ecosystems.ROCKY_LINUX;
            case "rpm:almalinux" -> Ecosystems.ALMALINUX;
            default -> null;
        };
    }

    static String languageEcosystem(String type) {
        return switch (type) {
            case "maven" -> Ecosystems.MAVEN;
            case "npm" -> Ecosystems.NPM;
            case "pypi" -> Ecosystems.PYPI;
            case "golang" -> Ecosystems.GO;
            case "cargo" -> Ecosystems.CRATES_IO;
            case "gem" -> Ecosystems.RUBYGEMS;
            case "nuget" -> Ecosystems.NUGET;
            case "composer" -> Ecosystems.PACKAGIST;
            default -> null;
        };
    }

    /**
     * The matches grouped by the flaw they describe: two advisories are the same flaw when their ids and aliases
     * share an id (GHSA-… aliasing CVE-…, a DSA listing the CVE). Groups keep the DB's order (advisory id).
     */
    static List<List<AdvisoryMatch>> sameFlaw(List<AdvisoryMatch> matches) {
        if (matches.size() <= 1) {
            return matches.isEmpty() ? List.of() : List.of(matches);
        }
        int n = matches.size();
        int[] parent = new int[n];
        Map<String, Integer> firstWithId = new HashMap<>();
        for (int i = 0; i < n; i++) {
            parent[i] = i;
            for (String id : ids(matches.get(i))) {
                Integer j = firstWithId.putIfAbsent(id, i);
                if (j != null) {
                    parent[root(parent, i)] = root(parent, j);
                }
            }
        }
        Map<Integer, List<AdvisoryMatch>> groups = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            groups.computeIfAbsent(root(parent, i), k -> new ArrayList<>()).add(matches.get(i));
        }
        return new ArrayList<>(groups.values());
    }

    private static int root(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    private static List<String> ids(AdvisoryMatch m) {
        List<String> ids = new ArrayList<>(m.advisory().aliases());
        ids.add(m.advisory().id());
        return ids;
    }

    private static Flaw flaw(List<AdvisoryMatch> flaw) {
        TreeSet<String> all = new TreeSet<>();
        TreeSet<String> advisories = new TreeSet<>();
        for (AdvisoryMatch m : flaw) {
            all.addAll(ids(m));
            advisories.add(m.advisory().id());
        }
        String id = all.stream().filter(s -> s.startsWith("CVE-")).findFirst().orElse(advisories.first());
        all.remove(id);
        LinkedHashSet<String> fixed = new LinkedHashSet<>();
        String status = null;
        for (AdvisoryMatch m : flaw) {
            RangeEvent upper = m.reason().upper();
            if (upper != null && upper.kind() == RangeEvent.Kind.FIXED) {
                fixed.add(upper.version());
            }
            for (StateNote s : m.affected().states()) {
                if (status == null) {
                    status = s.state().toLowerCase(Locale.ROOT);
                }
            }
        }
        if (!fixed.isEmpty()) {
            status = "fixed"; // a state such as no-dsa describes a package without a fix
        } else if (status == null) {
            status = "unfixed"; // this version's stretch has no fix, whatever other stretches have
        }
        String summary = flaw.stream().map(m -> m.advisory().summary()).filter(s -> s != null && !s.isBlank()).findFirst().orElse("");
        return new Flaw(id, List.copyOf(all), List.copyOf(advisories), status, List.copyOf(fixed), severity(flaw), summary,
                flaw.get(0).explanation());
    }

    private static Finding finding(Component c, Finding.MatchedAs key, Flaw flaw, Origin origin) {
        InstalledPackage p = c.pkg();
        String displayName = p.isOsPackage() ? p.name() : key.name();
        SeverityChoice sev = flaw.severity();
        return new Finding(flaw.id(), flaw.aliases(), flaw.advisories(),
                new Finding.FoundPackage(c.purl(), p.type(), displayName, p.version(), p.locations(), c.ownedBy()), key,
                flaw.status(), flaw.fixed(), sev.rating, sev.source, sev.cvssScore, sev.cvssVector, flaw.summary(), c.layer(), origin,
                flaw.why());
    }

    private record SeverityChoice(Rating rating, String source, Double cvssScore, String cvssVector) {
    }

    /**
     * The vendor's rating first: a label the feed gives the package ({@code affected[].ecosystem_specific}), then
     * the record's ({@code database_specific}, GitHub's rating for GHSA); else the rating of the newest CVSS
     * version present. The highest-version CVSS score is shown either way.
     */
    static SeverityChoice severity(List<AdvisoryMatch> flaw) {
        Severity label = null;
        String labelFrom = null;
        Severity cvss = null;
        String cvssFrom = null;
        for (AdvisoryMatch m : flaw) {
            for (Severity s : m.severities()) {
                if (s.isCvss()) {
                    if (s.score() != null && (cvss == null || s.type().compareTo(cvss.type()) > 0)) {
                        cvss = s;
                        cvssFrom = m.advisory().id();
                    }
                } else if (label == null && Rating.of(s.rating()) != Rating.UNKNOWN) {
                    label = s;
                    labelFrom = m.advisory().id();
                }
            }
        }
        if (label != null) {
            return new SeverityChoice(Rating.of(label.rating()), labelFrom + " " + label.source() + " (vendor)",
                    cvss == null ? null : cvss.score(), cvss == null ? null : cvss.value());
        }
        if (cvss != null) {
            return new SeverityChoice(Rating.of(cvss.rating()), cvssFrom + " " + cvss.source() + " " + cvss.type(), cvss.score(), cvss.value());
        }
        return new SeverityChoice(Rating.UNKNOWN, "none in the advisories", null, null);
    }

    private static Finding withMorePaths(Finding seen, Finding more) {
        LinkedHashSet<String> paths = new LinkedHashSet<>(seen.pkg().paths());
        paths.addAll(more.pkg().paths());
        Finding.FoundPackage p = seen.pkg();
        Finding.FoundPackage merged = new Finding.FoundPackage(p.purl(), p.type(), p.name(), p.version(), new ArrayList<>(paths), p.ownedBy());
        // the lowest layer installed it first
        Finding base = seen.layer().index() <= more.layer().index() ? seen : more;
        return new Finding(base.id(), base.aliases(), base.advisories(), merged, base.matchedAs(), base.status(),
                base.fixedVersions(), base.severity(), base.severitySource(), base.cvssScore(), base.cvssVector(),
                base.summary(), base.layer(), base.origin(), base.why());
    }
}
