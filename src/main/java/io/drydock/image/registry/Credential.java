package io.drydock.image.registry;

/**
 * A registry credential. {@code identityToken} is an OAuth2 refresh token (docker login with
 * a token-based identity). {@link #toString()} never shows the secret.
 */
public record Credential(String username, String password, String identityToken, String origin) {
    public static Credential basic(String username, String password, String origin) {
        return new Credential(username, password, null, origin);
    }

    public boolean hasIdentityToken() {
        return identityToken != null && !identityToken.isEmpty();
    }

    @Override
    public String toString() {
        return "Credential[username=" + username + ", secret=<redacted>, from " + origin + "]";
    }
}
