package io.drydock.fleet;

import java.util.List;

/**
 * How one image's findings changed between two matches.
 *
 * @param added findings the new advisories brought
 * @param fixed findings that are gone (an advisory withdrawn or its range narrowed)
 * @param rerated findings whose severity or fixed versions changed, as they are now
 * @param raised those of {@code rerated} that became more severe: the only re-ratings worth a notification
 */
public record FindingChange(String digest, List<FindingKey> added, List<FindingKey> fixed, List<FindingKey> rerated, List<FindingKey> raised) {
    public FindingChange {
        added = List.copyOf(added);
        fixed = List.copyOf(fixed);
        rerated = List.copyOf(rerated);
        raised = List.copyOf(raised);
    }

    public static FindingChange none(String digest) {
        return new FindingChange(digest, List.of(), List.of(), List.of(), List.of());
    }

    public boolean isEmpty() {
        return added.isEmpty() && fixed.isEmpty() && rerated.isEmpty();
    }

    /**
     * A finding as matches are compared: the flaw in a package at a version, in the base or the application.
     *
     * @param fixed the fixing versions, comma-separated, empty when none is known
     */
    public record FindingKey(String id, String purl, String origin, String severity, String fixed) {
        String line() {
            return id + '\t' + purl + '\t' + origin + '\t' + severity + '\t' + fixed;
        }

        /** What a finding is across matches, whatever its rating: the flaw, the package as found, the origin. */
        String identity() {
            return id + '\t' + purl + '\t' + origin;
        }

        static FindingKey parse(String line) {
            String[] f = line.split("\t", -1);
            return new FindingKey(f[0], f[1], f[2], f[3], f.length > 4 ? f[4] : "");
        }
    }
}
