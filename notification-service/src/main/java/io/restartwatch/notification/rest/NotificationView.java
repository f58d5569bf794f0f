package io.restartwatch.notification.rest;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.NotificationKind;
import io.restartwatch.contracts.NotificationStatus;
import io.restartwatch.contracts.PriorityFactor;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.Surface;
import io.restartwatch.notification.domain.NotificationViews;
import io.restartwatch.notification.persistence.NotificationEntity;

/**
 * A notification as the API shows it.
 *
 * @param kind           REBOOT, SERVICE_RESTART, UNVERIFIED or PLAN_HALTED
 * @param pendingSince   since when the restart is pending; for UNVERIFIED, since when the server is unverified
 * @param services       SERVICE_RESTART: the services to restart
 * @param reason         UNVERIFIED: why Restart Watch cannot vouch for the server (e.g. {@code HOST_KEY_CHANGED});
 *                       PLAN_HALTED: why the plan halted (e.g. {@code NOT_BACK})
 * @param detail         UNVERIFIED: the reason's detail
 * @param lastVerifiedAt UNVERIFIED: the last successful check, null when there never was one
 * @param lastAttemptAt  UNVERIFIED: the last check attempted
 * @param planId         PLAN_HALTED: the plan that halted (plan-service's {@code /plan.html?id=})
 * @param restartId      PLAN_HALTED: the restart that failed
 */
public record NotificationView(String id, NotificationKind kind, String serverId, String hostname, String applicationId,
                               String environment, NotificationStatus status, PriorityLevel level, int score,
                               Exposure exposure, Set<Surface> surfaces, Instant pendingSince, List<String> packages,
                               List<String> services, String reason, String detail, Instant lastVerifiedAt,
                               Instant lastAttemptAt, List<PriorityFactor> factors, String message, Instant openedAt,
                               Instant updatedAt, Instant clearedAt, Acknowledgement acknowledged, Instant snoozedUntil,
                               String planId, String restartId) {

    static NotificationView of(NotificationEntity n) {
        return new NotificationView(n.id.toString(), n.kind, n.serverId, n.hostname, n.applicationId, n.environment,
                n.status, n.level, n.score, n.exposure, NotificationViews.surfaces(n), n.pendingSince, n.packages,
                n.services, n.reason, n.reasonDetail, n.lastVerifiedAt, n.lastAttemptAt, n.factors, n.message,
                n.openedAt, n.updatedAt, n.clearedAt,
                n.acknowledgedAt == null ? null : new Acknowledgement(n.acknowledgedBy, n.acknowledgedAt, n.acknowledgeNote),
                n.snoozedUntil, n.planId, n.restartId);
    }

    /** Who acknowledged it, when, and why. */
    public record Acknowledgement(String by, Instant at, String note) {
    }
}
