package io.restartwatch.notification.persistence;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.restartwatch.contracts.ApiKeyChanged;

/** An issued API key: its hash, never the key. */
@Entity
@Table(name = "api_key")
public class ApiKeyEntity extends PanacheEntityBase {

    @Id
    @Column(name = "key_id")
    public String keyId;
    public String name;
    public String sha256;
    /** Comma-separated role names. */
    public String roles;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "created_by")
    public String createdBy;
    @Column(name = "expires_at")
    public Instant expiresAt;
    @Column(name = "revoked_at")
    public Instant revokedAt;
    @Column(name = "revoked_by")
    public String revokedBy;
    @Column(name = "last_used_at")
    public Instant lastUsedAt;

    public List<String> roleList() {
        return Arrays.stream(roles.split(",")).filter(role -> !role.isBlank()).toList();
    }

    /** The state every service authenticates from. */
    public ApiKeyChanged toEvent() {
        return new ApiKeyChanged(ApiKeyChanged.SCHEMA_VERSION, keyId, name, sha256, roleList(), createdAt, createdBy, expiresAt, revokedAt);
    }

    public static List<ApiKeyEntity> listAll(boolean includeRevoked) {
        return includeRevoked ? list("order by createdAt, keyId") : list("revokedAt is null order by createdAt, keyId");
    }
}
