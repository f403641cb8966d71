package io.drydock.image.registry;

import io.drydock.image.ImageManifest;
import io.drydock.image.ImageReference;
import io.drydock.testing.TestImages;
import io.drydock.testing.TestRegistry;
import io.drydock.testing.TokenServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A bearer token issued by someone else (Harbor hands its scanners one per scan) against Distribution with token
 * auth: sent as it is, never exchanged at the token service, and named but never shown when the registry refuses it.
 */
class BearerCredentialTest {
    static TokenServer tokens;
    static TestRegistry registry;
    static ImageReference ref;

    @BeforeAll
    static void start() {
        // the token service wants credentials the client is never given: any token it issues here is a test's own
        tokens = TokenServer.start("robot", "robot-secret");
        registry = TestRegistry.tokenAuth(tokens);
        registry.push(TestImages.ociRef("app"), "tok/app:1");
        ref = ImageReference.parse(registry.hostPort() + "/tok/app:1");
    }

    @AfterAll
    static void stop() {
        if (registry != null) registry.close();
        if (tokens != null) tokens.close();
    }

    static RegistryClient clientWith(Credential credential) {
        CredentialStore store = CredentialStore.none();
        store.put(registry.hostPort(), credential);
        return new RegistryClient(store, RegistryClient.Options.defaults().withRetries(2, Duration.ofMillis(20)));
    }

    @Test
    void aPreIssuedTokenPullsTheManifestWithoutTheTokenService() {
        String token = tokens.issueToken("repository:tok/app:pull");
        int tokenRequests = tokens.requests().size();
        RegistryClient client = clientWith(Credential.bearer(token, "the test"));

        ImageManifest manifest = (ImageManifest) client.manifest(ref);
        assertThat(manifest.digest().toString()).isEqualTo(TestImages.value("app.manifest"));
        assertThat(client.head(ref)).isPresent();

        assertThat(tokens.requests()).hasSize(tokenRequests);
        // sent with the first request, not after a challenge: no 401 on the way
        assertThat(client.requestCount()).isEqualTo(2);
    }

    @Test
    void aRefusedTokenIsNamedButNeverShown() {
        String garbage = "eyJhbGciOiJFUzI1NiJ9.e30.bm90LWEtc2lnbmF0dXJl";
        assertThatThrownBy(() -> clientWith(Credential.bearer(garbage, "the test's --registry-token")).manifest(ref))
                .isInstanceOf(RegistryException.Unauthorized.class)
                .hasMessageStartingWith("registry " + registry.hostPort() + " refused the bearer token from the test's --registry-token")
                .hasMessageContaining("invalid_token")
                .hasMessageNotContaining(garbage);

        // a valid token for another repository: refused for lack of scope, and not swapped for a fetched one
        String otherRepo = tokens.issueToken("repository:other/app:pull");
        int tokenRequests = tokens.requests().size();
        assertThatThrownBy(() -> clientWith(Credential.bearer(otherRepo, "the test")).manifest(ref))
                .isInstanceOf(RegistryException.Unauthorized.class)
                .hasMessageStartingWith("registry " + registry.hostPort() + " refused the bearer token from the test")
                .hasMessageContaining("insufficient_scope")
                .hasMessageNotContaining(otherRepo);
        assertThat(tokens.requests()).hasSize(tokenRequests);
    }

    @Test
    void toStringNeverShowsTheToken() {
        Credential c = Credential.bearer("s3cret-token-value", "Harbor");
        assertThat(c.toString()).doesNotContain("s3cret-token-value").contains("Harbor").contains("<redacted>");
        assertThat(c.hasRegistryToken()).isTrue();
        assertThat(Credential.basic("alice", "pw", "x").hasRegistryToken()).isFalse();
    }
}
