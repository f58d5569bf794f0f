package io.restartwatch.deployhook.persistence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.annotations.Mutability;
import org.hibernate.type.SqlTypes;
import org.hibernate.type.descriptor.java.Immutability;

/** A CI/CD pipeline's credentials and the applications it may report deploys for. */
@Entity
@Table(name = "pipeline")
public class PipelineEntity extends PanacheEntityBase {

    @Id
    public String id;
    public String name;
    // JSON values are replaced, never changed in place: Immutability spares Hibernate a JSON round trip per
    // attribute to snapshot and dirty-check them (measured: the consumers' largest CPU cost).
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    @Column(name = "application_ids")
    public List<String> applicationIds = new ArrayList<>();
    @Column(name = "token_hash")
    public String tokenHash;
    @Column(name = "hmac_secret")
    public String hmacSecret;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "rotated_at")
    public Instant rotatedAt;
    @Column(name = "revoked_at")
    public Instant revokedAt;

    public boolean active() {
        return revokedAt == null;
    }

    public boolean mayDeploy(String applicationId) {
        return applicationIds.contains(applicationId) || applicationIds.contains("*");
    }
}
