package io.restartwatch.notification.persistence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityManager;
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
import io.restartwatch.support.sql.SetStatement;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.annotations.Mutability;
import org.hibernate.jpa.HibernateHints;
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

    /**
     * The open notifications of these servers (one query), in server and kind order, read-only: a batch writes the
     * ones it changes with {@link #upsertAll}.
     */
    public static List<NotificationEntity> listOpenToWrite(Collection<String> serverIds) {
        return find("serverId in ?1 and status = ?2 order by serverId, kind", serverIds, NotificationStatus.OPEN)
                .withHint(HibernateHints.HINT_READ_ONLY, true).list();
    }

    /**
     * Writes these notifications, new or changed, with one statement (a batch of assessments: Hibernate's flush of one
     * entity per assessment was most of this service's CPU). The caller holds the servers' locks and read the rows
     * in this transaction, so each is replaced whole, except what only an operator changes (the acknowledgement).
     * A row that clears must be written before one that opens for the same server and kind: the unique index on
     * open notifications checks each row as it is written.
     */
    public static void upsertAll(EntityManager entityManager, Collection<NotificationEntity> notifications) {
        SetStatement.over(notifications, """
                        insert into notification (id, server_id, kind, status, hostname, application_id, environment, level, score,
                               exposure, on_dashboard, on_application, packages, factors, services, reason, reason_detail,
                               last_verified_at, last_attempt_at, plan_id, restart_id, pending_since, message, opened_at,
                               updated_at, cleared_at, acknowledged_at, acknowledged_by, acknowledge_note, snoozed_until,
                               snoozed_at_level)
                        select * from unnest(?::uuid[], ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[],
                               ?::varchar[], ?::varchar[], ?::integer[], ?::varchar[], ?::boolean[], ?::boolean[], ?::jsonb[],
                               ?::jsonb[], ?::jsonb[], ?::varchar[], ?::varchar[], ?::timestamptz[], ?::timestamptz[],
                               ?::varchar[], ?::varchar[], ?::timestamptz[], ?::text[], ?::timestamptz[], ?::timestamptz[],
                               ?::timestamptz[], ?::timestamptz[], ?::varchar[], ?::varchar[], ?::timestamptz[], ?::varchar[])
                        on conflict (id) do update set status = excluded.status, hostname = excluded.hostname,
                               application_id = excluded.application_id, environment = excluded.environment,
                               level = excluded.level, score = excluded.score, exposure = excluded.exposure,
                               on_dashboard = excluded.on_dashboard, on_application = excluded.on_application,
                               packages = excluded.packages, factors = excluded.factors, services = excluded.services,
                               reason = excluded.reason, reason_detail = excluded.reason_detail,
                               last_verified_at = excluded.last_verified_at, last_attempt_at = excluded.last_attempt_at,
                               plan_id = excluded.plan_id, restart_id = excluded.restart_id,
                               pending_since = excluded.pending_since, message = excluded.message,
                               updated_at = excluded.updated_at, cleared_at = excluded.cleared_at,
                               snoozed_until = excluded.snoozed_until, snoozed_at_level = excluded.snoozed_at_level""")
                .column("varchar", n -> n.id.toString())
                .column("varchar", n -> n.serverId)
                .column("varchar", n -> n.kind)
                .column("varchar", n -> n.status)
                .column("varchar", n -> n.hostname)
                .column("varchar", n -> n.applicationId)
                .column("varchar", n -> n.environment)
                .column("varchar", n -> n.level)
                .column("integer", n -> n.score)
                .column("varchar", n -> n.exposure)
                .column("boolean", n -> n.onDashboard)
                .column("boolean", n -> n.onApplication)
                .jsonColumn(n -> n.packages)
                .jsonColumn(n -> n.factors)
                .jsonColumn(n -> n.services)
                .column("varchar", n -> n.reason)
                .column("varchar", n -> n.reasonDetail)
                .column("varchar", n -> n.lastVerifiedAt)
                .column("varchar", n -> n.lastAttemptAt)
                .column("varchar", n -> n.planId)
                .column("varchar", n -> n.restartId)
                .column("varchar", n -> n.pendingSince)
                .column("text", n -> n.message)
                .column("varchar", n -> n.openedAt)
                .column("varchar", n -> n.updatedAt)
                .column("varchar", n -> n.clearedAt)
                .column("varchar", n -> n.acknowledgedAt)
                .column("varchar", n -> n.acknowledgedBy)
                .column("varchar", n -> n.acknowledgeNote)
                .column("varchar", n -> n.snoozedUntil)
                .column("varchar", n -> n.snoozedAtLevel)
                .execute(entityManager);
    }

    /** The open PLAN_HALTED notifications of a plan (one per server it halted on). */
    public static List<NotificationEntity> listOpenOfPlan(String planId) {
        return list("planId = ?1 and kind = ?2 and status = ?3", planId, NotificationKind.PLAN_HALTED, NotificationStatus.OPEN);
    }

    public boolean snoozedAt(Instant now) {
        return snoozedUntil != null && snoozedUntil.isAfter(now);
    }
}
