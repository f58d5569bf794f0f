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
import io.restartwatch.support.sql.SetUpsert;
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

    /**
     * The server's open notification of this kind. Here and in every query of open notifications the status is a literal
     * (HQL's enum shorthand, sent as {@code 'OPEN'}), never a parameter: only then can a plan the server caches for the
     * statement use the partial indexes on open notifications ({@code … where status = 'OPEN'}). A cached plan with the
     * status as a parameter reads the whole table, and PostgreSQL settles on one if the table was nearly empty for the
     * statement's first runs.
     */
    public static Optional<NotificationEntity> findOpen(String serverId, NotificationKind kind) {
        return find("serverId = ?1 and kind = ?2 and status = OPEN", serverId, kind).firstResultOptional();
    }

    /** The server's open notification of this kind, read-only: the transition that changes it writes it with {@link #upsertAll}. */
    public static Optional<NotificationEntity> findOpenToWrite(String serverId, NotificationKind kind) {
        return find("serverId = ?1 and kind = ?2 and status = OPEN", serverId, kind)
                .withHint(HibernateHints.HINT_READ_ONLY, true).firstResultOptional();
    }

    /** The server's open notifications, one per kind at most, in the kinds' order. */
    public static List<NotificationEntity> listOpen(String serverId) {
        return list("serverId = ?1 and status = OPEN order by kind", serverId);
    }

    /** Writes a batch's new and changed notifications: see {@link #upsertAll}. */
    private static final SetUpsert<NotificationEntity> UPSERT = SetUpsert.<NotificationEntity>into("notification")
            .key("id", "uuid", n -> n.id.toString())
            .insertOnly("server_id", "varchar", n -> n.serverId)
            .insertOnly("kind", "varchar", n -> n.kind)
            .column("status", "varchar", n -> n.status)
            .column("hostname", "varchar", n -> n.hostname)
            .column("application_id", "varchar", n -> n.applicationId)
            .column("environment", "varchar", n -> n.environment)
            .column("level", "varchar", n -> n.level)
            .column("score", "integer", n -> n.score)
            .column("exposure", "varchar", n -> n.exposure)
            .column("on_dashboard", "boolean", n -> n.onDashboard)
            .column("on_application", "boolean", n -> n.onApplication)
            .json("packages", n -> n.packages)
            .json("factors", n -> n.factors)
            .json("services", n -> n.services)
            .column("reason", "varchar", n -> n.reason)
            .column("reason_detail", "varchar", n -> n.reasonDetail)
            .column("last_verified_at", "timestamptz", n -> n.lastVerifiedAt)
            .column("last_attempt_at", "timestamptz", n -> n.lastAttemptAt)
            .column("plan_id", "varchar", n -> n.planId)
            .column("restart_id", "varchar", n -> n.restartId)
            .column("pending_since", "timestamptz", n -> n.pendingSince)
            .column("message", "text", n -> n.message)
            .insertOnly("opened_at", "timestamptz", n -> n.openedAt)
            .column("updated_at", "timestamptz", n -> n.updatedAt)
            .column("cleared_at", "timestamptz", n -> n.clearedAt)
            // An operator's, never the batch's: an acknowledgement made while a batch runs stays.
            .insertOnly("acknowledged_at", "timestamptz", n -> n.acknowledgedAt)
            .insertOnly("acknowledged_by", "varchar", n -> n.acknowledgedBy)
            .insertOnly("acknowledge_note", "varchar", n -> n.acknowledgeNote)
            .column("snoozed_until", "timestamptz", n -> n.snoozedUntil)
            .column("snoozed_at_level", "varchar", n -> n.snoozedAtLevel);

    /**
     * Writes these notifications, new or changed, with one statement (for a batch of assessments, Hibernate's flush of
     * one entity per assessment was most of this service's CPU; every transition writes this way, so there is one way).
     * The caller read the rows in this transaction (under the servers' locks for a batch), so each is replaced whole,
     * except what only an operator changes (the acknowledgement).
     * A row that clears must be written before one that opens for the same server and kind: the unique index on
     * open notifications checks each row as it is written.
     */
    public static void upsertAll(EntityManager entityManager, Collection<NotificationEntity> notifications) {
        UPSERT.execute(entityManager, notifications);
    }

    /** The servers with an open PLAN_HALTED notification of this plan. */
    public static List<String> serversHaltedBy(String planId) {
        return getEntityManager().createQuery("""
                        select n.serverId from NotificationEntity n where n.planId = ?1 and n.kind = PLAN_HALTED and n.status = OPEN""",
                        String.class)
                .setParameter(1, planId).getResultList();
    }

    /** The open PLAN_HALTED notifications of a plan (one per server it halted on), read-only: see {@link #findOpenToWrite}. */
    public static List<NotificationEntity> listOpenOfPlanToWrite(String planId) {
        return find("planId = ?1 and kind = PLAN_HALTED and status = OPEN", planId)
                .withHint(HibernateHints.HINT_READ_ONLY, true).list();
    }

    public boolean snoozedAt(Instant now) {
        return snoozedUntil != null && snoozedUntil.isAfter(now);
    }
}
