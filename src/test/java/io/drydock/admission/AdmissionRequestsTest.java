package io.drydock.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AdmissionRequestsTest {

    @Test
    void readsEveryFieldOfAPodRequest() {
        AdmissionRequest r = Fixtures.request("pod.json");
        assertThat(r.uid()).isEqualTo("705ab4f5-6393-11e8-b7cc-42010a800002");
        assertThat(r.kind()).isEqualTo(new AdmissionRequest.GroupVersionKind("", "v1", "Pod"));
        assertThat(r.resource()).isEqualTo(new AdmissionRequest.GroupVersionResource("", "v1", "pods"));
        assertThat(r.subResource()).isEmpty();
        assertThat(r.namespace()).isEqualTo("shop");
        assertThat(r.name()).isEqualTo("web");
        assertThat(r.operation()).isEqualTo("CREATE");
        assertThat(r.username()).isEqualTo("alice@example.com");
        assertThat(r.object().path("spec").path("containers").size()).isEqualTo(2);
    }

    @Test
    void readsTheSubresourceAndGroup() {
        AdmissionRequest eph = Fixtures.request("pod-ephemeralcontainers.json");
        assertThat(eph.subResource()).isEqualTo("ephemeralcontainers");
        assertThat(eph.operation()).isEqualTo("UPDATE");
        assertThat(Fixtures.request("cronjob.json").kind()).isEqualTo(new AdmissionRequest.GroupVersionKind("batch", "v1", "CronJob"));
    }

    @Test
    void aDeleteCarriesNoObject() {
        String body = """
                {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u1",
                 "kind":{"group":"","version":"v1","kind":"Pod"},"resource":{"group":"","version":"v1","resource":"pods"},
                 "namespace":"shop","name":"web","operation":"DELETE","object":null,"oldObject":{"kind":"Pod"}}}""";
        AdmissionRequest r = AdmissionRequests.parse(body.getBytes(StandardCharsets.UTF_8));
        assertThat(r.object()).isNull();
        assertThat(r.username()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "not json at all                                                              | body: not JSON",
            "[1,2]                                                                        | body: not a JSON object",
            "{\"apiVersion\":\"admission.k8s.io/v1beta1\",\"kind\":\"AdmissionReview\"}   | apiVersion: 'admission.k8s.io/v1beta1'",
            "{\"kind\":\"AdmissionReview\"}                                               | apiVersion: missing",
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"Pod\"}                    | kind: 'Pod', not AdmissionReview",
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"}        | request: missing",
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"kind\":{}}} | request.uid: missing",
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\"}} | request.kind: missing",
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":7}} | request.uid: must be a string",
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\",\"kind\":{\"version\":\"v1\",\"kind\":\"Pod\"},\"resource\":{\"version\":\"v1\",\"resource\":\"pods\"}}} | request.operation: missing",
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"apiVersion\":\"x\"} | body: not JSON",
    })
    void aBodyThatIsNotAnAdmissionReviewNamesTheField(String body, String message) {
        assertThatThrownBy(() -> AdmissionRequests.parse(body.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(AdmissionInputException.class)
                .hasMessageContaining(message);
    }

    @Test
    void theErrorCarriesTheField() {
        assertThatThrownBy(() -> AdmissionRequests.parse("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{}}"
                .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(AdmissionInputException.class, e -> assertThat(e.field()).isEqualTo("request.uid"));
    }
}
