package io.restartwatch.contracts;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Data of {@code notification.opened}, {@code notification.escalated} and {@code notification.cleared} on
 * {@link Topics#NOTIFICATIONS}: the public topic other systems consume. One event per real transition.
 *
 * @param message human-readable text, starting with {@code *** System restart required ***}
 */
public record NotificationEvent(
        int schemaVersion,
        String notificationId,
        String serverId,
        String hostname,
        String applicationId,
        String environment,
        NotificationStatus status,
        PriorityLevel level,
        int score,
        Exposure exposure,
        Set<Surface> surfaces,
        Instant pendingSince,
        List<String> packages,
        String message,
        Instant occurredAt) {

    public static final int SCHEMA_VERSION = 1;

    public NotificationEvent {
        surfaces = surfaces == null ? Set.of() : Set.copyOf(surfaces);
        packages = packages == null ? List.of() : List.copyOf(packages);
    }
}
