package io.drydock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.drydock.rebuild.WebhookTrigger;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The continuous watch end to end: Pods and their owners in the fabric8 mock server (CRUD mode), written the way the
 * controllers and the kubelet write them; a real registry; advisories in OSV format from a directory. A new Pod with
 * an unknown digest is analysed; a DB update that adds an advisory for a package of the running image gives exactly
 * one notification per sink, naming the workload, and an Event on it; an update that adds nothing sends nothing.
 */
@EnableKubernetesMockClient(crud = true)
class ServeFleetTest {
    KubernetesClient client;
    KubernetesMockServer server;

    @TempDir
    Path dir;

    @Test
    void aNewPodIsAnalysedAndANewAdvisoryForItsImageNotifiesOnceNamingTheWorkload() throws Exception {
        try (ServeFixture f = new ServeFixture(dir)) {
            f.start("""
                    leader: none
                    workers: 2
                    kubernetes: {namespaces: []}
                    notifications:
                      minSeverity: high
                      webhook: {url: %s, secret: hook-secret}
                      slack: {url: %s}
                      events: true
                    """.formatted(f.receiver.url("/hook"), f.receiver.url("/slack")), client);
            String repository = f.registry.hostPort() + "/team/app";
            runDeployment("shop", "web", repository + ":1", repository + "@" + f.appDigest);

            JsonNode image = f.awaitImage(f.appDigest);
            assertThat(image.get("reference").asText()).isEqualTo(repository + "@" + f.appDigest);
            assertThat(ids(image)).contains("CVE-2020-8203").doesNotContain("CVE-2021-45046");
            JsonNode lodash = finding(image, "CVE-2020-8203");
            assertThat(lodash.get("origin").asText()).isEqualTo("application");
            assertThat(lodash.get("package").asText()).isEqualTo("lodash");
            assertThat(lodash.get("layer").get("createdBy").asText()).isNotBlank();
            ServeFixture.await("the workload to be recorded", Duration.ofSeconds(20), () -> {
                try {
                    return f.getJson("/api/v1/workloads?namespace=shop").get("total").asInt() == 1;
                } catch (Exception e) {
                    return false;
                }
            });
            JsonNode workload = f.getJson("/api/v1/workloads?namespace=shop").get("items").get(0);
            assertThat(workload.get("kind").asText()).isEqualTo("Deployment");
            assertThat(workload.get("name").asText()).isEqualTo("web");
            assertThat(workload.get("containers").get(0).get("digest").asText()).isEqualTo(f.appDigest);
            assertThat(f.receiver.received).as("a first analysis is shown, not notified").isEmpty();

            f.addAdvisory(ServeFixture.LOG4J_ADVISORY);
            assertThat(f.post("/api/v1/advisories/update", ServeFixture.ADMIN_TOKEN, "").statusCode()).isEqualTo(202);
            ServeFixture.await("the notification", Duration.ofMinutes(2), () -> f.receiver.at("/hook").size() >= 1
                    && f.receiver.at("/slack").size() >= 1);
            Thread.sleep(1500); // anything sent twice would have arrived by now
            assertThat(f.receiver.at("/hook")).hasSize(1);
            assertThat(f.receiver.at("/slack")).hasSize(1);
            ServeFixture.Receiver.Received hook = f.receiver.at("/hook").get(0);
            JsonNode n = ServeFixture.JSON.readTree(hook.body()).get("notification");
            assertThat(n.get("vulnId").asText()).isEqualTo("CVE-2021-45046");
            assertThat(n.get("severity").asText()).isEqualTo("CRITICAL");
            assertThat(n.get("pkg").asText()).isEqualTo("org.apache.logging.log4j:log4j-core");
            assertThat(n.get("workloads").get(0).get("name").asText()).isEqualTo("web");
            assertThat(n.get("workloads").get(0).get("namespace").asText()).isEqualTo("shop");
            assertThat(n.get("remedy").asText()).contains("log4j-core").contains("2.16.0");
            assertThat(hook.headers().get("X-drydock-signature")).containsExactly(
                    WebhookTrigger.signature("hook-secret", hook.body().getBytes(StandardCharsets.UTF_8)));
            assertThat(f.receiver.at("/slack").get(0).body()).contains("CVE-2021-45046").contains("Deployment/shop/web");
            ServeFixture.await("the Event on the workload", Duration.ofSeconds(20),
                    () -> !client.v1().events().inNamespace("shop").list().getItems().isEmpty());
            Event event = client.v1().events().inNamespace("shop").list().getItems().get(0);
            assertThat(event.getInvolvedObject().getKind()).isEqualTo("Deployment");
            assertThat(event.getInvolvedObject().getName()).isEqualTo("web");
            assertThat(event.getReason()).isEqualTo("VulnerabilityFound");
            assertThat(event.getMessage()).contains("CVE-2021-45046");

            JsonNode after = f.getJson("/api/v1/images/" + f.appDigest);
            assertThat(ids(after)).contains("CVE-2021-45046");
            assertThat(after.get("history").toString()).contains("rematched").contains("notified");
            JsonNode vuln = f.getJson("/api/v1/vulnerabilities/CVE-2021-45046");
            assertThat(vuln.get("workloads").get(0).get("name").asText()).isEqualTo("web");
            assertThat(vuln.get("images").get(0).get("remedy").asText()).contains("update the application");

            // nothing new in the next update: nothing is sent again
            assertThat(f.post("/api/v1/advisories/update", ServeFixture.ADMIN_TOKEN, "").statusCode()).isEqualTo(202);
            ServeFixture.await("the second re-match", Duration.ofMinutes(1), () -> {
                try {
                    JsonNode db = f.getJson("/api/v1/advisories").get("rematching");
                    return db.path("pending").asInt(0) == 0 && db.path("running").asInt(0) == 0;
                } catch (Exception e) {
                    return false;
                }
            });
            Thread.sleep(1000);
            assertThat(f.receiver.at("/hook")).hasSize(1);

            // the pod goes: its workload is no longer shown as running the image
            client.pods().inNamespace("shop").withName("web-5d8f7-x2k9q").delete();
            ServeFixture.await("the pod's removal", Duration.ofSeconds(20), () -> {
                try {
                    return f.getJson("/api/v1/workloads?namespace=shop").get("total").asInt() == 0;
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    @Test
    void anImageFromAPrivateRegistryIsReadWithItsPodsPullSecret() throws Exception {
        try (ServeFixture f = new ServeFixture(dir); io.drydock.testing.TestRegistry secured = io.drydock.testing.TestRegistry.basicAuth("puller", "s3cret-pw")) {
            secured.push(io.drydock.testing.TestImages.ociRef("app"), "private/app:1");
            String auth = java.util.Base64.getEncoder().encodeToString("puller:s3cret-pw".getBytes(StandardCharsets.UTF_8));
            String digest = ServeFixture.headDigest(secured, "private/app", "1", auth);
            String config = "{\"auths\": {\"" + secured.hostPort() + "\": {\"auth\": \"" + auth + "\"}}}";
            client.secrets().inNamespace("team").resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withName("regcred")
                    .withNamespace("team").endMetadata().withType("kubernetes.io/dockerconfigjson")
                    .addToData(".dockerconfigjson", java.util.Base64.getEncoder().encodeToString(config.getBytes(StandardCharsets.UTF_8))).build())
                    .create();
            f.start("leader: none\nkubernetes: {namespaces: [team]}\n", client);
            String repository = secured.hostPort() + "/private/app";
            Pod pod = new PodBuilder().withNewMetadata().withName("api-0").withNamespace("team").endMetadata().withNewSpec()
                    .addNewImagePullSecret("regcred").addNewContainer().withName("api").withImage(repository + ":1").endContainer().endSpec()
                    .withNewStatus().withPhase("Running").addNewContainerStatus().withName("api").withImage(repository + ":1")
                    .withImageID(repository + "@" + digest).withReady(true).endContainerStatus().endStatus().build();
            client.pods().inNamespace("team").resource(pod).create();
            JsonNode image = f.awaitImage(digest);
            assertThat(ids(image)).contains("CVE-2020-8203");
            assertThat(f.log.toString()).doesNotContain("s3cret-pw").doesNotContain(auth);

            // the same image in a pod without the secret: not readable, and the failure says why, without a credential
            secured.push(io.drydock.testing.TestImages.ociRef("base"), "private/base:1");
            String baseDigest = ServeFixture.headDigest(secured, "private/base", "1", auth);
            client.pods().inNamespace("team").resource(new PodBuilder().withNewMetadata().withName("nosecret-0").withNamespace("team").endMetadata()
                    .withNewSpec().addNewContainer().withName("c").withImage(secured.hostPort() + "/private/base:1").endContainer().endSpec()
                    .withNewStatus().withPhase("Running").addNewContainerStatus().withName("c").withImage(secured.hostPort() + "/private/base:1")
                    .withImageID(secured.hostPort() + "/private/base@" + baseDigest).endContainerStatus().endStatus().build()).create();
            ServeFixture.await("the failed analysis to be recorded", Duration.ofSeconds(60), () -> {
                try {
                    return f.getJson("/api/v1/history?subject=" + baseDigest).get("total").asInt() > 0;
                } catch (Exception e) {
                    return false;
                }
            });
            String history = f.getJson("/api/v1/history?subject=" + baseDigest).toString();
            assertThat(history).contains("analyse-retry").contains(secured.hostPort()).doesNotContain("s3cret-pw").doesNotContain(auth);
            assertThat(f.get("/api/v1/images/" + baseDigest, ServeFixture.ADMIN_TOKEN).statusCode()).isEqualTo(404);
        }
    }

    /** A Deployment, its ReplicaSet and one running Pod, with the status the kubelet reports after pulling. */
    private void runDeployment(String ns, String name, String image, String pulled) {
        Deployment d = client.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder().withNewMetadata().withName(name)
                .withNamespace(ns).withUid("uid-deploy").endMetadata().withNewSpec().withReplicas(1).withNewSelector()
                .addToMatchLabels("app", name).endSelector().withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage(image).endContainer().endSpec().endTemplate().endSpec().build())
                .create();
        ReplicaSet rs = client.apps().replicaSets().inNamespace(ns).resource(new ReplicaSetBuilder().withNewMetadata().withName(name + "-5d8f7")
                .withNamespace(ns).withUid("uid-rs").addToOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1")
                        .withKind("Deployment").withName(name).withUid(d.getMetadata().getUid()).withController(true).build())
                .endMetadata().withNewSpec().withReplicas(1).endSpec().build()).create();
        Pod pod = new PodBuilder().withNewMetadata().withName(name + "-5d8f7-x2k9q").withNamespace(ns)
                .addToOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("ReplicaSet")
                        .withName(rs.getMetadata().getName()).withUid(rs.getMetadata().getUid()).withController(true).build())
                .endMetadata().withNewSpec().addNewContainer().withName("app").withImage(image).endContainer().endSpec()
                .withNewStatus().withPhase("Running").addNewContainerStatus().withName("app").withImage(image)
                .withImageID("docker-pullable://" + pulled).withReady(true).withRestartCount(0).endContainerStatus().endStatus().build();
        client.pods().inNamespace(ns).resource(pod).create();
    }

    static List<String> ids(JsonNode image) {
        List<String> ids = new ArrayList<>();
        image.get("findings").forEach(x -> ids.add(x.get("id").asText()));
        return ids;
    }

    static JsonNode finding(JsonNode image, String id) {
        for (JsonNode x : image.get("findings")) {
            if (x.get("id").asText().equals(id)) {
                return x;
            }
        }
        throw new AssertionError(id + " not among the findings");
    }
}
