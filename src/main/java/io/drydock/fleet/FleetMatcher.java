package io.drydock.fleet;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.DrydockException;
import io.drydock.inventory.Inventory;
import io.drydock.scan.Finding;
import io.drydock.scan.Matcher;
import io.drydock.scan.Origin;
import io.drydock.scan.Rating;
import io.drydock.store.FindingCounts;
import io.drydock.store.MatchRecord;
import io.drydock.store.StoredImage;
import io.drydock.store.VulnHit;
import io.drydock.vulndb.VulnDb;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Matches stored inventories with the advisory DB, without a registry, and says what changed since the image's last
 * match. This is all a DB update costs the fleet: analysis is not repeated.
 */
public final class FleetMatcher {
    static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final VulnDb db;
    private final Matcher matcher;

    public FleetMatcher(VulnDb db) {
        this.db = db;
        this.matcher = new Matcher(db, Matcher.Priority.PRECISE);
    }

    public VulnDb db() {
        return db;
    }

    /** An image matched: what to store, and how it differs from the stored match (all new when there was none). */
    public record Matched(MatchRecord record, FindingChange change, List<Finding> findings) {
    }

    public Matched match(StoredImage image, Instant at) {
        Inventory inventory = InventoryCodec.decode(image.inventory(), image.digest());
        ImageFacts base = facts(image);
        int baseLayers = base == null || base.base() == null ? 0 : base.base().layers();
        List<Finding> findings = matcher.match(inventory, baseLayers).findings();
        List<FindingChange.FindingKey> keys = new ArrayList<>(findings.size());
        List<VulnHit> hits = new ArrayList<>(findings.size());
        int[] bySeverity = new int[5];
        int inBase = 0;
        int fixable = 0;
        int baseFixable = 0;
        for (Finding f : findings) {
            String origin = f.origin().label();
            String fixed = String.join(",", f.fixedVersions());
            keys.add(new FindingChange.FindingKey(f.id(), f.pkg().purl(), origin, f.severity().label(), fixed));
            hits.add(new VulnHit(f.id(), image.digest(), f.pkg().purl(), f.pkg().name(), f.pkg().version(), origin, f.severity().label(),
                    fixed.isEmpty() ? null : fixed));
            bySeverity[Math.min(f.severity().ordinal(), 4)]++;
            if (f.origin() == Origin.BASE) {
                inBase++;
            }
            if (f.isFixable()) {
                fixable++;
                if (f.origin() == Origin.BASE) {
                    baseFixable++;
                }
            }
        }
        String[] sorted = new String[keys.size()];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = keys.get(i).line();
        }
        java.util.Arrays.sort(sorted);
        String text = String.join("\n", sorted);
        FindingCounts counts = new FindingCounts(bySeverity[Rating.CRITICAL.ordinal()], bySeverity[Rating.HIGH.ordinal()],
                bySeverity[Rating.MEDIUM.ordinal()], bySeverity[Rating.LOW.ordinal()], bySeverity[4], inBase, findings.size() - inBase,
                fixable, baseFixable);
        if (text.equals(image.findings())) {
            FindingChange none = FindingChange.none(image.digest());
            return new Matched(new MatchRecord(image.digest(), at, text, counts, hits, new MatchRecord.HitChange(List.of(), List.of(), List.of())),
                    none, findings);
        }
        FindingChange change = diff(image.digest(), image.findings(), keys);
        MatchRecord.HitChange rows = null;
        if (image.findings() != null) {
            Map<String, VulnHit> byIdentity = new HashMap<>();
            for (int i = 0; i < keys.size(); i++) {
                byIdentity.put(keys.get(i).identity(), hits.get(i));
            }
            rows = new MatchRecord.HitChange(change.added().stream().map(k -> byIdentity.get(k.identity())).toList(),
                    change.fixed().stream().map(k -> new VulnHit(k.id(), image.digest(), k.purl(), null, null, k.origin(), k.severity(), null)).toList(),
                    change.rerated().stream().map(k -> byIdentity.get(k.identity())).toList());
        }
        return new Matched(new MatchRecord(image.digest(), at, text, counts, hits, rows), change, findings);
    }

    /** The image's full findings now, for its page: the same match, kept in memory only. */
    public List<Finding> findings(StoredImage image) {
        ImageFacts base = facts(image);
        int baseLayers = base == null || base.base() == null ? 0 : base.base().layers();
        return matcher.match(InventoryCodec.decode(image.inventory(), image.digest()), baseLayers).findings();
    }

    static FindingChange diff(String digest, String before, List<FindingChange.FindingKey> now) {
        Map<String, FindingChange.FindingKey> old = new HashMap<>();
        if (before != null && !before.isEmpty()) {
            for (String line : before.split("\n")) {
                FindingChange.FindingKey k = FindingChange.FindingKey.parse(line);
                old.put(k.identity(), k);
            }
        }
        List<FindingChange.FindingKey> added = new ArrayList<>();
        List<FindingChange.FindingKey> rerated = new ArrayList<>();
        List<FindingChange.FindingKey> raised = new ArrayList<>();
        for (FindingChange.FindingKey k : now) {
            FindingChange.FindingKey was = old.remove(k.identity());
            if (was == null) {
                added.add(k);
            } else if (!was.severity().equals(k.severity()) || !was.fixed().equals(k.fixed())) {
                // a new fixed version changes what the index and the counts say, as a new rating does
                rerated.add(k);
                if (Rating.valueOf(k.severity()).compareTo(Rating.valueOf(was.severity())) < 0) {
                    raised.add(k);
                }
            }
        }
        List<FindingChange.FindingKey> fixed = new ArrayList<>(old.values());
        fixed.sort(java.util.Comparator.comparing(FindingChange.FindingKey::line));
        return new FindingChange(digest, added, fixed, rerated, raised);
    }

    public static ImageFacts facts(StoredImage image) {
        if (image.facts() == null) {
            return null;
        }
        try {
            return JSON.readValue(image.facts(), ImageFacts.class);
        } catch (java.io.IOException e) {
            throw new DrydockException("the stored base of " + image.digest() + " cannot be read: " + DrydockException.reason(e), e);
        }
    }
}
