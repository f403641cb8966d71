package io.drydock.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drydock.image.Digest;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AdmissionDecisionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LocalDate TODAY = LocalDate.of(2025, 6, 1);
    private static final Digest APP = Digest.parse("sha256:" + "a".repeat(64));
    private static final Digest MIGRATE = Digest.parse("sha256:" + "b".repeat(64));
    private static final Digest PROXY = Digest.parse("sha256:" + "2".repeat(64));

    @TempDir
    Path dir;

    /** A registry that knows which references verify: by the reference's text, as the gate normalises it. */
    private final Map<String, Verification.Outcome> registry = new HashMap<>();
    private final List<String> asked = new ArrayList<>();
    private final Verification verification = (image, rule) -> {
        asked.add(image + " " + rule.where());
        return registry.getOrDefault(image.toString(), new Verification.Failed("no signature by a trusted key"));
    };

    @BeforeEach
    void signedImages() {
        registry.put("registry.example.com/team/app:1.0", new Verification.Verified(APP));
        registry.put("registry.example.com/team/migrate:2.1", new Verification.Verified(MIGRATE));
        registry.put("registry.example.com/team/proxy@" + PROXY, new Verification.Verified(PROXY));
    }

    private AdmissionPolicy policy(String extra) throws Exception {
        return AdmissionPolicy.read(Fixtures.writePolicy(dir, """
                apiVersion: drydock.io/v1
                kind: AdmissionPolicy
                rules:
                  - images: [registry.example.com/team/**]
                    keys: [team.pub]
                default:
                  keys: [release.pub]
                """ + extra));
    }

    private static AdmissionDecision decide(String fixture, AdmissionPolicy policy, Map<String, String> labels, Verification v) {
        return AdmissionDecision.decide(Fixtures.request(fixture), policy, labels, v, TODAY);
    }

    @Test
    void aVerifiedPodIsAllowedAndPinnedToTheVerifiedDigests() throws Exception {
        AdmissionDecision d = decide("pod.json", policy(""), Map.of(), verification);
        assertThat(d.allowed()).isTrue();
        assertThat(d.images()).extracting(AdmissionDecision.ImageVerdict::outcome).containsOnly(AdmissionDecision.Outcome.VERIFIED);
        assertThat(asked).containsExactlyInAnyOrder("registry.example.com/team/app:1.0 rules[0]",
                "registry.example.com/team/proxy@" + PROXY + " rules[0]", "registry.example.com/team/migrate:2.1 rules[0]");

        JsonNode review = d.toReview(true);
        JsonNode response = review.get("response");
        assertThat(review.get("apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
        assertThat(response.get("uid").asText()).isEqualTo("705ab4f5-6393-11e8-b7cc-42010a800002");
        assertThat(response.get("allowed").asBoolean()).isTrue();
        assertThat(response.get("patchType").asText()).isEqualTo("JSONPatch");

        JsonNode patched = apply(Fixtures.request("pod.json").object(), Base64.getDecoder().decode(response.get("patch").asText()));
        assertThat(patched.at("/spec/containers/0/image").asText()).isEqualTo("registry.example.com/team/app:1.0@" + APP);
        assertThat(patched.at("/spec/initContainers/0/image").asText()).isEqualTo("registry.example.com/team/migrate:2.1@" + MIGRATE);
        // already pinned by digest: left as written
        assertThat(patched.at("/spec/containers/1/image").asText()).isEqualTo("registry.example.com/team/proxy@" + PROXY);
        JsonNode ops = JSON.readTree(d.jsonPatch());
        assertThat(ops).hasSize(2);
        assertThat(ops.get(0).get("op").asText()).isEqualTo("replace");

        // the validating endpoint never answers with a patch
        assertThat(d.toReview(false).get("response").has("patch")).isFalse();
    }

    @Test
    void templatesArePinnedAtTheirOwnPointer() throws Exception {
        registry.put("registry.example.com/team/backup:2024.1", new Verification.Verified(APP));
        AdmissionDecision d = decide("cronjob.json", policy(""), Map.of(), verification);
        JsonNode patched = apply(Fixtures.request("cronjob.json").object(), d.jsonPatch());
        assertThat(patched.at("/spec/jobTemplate/spec/template/spec/containers/0/image").asText())
                .isEqualTo("registry.example.com/team/backup:2024.1@" + APP);
    }

    @Test
    void aDigestThatIsNotTheVerifiedOneIsDenied() throws Exception {
        registry.put("registry.example.com/team/proxy@" + PROXY, new Verification.Verified(APP));
        AdmissionDecision d = decide("pod.json", policy(""), Map.of(), verification);
        assertThat(d.allowed()).isFalse();
        assertThat(d.message()).contains("registry.example.com/team/proxy@" + PROXY)
                .contains("names " + PROXY + " but " + APP + " is what was verified");
    }

    @Test
    void pinningSwitchedOffForANamespace() throws Exception {
        AdmissionDecision d = decide("pod.json", policy("namespaces:\n  shop:\n    pinning: false\n"), Map.of(), verification);
        assertThat(d.allowed()).isTrue();
        assertThat(d.patch()).isEmpty();
        assertThat(d.toReview(true).get("response").has("patchType")).isFalse();
    }

    @ParameterizedTest
    @EnumSource(AdmissionMode.class)
    void theSameUnsignedImageInEachMode(AdmissionMode mode) throws Exception {
        registry.remove("registry.example.com/team/app:1.0");
        AdmissionPolicy p = policy("namespaces:\n  shop:\n    mode: " + mode.label() + "\n");
        JsonNode response = decide("pod.json", p, Map.of(), verification).toReview(true).get("response");
        String expected = "image registry.example.com/team/app:1.0 (container app, /spec/containers/0/image): "
                + "not verified under rules[0]: no signature by a trusted key";
        switch (mode) {
            case ENFORCE -> {
                assertThat(response.get("allowed").asBoolean()).isFalse();
                assertThat(response.at("/status/code").asInt()).isEqualTo(403);
                assertThat(response.at("/status/message").asText()).startsWith("Drydock denied Pod shop/web: ").contains(expected);
                assertThat(response.has("patch")).isFalse();
            }
            case WARN -> {
                assertThat(response.get("allowed").asBoolean()).isTrue();
                assertThat(response.get("warnings")).hasSize(1);
                assertThat(response.get("warnings").get(0).asText()).contains(expected);
                assertThat(response.has("auditAnnotations")).isFalse();
            }
            case AUDIT -> {
                assertThat(response.get("allowed").asBoolean()).isTrue();
                assertThat(response.has("warnings")).isFalse();
                assertThat(response.at("/auditAnnotations/unverified").asText()).contains(expected);
            }
        }
        if (mode != AdmissionMode.ENFORCE) {
            // the verified images are still pinned; the unverified one is not, since nothing vouches for a digest
            JsonNode patched = apply(Fixtures.request("pod.json").object(), Base64.getDecoder().decode(response.get("patch").asText()));
            assertThat(patched.at("/spec/containers/0/image").asText()).isEqualTo("registry.example.com/team/app:1.0");
            assertThat(patched.at("/spec/initContainers/0/image").asText()).endsWith("@" + MIGRATE);
        }
    }

    @Test
    void aRuleModeAppliesWhereNoNamespaceOverridesIt() throws Exception {
        AdmissionPolicy p = AdmissionPolicy.read(Fixtures.writePolicy(dir, """
                apiVersion: drydock.io/v1
                kind: AdmissionPolicy
                rules:
                  - images: [registry.example.com/team/**]
                    keys: [team.pub]
                    mode: warn
                default:
                  keys: [release.pub]
                namespaces:
                  prod:
                    mode: enforce
                """));
        registry.clear();
        assertThat(decide("deployment.json", p, Map.of(), verification).allowed()).isTrue();
        AdmissionRequest prod = Fixtures.request("deployment.json");
        prod = new AdmissionRequest(prod.uid(), prod.kind(), prod.resource(), "", "prod", prod.name(), prod.operation(), prod.object(), "");
        assertThat(AdmissionDecision.decide(prod, p, Map.of(), verification, TODAY).allowed()).isFalse();
    }

    @Test
    void forgedExemptionAnnotationsAndLabelsOnTheObjectDoNotExempt() throws Exception {
        AdmissionPolicy p = policy("""
                exemptions:
                  - namespaceSelector:
                      matchLabels:
                        drydock.io/exempt: "true"
                    reason: vendor namespace
                    expires: 2099-12-31
                """);
        // the object claims kube-system and carries the exemption label and annotations; the request says shop
        AdmissionDecision d = decide("pod-forged-exemption.json", p, Map.of("team", "shop"), verification);
        assertThat(d.allowed()).isFalse();
        assertThat(d.message()).contains("registry.example.com/team/unsigned:1").contains("no signature by a trusted key");
        assertThat(d.auditAnnotations()).isEmpty();
        // the same labels on the Namespace itself, as read from the API server, do exempt
        AdmissionDecision exempt = decide("pod-forged-exemption.json", p, Map.of("drydock.io/exempt", "true"), verification);
        assertThat(exempt.allowed()).isTrue();
        assertThat(exempt.auditAnnotations().get("exempt")).contains("vendor namespace");
    }

    @Test
    void anUnreachableRegistryIsADenyThatSaysSo() throws Exception {
        Verification down = (image, rule) -> new Verification.Unavailable("connection refused: registry.example.com:443");
        AdmissionDecision d = decide("deployment.json", policy(""), Map.of(), down);
        assertThat(d.allowed()).isFalse();
        assertThat(d.message()).contains("registry.example.com/team/app:1.0")
                .contains("the registry could not be reached").contains("connection refused");
        assertThat(d.images()).extracting(AdmissionDecision.ImageVerdict::outcome).containsExactly(AdmissionDecision.Outcome.UNAVAILABLE);
    }

    @Test
    void aVerifierThatThrowsFailsClosed() throws Exception {
        Verification broken = (image, rule) -> {
            throw new IllegalStateException("deadline exceeded");
        };
        AdmissionDecision d = decide("deployment.json", policy(""), Map.of(), broken);
        assertThat(d.allowed()).isFalse();
        assertThat(d.message()).contains("could not be reached").contains("deadline exceeded");
    }

    @Test
    void exemptImagesAreAllowedUnverifiedWithTheReasonInTheAuditLog() throws Exception {
        AdmissionPolicy p = policy("""
                exemptions:
                  - images: [docker.io/library/busybox]
                    reason: init image reviewed by security (SEC-42)
                    expires: 2099-12-31
                """);
        registry.put("registry.example.com/team/postgres:16", new Verification.Verified(APP));
        AdmissionDecision d = decide("statefulset.json", p, Map.of(), verification);
        assertThat(d.allowed()).isTrue();
        assertThat(d.auditAnnotations().get("exempt")).contains("docker.io/library/busybox:1.36").contains("SEC-42");
        assertThat(asked).noneMatch(a -> a.contains("busybox"));
        assertThat(d.patch()).extracting(AdmissionDecision.ImagePatch::pointer)
                .containsExactly("/spec/template/spec/containers/0/image");
    }

    @Test
    void anExpiredExemptionNoLongerExempts() throws Exception {
        AdmissionPolicy p = policy("""
                exemptions:
                  - images: [docker.io/library/busybox]
                    reason: temporary
                    expires: 2025-05-31
                """);
        registry.put("registry.example.com/team/postgres:16", new Verification.Verified(APP));
        AdmissionDecision d = decide("statefulset.json", p, Map.of(), verification);
        assertThat(d.allowed()).isFalse();
        assertThat(d.message()).contains("docker.io/library/busybox:1.36").contains("not verified under default");
    }

    @Test
    void systemNamespacesAreExemptByDefault() throws Exception {
        AdmissionRequest r = Fixtures.request("daemonset.json");
        for (String ns : List.of("kube-system", "drydock")) {
            AdmissionRequest in = new AdmissionRequest(r.uid(), r.kind(), r.resource(), "", ns, r.name(), r.operation(), r.object(), "");
            AdmissionDecision d = AdmissionDecision.decide(in, policy(""), Map.of(), verification, TODAY);
            assertThat(d.allowed()).isTrue();
            assertThat(d.auditAnnotations().get("exempt")).contains(ns);
        }
        assertThat(asked).isEmpty();
    }

    @Test
    void passThroughKindsAreAllowedWithoutVerification() throws Exception {
        AdmissionDecision d = decide("configmap.json", policy(""), Map.of(), verification);
        assertThat(d.allowed()).isTrue();
        assertThat(d.passThrough()).contains("ConfigMap");
        assertThat(asked).isEmpty();
        assertThat(d.toReview(true).get("response").get("uid").asText()).isEqualTo("b4750607-92a3-44b5-9067-8192a3b4c5d6");
    }

    @Test
    void aConfiguredKindIsJudged() throws Exception {
        AdmissionPolicy p = policy("podSpecKinds:\n  - group: argoproj.io\n    kind: Rollout\n    podSpec: /spec/template/spec\n");
        AdmissionDecision d = decide("rollout.json", p, Map.of(), verification);
        assertThat(d.allowed()).isFalse();
        assertThat(d.message()).contains("registry.example.com/team/app:1.1");
    }

    @Test
    void aMalformedObjectIsDeniedNamingTheField() throws Exception {
        AdmissionDecision d = decide("pod-malformed-containers.json", policy("namespaces:\n  shop:\n    mode: audit\n"), Map.of(), verification);
        assertThat(d.allowed()).isFalse();
        assertThat(d.message()).contains("malformed object").contains("/spec/containers").contains("must be an array");
    }

    @Test
    void anInvalidReferenceIsDenied() throws Exception {
        AdmissionRequest r = Fixtures.request("job.json");
        ((ObjectNode) r.object().at("/spec/template/spec/containers/0")).put("image", "Registry.Example.com/UPPER:1");
        AdmissionDecision d = AdmissionDecision.decide(r, policy(""), Map.of(), verification, TODAY);
        assertThat(d.allowed()).isFalse();
        assertThat(d.message()).contains("/spec/template/spec/containers/0/image").contains("invalid image reference");
    }

    @Test
    void theEphemeralContainerSubresourceIsJudgedAndPinned() throws Exception {
        registry.put("registry.example.com/tools/debug:1.36", new Verification.Verified(MIGRATE));
        AdmissionDecision d = decide("pod-ephemeralcontainers.json", policy(""), Map.of(), verification);
        assertThat(d.allowed()).isTrue();
        assertThat(asked).containsExactly("registry.example.com/tools/debug:1.36 default");
        JsonNode patched = apply(Fixtures.request("pod-ephemeralcontainers.json").object(), d.jsonPatch());
        assertThat(patched.at("/spec/ephemeralContainers/0/image").asText()).isEqualTo("registry.example.com/tools/debug:1.36@" + MIGRATE);
    }

    @Test
    void theSameImageTwiceIsVerifiedOnce() throws Exception {
        AdmissionRequest r = Fixtures.request("deployment.json");
        ((ArrayNode) r.object().at("/spec/template/spec/containers")).addObject().put("name", "sidecar")
                .put("image", "registry.example.com/team/app:1.0");
        AdmissionDecision d = AdmissionDecision.decide(r, policy(""), Map.of(), verification, TODAY);
        assertThat(asked).hasSize(1);
        assertThat(d.patch()).hasSize(2);
    }

    /** RFC 6902 {@code replace} only, which is all the gate emits; it fails on a path that does not exist. */
    private static JsonNode apply(JsonNode object, byte[] patch) throws Exception {
        JsonNode doc = object.deepCopy();
        for (JsonNode op : JSON.readTree(patch)) {
            assertThat(op.get("op").asText()).isEqualTo("replace");
            String path = op.get("path").asText();
            int cut = path.lastIndexOf('/');
            JsonNode parent = doc.at(path.substring(0, cut));
            String last = path.substring(cut + 1).replace("~1", "/").replace("~0", "~");
            if (parent instanceof ArrayNode array) {
                int i = Integer.parseInt(last);
                assertThat(i).isLessThan(array.size());
                array.set(i, op.get("value"));
            } else {
                assertThat(parent.has(last)).as("patch path %s exists", path).isTrue();
                ((ObjectNode) parent).set(last, op.get("value"));
            }
        }
        return doc;
    }


}
