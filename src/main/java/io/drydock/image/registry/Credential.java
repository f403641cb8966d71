package io.drydock.image.registry;

/**
 * A registry credential. {@code identityToken} is an OAuth2 refresh token (docker login with
 * a token-based identity). {@code registryToken} is a bearer token issued by someone else for this
 * registry (Harbor hands one to its scanners, already scoped to the repository): it is sent as
 * {@code Authorization: Bearer} as it is, and no token is fetched from the registry's token service.
 * {@link #toString()} never shows a secret.
 */
public record Credential(String username, String password, String identityToken, String registryToken, String origin) {
    public Credential(String username, String password, String identityToken, String origin) {
        this(username, password, identityToken, null, origin);
    }

    public static Credential basic(String username, String password, String origin) {
        return new Credential(username, password, null, null, origin);
    }

    /** A pre-issued bearer token for the registry it is bound to. */
    public static Credential bearer(String token, String origin) {
        if (token == null || token.isBlank()) throw new IllegalArgumentException("a bearer credential needs a token (from " + origin + ")");
        return new Credential("", "", null, token, origin);
    }

    public boolean hasIdentityToken() {
        return identityToken != null && !identityToken.isEmpty();
    }

    public boolean hasRegistryToken() {
        return registryToken != null && !registryToken.isEmpty();
    }

    @Override
    public String toString() {
        if (hasRegistryToken()) return "Credential[bearer token=<redacted>, from " + origin + "]";
        return "Credential[username=" + username + ", secret=<redacted>, from " + origin + "]";
    }
}
