package io.drydock.scan;

import io.drydock.vulndb.AdvisoryMatch;
import io.drydock.vulndb.Ecosystems;
import io.drydock.vulndb.VulnDb;
import io.drydock.vulndb.version.InvalidVersionException;
import io.drydock.vulndb.version.ParsedVersion;
import io.drydock.vulndb.version.VersionScheme;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The smallest upgrade of a package that fixes every finding on it: among the fixed versions its findings name,
 * the lowest one above the installed version that the DB says none of those advisories affect. Asking the DB
 * rather than taking the highest fixed version matters with branches: log4j-core 2.12.x is fixed by 2.12.4, not
 * by 2.17.1.
 */
public final class Upgrades {
    private Upgrades() {
    }

    /** One package's advice: its findings' ids, and the version to take (null when no single version fixes all). */
    public record Upgrade(Finding.FoundPackage pkg, Finding.MatchedAs matchedAs, Origin origin, List<String> fixes,
                          String smallestFixingVersion, List<String> unfixed) {
        public Upgrade {
            fixes = List.copyOf(fixes);
            unfixed = List.copyOf(unfixed);
        }
    }

    /** Per package (purl and origin), in the order of its most severe finding. */
    public static List<Upgrade> of(List<Finding> findings, VulnDb db) {
        Map<String, List<Finding>> byPackage = new LinkedHashMap<>();
        for (Finding f : findings) {
            byPackage.computeIfAbsent(f.pkg().purl() + '\u0000' + f.origin(), k -> new ArrayList<>()).add(f);
        }
        List<Upgrade> out = new ArrayList<>();
        for (List<Finding> group : byPackage.values()) {
            Finding first = group.get(0);
            List<String> fixable = group.stream().filter(Finding::isFixable).map(Finding::id).distinct().toList();
            List<String> unfixed = group.stream().filter(f -> !f.isFixable()).map(Finding::id).distinct().toList();
            String version = fixable.isEmpty() ? null : smallest(group.stream().filter(Finding::isFixable).toList(), db).orElse(null);
            out.add(new Upgrade(first.pkg(), first.matchedAs(), first.origin(), fixable, version, unfixed));
        }
        return out;
    }

    /** The lowest candidate above the installed version that none of the findings' advisories affect. */
    static Optional<String> smallest(List<Finding> findings, VulnDb db) {
        Finding.MatchedAs key = findings.get(0).matchedAs();
        VersionScheme scheme = Ecosystems.scheme(key.ecosystem()).orElseThrow();
        ParsedVersion installed = scheme.parse(key.version());
        Set<String> advisories = findings.stream().flatMap(f -> f.advisories().stream()).collect(Collectors.toSet());
        TreeSet<ParsedVersion> candidates = new TreeSet<>(Comparator.naturalOrder());
        for (Finding f : findings) {
            for (String v : f.fixedVersions()) {
                try {
                    ParsedVersion p = scheme.parse(v);
                    if (p.compareTo(installed) > 0) {
                        candidates.add(p);
                    }
                } catch (InvalidVersionException ignored) {
                    // a fixed version the scheme cannot read cannot be advised
                }
            }
        }
        for (ParsedVersion candidate : candidates) {
            List<AdvisoryMatch> still = db.query(key.ecosystem(), key.release(), key.name(), candidate.text());
            if (still.stream().noneMatch(m -> advisories.contains(m.advisory().id()))) {
                return Optional.of(candidate.text());
            }
        }
        return Optional.empty();
    }
}
