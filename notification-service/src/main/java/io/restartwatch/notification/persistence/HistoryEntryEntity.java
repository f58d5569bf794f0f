package io.restartwatch.notification.persistence;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.restartwatch.contracts.NotificationKind;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.support.sql.SetStatement;

/** One entry of a server's notification timeline. */
@Entity
@Table(name = "notification_history")
public class HistoryEntryEntity extends PanacheEntityBase {

    /** What happened. */
    public enum Kind { OPENED, ESCALATED, UPDATED, ACKNOWLEDGED, SNOOZED, CLEARED }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "notification_id")
    public UUID notificationId;
    @Column(name = "server_id")
    public String serverId;
    @Enumerated(EnumType.STRING)
    @Column(name = "notification_kind")
    public NotificationKind notificationKind;
    @Enumerated(EnumType.STRING)
    public Kind kind;
    @Enumerated(EnumType.STRING)
    public PriorityLevel level;
    @Column(name = "occurred_at")
    public Instant occurredAt;
    public String actor;
    public String note;

    public static void record(NotificationEntity notification, Kind kind, Instant at, String actor, String note) {
        entry(notification, kind, at, actor, note).persist();
    }

    /** The entry as the notification is now, not yet written (see {@link #insertAll}). */
    public static HistoryEntryEntity entry(NotificationEntity notification, Kind kind, Instant at, String actor, String note) {
        HistoryEntryEntity entry = new HistoryEntryEntity();
        entry.notificationId = notification.id;
        entry.serverId = notification.serverId;
        entry.notificationKind = notification.kind;
        entry.kind = kind;
        entry.level = notification.level;
        entry.occurredAt = at;
        entry.actor = actor;
        entry.note = note;
        return entry;
    }

    /**
     * Writes entries with one multi-row insert (one round trip; an identity id would stop Hibernate from batching
     * them), in the order given: the timeline orders one instant's entries by id. The notifications they are about
     * must be flushed already (foreign key). The entries stay unmanaged, their ids unset.
     */
    public static void insertAll(List<HistoryEntryEntity> entries) {
        SetStatement.over(entries, """
                        insert into notification_history (notification_id, server_id, notification_kind, kind, level, occurred_at, actor, note)
                        select h.notification_id, h.server_id, h.notification_kind, h.kind, h.level, h.occurred_at, h.actor, h.note
                        from unnest(?::uuid[], ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::timestamptz[], ?::varchar[], ?::varchar[])
                             with ordinality as h(notification_id, server_id, notification_kind, kind, level, occurred_at, actor, note, position)
                        order by h.position""")
                .column("varchar", entry -> entry.notificationId.toString())
                .column("varchar", entry -> entry.serverId)
                .column("varchar", entry -> entry.notificationKind)
                .column("varchar", entry -> entry.kind)
                .column("varchar", entry -> entry.level)
                .column("varchar", entry -> entry.occurredAt)
                .column("varchar", entry -> entry.actor)
                .column("varchar", entry -> entry.note)
                .execute(getEntityManager());
    }

    public static List<HistoryEntryEntity> timeline(String serverId, int limit) {
        return find("serverId = ?1 order by occurredAt desc, id desc", serverId).page(0, limit).list();
    }
}
