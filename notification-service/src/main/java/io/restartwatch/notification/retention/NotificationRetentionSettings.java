package io.restartwatch.notification.retention;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How long cleared notifications and finished webhook deliveries are kept. */
public final class NotificationRetentionSettings {

    private NotificationRetentionSettings() {
    }

    /** Cleared notifications, with their history. An open notification is never deleted. */
    @ConfigMapping(prefix = "restartwatch.retention.notifications")
    public interface Notifications {

        /** Cleared longer ago than this. */
        @WithDefault("P180D")
        Duration maxAge();
    }

    /** Delivered, failed or cancelled webhook deliveries, with their attempts. A pending one is never deleted. */
    @ConfigMapping(prefix = "restartwatch.retention.webhook-deliveries")
    public interface WebhookDeliveries {

        /** Created longer ago than this. */
        @WithDefault("P30D")
        Duration maxAge();
    }
}
