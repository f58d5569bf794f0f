package io.restartwatch.notification.retention;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.restartwatch.support.retention.RetentionRule;
import io.restartwatch.support.retention.RetentionRules;

/**
 * What notification-service forgets besides consumed event ids (the platform's rule): finished webhook deliveries (with
 * their attempts) and cleared notifications (with their history). Never an open notification or its history, never a
 * pending delivery, and never a delivery of a notification still open: {@code WebhookDeliveries} reads it to know that
 * a webhook must also hear of the clear.
 */
@ApplicationScoped
public class NotificationRetention implements RetentionRules {

    private final NotificationRetentionSettings.Notifications notifications;
    private final NotificationRetentionSettings.WebhookDeliveries deliveries;

    public NotificationRetention(NotificationRetentionSettings.Notifications notifications,
                                 NotificationRetentionSettings.WebhookDeliveries deliveries) {
        this.notifications = notifications;
        this.deliveries = deliveries;
    }

    @Override
    public List<RetentionRule> rules() {
        return List.of(
                new ParentsAndChildren("webhook_delivery", deliveries.maxAge(), """
                        select d.id from webhook_delivery d
                        where d.status <> 'PENDING' and d.created_at < ?
                          and not exists (select 1 from notification n where n.id = d.notification_id and n.status = 'OPEN')
                        limit ?""",
                        "webhook_attempt", "delete from webhook_attempt where delivery_id = any(?)",
                        "delete from webhook_delivery where id = any(?) and status <> 'PENDING'"),
                new ParentsAndChildren("notification", notifications.maxAge(), """
                        select id from notification where status = 'CLEARED' and cleared_at < ? limit ?""",
                        "notification_history", "delete from notification_history where notification_id = any(?)",
                        "delete from notification where id = any(?) and status = 'CLEARED'"));
    }

    /**
     * Picks a batch of parent rows past the age limit, then deletes their children and them in one transaction
     * (the children reference the parents). A tenth of the batch size in parents: each has several children.
     */
    private record ParentsAndChildren(String parent, Duration maxAge, String selectParents, String child,
                                      String deleteChildren, String deleteParents) implements RetentionRule {

        @Override
        public String name() {
            return parent;
        }

        @Override
        public Pass start(Instant now, int batchSize) {
            Timestamp cutoff = Timestamp.from(now.minus(maxAge));
            int parents = Math.max(1, batchSize / 10);
            return (connection, deleted) -> {
                List<UUID> ids = new ArrayList<>();
                try (PreparedStatement select = connection.prepareStatement(selectParents)) {
                    select.setTimestamp(1, cutoff);
                    select.setInt(2, parents);
                    try (ResultSet result = select.executeQuery()) {
                        while (result.next()) {
                            ids.add(result.getObject(1, UUID.class));
                        }
                    }
                }
                if (ids.isEmpty()) {
                    return false;
                }
                Array array = connection.createArrayOf("uuid", ids.toArray());
                deleted.add(child, update(connection, deleteChildren, array));
                deleted.add(parent, update(connection, deleteParents, array));
                return ids.size() == parents;
            };
        }

        private static int update(Connection connection, String sql, Array ids) throws SQLException {
            try (PreparedStatement delete = connection.prepareStatement(sql)) {
                delete.setArray(1, ids);
                return delete.executeUpdate();
            }
        }
    }
}
