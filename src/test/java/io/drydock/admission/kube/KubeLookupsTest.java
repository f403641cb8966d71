package io.drydock.admission.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drydock.image.registry.Credential;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.drydock.admission.kube.DockerConfigSecretTest.b64;
import static org.assertj.core.api.Assertions.assertThat;

@EnableKubernetesMockClient(crud = true)
class KubeLookupsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NS = "apps";
    // Every secret value used below; none may ever show up in a warning, a toString or the console.
    private static final List<String> SECRET_VALUES = List.of(
            "pod-pass-1", "sa-pass-2", "hub-token-3", "legacy-pass-4", "opaque-value-5", "broken-pass-6", "default-pass-7");

    KubernetesClient client;

    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private KubeLookups lookups;

    @BeforeEach
    void setUp() {
        lookups = new KubeLookups(client, Duration.ofSeconds(30), clock, warnings::add);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS)
                .addToLabels("team", "payments").addToLabels("drydock.io/exempt", "true").endMetadata().build()).create();
    }

    // --- namespace labels ---

    @Test
    void namespaceLabelsComeFromTheApi() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("bare").endMetadata().build()).create();

        assertThat(lookups.namespaceLabels(NS)).containsExactlyInAnyOrderEntriesOf(
                Map.of("team", "payments", "drydock.io/exempt", "true"));
        assertThat(lookups.namespaceLabels("bare")).isEmpty();
        assertThat(warnings).isEmpty();
    }

    @Test
    void aLabelChangeIsSeenAfterTheTtlNotBefore() {
        assertThat(lookups.namespaceLabels(NS)).containsEntry("drydock.io/exempt", "true");
        client.namespaces().withName(NS).edit(ns -> new NamespaceBuilder(ns).editMetadata()
                .removeFromLabels("drydock.io/exempt").endMetadata().build());

        clock.advance(Duration.ofSeconds(29));
        assertThat(lookups.namespaceLabels(NS)).as("still within the TTL").containsEntry("drydock.io/exempt", "true");

        clock.advance(Duration.ofSeconds(1));
        assertThat(lookups.namespaceLabels(NS)).as("TTL passed").doesNotContainKey("drydock.io/exempt")
                .containsEntry("team", "payments");
    }

    @Test
    void aClockThatGoesBackwardsDoesNotKeepStaleLabels() {
        lookups.namespaceLabels(NS);
        client.namespaces().withName(NS).edit(ns -> new NamespaceBuilder(ns).editMetadata()
                .addToLabels("team", "billing").endMetadata().build());

        clock.advance(Duration.ofHours(-1));
        assertThat(lookups.namespaceLabels(NS)).containsEntry("team", "billing");
    }

    @Test
    void aMissingNamespaceHasNoLabelsAndIsReportedOnce() {
        assertThat(lookups.namespaceLabels("ghost")).isEmpty();
        clock.advance(Duration.ofMinutes(5));
        assertThat(lookups.namespaceLabels("ghost")).isEmpty();

        assertThat(warnings).containsExactly(
                "cannot read the labels of namespace ghost: not found; no label-based exemption applies");
    }

    @Test
    void anUnreachableApiServerGivesNoLabelsAndOneWarning() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        var config = new ConfigBuilder().withMasterUrl("http://127.0.0.1:" + closedPort)
                .withConnectionTimeout(500).withRequestTimeout(500).withRequestRetryBackoffLimit(0).build();
        try (KubernetesClient unreachable = new KubernetesClientBuilder().withConfig(config).build()) {
            var offline = new KubeLookups(unreachable, Duration.ofSeconds(30), clock, warnings::add);

            assertThat(offline.namespaceLabels(NS)).isEmpty();
            clock.advance(Duration.ofMinutes(1));
            assertThat(offline.namespaceLabels(NS)).isEmpty();
            assertThat(offline.pullCredentials(NS, podSpec("{\"imagePullSecrets\": [{\"name\": \"pod-pull\"}]}"))).isEmpty();
        }
        assertThat(warnings).hasSize(3);
        assertThat(warnings.get(0)).startsWith("cannot read the labels of namespace apps: the API server could not be reached (");
        assertThat(warnings.get(1)).startsWith("cannot read service account apps/default: the API server could not be reached (");
        assertThat(warnings.get(2)).startsWith("pull secret apps/pod-pull skipped: the API server could not be reached (");
    }

    // --- pull credentials ---

    @Test
    void podSecretsComeFirstThenTheServiceAccountsPullSecretsThenItsSecrets() {
        dockerConfigJson("pod-pull", """
                {"auths": {"registry.example.com:5000": {"auth": "%s"}}}""".formatted(b64("alice:pod-pass-1")));
        dockerConfigJson("sa-pull", """
                {"auths": {"registry.example.com:5000": {"username": "bob", "password": "sa-pass-2"},
                           "https://index.docker.io/v1/": {"identitytoken": "hub-token-3"}}}""");
        secret("sa-legacy", DockerConfigSecret.DOCKER_CFG, ".dockercfg", """
                {"quay.io": {"auth": "%s", "email": "carol@example.com"}}""".formatted(b64("carol:legacy-pass-4")));
        secret("sa-token", "Opaque", "token", "opaque-value-5");
        serviceAccount("builder", List.of("sa-pull"), List.of("sa-legacy", "sa-token"));

        Map<String, Credential> credentials = lookups.pullCredentials(NS, podSpec("""
                {"serviceAccountName": "builder", "imagePullSecrets": [{"name": "pod-pull"}],
                 "containers": [{"name": "app", "image": "registry.example.com:5000/team/app:1"}]}"""));

        assertThat(credentials).containsOnlyKeys("registry.example.com:5000", "docker.io", "quay.io");
        assertThat(credentials.get("registry.example.com:5000"))
                .as("the pod's own secret wins over the service account's")
                .isEqualTo(new Credential("alice", "pod-pass-1", "", "secret apps/pod-pull"));
        assertThat(credentials.get("docker.io"))
                .as("Docker Hub's URL key is normalised to the host image references use")
                .isEqualTo(new Credential("<token>", "", "hub-token-3", "secret apps/sa-pull"));
        assertThat(credentials.get("quay.io"))
                .isEqualTo(new Credential("carol", "legacy-pass-4", "", "secret apps/sa-legacy"));
        assertThat(warnings).as("an Opaque secret in the service account's list is ignored quietly").isEmpty();
    }

    @Test
    void withoutServiceAccountNameTheDefaultServiceAccountIsUsed() {
        dockerConfigJson("default-pull", """
                {"auths": {"ghcr.io": {"username": "dee", "password": "default-pass-7"}}}""");
        serviceAccount("default", List.of("default-pull"), List.of());

        assertThat(lookups.pullCredentials(NS, podSpec("{\"containers\": []}")))
                .containsOnly(Map.entry("ghcr.io", new Credential("dee", "default-pass-7", "", "secret apps/default-pull")));
        assertThat(lookups.pullCredentials(NS, null)).containsOnlyKeys("ghcr.io");
    }

    @Test
    void unusableSecretsAreSkippedWithOneWarningEachAndTheRestStillCount() {
        dockerConfigJson("broken-json", "{\"auths\": {\"r.example\": {\"password\": broken-pass-6}}}");
        secret("opaque-named", "Opaque", "token", "opaque-value-5");
        dockerConfigJson("good", "{\"auths\": {\"r.example\": {\"username\": \"u\", \"password\": \"pod-pass-1\"}}}");
        serviceAccount("default", List.of("missing-from-sa"), List.of("missing-but-not-for-pulling"));
        JsonNode spec = podSpec("""
                {"imagePullSecrets": [{"name": "broken-json"}, {"name": "opaque-named"}, {"name": "missing"}, {"name": "good"}]}""");

        for (int request = 0; request < 3; request++) {
            assertThat(lookups.pullCredentials(NS, spec)).containsOnlyKeys("r.example");
        }

        assertThat(warnings).containsExactly(
                "pull secret apps/broken-json skipped: .dockerconfigjson is not valid JSON (line 1, column 44)",
                "pull secret apps/opaque-named skipped: its type is Opaque, not kubernetes.io/dockerconfigjson or kubernetes.io/dockercfg",
                "pull secret apps/missing skipped: not found",
                "pull secret apps/missing-from-sa skipped: not found");
    }

    @Test
    void aSecretThatIsFixedAndBrokenAgainIsReportedAgain() {
        dockerConfigJson("flaky", "not json");
        JsonNode spec = podSpec("{\"imagePullSecrets\": [{\"name\": \"flaky\"}]}");
        serviceAccount("default", List.of(), List.of());

        lookups.pullCredentials(NS, spec);
        client.secrets().inNamespace(NS).withName("flaky").delete();
        dockerConfigJson("flaky", "{\"auths\": {\"r.example\": {\"username\": \"u\", \"password\": \"p\"}}}");
        assertThat(lookups.pullCredentials(NS, spec)).containsOnlyKeys("r.example");
        client.secrets().inNamespace(NS).withName("flaky").delete();
        dockerConfigJson("flaky", "not json");
        lookups.pullCredentials(NS, spec);

        assertThat(warnings).hasSize(2).allMatch(w -> w.startsWith("pull secret apps/flaky skipped: .dockerconfigjson is not valid JSON"));
    }

    @Test
    void aMissingServiceAccountStillLeavesThePodsOwnSecrets() {
        dockerConfigJson("pod-pull", "{\"auths\": {\"r.example\": {\"username\": \"u\", \"password\": \"pod-pass-1\"}}}");

        assertThat(lookups.pullCredentials(NS, podSpec("""
                {"serviceAccountName": "nobody", "imagePullSecrets": [{"name": "pod-pull"}]}""")))
                .containsOnlyKeys("r.example");
        assertThat(warnings).containsExactly("cannot read service account apps/nobody: not found; its pull secrets are not used");
    }

    @Test
    void noSecretContentReachesWarningsToStringsOrTheConsole() {
        dockerConfigJson("pod-pull", """
                {"auths": {"registry.example.com:5000": {"auth": "%s"}}}""".formatted(b64("alice:pod-pass-1")));
        dockerConfigJson("sa-pull", """
                {"auths": {"https://index.docker.io/v1/": {"identitytoken": "hub-token-3"}}}""");
        dockerConfigJson("broken-json", "{\"auths\": {\"r.example\": {\"password\": broken-pass-6}}}");
        dockerConfigJson("bad-auth", "{\"auths\": {\"r.example\": {\"auth\": \"" + b64("sa-pass-2") + "\"}}}");
        secret("sa-legacy", DockerConfigSecret.DOCKER_CFG, ".dockercfg", "{\"quay.io\": {\"auth\": \"legacy-pass-4\"}}");
        secret("opaque-named", "Opaque", "token", "opaque-value-5");
        serviceAccount("default", List.of("sa-pull", "bad-auth", "sa-legacy", "opaque-named"), List.of());

        PrintStream out = System.out;
        PrintStream err = System.err;
        var console = new ByteArrayOutputStream();
        Map<String, Credential> credentials;
        try {
            var capture = new PrintStream(console, true, StandardCharsets.UTF_8);
            System.setOut(capture);
            System.setErr(capture);
            // The production warning sink (stderr), so the console capture sees what an operator would.
            var stderrLookups = new KubeLookups(client);
            credentials = stderrLookups.pullCredentials(NS, podSpec("""
                    {"imagePullSecrets": [{"name": "pod-pull"}, {"name": "broken-json"}]}"""));
            stderrLookups.namespaceLabels("ghost");
        } finally {
            System.setOut(out);
            System.setErr(err);
        }

        String consoleText = console.toString(StandardCharsets.UTF_8);
        assertThat(credentials).containsOnlyKeys("registry.example.com:5000", "docker.io");
        assertThat(consoleText).contains("drydock: warning: pull secret apps/broken-json skipped",
                "drydock: warning: pull secret apps/bad-auth skipped: 'auth' of the entry for r.example is not user:password",
                "drydock: warning: pull secret apps/sa-legacy skipped: 'auth' of the entry for quay.io is not valid base64",
                "drydock: warning: pull secret apps/opaque-named skipped: its type is Opaque");
        String everything = consoleText + credentials + credentials.values().stream().map(Credential::toString).toList();
        for (String value : SECRET_VALUES) {
            assertThat(everything).doesNotContain(value).doesNotContain(b64(value));
        }
        assertThat(credentials.get("registry.example.com:5000").toString())
                .isEqualTo("Credential[username=alice, secret=<redacted>, from secret apps/pod-pull]");
    }

    // --- fixtures ---

    private static JsonNode podSpec(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private void dockerConfigJson(String name, String json) {
        secret(name, DockerConfigSecret.DOCKER_CONFIG_JSON, ".dockerconfigjson", json);
    }

    private void secret(String name, String type, String key, String value) {
        client.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName(name).endMetadata()
                .withType(type).addToData(key, b64(value)).build()).create();
    }

    private void serviceAccount(String name, List<String> imagePullSecrets, List<String> secrets) {
        var builder = new ServiceAccountBuilder().withNewMetadata().withName(name).endMetadata();
        imagePullSecrets.forEach(s -> builder.addNewImagePullSecret(s));
        secrets.forEach(s -> builder.addNewSecret().withName(s).endSecret());
        client.serviceAccounts().inNamespace(NS).resource(builder.build()).create();
    }

    /** A clock the test moves by hand, so the TTL is tested without sleeping. */
    private static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
