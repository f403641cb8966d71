package io.drydock.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chart through an embedded Helm (lint, template) and the plain manifests in deploy/, held to the same
 * properties: these are what keep a fail-closed webhook from either failing open or locking the cluster.
 */
class ChartTest {
    private static final Path CHART = Path.of("charts/drydock-admission");
    private static final Path PLAIN = Path.of("deploy/drydock-admission.yaml");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> WORKLOAD_RESOURCES = Set.of("pods", "pods/ephemeralcontainers", "deployments", "replicasets",
            "statefulsets", "daemonsets", "jobs", "cronjobs", "replicationcontrollers");

    @Test
    void chartLintsStrictlyWithoutErrors() {
        LintResult lint = new Helm(CHART).lint().strict().call();
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    @Test
    void renderedChartHasTheRequiredProperties() throws IOException {
        String rendered = new Helm(CHART).template().withName("gate").withNamespace("drydock-system").call();
        assertDeployable(documents(rendered), "drydock-system", "gate");
    }

    @Test
    void renderedChartCarriesCaBundleAndExtraExclusionsFromValues() throws IOException {
        String rendered = new Helm(CHART).template().withName("gate").withNamespace("drydock-system")
                .set("webhook.caBundle", "Q0EgYnVuZGxl").set("webhook.excludedNamespaces[0]", "kube-system")
                .set("webhook.excludedNamespaces[1]", "monitoring").set("replicaCount", 1).call();
        List<JsonNode> objects = documents(rendered);
        for (JsonNode configuration : webhookConfigurations(objects)) {
            JsonNode webhook = configuration.get("webhooks").get(0);
            assertThat(webhook.at("/clientConfig/caBundle").asText()).isEqualTo("Q0EgYnVuZGxl");
            assertThat(excludedNamespaces(webhook)).contains("kube-system", "monitoring", "drydock-system");
        }
        assertThat(only(objects, "Deployment").at("/spec/replicas").asInt()).as("never below 2, whatever the values say").isEqualTo(2);
    }

    @Test
    void plainManifestsHaveTheRequiredProperties() throws IOException {
        assertDeployable(documents(Files.readString(PLAIN)), "drydock", "drydock-admission");
    }

    private static void assertDeployable(List<JsonNode> objects, String namespace, String name) {
        JsonNode deployment = only(objects, "Deployment");
        assertThat(deployment.at("/spec/replicas").asInt()).isGreaterThanOrEqualTo(2);
        JsonNode pod = deployment.at("/spec/template/spec");
        JsonNode antiAffinity = pod.at("/affinity/podAntiAffinity");
        assertThat(antiAffinity.isMissingNode()).as("pod anti-affinity").isFalse();
        assertThat(antiAffinity.findValuesAsText("topologyKey")).containsOnly("kubernetes.io/hostname").isNotEmpty();
        assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.at("/serviceAccountName").asText()).isEqualTo(name);

        JsonNode container = pod.get("containers").get(0);
        assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean()).isFalse();
        assertThat(texts(container.at("/securityContext/capabilities/drop"))).containsExactly("ALL");
        List<String> commandLine = new ArrayList<>(texts(container.get("command")));
        commandLine.addAll(texts(container.get("args")));
        assertThat(commandLine).containsExactly("drydock", "admission", "serve", "--config", "/etc/drydock/admission.yaml");
        assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(8443);

        JsonNode tlsVolume = StreamSupport.stream(pod.get("volumes").spliterator(), false)
                .filter(v -> v.has("secret")).findFirst().orElseThrow();
        assertThat(container.get("volumeMounts").findValuesAsText("name")).contains(tlsVolume.get("name").asText(), "config");
        JsonNode config = only(objects, "ConfigMap");
        assertThat(config.at("/data/admission.yaml").isTextual()).isTrue();

        JsonNode pdb = only(objects, "PodDisruptionBudget");
        assertThat(pdb.at("/spec/minAvailable").asInt()).isEqualTo(1);
        assertThat(pdb.at("/spec/selector/matchLabels")).isEqualTo(deployment.at("/spec/selector/matchLabels"));

        JsonNode service = only(objects, "Service");
        assertThat(service.at("/metadata/name").asText()).isEqualTo(name);
        assertThat(service.at("/spec/ports/0/port").asInt()).isEqualTo(443);
        assertThat(service.at("/spec/ports/0/targetPort").asText()).isIn("https", "8443");

        List<JsonNode> configurations = webhookConfigurations(objects);
        assertThat(configurations).extracting(c -> c.get("kind").asText())
                .containsExactlyInAnyOrder("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration");
        for (JsonNode configuration : configurations) {
            String path = configuration.get("kind").asText().startsWith("Validating") ? "/validate" : "/mutate";
            for (JsonNode webhook : configuration.get("webhooks")) {
                assertThat(webhook.get("failurePolicy").asText()).isEqualTo("Fail");
                assertThat(webhook.get("sideEffects").asText()).isEqualTo("None");
                assertThat(webhook.get("timeoutSeconds").asInt()).isEqualTo(10);
                assertThat(texts(webhook.get("admissionReviewVersions"))).containsExactly("v1");
                assertThat(webhook.at("/clientConfig/service/name").asText()).isEqualTo(name);
                assertThat(webhook.at("/clientConfig/service/namespace").asText()).isEqualTo(namespace);
                assertThat(webhook.at("/clientConfig/service/path").asText()).isEqualTo(path);
                assertThat(excludedNamespaces(webhook)).contains("kube-system", namespace);

                List<String> resources = new ArrayList<>();
                for (JsonNode rule : webhook.get("rules")) {
                    assertThat(texts(rule.get("operations"))).containsExactlyInAnyOrder("CREATE", "UPDATE");
                    resources.addAll(texts(rule.get("resources")));
                }
                assertThat(resources).containsExactlyInAnyOrderElementsOf(WORKLOAD_RESOURCES);
            }
        }

        JsonNode role = only(objects, "ClusterRole");
        assertThat(objects).noneMatch(o -> o.get("kind").asText().equals("Role"));
        for (JsonNode rule : role.get("rules")) {
            assertThat(texts(rule.get("apiGroups"))).containsExactly("");
            assertThat(texts(rule.get("verbs"))).isSubsetOf("get", "list", "watch");
            assertThat(texts(rule.get("resources"))).isSubsetOf("secrets", "serviceaccounts", "namespaces");
            assertThat(rule.has("resourceNames") || rule.has("nonResourceURLs")).isFalse();
        }
        JsonNode binding = only(objects, "ClusterRoleBinding");
        assertThat(binding.at("/roleRef/name").asText()).isEqualTo(role.at("/metadata/name").asText());
        assertThat(binding.at("/subjects/0/kind").asText()).isEqualTo("ServiceAccount");
        assertThat(binding.at("/subjects/0/name").asText()).isEqualTo(only(objects, "ServiceAccount").at("/metadata/name").asText());
        assertThat(binding.at("/subjects/0/namespace").asText()).isEqualTo(namespace);
    }

    /** The names a NotIn expression on the namespace's own name keeps away from the webhook. */
    private static List<String> excludedNamespaces(JsonNode webhook) {
        List<String> excluded = new ArrayList<>();
        for (JsonNode expression : webhook.at("/namespaceSelector/matchExpressions")) {
            if (expression.get("key").asText().equals("kubernetes.io/metadata.name") && expression.get("operator").asText().equals("NotIn")) {
                excluded.addAll(texts(expression.get("values")));
            }
        }
        return excluded;
    }

    private static List<JsonNode> webhookConfigurations(List<JsonNode> objects) {
        return objects.stream().filter(o -> o.get("kind").asText().endsWith("WebhookConfiguration")).toList();
    }

    private static JsonNode only(List<JsonNode> objects, String kind) {
        List<JsonNode> matching = objects.stream().filter(o -> o.get("kind").asText().equals(kind)).toList();
        assertThat(matching).as(kind).hasSize(1);
        return matching.getFirst();
    }

    private static List<String> texts(JsonNode array) {
        assertThat(array).as("a list").isNotNull();
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    /** Every non-empty document: a file may open with a comment-only document before its first "---". */
    private static List<JsonNode> documents(String yaml) throws IOException {
        List<JsonNode> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                if (document != null && document.has("kind")) objects.add(document);
            }
        }
        assertThat(objects).isNotEmpty();
        return objects;
    }
}
