package io.drydock.store;

import java.time.Instant;

/** An API token's name and role; the token itself is never stored, only its SHA-256. */
public record ApiToken(String name, Role role, Instant createdAt) {
    public enum Role { READ, ADMIN }
}
