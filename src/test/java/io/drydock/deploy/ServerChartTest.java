package io.drydock.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.drydock.cli.Main;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The server's chart through an embedded Helm (lint, template) and the plain manifests in deploy/, parsed with
 * fabric8's Kubernetes model and held to the same properties: least-privilege RBAC, a Deployment that probes,
 * elects and reads its secrets the way {@code drydock serve} expects, and a serve.yaml with the fields it reads.
 */
class ServerChartTest {
    private static final Path CHART = Path.of("charts/drydock-server");
    private static final Path PLAIN = Path.of("deploy/drydock-server.yaml");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final KubernetesSerialization KUBERNETES = new KubernetesSerialization();
    private static final String LEASE = "drydock-serve-leader";

    /** Every (apiGroup, resource, verb) the ClusterRole may grant: exactly what the server does, nothing else. */
    private static final Set<String> CLUSTER_PERMISSIONS = permissions(
            "'' pods,replicationcontrollers,namespaces get,list,watch",
            "apps deployments,replicasets,statefulsets,daemonsets get,list,watch",
            "batch jobs,cronjobs get,list,watch",
            "apps deployments,statefulsets,daemonsets patch",
            "batch cronjobs patch",
            "'' events create,patch",
            "events.k8s.io events create,patch",
            "'' secrets,serviceaccounts get");

    @Test
    void chartLintsStrictlyWithoutErrors() {
        LintResult lint = new Helm(CHART).lint().strict().call();
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    @Test
    void renderedChartHasTheRequiredProperties() throws IOException {
        List<HasMetadata> objects = render(t -> t);
        assertDeployable(objects, "drydock-system", "dock");
        assertThat(kinds(objects)).containsExactlyInAnyOrder("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role",
                "RoleBinding", "Secret", "ConfigMap", "Deployment", "Service", "PodDisruptionBudget");
        JsonNode config = serveYaml(objects);
        assertThat(config.has("tokens")).as("no admin token configured").isFalse();
        assertThat(config.has("admission")).as("admission endpoints off by default").isFalse();
        assertThat(env(container(objects), "DRYDOCK_ADMIN_TOKEN")).isNull();
    }

    @Test
    void plainManifestsHaveTheRequiredPropertiesAndMatchTheChartsDefaultRendering() throws IOException {
        List<HasMetadata> plain = parse(Files.readString(PLAIN));
        assertThat(only(plain, Namespace.class).getMetadata().getName()).isEqualTo("drydock");
        List<HasMetadata> objects = plain.stream().filter(o -> !(o instanceof Namespace)).toList();
        assertDeployable(objects, "drydock", "drydock-server");

        List<HasMetadata> rendered = parse(new Helm(CHART).template().withName("drydock-server").withNamespace("drydock").call());
        assertThat(kinds(objects)).containsExactlyInAnyOrderElementsOf(kinds(rendered));
        // the same objects, field for field: regenerate deploy/drydock-server.yaml when the chart changes
        Map<String, JsonNode> expected = rendered.stream().collect(Collectors.toMap(ServerChartTest::id, ServerChartTest::tree));
        Map<String, JsonNode> actual = objects.stream().collect(Collectors.toMap(ServerChartTest::id, ServerChartTest::tree));
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((id, object) -> assertThat(actual.get(id))
                .as(id + " in " + PLAIN + " differs from the chart's default rendering (see the file's header to regenerate it)")
                .isEqualTo(object));
    }

    @Test
    void anExistingStoreSecretReplacesTheGeneratedOne() throws IOException {
        List<HasMetadata> objects = render(t -> t.set("store.existingSecret", "pg-credentials").set("store.keys.url", "jdbc"));
        assertThat(objects).noneMatch(o -> o instanceof Secret);
        Container container = container(objects);
        assertThat(env(container, "DRYDOCK_STORE_URL").getValueFrom().getSecretKeyRef())
                .satisfies(ref -> {
                    assertThat(ref.getName()).isEqualTo("pg-credentials");
                    assertThat(ref.getKey()).isEqualTo("jdbc");
                    assertThat(ref.getOptional()).isNotEqualTo(Boolean.TRUE);
                });
        assertThat(env(container, "DRYDOCK_DB_PASSWORD").getValueFrom().getSecretKeyRef().getName()).isEqualTo("pg-credentials");
        assertDeployable(objects, "drydock-system", "dock");
    }

    @Test
    void storeCredentialsGoToTheSecretNeverToTheConfigMapOrTheDeployment() throws IOException {
        List<HasMetadata> objects = render(t -> t.set("store.url", "jdbc:postgresql://db:5432/drydock")
                .set("store.username", "drydock").set("store.password", "s3cret-pw"));
        Secret secret = only(objects, Secret.class);
        assertThat(secret.getStringData()).containsEntry("url", "jdbc:postgresql://db:5432/drydock")
                .containsEntry("username", "drydock").containsEntry("password", "s3cret-pw");
        assertThat(KUBERNETES.asYaml(only(objects, ConfigMap.class))).doesNotContain("s3cret-pw", "jdbc:postgresql");
        assertThat(KUBERNETES.asYaml(only(objects, Deployment.class))).doesNotContain("s3cret-pw", "jdbc:postgresql");
    }

    @Test
    void anAdminTokenComesFromASecretAndIsNamedInServeYaml() throws IOException {
        List<HasMetadata> generated = render(t -> t.set("adminToken.value", "t0ken"));
        Secret token = generated.stream().filter(o -> o instanceof Secret && o.getMetadata().getName().equals("dock-admin-token"))
                .map(Secret.class::cast).findFirst().orElseThrow();
        assertThat(token.getStringData()).containsExactly(Map.entry("token", "t0ken"));
        assertThat(env(container(generated), "DRYDOCK_ADMIN_TOKEN").getValueFrom().getSecretKeyRef().getName()).isEqualTo("dock-admin-token");
        assertThat(serveYaml(generated).get("tokens").asText()).isEqualTo("env:DRYDOCK_ADMIN_TOKEN");
        assertThat(KUBERNETES.asYaml(only(generated, Deployment.class))).doesNotContain("t0ken");

        List<HasMetadata> existing = render(t -> t.set("adminToken.existingSecret", "api-admin"));
        assertThat(existing).filteredOn(o -> o instanceof Secret).extracting(o -> o.getMetadata().getName()).containsExactly("dock-store");
        assertThat(env(container(existing), "DRYDOCK_ADMIN_TOKEN").getValueFrom().getSecretKeyRef())
                .satisfies(ref -> assertThat(List.of(ref.getName(), ref.getKey())).containsExactly("api-admin", "token"));
        assertThat(serveYaml(existing).get("tokens").asText()).isEqualTo("env:DRYDOCK_ADMIN_TOKEN");
    }

    @Test
    void admissionEndpointsGetTheirPolicyMountedAndNamedInServeYaml() throws IOException {
        List<HasMetadata> objects = render(t -> t.set("admission.enabled", true));
        assertThat(serveYaml(objects).get("admission").asText()).isEqualTo("/etc/drydock/admission/policy.yaml");
        ConfigMap files = objects.stream().filter(o -> o instanceof ConfigMap && o.getMetadata().getName().equals("dock-admission"))
                .map(ConfigMap.class::cast).findFirst().orElseThrow();
        assertThat(files.getData()).containsKeys("policy.yaml", "cosign.pub");
        assertThat(YAML.readTree(files.getData().get("policy.yaml")).get("kind").asText()).isEqualTo("AdmissionPolicy");
        PodSpec pod = only(objects, Deployment.class).getSpec().getTemplate().getSpec();
        VolumeMount mount = mount(pod.getContainers().getFirst(), "/etc/drydock/admission");
        assertThat(volume(pod, mount.getName()).getConfigMap().getName()).isEqualTo("dock-admission");
    }

    @Test
    void configValuesReachServeYamlButTheChartKeepsItsOwnPaths() throws IOException {
        List<HasMetadata> objects = render(t -> t.set("config.workers", 4).set("config.kubernetes.namespaces[0]", "shop")
                .set("config.notifications.webhook.url", "https://hooks.example.com/drydock").set("config.home", "/elsewhere")
                .set("config.future.setting", "kept"));
        JsonNode config = serveYaml(objects);
        assertThat(config.get("workers").asInt()).isEqualTo(4);
        assertThat(texts(config.at("/kubernetes/namespaces"))).containsExactly("shop");
        assertThat(config.at("/notifications/webhook/url").asText()).isEqualTo("https://hooks.example.com/drydock");
        assertThat(config.at("/future/setting").asText()).isEqualTo("kept");
        assertThat(config.get("home").asText()).as("the emptyDir's mount point, not a value").isEqualTo("/var/lib/drydock");
    }

    @Test
    void extraVolumesCarryFilesServeYamlNames() throws IOException {
        List<HasMetadata> objects = render(t -> t.set("config.watch", "/etc/drydock/watch/watch.yaml")
                .set("extraVolumes[0].name", "watch").set("extraVolumes[0].secret.secretName", "drydock-watch")
                .set("extraVolumeMounts[0].name", "watch").set("extraVolumeMounts[0].mountPath", "/etc/drydock/watch")
                .set("extraVolumeMounts[0].readOnly", true));
        assertThat(serveYaml(objects).get("watch").asText()).isEqualTo("/etc/drydock/watch/watch.yaml");
        PodSpec pod = only(objects, Deployment.class).getSpec().getTemplate().getSpec();
        assertThat(volume(pod, mount(pod.getContainers().getFirst(), "/etc/drydock/watch").getName()).getSecret().getSecretName())
                .isEqualTo("drydock-watch");
        assertDeployable(objects, "drydock-system", "dock");
    }

    @Test
    void otherLeaderElectionsNeedNoLeaseRole() throws IOException {
        for (String leader : List.of("store", "postgres")) {
            List<HasMetadata> objects = render(t -> t.set("config.leader", leader));
            assertThat(objects).noneMatch(o -> o instanceof Role || o instanceof RoleBinding);
            assertThat(serveYaml(objects).get("leader").asText()).isEqualTo(leader);
        }

        List<HasMetadata> single = render(t -> t.set("config.leader", "none").set("replicaCount", 1));
        assertThat(only(single, Deployment.class).getSpec().getReplicas()).isEqualTo(1);
        assertThat(single).as("a PDB of minAvailable 1 over one replica would block every drain")
                .noneMatch(o -> o instanceof PodDisruptionBudget || o instanceof Role);
    }

    @Test
    void combinationsThatCannotWorkAreRefused() {
        assertThatThrownBy(() -> render(t -> t.set("config.leader", "none")))
                .hasMessageContaining("config.leader none");
        assertThatThrownBy(() -> render(t -> t.set("config.leader", "zookeeper")))
                .hasMessageContaining("config.leader must be");
        assertThatThrownBy(() -> render(t -> t.set("store.url", "jdbc:sqlite:/var/lib/drydock/drydock.db")))
                .hasMessageContaining("SQLite");
        assertThatThrownBy(() -> render(t -> t.set("store.url", "")))
                .hasMessageContaining("store.url");
        assertThatThrownBy(() -> render(t -> t.set("admission.enabled", true).set("admission.configFile", "missing.yaml")))
                .hasMessageContaining("admission.configFile");
    }

    @Test
    void theDeploymentsCommandLineParsesWithDrydocksCli() throws IOException {
        CommandLine cli = new CommandLine(new Main());
        assumeThat(cli.getSubcommands().containsKey("serve")).as("drydock serve is in the CLI").isTrue();
        Container container = container(render(t -> t));
        List<String> args = new ArrayList<>(container.getArgs());
        CommandLine.ParseResult parsed = cli.parseArgs(args.toArray(String[]::new));
        assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("serve");
        assertThat(parsed.subcommand().matchedOptionValue("--config", (Object) null)).hasToString("/etc/drydock/serve.yaml");
    }

    /** The server's own reader accepts what the chart writes (it is strict: an unknown key is an error). */
    @Test
    void serveYamlIsAcceptedByTheServersConfigReader() throws Exception {
        Method read;
        try {
            read = Class.forName("io.drydock.server.ServeConfig").getDeclaredMethod("read", Path.class, Map.class);
        } catch (ReflectiveOperationException e) {
            read = null;
        }
        assumeThat(read != null).as("io.drydock.server.ServeConfig.read(Path, Map) exists").isTrue();
        read.setAccessible(true);
        Map<String, String> env = Map.of("DRYDOCK_STORE_URL", "jdbc:postgresql://postgresql:5432/drydock", "DRYDOCK_ADMIN_TOKEN", "t0ken",
                "DRYDOCK_SLACK_URL", "https://hooks.slack.com/services/XXX");
        Path dir = Files.createTempDirectory("serve-yaml");
        try {
            List<List<HasMetadata>> renderings = List.of(render(t -> t),
                    render(t -> t.set("adminToken.value", "t0ken").set("admission.enabled", true).set("config.leader", "postgres")
                            .set("config.notifications.slack.url", "env:DRYDOCK_SLACK_URL")
                            .set("config.notifications.webhook.url", "https://hooks.example.com/drydock")));
            for (List<HasMetadata> objects : renderings) {
                ConfigMap config = objects.stream().filter(o -> o instanceof ConfigMap c && c.getData().containsKey("serve.yaml"))
                        .map(ConfigMap.class::cast).findFirst().orElseThrow();
                Path file = Files.writeString(dir.resolve("serve.yaml"), config.getData().get("serve.yaml"));
                Object parsed;
                try {
                    parsed = read.invoke(null, file, env);
                } catch (java.lang.reflect.InvocationTargetException e) {
                    throw new AssertionError("drydock serve would refuse the chart's serve.yaml: " + e.getCause().getMessage()
                            + "\n" + config.getData().get("serve.yaml"), e.getCause());
                }
                assertThat(parsed.getClass().getMethod("port").invoke(parsed)).isEqualTo(8443);
                assertThat(parsed.getClass().getMethod("store").invoke(parsed)).isEqualTo(env.get("DRYDOCK_STORE_URL"));
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) Files.delete(f);
            }
            Files.delete(dir);
        }
    }

    private static void assertDeployable(List<HasMetadata> objects, String namespace, String name) throws IOException {
        objects.forEach(ServerChartTest::assertNoUnknownFields);
        for (HasMetadata o : objects) {
            boolean clusterScoped = o instanceof ClusterRole || o instanceof ClusterRoleBinding;
            assertThat(o.getMetadata().getNamespace()).as(o.getKind() + " namespace").isEqualTo(clusterScoped ? null : namespace);
        }

        Deployment deployment = only(objects, Deployment.class);
        assertThat(deployment.getMetadata().getName()).isEqualTo(name);
        assertThat(deployment.getSpec().getReplicas()).as("replicas share the store and elect a leader").isEqualTo(2);
        assertThat(deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
        Map<String, String> selector = deployment.getSpec().getSelector().getMatchLabels();
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(selector);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getServiceAccountName()).isEqualTo(only(objects, ServiceAccount.class).getMetadata().getName()).isEqualTo(name);
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getAffinity().getPodAntiAffinity()).isNotNull();

        assertThat(pod.getContainers()).hasSize(1);
        Container container = pod.getContainers().getFirst();
        List<String> commandLine = new ArrayList<>(container.getCommand());
        commandLine.addAll(container.getArgs());
        assertThat(commandLine).containsExactly("drydock", "serve", "--config", "/etc/drydock/serve.yaml");
        assertThat(container.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getSecurityContext().getPrivileged()).isNotEqualTo(Boolean.TRUE);
        assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(container.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
        assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(container.getResources().getLimits()).containsKey("memory");

        assertThat(container.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getContainerPort()).isEqualTo(8443);
            assertThat(p.getName()).isEqualTo("https");
        });
        assertHttpsProbe(container.getLivenessProbe(), "/healthz");
        assertHttpsProbe(container.getReadinessProbe(), "/readyz");
        if (container.getStartupProbe() != null) assertHttpsProbe(container.getStartupProbe(), "/healthz");

        // the replica's identity from the downward API, the store's URL from the Secret, never a literal
        EnvVar replica = env(container, "DRYDOCK_REPLICA_ID");
        assertThat(replica.getValue()).isNull();
        assertThat(replica.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
        EnvVar store = env(container, "DRYDOCK_STORE_URL");
        assertThat(store.getValue()).isNull();
        assertThat(store.getValueFrom().getSecretKeyRef().getOptional()).isNotEqualTo(Boolean.TRUE);
        String storeSecret = store.getValueFrom().getSecretKeyRef().getName();
        for (String variable : List.of("DRYDOCK_DB_USER", "DRYDOCK_DB_PASSWORD")) {
            assertThat(env(container, variable).getValueFrom().getSecretKeyRef().getName()).isEqualTo(storeSecret);
        }
        objects.stream().filter(o -> o instanceof Secret).map(Secret.class::cast)
                .filter(s -> s.getMetadata().getName().equals(storeSecret))
                .forEach(s -> assertThat(s.getStringData()).containsKey(store.getValueFrom().getSecretKeyRef().getKey()));
        assertThat(container.getEnv()).allSatisfy(e -> assertThat(e.getValue() == null ? "" : e.getValue()).doesNotContain("jdbc:"));

        // serve.yaml, the TLS secret and the home emptyDir where serve.yaml says they are
        JsonNode config = serveYaml(objects);
        assertThat(config.get("version").asInt()).isEqualTo(1);
        assertThat(config.at("/listen/port").asInt()).isEqualTo(8443);
        assertThat(config.get("store").asText()).isEqualTo("env:DRYDOCK_STORE_URL");
        assertThat(config.get("workers").asInt()).isPositive();
        assertThat(config.get("leader").asText()).isEqualTo("kubernetes");
        assertThat(config.at("/kubernetes/namespaces").isArray()).isTrue();
        assertThat(config.at("/advisories/source").asText()).startsWith("oci://");
        assertThat(config.at("/advisories/every").asText()).isNotEmpty();
        assertThat(config.at("/notifications/minSeverity").asText()).isEqualTo("high");
        assertThat(config.at("/notifications/events").asBoolean()).isTrue();
        VolumeMount configMount = mount(container, "/etc/drydock/serve.yaml");
        assertThat(configMount.getSubPath()).isEqualTo("serve.yaml");
        assertThat(volume(pod, configMount.getName()).getConfigMap().getName()).isEqualTo(name);
        String cert = config.at("/listen/tls/cert").asText();
        String key = config.at("/listen/tls/key").asText();
        assertThat(Path.of(cert).getParent()).isEqualTo(Path.of(key).getParent());
        VolumeMount tls = mount(container, Path.of(cert).getParent().toString());
        assertThat(tls.getSubPath()).as("a directory mount, so renewals reach the pod").isNull();
        assertThat(volume(pod, tls.getName()).getSecret().getSecretName()).isEqualTo("drydock-server-tls");
        assertThat(Set.of(Path.of(cert).getFileName().toString(), Path.of(key).getFileName().toString())).containsExactlyInAnyOrder("tls.crt", "tls.key");
        String home = config.get("home").asText();
        assertThat(volume(pod, mount(container, home).getName()).getEmptyDir()).isNotNull();
        assertThat(env(container, "DRYDOCK_HOME").getValue()).isEqualTo(home);
        assertThat(volume(pod, mount(container, "/tmp").getName()).getEmptyDir()).as("the JVM needs a writable /tmp").isNotNull();
        assertThat(container.getVolumeMounts()).filteredOn(m -> !m.getMountPath().equals(home) && !m.getMountPath().equals("/tmp"))
                .allSatisfy(m -> assertThat(m.getReadOnly()).as(m.getMountPath()).isTrue());

        Service service = only(objects, Service.class);
        assertThat(service.getMetadata().getName()).isEqualTo(name);
        assertThat(service.getSpec().getSelector()).isEqualTo(selector);
        assertThat(service.getSpec().getSessionAffinity()).as("Harbor's scan and its report poll reach one replica").isEqualTo("ClientIP");
        ServicePort port = service.getSpec().getPorts().getFirst();
        assertThat(service.getSpec().getPorts()).hasSize(1);
        assertThat(port.getPort()).isEqualTo(443);
        assertThat(port.getTargetPort().getIntVal() != null ? String.valueOf(port.getTargetPort().getIntVal()) : port.getTargetPort().getStrVal())
                .isIn("https", "8443");

        PodDisruptionBudget pdb = only(objects, PodDisruptionBudget.class);
        assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
        assertThat(pdb.getSpec().getSelector().getMatchLabels()).isEqualTo(selector);

        assertRbac(objects, namespace, name);
    }

    private static void assertRbac(List<HasMetadata> objects, String namespace, String name) {
        ClusterRole clusterRole = only(objects, ClusterRole.class);
        assertThat(clusterRole.getAggregationRule()).isNull();
        assertThat(clusterRole.getRules()).allSatisfy(ServerChartTest::assertPlainRule);
        assertThat(permissions(clusterRole.getRules())).containsExactlyInAnyOrderElementsOf(CLUSTER_PERMISSIONS);
        assertThat(permissions(clusterRole.getRules())).as("no write access to secrets")
                .filteredOn(p -> p.contains(" secrets ")).containsExactly("'' secrets get");
        ClusterRoleBinding clusterBinding = only(objects, ClusterRoleBinding.class);
        assertThat(clusterBinding.getRoleRef().getKind()).isEqualTo("ClusterRole");
        assertThat(clusterBinding.getRoleRef().getName()).isEqualTo(clusterRole.getMetadata().getName());
        assertThat(clusterBinding.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getKind()).isEqualTo("ServiceAccount");
            assertThat(s.getName()).isEqualTo(name);
            assertThat(s.getNamespace()).isEqualTo(namespace);
        });

        // leader election: leases in the release namespace only, reads and renewals of the server's Lease only
        Role role = only(objects, Role.class);
        assertThat(role.getMetadata().getNamespace()).isEqualTo(namespace);
        assertThat(permissions(role.getRules())).containsExactlyInAnyOrder("coordination.k8s.io leases create",
                "coordination.k8s.io leases get", "coordination.k8s.io leases update", "coordination.k8s.io leases patch");
        for (PolicyRule rule : role.getRules()) {
            assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
            assertThat(rule.getVerbs()).doesNotContain("*", "delete", "deletecollection", "list", "watch");
            if (!rule.getVerbs().equals(List.of("create"))) assertThat(rule.getResourceNames()).containsExactly(LEASE);
        }
        RoleBinding binding = only(objects, RoleBinding.class);
        assertThat(binding.getMetadata().getNamespace()).isEqualTo(namespace);
        assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
        assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
        assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getKind()).isEqualTo("ServiceAccount");
            assertThat(s.getName()).isEqualTo(name);
            assertThat(s.getNamespace()).isEqualTo(namespace);
        });
    }

    private static void assertPlainRule(PolicyRule rule) {
        assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
        assertThat(rule.getResourceNames()).isNullOrEmpty();
        for (List<String> values : List.of(rule.getApiGroups(), rule.getResources(), rule.getVerbs())) {
            assertThat(values).isNotEmpty().allSatisfy(v -> assertThat(v).doesNotContain("*"));
        }
    }

    private static void assertHttpsProbe(Probe probe, String path) {
        assertThat(probe).as(path + " probe").isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        assertThat(probe.getHttpGet().getScheme()).isEqualTo("HTTPS");
        assertThat(probe.getHttpGet().getPort().getIntVal() != null ? String.valueOf(probe.getHttpGet().getPort().getIntVal())
                : probe.getHttpGet().getPort().getStrVal()).isIn("https", "8443");
        assertThat(probe.getHttpGet().getHttpHeaders()).as("the probes are unauthenticated").isNullOrEmpty();
    }

    /** "group resources verbs" lines ('' for the core group) as the set of single permissions they grant. */
    private static Set<String> permissions(String... lines) {
        Set<String> granted = new TreeSet<>();
        for (String line : lines) {
            String[] parts = line.split(" ");
            for (String resource : parts[1].split(",")) {
                for (String verb : parts[2].split(",")) granted.add(parts[0] + " " + resource + " " + verb);
            }
        }
        return granted;
    }

    private static List<String> permissions(List<PolicyRule> rules) {
        List<String> granted = new ArrayList<>();
        for (PolicyRule rule : rules) {
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    for (String verb : rule.getVerbs()) granted.add((group.isEmpty() ? "''" : group) + " " + resource + " " + verb);
                }
            }
        }
        return granted;
    }

    private static JsonNode serveYaml(List<HasMetadata> objects) throws IOException {
        ConfigMap config = objects.stream().filter(o -> o instanceof ConfigMap c && c.getData() != null && c.getData().containsKey("serve.yaml"))
                .map(ConfigMap.class::cast).findFirst().orElseThrow(() -> new AssertionError("no ConfigMap with serve.yaml"));
        JsonNode parsed = YAML.readTree(config.getData().get("serve.yaml"));
        assertThat(parsed.isObject()).as("serve.yaml is a YAML mapping").isTrue();
        return parsed;
    }

    private static Container container(List<HasMetadata> objects) {
        return only(objects, Deployment.class).getSpec().getTemplate().getSpec().getContainers().getFirst();
    }

    private static EnvVar env(Container container, String name) {
        List<EnvVar> matching = container.getEnv().stream().filter(e -> e.getName().equals(name)).toList();
        assertThat(matching).as("env " + name).hasSizeLessThanOrEqualTo(1);
        return matching.isEmpty() ? null : matching.getFirst();
    }

    private static VolumeMount mount(Container container, String path) {
        return container.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError("nothing mounted at " + path + ": " + container.getVolumeMounts()));
    }

    private static Volume volume(PodSpec pod, String name) {
        return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    private static <T extends HasMetadata> T only(List<HasMetadata> objects, Class<T> kind) {
        List<T> matching = objects.stream().filter(kind::isInstance).map(kind::cast).toList();
        assertThat(matching).as(kind.getSimpleName()).hasSize(1);
        return matching.getFirst();
    }

    private static List<String> kinds(List<HasMetadata> objects) {
        return objects.stream().map(HasMetadata::getKind).toList();
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static String id(HasMetadata object) {
        return object.getKind() + "/" + object.getMetadata().getName();
    }

    private static JsonNode tree(HasMetadata object) {
        return KUBERNETES.convertValue(object, JsonNode.class);
    }

    private static List<HasMetadata> render(UnaryOperator<TemplateCommand> values) throws IOException {
        return parse(values.apply(new Helm(CHART).template().withName("dock").withNamespace("drydock-system")).call());
    }

    /** Every object of a multi-document YAML stream, as fabric8's typed model. */
    private static List<HasMetadata> parse(String yaml) throws IOException {
        List<HasMetadata> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                if (document == null || !document.has("kind")) continue;
                HasMetadata object = KUBERNETES.unmarshal(YAML.writeValueAsString(document), HasMetadata.class);
                assertThat(object.getClass().getPackageName()).as(document.get("kind").asText() + " is a known kind")
                        .startsWith("io.fabric8.kubernetes.api.model");
                assertThat(object.getClass().getSimpleName()).isNotEqualTo("GenericKubernetesResource");
                objects.add(object);
            }
        }
        assertThat(objects).isNotEmpty();
        return objects;
    }

    /** A misspelt field lands in fabric8's additionalProperties, which the API server would reject or ignore. */
    private static void assertNoUnknownFields(HasMetadata object) {
        List<String> unknown = new ArrayList<>();
        collectUnknown(object, object.getKind() + "/" + object.getMetadata().getName(), unknown);
        assertThat(unknown).as("fields the Kubernetes model does not know").isEmpty();
    }

    private static void collectUnknown(Object value, String path, List<String> unknown) {
        if (value == null) return;
        if (value instanceof Collection<?> list) {
            int i = 0;
            for (Object element : list) collectUnknown(element, path + "[" + i++ + "]", unknown);
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> collectUnknown(v, path + "." + k, unknown));
            return;
        }
        if (!value.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) return;
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers()) || !getter.getName().startsWith("get")
                    || getter.getDeclaringClass() == Object.class) continue;
            Object field;
            try {
                field = getter.invoke(value);
            } catch (ReflectiveOperationException | RuntimeException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (field instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add(path + ": " + extra.keySet().stream().map(String::valueOf).collect(Collectors.joining(", ")));
                }
            } else {
                collectUnknown(field, path + "." + getter.getName().substring(3), unknown);
            }
        }
    }
}
