package io.restartwatch.notification.fleet;

import java.time.Instant;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.ExposureFact;
import io.restartwatch.contracts.Livepatch;
import io.restartwatch.contracts.PriorityFactor;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.RestartKind;
import io.restartwatch.contracts.Surface;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.annotations.Mutability;
import org.hibernate.type.SqlTypes;
import org.hibernate.type.descriptor.java.Immutability;

/** A server's newest assessment from {@code restartwatch.priorities}: its pending restart and why it scored so. */
@Entity
@Table(name = "fleet_priority")
public class FleetPriorityEntity extends PanacheEntityBase {

    @Id
    @Column(name = "server_id")
    public String serverId;
    public long sequence;
    public boolean pending;
    @Enumerated(EnumType.STRING)
    public PriorityLevel level;
    public int score;
    @Enumerated(EnumType.STRING)
    public Exposure exposure;
    @Enumerated(EnumType.STRING)
    public RestartKind kind;
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    public List<PriorityFactor> factors;
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    public List<Surface> surfaces;
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    public List<String> packages;
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    public List<String> services;
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    public Livepatch livepatch;
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    @Column(name = "exposure_facts")
    public List<ExposureFact> exposureFacts;
    @Column(name = "required_since")
    public Instant requiredSince;
    @Column(name = "assessed_at")
    public Instant assessedAt;

    /** Stale: pending long enough (the application's staleAfter) to reach the application's page. */
    public boolean stale() {
        return pending && surfaces != null && surfaces.contains(Surface.APPLICATION);
    }
}
