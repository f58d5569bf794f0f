package io.restartwatch.notification.fleet;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** Whether a server can currently be vouched for, from {@code restartwatch.freshness}. */
@Entity
@Table(name = "fleet_freshness")
public class FleetFreshnessEntity extends PanacheEntityBase {

    @Id
    @Column(name = "server_id")
    public String serverId;
    public long sequence;
    public boolean verified;
    public String reason;
    public String detail;
    @Column(name = "last_verified_at")
    public Instant lastVerifiedAt;
    @Column(name = "last_attempt_at")
    public Instant lastAttemptAt;
    @Column(name = "max_silence_seconds")
    public Long maxSilenceSeconds;
    @Column(name = "occurred_at")
    public Instant occurredAt;
}
