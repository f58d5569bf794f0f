package io.restartwatch.notification.persistence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.NotificationStatus;
import io.restartwatch.contracts.PriorityFactor;
import io.restartwatch.contracts.PriorityLevel;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.annotations.Mutability;
import org.hibernate.type.SqlTypes;
import org.hibernate.type.descriptor.java.Immutability;

/** A pending restart as people see it. */
@Entity
@Table(name = "notification")
public class NotificationEntity extends PanacheEntityBase {

    @Id
    public UUID id;
    @Column(name = "server_id")
    public String serverId;
    @Enumerated(EnumType.STRING)
    public NotificationStatus status;
    public String hostname;
    @Column(name = "application_id")
    public String applicationId;
    public String environment;
    @Enumerated(EnumType.STRING)
    public PriorityLevel level;
    public int score;
    @Enumerated(EnumType.STRING)
    public Exposure exposure;
    @Column(name = "on_dashboard")
    public boolean onDashboard;
    @Column(name = "on_application")
    public boolean onApplication;
    // JSON values are replaced, never changed in place: Immutability spares Hibernate a JSON round trip per
    // attribute to snapshot and dirty-check them (measured: the consumers' largest CPU cost).
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    public List<String> packages = new ArrayList<>();
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    public List<PriorityFactor> factors = new ArrayList<>();
    @Column(name = "pending_since")
    public Instant pendingSince;
    public String message;
    @Column(name = "opened_at")
    public Instant openedAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
    @Column(name = "cleared_at")
    public Instant clearedAt;
    @Column(name = "acknowledged_at")
    public Instant acknowledgedAt;
    @Column(name = "acknowledged_by")
    public String acknowledgedBy;
    @Column(name = "acknowledge_note")
    public String acknowledgeNote;
    @Column(name = "snoozed_until")
    public Instant snoozedUntil;
    @Enumerated(EnumType.STRING)
    @Column(name = "snoozed_at_level")
    public PriorityLevel snoozedAtLevel;

    public static Optional<NotificationEntity> findOpen(String serverId) {
        return find("serverId = ?1 and status = ?2", serverId, NotificationStatus.OPEN).firstResultOptional();
    }

    public boolean snoozedAt(Instant now) {
        return snoozedUntil != null && snoozedUntil.isAfter(now);
    }
}
