package io.drydock.vulndb;

/**
 * Which part of an advisory's data a version fell into: a range (and the stretch of it between two events), or the
 * list of explicitly affected versions.
 *
 * @param range the range that contains the version, or null when the version is listed explicitly
 * @param rangeIndex the index of that range in {@link AffectedPackage#ranges()}, -1 for a listed version
 * @param lower the event that opens the stretch; null for a listed version, or a range open below
 * @param lowerInclusive whether the lower bound itself is affected
 * @param upper the event that closes the stretch ({@code fixed}, {@code last_affected}, {@code limit}); null
 *     when nothing closes it
 * @param upperInclusive whether the upper bound itself is affected ({@code last_affected})
 * @param scheme the version scheme the comparison used
 */
public record MatchReason(
        AffectedRange range,
        int rangeIndex,
        RangeEvent lower,
        boolean lowerInclusive,
        RangeEvent upper,
        boolean upperInclusive,
        String scheme) {

    public boolean isListedVersion() {
        return range == null;
    }

    /**
     * A sentence for people, e.g. {@code "2.14.1 is at or above introduced 2.13.0 and below fixed 2.15.0
     * (ECOSYSTEM range, maven versions)"}. Built when asked for: most matches are never shown.
     */
    public String explain(String version) {
        if (range == null) {
            return version + " is listed as affected (" + scheme + " versions)";
        }
        StringBuilder why = new StringBuilder(version).append(" is ");
        if (lower == null || lower.isFromTheStart()) {
            why.append(lower != null ? "in a range introduced at 0 (every earlier version)" : "in a range open below");
        } else {
            why.append(lowerInclusive ? "at or above " : "above ").append(lower);
        }
        if (upper == null) {
            why.append(" with no fix");
        } else {
            why.append(upperInclusive ? " and at or below " : " and below ").append(upper);
        }
        return why.append(" (").append(range.type()).append(" range, ").append(scheme).append(" versions)").toString();
    }
}
