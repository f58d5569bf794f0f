package io.restartwatch.contracts;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Data of {@code notification.opened}, {@code notification.escalated} and {@code notification.cleared} on
 * {@link Topics#NOTIFICATIONS}: the public topic other systems consume. One event per real transition.
 *
 * @param message  human-readable text; for a reboot it starts with {@code *** System restart required ***}
 * @param kind     what the notification is about; null from schema 1 producers means {@link NotificationKind#REBOOT}
 * @param reason   for {@link NotificationKind#UNVERIFIED}: why the server cannot be vouched for (see
 *                 {@link ServerFreshness#reason()}); null otherwise (schema 2)
 * @param services for {@link NotificationKind#SERVICE_RESTART}: the services to restart (schema 2)
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
        Instant occurredAt,
        NotificationKind kind,
        String reason,
        List<String> services) {

    public static final int SCHEMA_VERSION = 2;

    public NotificationEvent {
        kind = kind == null ? NotificationKind.REBOOT : kind;
        services = services == null ? List.of() : List.copyOf(services);
        surfaces = surfaces == null ? Set.of() : Set.copyOf(surfaces);
        packages = packages == null ? List.of() : List.copyOf(packages);
    }
}
