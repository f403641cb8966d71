package io.drydock.server;

import io.drydock.image.Digest;
import io.drydock.store.ApiToken;
import io.drydock.store.Store;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/** API tokens: random, shown once when created, stored as a SHA-256 only, so a copy of the store grants nothing. */
final class Tokens {
    private static final SecureRandom RANDOM = new SecureRandom();
    static final String PREFIX = "ddk_";

    private final Store store;

    Tokens(Store store) {
        this.store = store;
    }

    static String hash(String token) {
        return Digest.sha256(token.getBytes(StandardCharsets.UTF_8)).hex();
    }

    /** Creates a token; empty when the name is taken. */
    Optional<String> create(String name, ApiToken.Role role, Instant now) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return store.putToken(name, hash(token), role, now) ? Optional.of(token) : Optional.empty();
    }

    /** Installs a token given by configuration (a Secret) under {@code name}, unless that name exists. */
    boolean bootstrap(String name, String token, Instant now) {
        return store.putToken(name, hash(token), ApiToken.Role.ADMIN, now);
    }

    Optional<ApiToken> check(String token) {
        if (token == null || token.isBlank() || token.length() > 200) {
            return Optional.empty();
        }
        return store.tokenByHash(hash(token));
    }
}
