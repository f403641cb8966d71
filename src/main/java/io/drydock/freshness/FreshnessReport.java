package io.drydock.freshness;

import java.time.LocalDate;
import java.util.List;

/**
 * How current an image is: its base against the base tag's current digest, and the end of life of its OS release
 * and of each language runtime found in it, all judged on {@code today} against end-of-life data of {@code dataDate}
 * (shown with every answer, so that a stale snapshot is visible).
 *
 * @param dataDate   the date of the end-of-life data, null if unknown
 * @param dataOrigin where the data came from: the embedded snapshot or a directory installed by {@code db update --eol}
 * @param today      the day the answers are for
 * @param base       the base's age, null when the image's base is not known by name
 * @param os         the OS release's end of life, null when the image has no os-release
 * @param runtimes   one answer per runtime found, in the order {@code Runtimes} gives them
 * @param warnings   unknown release lines, missing or unreadable dates: the answers they concern are still given
 */
public record FreshnessReport(LocalDate dataDate, String dataOrigin, LocalDate today, BaseAge base, EolAnswer os,
                              List<EolAnswer> runtimes, List<String> warnings) {
    public FreshnessReport {
        runtimes = List.copyOf(runtimes);
        warnings = List.copyOf(warnings);
    }

    /**
     * The base image's age.
     *
     * @param name            the base's reference (from the annotations, {@code --base} or an earlier scan)
     * @param builtOnDigest   the base digest the image was built on, null when not known
     * @param currentDigest   the digest the base's name resolves to now, null when it could not be looked up
     * @param behind          whether the tag has moved to a newer digest; null when that could not be checked
     * @param newerBaseBuilt  the {@code created} day of the newer base (a registry does not say when a tag moved)
     * @param daysBehind      days from {@code newerBaseBuilt} to today: how long a newer base has existed; null unless behind
     * @param baseFindings    the image's findings in its base layers
     * @param fixedByNewerBase how many of those the newer base fixes; null when not known
     * @param note            one sentence for people
     */
    public record BaseAge(String name, String builtOnDigest, String currentDigest, Boolean behind, LocalDate newerBaseBuilt,
                          Long daysBehind, int baseFindings, Integer fixedByNewerBase, String note) {
    }

    /**
     * The end of life of the OS release or of one runtime.
     *
     * @param kind     {@code os} or {@code runtime}
     * @param name     os-release ID (debian, alpine, …) or runtime name (java, node, python, …)
     * @param version  the version found
     * @param evidence what the version was read from, for people
     * @param path     the file in the image that shows it, null when it came from the image config
     * @param layer    the layer that installed that file, -1 when unknown or from the config
     * @param answer   what the end-of-life data says (its product is null when the data has no product for the name)
     */
    public record EolAnswer(String kind, String name, String version, String evidence, String path, int layer,
                            EolData.Answer answer) {
        public EolData.Status status() {
            return answer.status();
        }
    }
}
