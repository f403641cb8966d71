package io.drydock.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PodImagesTest {
    private static final PodImages BUILT_IN = new PodImages(List.of());
    private static final PodImages WITH_ROLLOUTS = new PodImages(
            List.of(new PodSpecLocation("argoproj.io", "Rollout", "/spec/template/spec")));

    private static List<String> pointersAndImages(PodImages images, AdmissionRequest request) {
        PodImages.Extraction e = images.extract(request);
        assertThat(e).isInstanceOf(PodImages.Images.class);
        return ((PodImages.Images) e).images().stream().map(i -> i.pointer() + " " + i.image()).toList();
    }

    @Test
    void aPodsContainersThenInitContainers() {
        assertThat(pointersAndImages(BUILT_IN, Fixtures.request("pod.json"))).containsExactly(
                "/spec/containers/0/image registry.example.com/team/app:1.0",
                "/spec/containers/1/image registry.example.com/team/proxy@sha256:2222222222222222222222222222222222222222222222222222222222222222",
                "/spec/initContainers/0/image registry.example.com/team/migrate:2.1");
    }

    @Test
    void theEphemeralContainersSubresourceYieldsOnlyTheEphemeralContainers() {
        // the subresource can add ephemeral containers only; the pod's own were judged when it was created
        assertThat(pointersAndImages(BUILT_IN, Fixtures.request("pod-ephemeralcontainers.json")))
                .containsExactly("/spec/ephemeralContainers/0/image registry.example.com/tools/debug:1.36");
    }

    @Test
    void ephemeralContainersInAPodUpdateAreIncluded() throws Exception {
        AdmissionRequest eph = Fixtures.request("pod-ephemeralcontainers.json");
        AdmissionRequest plainUpdate = new AdmissionRequest(eph.uid(), eph.kind(), eph.resource(), "", eph.namespace(),
                eph.name(), "UPDATE", eph.object(), eph.username());
        assertThat(pointersAndImages(BUILT_IN, plainUpdate)).containsExactly(
                "/spec/containers/0/image registry.example.com/team/app:1.0",
                "/spec/ephemeralContainers/0/image registry.example.com/tools/debug:1.36");
    }

    @ParameterizedTest
    @CsvSource({
            "deployment.json, /spec/template/spec/containers/0/image, registry.example.com/team/app:1.0",
            "replicaset-zero.json, /spec/template/spec/containers/0/image, registry.example.com/team/app:0.9",
            "statefulset.json, /spec/template/spec/containers/0/image, registry.example.com/team/postgres:16",
            "daemonset.json, /spec/template/spec/containers/0/image, registry.example.com/infra/node-agent:3.2",
            "job.json, /spec/template/spec/containers/0/image, registry.example.com/team/report:5",
            "cronjob.json, /spec/jobTemplate/spec/template/spec/containers/0/image, registry.example.com/team/backup:2024.1",
            "replicationcontroller.json, /spec/template/spec/containers/0/image, registry.example.com/team/legacy:1",
    })
    void everyWorkloadKindsTemplate(String fixture, String pointer, String image) {
        assertThat(pointersAndImages(BUILT_IN, Fixtures.request(fixture))).first().isEqualTo(pointer + " " + image);
    }

    @Test
    void aTemplateWithZeroReplicasIsStillRead() {
        AdmissionRequest r = Fixtures.request("replicaset-zero.json");
        assertThat(r.object().at("/spec/replicas").intValue()).isZero();
        assertThat(pointersAndImages(BUILT_IN, r)).hasSize(1);
    }

    @Test
    void initContainersOfATemplateToo() {
        assertThat(pointersAndImages(BUILT_IN, Fixtures.request("statefulset.json"))).containsExactly(
                "/spec/template/spec/containers/0/image registry.example.com/team/postgres:16",
                "/spec/template/spec/initContainers/0/image docker.io/library/busybox:1.36");
    }

    @Test
    void aConfiguredKindIsReadAtItsPointerAndUnknownWithout() {
        assertThat(pointersAndImages(WITH_ROLLOUTS, Fixtures.request("rollout.json")))
                .containsExactly("/spec/template/spec/containers/0/image registry.example.com/team/app:1.1");
        assertThat(BUILT_IN.extract(Fixtures.request("rollout.json")))
                .isInstanceOfSatisfying(PodImages.PassThrough.class, p -> assertThat(p.reason()).contains("Rollout"));
    }

    @Test
    void unknownKindsDeletesAndOtherSubresourcesPassThrough() {
        assertThat(BUILT_IN.extract(Fixtures.request("configmap.json"))).isInstanceOf(PodImages.PassThrough.class);
        AdmissionRequest pod = Fixtures.request("pod.json");
        AdmissionRequest delete = new AdmissionRequest(pod.uid(), pod.kind(), pod.resource(), "", "shop", "web", "DELETE", null, "");
        assertThat(BUILT_IN.extract(delete)).isInstanceOf(PodImages.PassThrough.class);
        AdmissionRequest status = new AdmissionRequest(pod.uid(), pod.kind(), pod.resource(), "status", "shop", "web", "UPDATE", pod.object(), "");
        assertThat(BUILT_IN.extract(status)).isInstanceOf(PodImages.PassThrough.class);
    }

    @Test
    void containersThatAreNotAnArrayNameThePath() {
        assertThatThrownBy(() -> BUILT_IN.extract(Fixtures.request("pod-malformed-containers.json")))
                .isInstanceOfSatisfying(AdmissionInputException.class, e -> {
                    assertThat(e.field()).isEqualTo("/spec/containers");
                    assertThat(e.getMessage()).contains("must be an array");
                });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"name\":\"app\"}                    | /spec/template/spec/containers/0/image | missing",
            "{\"name\":\"app\",\"image\":42}       | /spec/template/spec/containers/0/image | must be a non-empty string",
            "{\"name\":\"app\",\"image\":\"  \"}   | /spec/template/spec/containers/0/image | must be a non-empty string",
            "{\"name\":\"app\",\"image\":[\"a\"]}  | /spec/template/spec/containers/0/image | must be a non-empty string",
            "\"registry.example.com/app:1\"        | /spec/template/spec/containers/0       | must be an object",
    })
    void malformedContainersNameThePath(String container, String field, String message) throws Exception {
        AdmissionRequest r = withContainer(Fixtures.request("deployment.json"), container);
        assertThatThrownBy(() -> BUILT_IN.extract(r))
                .isInstanceOfSatisfying(AdmissionInputException.class, e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.getMessage()).contains(message);
                });
    }

    @Test
    void aMissingPodSpecNamesItsPointer() {
        AdmissionRequest r = Fixtures.request("cronjob.json");
        ((ObjectNode) r.object().get("spec")).remove("jobTemplate");
        assertThatThrownBy(() -> BUILT_IN.extract(r)).isInstanceOfSatisfying(AdmissionInputException.class,
                e -> assertThat(e.field()).isEqualTo("/spec/jobTemplate/spec/template/spec"));
    }

    @Test
    void aConfiguredPointerMustBeAPointer() {
        assertThatThrownBy(() -> new PodSpecLocation("argoproj.io", "Rollout", "spec.template.spec"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a JSON pointer");
    }

    private static AdmissionRequest withContainer(AdmissionRequest r, String containerJson) throws Exception {
        ObjectNode spec = (ObjectNode) r.object().at("/spec/template/spec");
        spec.putArray("containers").add(new ObjectMapper().readTree(containerJson));
        return r;
    }
}
