package io.drydock.testing;

import static io.drydock.testing.TestRegistryTest.OCI_INDEX;
import static io.drydock.testing.TestRegistryTest.OCI_MANIFEST;
import static io.drydock.testing.TestRegistryTest.basic;
import static io.drydock.testing.TestRegistryTest.get;
import static io.drydock.testing.TestRegistryTest.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token flow against a real Distribution registry: skopeo for push and pull, java.net.http by hand. */
class TokenServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USER = "drydock";
    private static final String PASSWORD = "token-pass";

    private static TokenServer tokens;
    private static TestRegistry registry;

    @BeforeAll
    static void pushThroughTheTokenFlow() {
        tokens = TokenServer.start(USER, PASSWORD);
        registry = TestRegistry.tokenAuth(tokens);
        registry.push(TestImages.ociRef("app"), "test/app:1");
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (tokens != null) {
            tokens.close();
        }
    }

    @AfterEach
    void resetKnobs() {
        tokens.issueExpiredTokens(false);
        tokens.tokenLifetime(Duration.ofMinutes(5));
        tokens.requireCredentials(USER, PASSWORD);
    }

    @Test
    void skopeoPushedWithATokenThatGrantedPushAndPull() {
        assertThat(tokens.requests()).anySatisfy(r -> {
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.account()).contains(USER);
            assertThat(r.service()).isEqualTo(TokenServer.SERVICE);
            assertThat(r.scopes()).anySatisfy(s -> assertThat(s).startsWith("repository:test/app:").contains("push"));
        });
        assertThat(registry.requests()).anySatisfy(r -> {
            assertThat(r.method()).isEqualTo("PUT");
            assertThat(r.path()).isEqualTo("/v2/test/app/manifests/1");
            assertThat(r.status()).isEqualTo(201);
        });
    }

    @Test
    void anonymousRequestGetsABearerChallengeNamingTheTokenServer() throws Exception {
        HttpResponse<String> r = getManifest(null);
        assertThat(r.statusCode()).isEqualTo(401);
        Map<String, String> challenge = bearerChallenge(r);
        assertThat(challenge).containsEntry("realm", tokens.realm())
                .containsEntry("service", tokens.service())
                .containsEntry("scope", "repository:test/app:pull");
    }

    @Test
    void tokenFromTheServerFetchesTheManifestWithOciAccept() throws Exception {
        int before = tokens.tokensIssued();
        String token = fetchToken(bearerChallenge(getManifest(null)), USER, PASSWORD);
        assertThat(tokens.tokensIssued()).isEqualTo(before + 1);

        HttpResponse<String> r = getManifest(token);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).contains(OCI_MANIFEST);
        assertThat(r.headers().firstValue("Docker-Content-Digest")).contains(TestImages.manifestDigest("app"));
        assertThat("sha256:" + TestImagesTest.sha256Hex(r.body().getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(TestImages.manifestDigest("app"));
    }

    @Test
    void tokenServerRejectsWrongCredentials() throws Exception {
        Map<String, String> challenge = bearerChallenge(getManifest(null));
        HttpResponse<String> r = send(HttpRequest.newBuilder(tokenUri(challenge)).header("Authorization", basic(USER, "nope")));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(get(tokenUri(challenge)).statusCode()).isEqualTo(401);
    }

    @Test
    void expiredTokenIsRejectedByTheRegistry() throws Exception {
        tokens.issueExpiredTokens(true);
        String token = fetchToken(bearerChallenge(getManifest(null)), USER, PASSWORD);
        HttpResponse<String> r = getManifest(token);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("UNAUTHORIZED");
    }

    @Test
    void shortLivedTokenStopsWorkingAfterItsLifetime() throws Exception {
        // Pins the leeway compensation: valid at once despite exp being in the past, invalid soon after.
        tokens.tokenLifetime(Duration.ofSeconds(2));
        String token = fetchToken(bearerChallenge(getManifest(null)), USER, PASSWORD);
        assertThat(getManifest(token).statusCode()).isEqualTo(200);
        Thread.sleep(3500);
        assertThat(getManifest(token).statusCode()).isEqualTo(401);
    }

    @Test
    void tokenSignedByAnotherKeyIsRejected() throws Exception {
        try (TokenServer other = TokenServer.start()) {
            String forged = other.issueToken("repository:test/app:pull");
            assertThat(getManifest(forged).statusCode()).isEqualTo(401);
        }
        assertThat(getManifest(tokens.issueToken("repository:test/app:pull")).statusCode()).isEqualTo(200);
    }

    @Test
    void tokenForAnotherRepositoryDoesNotGrantThisOne() throws Exception {
        assertThat(getManifest(tokens.issueToken("repository:test/other:pull")).statusCode()).isEqualTo(401);
    }

    @Test
    void skopeoPullsThroughTheTokenFlow(@TempDir Path tmp) throws Exception {
        int before = tokens.tokensIssued();
        registry.pull("test/app:1", "oci:" + tmp.resolve("pulled") + ":app");
        assertThat(tokens.tokensIssued()).isGreaterThan(before);
        JsonNode index = JSON.readTree(tmp.resolve("pulled/index.json").toFile());
        assertThat(index.path("manifests").get(0).path("digest").asText()).isEqualTo(TestImages.manifestDigest("app"));
        assertThat(Files.list(tmp.resolve("pulled/blobs/sha256")).count())
                .isEqualTo(2 + TestImages.intValue("app.layers"));
    }

    // ---------------------------------------------------------------------------------------------

    private static HttpResponse<String> getManifest(String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(registry.url("/v2/test/app/manifests/1"))
                .header("Accept", OCI_MANIFEST + ", " + OCI_INDEX);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b);
    }

    private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    private static Map<String, String> bearerChallenge(HttpResponse<?> r) {
        String header = r.headers().firstValue("WWW-Authenticate").orElseThrow();
        assertThat(header).startsWith("Bearer ");
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(header);
        while (m.find()) {
            params.put(m.group(1), m.group(2));
        }
        return params;
    }

    private static URI tokenUri(Map<String, String> challenge) {
        return URI.create(challenge.get("realm") + "?service=" + URLEncoder.encode(challenge.get("service"), StandardCharsets.UTF_8)
                + "&scope=" + URLEncoder.encode(challenge.get("scope"), StandardCharsets.UTF_8));
    }

    private static String fetchToken(Map<String, String> challenge, String user, String password) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(tokenUri(challenge)).header("Authorization", basic(user, password)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("access_token").asText()).isEqualTo(body.path("token").asText());
        assertThat(body.path("expires_in").asLong()).isEqualTo(tokens.tokenLifetime().toSeconds());
        assertThat(body.path("issued_at").asText()).isNotEmpty();
        return body.path("token").asText();
    }
}
