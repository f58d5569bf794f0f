package io.restartwatch.notification.persistence;

import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One transition to deliver to one webhook, with where its retries stand. */
@Entity
@Table(name = "webhook_delivery")
public class WebhookDeliveryEntity extends PanacheEntityBase {

    /** Where a delivery stands. */
    public enum Status {
        /** Waiting for its first or next attempt. */
        PENDING,
        /** The receiver answered 2xx. */
        DELIVERED,
        /** Every attempt failed until the retry period ran out. */
        FAILED,
        /** The webhook was deleted before it was delivered. */
        CANCELLED
    }

    @Id
    public UUID id;
    @Column(name = "webhook_id")
    public UUID webhookId;
    @Column(name = "notification_id")
    public UUID notificationId;
    @Column(name = "server_id")
    public String serverId;
    @Column(name = "event_type")
    public String eventType;
    public String body;
    @Enumerated(EnumType.STRING)
    public Status status;
    public int attempts;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "next_attempt_at")
    public Instant nextAttemptAt;
    @Column(name = "delivered_at")
    public Instant deliveredAt;
    @Column(name = "last_error")
    public String lastError;

    /**
     * Which webhooks were ever sent something about these notifications (so they also hear of the clear), in one
     * query: each pair as {@link #heardKey}.
     */
    public static Set<String> heardOf(Collection<UUID> notificationIds) {
        if (notificationIds.isEmpty()) {
            return new HashSet<>();
        }
        List<Object[]> pairs = getEntityManager().createQuery("""
                        select distinct d.webhookId, d.notificationId from WebhookDeliveryEntity d
                        where d.notificationId in :ids""", Object[].class)
                .setParameter("ids", notificationIds)
                .getResultList();
        Set<String> heard = new HashSet<>();
        pairs.forEach(pair -> heard.add(heardKey((UUID) pair[0], (UUID) pair[1])));
        return heard;
    }

    public static String heardKey(UUID webhookId, UUID notificationId) {
        return webhookId + "/" + notificationId;
    }
}
