package io.restartwatch.contracts;

import java.time.Instant;
import java.util.List;

/**
 * Data of {@code apikey.issued} and {@code apikey.revoked} on {@link Topics#API_KEYS}: the whole current state of
 * one API key, so the compacted topic's latest record per key is all a service needs to authenticate it.
 *
 * @param keyId     public id of the key (the first characters of its hash), also the record key
 * @param sha256    hex SHA-256 of the whole key string; the key itself is never stored or published
 * @param roles     {@code viewer}, {@code operator}, {@code admin} (each includes the ones below it)
 * @param expiresAt when the key stops working by itself; null for never
 * @param revokedAt when an admin revoked it; null while it is valid
 */
public record ApiKeyChanged(
        int schemaVersion,
        String keyId,
        String name,
        String sha256,
        List<String> roles,
        Instant createdAt,
        String createdBy,
        Instant expiresAt,
        Instant revokedAt) {

    public static final int SCHEMA_VERSION = 1;

    public ApiKeyChanged {
        roles = roles == null ? List.of() : List.copyOf(roles);
    }

    /** Whether the key authenticates at {@code now}. */
    public boolean validAt(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }
}
