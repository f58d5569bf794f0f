package io.restartwatch.notification.domain;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;

import io.quarkus.runtime.StartupEvent;
import io.restartwatch.contracts.ApiKeyChanged;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.Topics;
import io.restartwatch.notification.persistence.ApiKeyEntity;
import io.restartwatch.support.outbox.Outbox;
import io.restartwatch.support.rest.ProblemException;
import io.restartwatch.support.security.ApiKeyDirectory;
import io.restartwatch.support.security.ApiKeys;
import io.restartwatch.support.security.Roles;

/**
 * Issues and revokes API keys. A key's whole state goes on the compacted {@link Topics#API_KEYS} topic through the
 * outbox, in the transaction that changed it, so every service instance learns of a new or revoked key without
 * ever asking this one.
 */
@ApplicationScoped
public class ApiKeyAdministration {

    private final Outbox outbox;
    private final ApiKeyDirectory directory;
    private final Clock clock;

    public ApiKeyAdministration(Outbox outbox, ApiKeyDirectory directory, Clock clock) {
        this.outbox = outbox;
        this.directory = directory;
        this.clock = clock;
    }

    /** A new key and its record; the key is returned here once and exists nowhere else. */
    public record Issued(ApiKeyEntity record, String key) {
    }

    @Transactional
    public Issued issue(String name, Set<String> roles, Instant expiresAt, String actor) {
        Instant now = clock.instant();
        if (expiresAt != null && !expiresAt.isAfter(now)) {
            throw ProblemException.badRequest("expiresAt", "must be in the future");
        }
        String key = ApiKeys.generate();
        ApiKeyEntity entity = new ApiKeyEntity();
        entity.sha256 = ApiKeys.sha256(key);
        entity.keyId = ApiKeys.keyId(entity.sha256);
        entity.name = name;
        entity.roles = String.join(",", Roles.ALL.stream().filter(roles::contains).toList());
        entity.createdAt = now;
        entity.createdBy = actor;
        entity.expiresAt = expiresAt;
        entity.persist();
        publish(entity, EventTypes.API_KEY_ISSUED);
        return new Issued(entity, key);
    }

    @Transactional
    public ApiKeyEntity revoke(String keyId, String actor) {
        ApiKeyEntity entity = ApiKeyEntity.<ApiKeyEntity>findByIdOptional(keyId)
                .orElseThrow(() -> ProblemException.notFound("No API key '" + keyId + "'"));
        if (entity.revokedAt == null) {
            entity.revokedAt = clock.instant();
            entity.revokedBy = actor;
            publish(entity, EventTypes.API_KEY_REVOKED);
        }
        return entity;
    }

    @Transactional
    public List<ApiKeyEntity> list(boolean includeRevoked) {
        return ApiKeyEntity.listAll(includeRevoked);
    }

    /** Keeps a later use from being overwritten by an earlier report that arrives after it. */
    @Transactional
    public void used(String keyId, Instant at) {
        ApiKeyEntity.update("lastUsedAt = ?1 where keyId = ?2 and (lastUsedAt is null or lastUsedAt < ?1)", at, keyId);
    }

    /**
     * The configured bootstrap key becomes a listed key like any other, so it shows its last use and can be revoked
     * (a revoked bootstrap key stays revoked: the row is never re-created).
     */
    @Transactional
    void registerBootstrapKey(@Observes StartupEvent event) {
        directory.bootstrapKey().ifPresent(bootstrap -> {
            if (ApiKeyEntity.findById(bootstrap.keyId()) != null) {
                return;
            }
            ApiKeyEntity entity = new ApiKeyEntity();
            entity.keyId = bootstrap.keyId();
            entity.sha256 = bootstrap.sha256();
            entity.name = bootstrap.name();
            entity.roles = String.join(",", bootstrap.roles());
            entity.createdAt = clock.instant();
            entity.createdBy = bootstrap.createdBy();
            entity.persist();
            publish(entity, EventTypes.API_KEY_ISSUED);
        });
    }

    private void publish(ApiKeyEntity entity, String type) {
        ApiKeyChanged event = entity.toEvent();
        outbox.enqueue(Topics.API_KEYS, entity.keyId, type, entity.keyId, event);
    }
}
