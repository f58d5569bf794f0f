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
        HistoryEntryEntity entry = new HistoryEntryEntity();
        entry.notificationId = notification.id;
        entry.serverId = notification.serverId;
        entry.notificationKind = notification.kind;
        entry.kind = kind;
        entry.level = notification.level;
        entry.occurredAt = at;
        entry.actor = actor;
        entry.note = note;
        entry.persist();
    }

    public static List<HistoryEntryEntity> timeline(String serverId, int limit) {
        return find("serverId = ?1 order by occurredAt desc, id desc", serverId).page(0, limit).list();
    }
}
