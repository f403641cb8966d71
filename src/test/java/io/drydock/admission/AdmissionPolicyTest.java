package io.drydock.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drydock.DrydockException;
import io.drydock.image.ImageReference;
import io.drydock.sign.Attestations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The documented example of docs/admission-policy.md, and every bad input naming the file and the key. */
class AdmissionPolicyTest {
    static final String EXAMPLE = """
            apiVersion: drydock.io/v1
            kind: AdmissionPolicy
            drydockNamespace: drydock-system
            pinning: true
            podSpecKinds:
              - group: argoproj.io
                kind: Rollout
                podSpec: /spec/template/spec
            rules:
              - images: [registry.example.com/team/**]
                keys: [team.pub, release.pub]
                threshold: 2
                attestations: [vuln, sbom]
                maxAge: 24h
                requirePassingVerdict: true
                mode: enforce
              - images: registry.example.com/sandbox/*
                keys: [team.pub]
                mode: warn
            default:
              keys: [release.pub]
              mode: enforce
            namespaces:
              legacy:
                mode: audit
              gitops:
                pinning: false
            exemptions:
              - namespaceSelector:
                  matchLabels:
                    drydock.io/exempt: "true"
                reason: vendor appliance, signed by the vendor only (TICKET-12)
                expires: 2099-12-31
              - images: [docker.io/library/busybox]
                reason: debugging image, reviewed
                expires: 2099-01-31
              - images: [registry.example.com/old/**]
                reason: expired long ago
                expires: 2020-01-01
            """;

    @TempDir
    Path dir;

    private static final LocalDate TODAY = LocalDate.of(2025, 6, 1);

    @Test
    void everyFieldOfTheDocumentedExample() throws Exception {
        AdmissionPolicy p = AdmissionPolicy.read(Fixtures.writePolicy(dir, EXAMPLE));
        assertThat(p.digest()).startsWith("sha256:");
        assertThat(p.drydockNamespace()).isEqualTo("drydock-system");
        assertThat(p.podSpecKinds()).containsExactly(new PodSpecLocation("argoproj.io", "Rollout", "/spec/template/spec"));
        assertThat(p.rules()).hasSize(2);
        AdmissionPolicy.ImageRule team = p.rules().get(0);
        assertThat(team.where()).isEqualTo("rules[0]");
        assertThat(team.keys()).extracting(k -> k.name()).containsExactly("team.pub", "release.pub");
        assertThat(team.threshold()).isEqualTo(2);
        // requirePassingVerdict brings the verdict attestation with it
        assertThat(team.attestations()).containsExactlyInAnyOrder(Attestations.VULN, Attestations.SBOM, Attestations.VERDICT);
        assertThat(team.maxAge()).isEqualTo(Duration.ofHours(24));
        assertThat(team.requirePassingVerdict()).isTrue();
        assertThat(team.mode()).isEqualTo(AdmissionMode.ENFORCE);
        assertThat(p.rules().get(1).mode()).isEqualTo(AdmissionMode.WARN);
        assertThat(p.rules().get(1).threshold()).isEqualTo(1);
        assertThat(p.defaultRule().where()).isEqualTo("default");
        assertThat(p.modeFor("legacy", team)).isEqualTo(AdmissionMode.AUDIT);
        assertThat(p.modeFor("shop", team)).isEqualTo(AdmissionMode.ENFORCE);
        assertThat(p.pinningFor("gitops")).isFalse();
        assertThat(p.pinningFor("legacy")).isTrue();
        assertThat(p.exemptions()).hasSize(3);
    }

    @Test
    void firstMatchingRuleWinsElseTheDefault() throws Exception {
        AdmissionPolicy p = AdmissionPolicy.read(Fixtures.writePolicy(dir, EXAMPLE));
        assertThat(p.ruleFor(ImageReference.parse("registry.example.com/team/app:1")).where()).isEqualTo("rules[0]");
        assertThat(p.ruleFor(ImageReference.parse("registry.example.com/team/a/b/c@sha256:" + "1".repeat(64))).where()).isEqualTo("rules[0]");
        assertThat(p.ruleFor(ImageReference.parse("registry.example.com/sandbox/x:2")).where()).isEqualTo("rules[1]");
        // * stays within one segment
        assertThat(p.ruleFor(ImageReference.parse("registry.example.com/sandbox/x/y:2")).where()).isEqualTo("default");
        assertThat(p.ruleFor(ImageReference.parse("nginx")).where()).isEqualTo("default");
        // anchored: a lookalike host does not match
        assertThat(p.ruleFor(ImageReference.parse("evil.registry.example.com/team/app:1")).where()).isEqualTo("default");
        assertThat(p.ruleFor(ImageReference.parse("registry.example.com.evil.io/team/app:1")).where()).isEqualTo("default");
    }

    @Test
    void exemptionsHoldUntilTheirExpiryDay() throws Exception {
        AdmissionPolicy p = AdmissionPolicy.read(Fixtures.writePolicy(dir, EXAMPLE));
        Map<String, String> none = Map.of();
        assertThat(p.imageExemption(ImageReference.parse("busybox:1.36"), none, TODAY)).get().asString().contains("debugging image");
        assertThat(p.imageExemption(ImageReference.parse("busybox:1.36"), none, LocalDate.of(2099, 1, 31))).isPresent();
        assertThat(p.imageExemption(ImageReference.parse("busybox:1.36"), none, LocalDate.of(2099, 2, 1))).isEmpty();
        assertThat(p.imageExemption(ImageReference.parse("registry.example.com/old/app:1"), none, TODAY)).isEmpty();
        assertThat(p.expiredExemptions(TODAY)).extracting(AdmissionPolicy.Exemption::where).containsExactly("exemptions[2]");
        assertThat(p.namespaceExemption("vendor", Map.of("drydock.io/exempt", "true"), TODAY)).get().asString().contains("TICKET-12");
        assertThat(p.namespaceExemption("vendor", Map.of("drydock.io/exempt", "false"), TODAY)).isEmpty();
        assertThat(p.namespaceExemption("kube-system", none, TODAY)).isPresent();
        assertThat(p.namespaceExemption("drydock-system", none, TODAY)).isPresent();
        assertThat(p.namespaceExemption("drydock", none, TODAY)).isEmpty();
    }

    @Test
    void defaultsWhenLeftOut() throws Exception {
        AdmissionPolicy p = AdmissionPolicy.read(Fixtures.writePolicy(dir, """
                apiVersion: drydock.io/v1
                kind: AdmissionPolicy
                default:
                  keys: [release.pub]
                """));
        assertThat(p.drydockNamespace()).isEqualTo("drydock");
        assertThat(p.pinning()).isTrue();
        assertThat(p.rules()).isEmpty();
        assertThat(p.defaultRule().mode()).isEqualTo(AdmissionMode.ENFORCE);
        assertThat(p.defaultRule().threshold()).isEqualTo(1);
        assertThat(p.defaultRule().attestations()).isEmpty();
        assertThat(p.namespaceExemption("drydock", Map.of(), TODAY)).isPresent();
    }

    private static final String HEAD = "apiVersion: drydock.io/v1\nkind: AdmissionPolicy\n";
    private static final String DEFAULT = "default:\n  keys: [release.pub]\n";

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''                                                                      | the file is empty",
            "'apiVersion: drydock.io/v2\nkind: AdmissionPolicy\n'                    | apiVersion: 'drydock.io/v2' is not supported",
            "'apiVersion: drydock.io/v1\nkind: Policy\n'                             | kind: 'Policy' is not AdmissionPolicy",
            "'kind: AdmissionPolicy\n'                                               | apiVersion: required",
            "'%HEAD%'                                                                | default: missing",
            "'%HEAD%%DEFAULT%defualt: 1\n'                                           | defualt: unknown key",
            "'%HEAD%default:\n  mode: enforce\n'                                     | default.keys: required",
            "'%HEAD%default:\n  keys: [missing.pub]\n'                               | default.keys[0]:",
            "'%HEAD%default:\n  keys: [release.pub]\n  images: [x/**]\n'             | default.images: unknown key",
            "'%HEAD%default:\n  keys: [release.pub]\n  threshold: 2\n'               | default.threshold: 2 is not between 1 and the number of keys (1)",
            "'%HEAD%default:\n  keys: [release.pub]\n  threshold: two\n'             | default.threshold: must be a whole number",
            "'%HEAD%default:\n  keys: [release.pub]\n  mode: block\n'                | default.mode: 'block' is not a mode",
            "'%HEAD%default:\n  keys: [release.pub]\n  maxAge: 24\n'                 | default.maxAge: 24 has no unit",
            "'%HEAD%default:\n  keys: [release.pub]\n  maxAge: 1y\n'                 | default.maxAge: '1y' is not a duration",
            "'%HEAD%default:\n  keys: [release.pub]\n  attestations: [slsa]\n'       | default.attestations[0]: unknown attestation 'slsa'",
            "'%HEAD%default:\n  keys: [release.pub]\n  requirePassingVerdict: yes please\n' | default.requirePassingVerdict: must be true or false",
            "'%HEAD%default:\n  keys: [release.pub]\n  mode: enforce\n  mode: warn\n' | Duplicate field 'mode'",
            "'%HEAD%%DEFAULT%rules:\n  - keys: [team.pub]\n'                         | rules[0].images: required",
            "'%HEAD%%DEFAULT%rules:\n  - images: [a.io/x:1.0]\n    keys: [team.pub]\n' | rules[0].images[0]: 'a.io/x:1.0' names a tag or digest",
            "'%HEAD%%DEFAULT%rules:\n  - images: [a.io/**]\n    keys: [team.pub]\n    mdoe: warn\n' | rules[0].mdoe: unknown key",
            "'%HEAD%%DEFAULT%rules:\n  images: [a.io/**]\n'                          | rules: must be a list",
            "'%HEAD%%DEFAULT%namespaces:\n  legacy:\n    mode: loud\n'               | namespaces.legacy.mode: 'loud' is not a mode",
            "'%HEAD%%DEFAULT%namespaces:\n  legacy:\n    pinning: off please\n'      | namespaces.legacy.pinning: must be true or false",
            "'%HEAD%%DEFAULT%namespaces:\n  legacy:\n    exempt: true\n'             | namespaces.legacy.exempt: unknown key",
            "'%HEAD%%DEFAULT%exemptions:\n  - reason: r\n    expires: 2099-01-01\n'   | exemptions[0]: needs namespaceSelector or images",
            "'%HEAD%%DEFAULT%exemptions:\n  - images: [a.io/x]\n    expires: 2099-01-01\n' | exemptions[0].reason: required",
            "'%HEAD%%DEFAULT%exemptions:\n  - images: [a.io/x]\n    reason: r\n'      | exemptions[0].expires: required",
            "'%HEAD%%DEFAULT%exemptions:\n  - images: [a.io/x]\n    reason: r\n    expires: next year\n' | exemptions[0].expires: 'next year' is not a date",
            "'%HEAD%%DEFAULT%exemptions:\n  - images: [a.io/x]\n    reason: r\n    expire: 2099-01-01\n' | exemptions[0].expire: unknown key",
            "'%HEAD%%DEFAULT%exemptions:\n  - namespaceSelector:\n      matchLabels: {}\n    reason: r\n    expires: 2099-01-01\n' | exemptions[0].namespaceSelector.matchLabels: must be a non-empty map",
            "'%HEAD%%DEFAULT%exemptions:\n  - namespaceSelector:\n      matchExpressions: []\n    reason: r\n    expires: 2099-01-01\n' | exemptions[0].namespaceSelector.matchExpressions: unknown key",
            "'%HEAD%%DEFAULT%podSpecKinds:\n  - group: argoproj.io\n    kind: Rollout\n    podSpec: spec.template\n' | podSpecKinds[0].podSpec: 'spec.template' is not a JSON pointer",
            "'%HEAD%%DEFAULT%podSpecKinds:\n  - group: argoproj.io\n    podSpec: /spec\n' | podSpecKinds[0].kind: required",
            "'%HEAD%%DEFAULT%pinning: maybe\n'                                       | pinning: must be true or false",
            "'%HEAD%%DEFAULT%rules: [\n'                                             | not valid YAML",
    })
    void badInputNamesTheFileAndTheKey(String yaml, String message) throws Exception {
        Path file = Fixtures.writePolicy(dir, yaml.replace("\\n", "\n").replace("%HEAD%", HEAD).replace("%DEFAULT%", DEFAULT));
        assertThatThrownBy(() -> AdmissionPolicy.read(file))
                .isInstanceOf(DrydockException.class)
                .hasMessageStartingWith("the admission policy file " + file)
                .hasMessageContaining(message);
    }

    @Test
    void aKeyFileThatHoldsNoPublicKeyNamesTheRuleAndTheFile() throws Exception {
        Path file = Fixtures.writePolicy(dir, HEAD + "default:\n  keys: [notakey.pub]\n");
        Files.writeString(dir.resolve("notakey.pub"), "hello\n");
        assertThatThrownBy(() -> AdmissionPolicy.read(file)).hasMessageContaining("default.keys[0]")
                .hasMessageContaining("notakey.pub");
    }

    @Test
    void aMissingFile() {
        assertThatThrownBy(() -> AdmissionPolicy.read(dir.resolve("nope.yaml"))).hasMessageContaining("does not exist");
    }

    @ParameterizedTest
    @CsvSource({
            "registry.example.com/team/**, registry.example.com/team/app:1, true",
            "registry.example.com/team/**, registry.example.com/team/a/b:1, true",
            "registry.example.com/team/**, registry.example.com/team:1, false",
            "registry.example.com/team/**, registry.example.com/teams/app:1, false",
            "registry.example.com/*/app, registry.example.com/team/app:1, true",
            "registry.example.com/*/app, registry.example.com/a/b/app:1, false",
            "docker.io/library/*, nginx:1.27, true",
            "localhost:5000/**, localhost:5000/x/y:1, true",
            "**, quay.io/anything/at/all:1, true",
            "registry.example.com/team/app, registry.example.com/team/app-evil:1, false",
    })
    void anchoredGlobs(String glob, String image, boolean matches) {
        assertThat(ImagePattern.parse(glob).matches(ImageReference.parse(image))).isEqualTo(matches);
    }
}
