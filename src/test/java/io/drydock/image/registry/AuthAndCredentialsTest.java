package io.drydock.image.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuthAndCredentialsTest {
    @Test
    void parsesBearerChallenge() {
        AuthChallenge c = AuthChallenge.parse("Bearer realm=\"https://auth.example.com/token\",service=\"registry.example.com\",scope=\"repository:a/b:pull,push\",error=\"invalid_token\"");
        assertThat(c.scheme()).isEqualTo("bearer");
        assertThat(c.param("realm")).isEqualTo("https://auth.example.com/token");
        assertThat(c.param("scope")).isEqualTo("repository:a/b:pull,push");
        assertThat(c.param("error")).isEqualTo("invalid_token");
        assertThat(AuthChallenge.parse("Basic realm=\"Registry Realm\"").scheme()).isEqualTo("basic");
    }

    @Test
    void dockerConfigAuths(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("config.json");
        String auth = Base64.getEncoder().encodeToString("alice:s3cret:with:colons".getBytes());
        Files.writeString(cfg, "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"" + auth + "\"},"
                + "\"registry.example.com:5000\":{\"username\":\"bob\",\"password\":\"pw\"}}}");
        CredentialStore store = new CredentialStore(List.of(cfg));
        Credential hub = store.find("docker.io").orElseThrow();
        assertThat(hub.username()).isEqualTo("alice");
        assertThat(hub.password()).isEqualTo("s3cret:with:colons");
        assertThat(hub.toString()).doesNotContain("s3cret").contains("redacted");
        assertThat(store.find("registry.example.com:5000").orElseThrow().username()).isEqualTo("bob");
        assertThat(store.find("other.example.com")).isEmpty();
    }

    @Test
    void credentialHelperProtocol(@TempDir Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path helper = bin.resolve("docker-credential-drydocktest");
        // A real executable speaking the helper protocol: server URL on stdin, JSON on stdout.
        Files.writeString(helper, "#!/bin/sh\nread url\nif [ \"$url\" = \"helper.example.com\" ]; then\n"
                + "echo '{\"ServerURL\":\"helper.example.com\",\"Username\":\"carol\",\"Secret\":\"from-helper\"}'\n"
                + "else echo 'credentials not found in native keychain'; exit 1; fi\n");
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path cfg = dir.resolve("config.json");
        Files.writeString(cfg, "{\"credHelpers\":{\"helper.example.com\":\"drydocktest\"},\"credsStore\":\"drydocktest\"}");
        CredentialStore store = new CredentialStore(List.of(cfg), bin);
        Credential c = store.find("helper.example.com").orElseThrow();
        assertThat(c.username()).isEqualTo("carol");
        assertThat(c.password()).isEqualTo("from-helper");
        assertThat(c.origin()).contains("docker-credential-drydocktest");
        assertThat(store.find("unknown.example.com")).isEmpty();
    }

    @Test
    void malformedConfigNamesTheFile(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("config.json");
        Files.writeString(cfg, "{not json");
        assertThatThrownBy(() -> new CredentialStore(List.of(cfg)).find("x.example.com"))
                .hasMessageContaining(cfg.toString());
        Files.writeString(cfg, "{\"auths\":{\"x.example.com\":{\"auth\":\"!!!\"}}}");
        assertThatThrownBy(() -> new CredentialStore(List.of(cfg)).find("x.example.com"))
                .hasMessageContaining("not valid base64").hasMessageNotContaining("!!!");
    }
}
