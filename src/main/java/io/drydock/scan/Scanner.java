package io.drydock.scan;

import io.drydock.DrydockException;
import io.drydock.image.ResolvedImage;
import io.drydock.inventory.AnalysisWarning;
import io.drydock.inventory.Inventory;
import io.drydock.vulndb.DbMetadata;
import io.drydock.vulndb.SourceReport;
import io.drydock.vulndb.VulnDb;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One scan, start to end: find the base, match, gate, and work out the remediation. Several images scanned by one
 * scanner share the open DB and the answers about their bases' current digests.
 */
public final class Scanner {
    private final VulnDb db;
    private final Matcher matcher;
    private final ImageAccess images;
    private final KnownBases known;
    private final BaseDetector detector;
    private final Clock clock;
    private final Map<String, CurrentBase> currentBases = new HashMap<>();
    private final Map<String, BaseNow> baseNow = new HashMap<>();

    public Scanner(VulnDb db, Matcher.Priority priority, ImageAccess images, KnownBases known, Clock clock) {
        this.db = db;
        this.matcher = new Matcher(db, priority);
        this.images = images;
        this.known = known;
        this.detector = new BaseDetector(images, known);
        this.clock = clock;
    }

    /** What the scan is given: the inventory and, for an image (not an SBOM), its layers and annotations. */
    public record Target(String name, Inventory inventory, List<String> diffIds, Map<String, String> annotations) {
    }

    public ScanReport scan(Target target, String flagBase, Gate gate) {
        var started = clock.instant();
        Inventory inv = target.inventory();
        BaseImage base = detector.detect(target.diffIds(), target.annotations(), flagBase, inv);
        Matcher.Result matched = matcher.match(inv, base.layers());
        Gate.Outcome outcome = gate.apply(matched.findings(), target.name(), inv.digest());
        Remediation remediation = remediation(outcome.kept(), base);
        if (inv.digest() != null && !target.diffIds().isEmpty()) {
            known.remember(new KnownBases.Entry(target.name(), inv.digest(), target.diffIds()));
        }
        List<String> notes = new ArrayList<>(matched.notes());
        notes.addAll(outcome.notes());
        DbMetadata m = db.metadata();
        return new ScanReport(target.name(), inv.digest(), inv.os(), started,
                new ScanReport.DbInfo(m.builtAt(), m.sources().stream().map(SourceReport::location).toList()), base,
                outcome.kept(), outcome.suppressed(), outcome.filtered(), remediation, notes,
                inv.warnings().stream().map(AnalysisWarning::toString).toList(), inv.components().size());
    }

    /** Re-matches an inventory alone, for callers that keep their own attribution (the server, benchmarks). */
    public Matcher.Result match(Inventory inventory, int baseLayers) {
        return matcher.match(inventory, baseLayers);
    }

    private Remediation remediation(List<Finding> findings, BaseImage base) {
        List<Finding> inBase = findings.stream().filter(f -> f.origin() == Origin.BASE).toList();
        List<Finding> inApp = findings.stream().filter(f -> f.origin() == Origin.APPLICATION).toList();
        Integer fixed = null;
        String digest = null;
        String created = null;
        String note;
        if (base.name() != null && !base.name().contains("@")) {
            // the tag's digest and creation time now (manifest and config only), for the freshness report
            BaseNow now = baseNow.computeIfAbsent(base.name(), this::now);
            digest = now.digest();
            created = now.created();
        }
        if (inBase.isEmpty()) {
            note = "no findings in the base image";
            fixed = 0;
        } else if (base.name() == null) {
            note = "the base image's name is unknown (" + base.how().label() + "); name it with --base IMAGE to learn whether a newer base fixes these";
        } else if (base.name().contains("@")) {
            note = "the base " + base.name() + " is named by digest only; name its tag to learn whether a newer base fixes these";
        } else {
            CurrentBase current = currentBases.computeIfAbsent(base.name(), this::current);
            if (current.error() != null) {
                digest = null;
                note = "could not check the current digest of " + base.name() + ": " + current.error();
            } else {
                digest = current.digest();
                if (digest.equals(base.digest())) {
                    fixed = 0;
                    note = base.name() + " is still at " + digest + ": only a new release of the base, or package upgrades in the image, fix these";
                } else {
                    fixed = (int) inBase.stream().filter(f -> !current.findings().contains(f.flawKey())).count();
                    note = "rebuilding on the current digest of " + base.name() + " (" + digest + ") would fix " + fixed + " of " + inBase.size();
                }
            }
        }
        List<Upgrades.Upgrade> upgrades = Upgrades.of(findings, db);
        return new Remediation(inBase.size(), fixed, digest, note, inApp.size(),
                upgrades.stream().filter(u -> u.origin() == Origin.APPLICATION).toList(),
                upgrades.stream().filter(u -> u.origin() == Origin.BASE).toList(), created);
    }

    /** The digest a base's tag resolves to now and its config's {@code created}; never fails the scan. */
    private record BaseNow(String digest, String created) {
    }

    private BaseNow now(String name) {
        try {
            ResolvedImage img = images.resolve(name);
            return new BaseNow(img.digest().toString(), img.config().created());
        } catch (RuntimeException e) {
            return new BaseNow(null, null);
        }
    }

    private record CurrentBase(String digest, Set<String> findings, String error) {
    }

    private CurrentBase current(String name) {
        try {
            Inventory inv = images.inventory(name);
            Set<String> keys = matcher.match(inv, Integer.MAX_VALUE).findings().stream().map(Finding::flawKey).collect(Collectors.toSet());
            return new CurrentBase(inv.digest(), keys, null);
        } catch (DrydockException e) {
            return new CurrentBase(null, Set.of(), e.getMessage());
        }
    }
}
