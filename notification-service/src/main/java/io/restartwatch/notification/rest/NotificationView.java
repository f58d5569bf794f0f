package io.restartwatch.notification.rest;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.NotificationStatus;
import io.restartwatch.contracts.PriorityFactor;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.Surface;
import io.restartwatch.notification.domain.NotificationViews;
import io.restartwatch.notification.persistence.NotificationEntity;

/** A notification as the API shows it. */
public record NotificationView(String id, String serverId, String hostname, String applicationId, String environment,
                               NotificationStatus status, PriorityLevel level, int score, Exposure exposure,
                               Set<Surface> surfaces, Instant pendingSince, List<String> packages,
                               List<PriorityFactor> factors, String message, Instant openedAt, Instant updatedAt,
                               Instant clearedAt, Acknowledgement acknowledged, Instant snoozedUntil) {

    static NotificationView of(NotificationEntity n) {
        return new NotificationView(n.id.toString(), n.serverId, n.hostname, n.applicationId, n.environment, n.status,
                n.level, n.score, n.exposure, NotificationViews.surfaces(n), n.pendingSince, n.packages, n.factors,
                n.message, n.openedAt, n.updatedAt, n.clearedAt,
                n.acknowledgedAt == null ? null : new Acknowledgement(n.acknowledgedBy, n.acknowledgedAt, n.acknowledgeNote),
                n.snoozedUntil);
    }

    /** Who acknowledged it, when, and why. */
    public record Acknowledgement(String by, Instant at, String note) {
    }
}
