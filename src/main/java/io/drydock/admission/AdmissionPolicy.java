package io.drydock.admission;

import io.drydock.image.ImageReference;
import io.drydock.sign.Attestations;
import io.drydock.sign.Verifier;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The admission policy file ({@code docs/admission-policy.md}): which keys must have signed which images, what must
 * be attested, and what an unverified image does in each namespace.
 *
 * @param digest sha256 of the file's bytes, so that cached verdicts are dropped when the policy changes
 * @param drydockNamespace the namespace Drydock runs in; exempt, so the gate can never lock itself out
 * @param pinning whether images given by tag are patched to the digest that was verified, unless a namespace says not
 */
public record AdmissionPolicy(Path file, String digest, String drydockNamespace, List<PodSpecLocation> podSpecKinds,
        List<ImageRule> rules, ImageRule defaultRule, Map<String, NamespaceSettings> namespaces,
        List<Exemption> exemptions, boolean pinning) {
    public static final String API_VERSION = "drydock.io/v1";
    public static final String KIND = "AdmissionPolicy";
    public static final String KUBE_SYSTEM = "kube-system";
    public static final String DEFAULT_DRYDOCK_NAMESPACE = "drydock";

    public AdmissionPolicy {
        podSpecKinds = List.copyOf(podSpecKinds);
        rules = List.copyOf(rules);
        namespaces = Map.copyOf(namespaces);
        exemptions = List.copyOf(exemptions);
    }

    /** Reads and checks a policy file strictly; errors name the file and the key. */
    public static AdmissionPolicy read(Path file) {
        return AdmissionPolicyParser.read(file);
    }

    /**
     * What an image must prove. {@code where} names the rule in messages ({@code rules[2]}, {@code default}).
     *
     * @param images null for the default rule
     * @param maxAge how old attested facts may be; null for any age
     */
    public record ImageRule(String where, List<ImagePattern> images, List<Verifier.TrustedKey> keys, int threshold,
            Set<Attestations> attestations, Duration maxAge, boolean requirePassingVerdict, AdmissionMode mode) {
        public ImageRule {
            images = images == null ? null : List.copyOf(images);
            keys = List.copyOf(keys);
            attestations = Set.copyOf(attestations);
        }

        public boolean matches(ImageReference image) {
            return images == null || images.stream().anyMatch(p -> p.matches(image));
        }

        /** The same requirements in the verifier's terms. */
        public Verifier.Requirements requirements() {
            return new Verifier.Requirements(threshold, Set.of(), attestations, maxAge);
        }
    }

    /** Per-namespace overrides; a null field leaves the rule's or the policy's setting. */
    public record NamespaceSettings(AdmissionMode mode, Boolean pinning) {
    }

    /**
     * Images or namespaces that are not verified. With only a namespace selector the whole namespace is exempt;
     * with only images, those images everywhere; with both, those images in those namespaces.
     *
     * @param matchLabels null when the exemption is not by namespace
     * @param images null when the exemption is not by image
     * @param expires the last day (UTC) the exemption holds
     */
    public record Exemption(String where, Map<String, String> matchLabels, List<ImagePattern> images, String reason,
            LocalDate expires) {
        public Exemption {
            matchLabels = matchLabels == null ? null : Map.copyOf(matchLabels);
            images = images == null ? null : List.copyOf(images);
        }

        public boolean expired(LocalDate today) {
            return today.isAfter(expires);
        }

        boolean selectsNamespace(Map<String, String> namespaceLabels) {
            return matchLabels == null || matchLabels.entrySet().stream()
                    .allMatch(e -> e.getValue().equals(namespaceLabels.get(e.getKey())));
        }

        boolean selectsImage(ImageReference image) {
            return images == null || images.stream().anyMatch(p -> p.matches(image));
        }

        String describe() {
            return reason + " (" + where + ", until " + expires + ")";
        }
    }

    /** The first rule whose patterns match, else the default. */
    public ImageRule ruleFor(ImageReference image) {
        return rules.stream().filter(r -> r.matches(image)).findFirst().orElse(defaultRule);
    }

    public AdmissionMode modeFor(String namespace, ImageRule rule) {
        NamespaceSettings s = namespaces.get(namespace);
        return s != null && s.mode() != null ? s.mode() : rule.mode();
    }

    public boolean pinningFor(String namespace) {
        NamespaceSettings s = namespaces.get(namespace);
        return s != null && s.pinning() != null ? s.pinning() : pinning;
    }

    /**
     * Why the whole namespace is exempt, if it is. {@code namespaceLabels} must come from the API server's Namespace
     * object, never from the request: anyone who can create a pod can write its labels and annotations.
     */
    public Optional<String> namespaceExemption(String namespace, Map<String, String> namespaceLabels, LocalDate today) {
        if (namespace.equals(KUBE_SYSTEM)) {
            return Optional.of("kube-system is exempt by default");
        }
        if (namespace.equals(drydockNamespace)) {
            return Optional.of("Drydock's own namespace (" + drydockNamespace + ") is exempt by default");
        }
        return exemptions.stream()
                .filter(e -> e.matchLabels() != null && e.images() == null && !e.expired(today)
                        && e.selectsNamespace(namespaceLabels))
                .findFirst().map(Exemption::describe);
    }

    /** Why this image is exempt in this namespace, if it is; expired exemptions no longer count. */
    public Optional<String> imageExemption(ImageReference image, Map<String, String> namespaceLabels, LocalDate today) {
        return exemptions.stream()
                .filter(e -> e.images() != null && !e.expired(today) && e.selectsNamespace(namespaceLabels)
                        && e.selectsImage(image))
                .findFirst().map(Exemption::describe);
    }

    /** Exemptions that would apply but have expired: worth telling the audit log, since they used to let images in. */
    public List<Exemption> expiredExemptions(LocalDate today) {
        return exemptions.stream().filter(e -> e.expired(today)).toList();
    }
}
