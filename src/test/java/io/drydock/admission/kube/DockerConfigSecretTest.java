package io.drydock.admission.kube;

import io.drydock.image.registry.Credential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import static io.drydock.admission.kube.DockerConfigSecret.DOCKER_CFG;
import static io.drydock.admission.kube.DockerConfigSecret.DOCKER_CONFIG_JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DockerConfigSecretTest {
    private static final String ORIGIN = "secret ns/pull";

    static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, Credential> parseJson(String json) throws DockerConfigSecret.Unusable {
        return DockerConfigSecret.parse(DOCKER_CONFIG_JSON, Map.of(".dockerconfigjson", b64(json)), ORIGIN);
    }

    @ParameterizedTest
    @CsvSource({
            "https://index.docker.io/v1/, docker.io",
            "index.docker.io, docker.io",
            "registry-1.docker.io, docker.io",
            "docker.io, docker.io",
            "https://Registry.Example.com:5000/v2/, registry.example.com:5000",
            "registry.example.com:5000, registry.example.com:5000",
            "http://localhost:5000, localhost:5000",
            "ghcr.io/team/app, ghcr.io",
    })
    void registryKeysBecomeHostsAsImageReferencesNameThem(String key, String host) {
        assertThat(DockerConfigSecret.registryHost(key)).isEqualTo(host);
    }

    @Test
    void readsEveryEntryForm() throws Exception {
        Map<String, Credential> credentials = parseJson("""
                {"auths": {
                  "registry.example.com": {"auth": "%s"},
                  "ghcr.io": {"username": "bob", "password": "pw-b"},
                  "https://index.docker.io/v1/": {"identitytoken": "tok-c"},
                  "quay.io": {"auth": "%s", "identitytoken": "tok-d"}
                }}""".formatted(b64("alice:pw:with:colons"), b64("dave:pw-d")));

        assertThat(credentials).containsOnlyKeys("registry.example.com", "ghcr.io", "docker.io", "quay.io");
        assertThat(credentials.get("registry.example.com"))
                .isEqualTo(new Credential("alice", "pw:with:colons", "", ORIGIN));
        assertThat(credentials.get("ghcr.io")).isEqualTo(new Credential("bob", "pw-b", "", ORIGIN));
        assertThat(credentials.get("docker.io")).isEqualTo(new Credential("<token>", "", "tok-c", ORIGIN));
        assertThat(credentials.get("quay.io")).isEqualTo(new Credential("dave", "pw-d", "tok-d", ORIGIN));
    }

    @Test
    void readsLegacyDockercfg() throws Exception {
        String legacy = """
                {"https://index.docker.io/v1/": {"auth": "%s", "email": "e@example.com"}}""".formatted(b64("carol:pw-c"));
        Map<String, Credential> credentials = DockerConfigSecret.parse(DOCKER_CFG, Map.of(".dockercfg", b64(legacy)), ORIGIN);

        assertThat(credentials).containsOnlyKeys("docker.io");
        assertThat(credentials.get("docker.io").username()).isEqualTo("carol");
        assertThat(credentials.get("docker.io").password()).isEqualTo("pw-c");
    }

    @Test
    void firstEntryForAHostWinsWhenTwoKeysNameTheSameRegistry() throws Exception {
        Map<String, Credential> credentials = parseJson("""
                {"auths": {"https://index.docker.io/v1/": {"username": "first", "password": "p1"},
                           "docker.io": {"username": "second", "password": "p2"}}}""");

        assertThat(credentials.get("docker.io").username()).isEqualTo("first");
    }

    @Test
    void anEntryWithNoCredentialIsLeftOutButAnEmptySecretIsUnusable() throws Exception {
        assertThat(parseJson("""
                {"auths": {"a.example": {"email": "x@example.com"}, "b.example": {"username": "u", "password": "p"}}}"""))
                .containsOnlyKeys("b.example");
        assertThatThrownBy(() -> parseJson("{\"auths\": {\"a.example\": {}}}"))
                .hasMessage(".dockerconfigjson holds no usable credentials");
    }

    @Test
    void malformedSecretsAreRefusedWithReasonsThatQuoteNoContent() {
        String password = "hunter2-very-secret";
        assertThatThrownBy(() -> parseJson("{\"auths\": {\"r.example\": {\"password\": " + password + "}}}"))
                .hasMessageStartingWith(".dockerconfigjson is not valid JSON (line 1, column")
                .message().doesNotContain("hunter2");
        assertThatThrownBy(() -> parseJson("{\"auths\": {}} " + password))
                .hasMessageStartingWith(".dockerconfigjson is not valid JSON")
                .message().doesNotContain("hunter2");
        assertThatThrownBy(() -> parseJson("{\"auths\": {\"r.example\": {\"auth\": \"" + password + "!!\"}}}"))
                .hasMessage("'auth' of the entry for r.example is not valid base64");
        assertThatThrownBy(() -> parseJson("{\"auths\": {\"r.example\": {\"auth\": \"" + b64(password) + "\"}}}"))
                .hasMessage("'auth' of the entry for r.example is not user:password");
        assertThatThrownBy(() -> parseJson("[\"" + password + "\"]"))
                .hasMessage(".dockerconfigjson is not a JSON object");
        assertThatThrownBy(() -> parseJson("{\"credHelpers\": {\"r.example\": \"ecr-login\"}}"))
                .hasMessage(".dockerconfigjson has no \"auths\" object");
        assertThatThrownBy(() -> parseJson("{\"auths\": {\"r.example\": \"" + password + "\"}}"))
                .hasMessage("the entry for r.example is not a JSON object");
        assertThatThrownBy(() -> DockerConfigSecret.parse(DOCKER_CONFIG_JSON, Map.of(".dockercfg", b64("{}")), ORIGIN))
                .hasMessage("it has no .dockerconfigjson key");
        assertThatThrownBy(() -> DockerConfigSecret.parse(DOCKER_CONFIG_JSON, null, ORIGIN))
                .hasMessage("it has no .dockerconfigjson key");
        assertThatThrownBy(() -> DockerConfigSecret.parse(DOCKER_CONFIG_JSON, Map.of(".dockerconfigjson", "%%%"), ORIGIN))
                .hasMessage("its .dockerconfigjson data is not valid base64");
    }

    @Test
    void wrappedBase64IsAccepted() throws Exception {
        String json = "{\"auths\": {\"r.example\": {\"username\": \"u\", \"password\": \"" + "p".repeat(100) + "\"}}}";
        String wrapped = b64(json).replaceAll("(.{76})", "$1\n");
        assertThat(DockerConfigSecret.parse(DOCKER_CONFIG_JSON, Map.of(".dockerconfigjson", wrapped), ORIGIN))
                .containsOnlyKeys("r.example");
    }
}
