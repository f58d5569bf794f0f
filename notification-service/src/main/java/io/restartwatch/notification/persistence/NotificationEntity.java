package io.restartwatch.notification.persistence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
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
import io.restartwatch.contracts.NotificationKind;
import io.restartwatch.contracts.NotificationStatus;
import io.restartwatch.contracts.PriorityFactor;
import io.restartwatch.contracts.PriorityLevel;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.annotations.Mutability;
import org.hibernate.type.SqlTypes;
import org.hibernate.type.descriptor.java.Immutability;

/**
 * What people see about a server: a pending reboot, services to restart, that Restart Watch cannot vouch for it,
 * or that a restart plan halted on it. At most one open notification per server and kind.
 */
@Entity
@Table(name = "notification")
public class NotificationEntity extends PanacheEntityBase {

    @Id
    public UUID id;
    @Column(name = "server_id")
    public String serverId;
    @Enumerated(EnumType.STRING)
    public NotificationKind kind;
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
    /** SERVICE_RESTART: the services to restart. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    public List<String> services = new ArrayList<>();
    /** UNVERIFIED: why the server cannot be vouched for, e.g. {@code HOST_KEY_CHANGED}. */
    public String reason;
    @Column(name = "reason_detail")
    public String reasonDetail;
    @Column(name = "last_verified_at")
    public Instant lastVerifiedAt;
    @Column(name = "last_attempt_at")
    public Instant lastAttemptAt;
    /** PLAN_HALTED: the restart plan that halted on this server, and the restart that failed. */
    @Column(name = "plan_id")
    public String planId;
    @Column(name = "restart_id")
    public String restartId;
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

    public static Optional<NotificationEntity> findOpen(String serverId, NotificationKind kind) {
        return find("serverId = ?1 and kind = ?2 and status = ?3", serverId, kind, NotificationStatus.OPEN).firstResultOptional();
    }

    /** The server's open notifications, one per kind at most, in the kinds' order. */
    public static List<NotificationEntity> listOpen(String serverId) {
        return list("serverId = ?1 and status = ?2 order by kind", serverId, NotificationStatus.OPEN);
    }

    /** The open notifications of these servers (one query), in server and kind order. */
    public static List<NotificationEntity> listOpen(Collection<String> serverIds) {
        return list("serverId in ?1 and status = ?2 order by serverId, kind", serverIds, NotificationStatus.OPEN);
    }

    /** The open PLAN_HALTED notifications of a plan (one per server it halted on). */
    public static List<NotificationEntity> listOpenOfPlan(String planId) {
        return list("planId = ?1 and kind = ?2 and status = ?3", planId, NotificationKind.PLAN_HALTED, NotificationStatus.OPEN);
    }

    public boolean snoozedAt(Instant now) {
        return snoozedUntil != null && snoozedUntil.isAfter(now);
    }
}
