package io.drydock.policy;

import io.drydock.scan.Finding;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a policy requires, as its {@code rules:} map says; documented field by field in {@code docs/policy.md}. Every
 * limit is null, and every list empty, when the policy does not set it: a rule that is not set is not judged.
 *
 * @param maxSeverity the limit for findings that {@code maxSeverityBase} or {@code maxSeverityApp} do not cover
 * @param ignoreUnfixed findings without a fixed version do not count for the severity limits
 * @param allow findings the severity limits let through, while their entry has not expired
 * @param nonRootUser the config's {@code User} must name someone other than root
 * @param maxBaseAge how long ago the base image may have been built
 * @param maxScanAge how old a scan a stored verdict may rest on; applied by verification, recorded here
 * @param requireAttestations what verification must find attached to the image; recorded here
 * @param denyEolOs fail an image whose OS release line is past its end of support; null when not set
 * @param denyEolRuntime fail an image with a language runtime past its end of support; null when not set
 * @param allowedBases the approved bases an image must be built on, directly or transitively; null when not set
 */
public record Rules(SeverityLimit maxSeverity, SeverityLimit maxSeverityBase, SeverityLimit maxSeverityApp,
                    boolean ignoreUnfixed, List<AllowEntry> allow, List<PackagePattern> bannedPackages,
                    List<RequiredLabel> requiredLabels, boolean nonRootUser, Duration maxBaseAge, Duration maxScanAge,
                    List<AttestationKind> requireAttestations, EolRule denyEolOs, EolRule denyEolRuntime,
                    AllowedBases allowedBases) {

    public Rules {
        allow = List.copyOf(allow);
        bannedPackages = List.copyOf(bannedPackages);
        requiredLabels = List.copyOf(requiredLabels);
        requireAttestations = List.copyOf(requireAttestations);
    }

    /** Nothing required: every image passes. */
    public static final Rules NONE = new Rules(null, null, null, false, List.of(), List.of(), List.of(), false, null, null,
            List.of(), null, null, null);

    /**
     * {@code denyEolOs} or {@code denyEolRuntime}: a release line fails once its end of support lies more than
     * {@code grace} in the past. The end is the end of regular security support; with {@code allowExtendedSupport}
     * it is the end of extended support (Debian LTS, Ubuntu Pro, RHEL ELS) when the line has one.
     */
    public record EolRule(Duration grace, boolean allowExtendedSupport) {
        public String setting() {
            return "grace " + (grace.isZero() ? "0d" : PolicyDuration.format(grace))
                    + (allowExtendedSupport ? ", extended support allowed" : "");
        }
    }

    /**
     * {@code allowedBases}: the approved base references ({@code registry/repository:tag}).
     *
     * @param source the catalogue file as the policy names it, or {@code inline} for a list in the policy
     * @param digest {@code sha256:<hex>} of the catalogue file; null for an inline list
     * @param images the approved references, as written
     */
    public record AllowedBases(String source, String digest, List<String> images) {
        public AllowedBases {
            images = List.copyOf(images);
        }

        public String setting() {
            return source.equals("inline") ? String.join(", ", images) : source + " (" + digest + ")";
        }
    }

    /**
     * One allow-list entry. It allows through the day {@code expires} (UTC) and not after, like the ignore file's
     * entries, so that "expires 2027-01-01" still holds on New Year's Day.
     *
     * @param number counts from 1 in file order, for messages
     * @param id any id of the finding: CVE, GHSA, DSA…, compared without regard to case
     * @param expires null when the entry never expires
     */
    public record AllowEntry(int number, String id, String reason, LocalDate expires) {
        public boolean expired(LocalDate today) {
            return expires != null && today.isAfter(expires);
        }

        public boolean matches(Finding f) {
            return f.allIds().stream().anyMatch(i -> i.equalsIgnoreCase(id));
        }

        public String describe() {
            return "allow-list entry " + number + " (" + id + ")";
        }
    }

    /**
     * A label the image config must carry with a non-blank value, matching {@code regex} in full when one is given.
     *
     * @param regex null when any value will do
     */
    public record RequiredLabel(String name, String regex) {
        public boolean satisfiedBy(String value) {
            return value != null && !value.isBlank() && (regex == null || Pattern.compile(regex).matcher(value).matches());
        }
    }
}
