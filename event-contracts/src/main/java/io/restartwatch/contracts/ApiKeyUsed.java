package io.restartwatch.contracts;

import java.time.Instant;

/**
 * Data of {@code apikey.used} on {@link Topics#API_KEY_USAGE}: the latest time one service instance authenticated
 * a request with the key. Sent at most once per reporting interval per key and instance; losing one only makes
 * a "last used" time in the key list older, so it is published directly, not through an outbox.
 */
public record ApiKeyUsed(int schemaVersion, String keyId, Instant lastUsedAt, String usedBy) {

    public static final int SCHEMA_VERSION = 1;
}
