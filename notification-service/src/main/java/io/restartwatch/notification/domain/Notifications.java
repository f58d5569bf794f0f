package io.restartwatch.notification.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.micrometer.core.instrument.MeterRegistry;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.NotificationEvent;
import io.restartwatch.contracts.NotificationKind;
import io.restartwatch.contracts.NotificationStatus;
import io.restartwatch.contracts.PriorityAssessed;
import io.restartwatch.contracts.Surface;
import io.restartwatch.contracts.Topics;
import io.restartwatch.notification.persistence.AssessmentCursorEntity;
import io.restartwatch.notification.persistence.HistoryEntryEntity;
import io.restartwatch.notification.persistence.HistoryEntryEntity.Kind;
import io.restartwatch.notification.persistence.NotificationEntity;
import io.restartwatch.notification.webhook.WebhookDeliveries;
import io.restartwatch.support.messaging.ProcessedEvents;
import io.restartwatch.support.outbox.Outbox;
import io.restartwatch.support.rest.ProblemException;
import io.restartwatch.support.tx.AfterCommit;

/**
 * The notification lifecycle. Each assessment moves a server's notification: opened when a restart becomes
 * pending, escalated when its level rises, cleared when the restart is done. Exactly one
 * {@code restartwatch.notifications} event per real transition, whatever is replayed.
 */
@ApplicationScoped
public class Notifications {

    public static final Duration MAX_SNOOZE = Duration.ofDays(30);
    private static final String CONSUMER = "priorities";

    private final Outbox outbox;
    private final ProcessedEvents processed;
    private final Clock clock;
    private final TransitionListeners listeners;
    private final WebhookDeliveries webhooks;
    private final MeterRegistry metrics;
    private final AfterCommit afterCommit;

    public Notifications(Outbox outbox, ProcessedEvents processed, Clock clock, TransitionListeners listeners,
                         WebhookDeliveries webhooks, MeterRegistry metrics, AfterCommit afterCommit) {
        this.outbox = outbox;
        this.processed = processed;
        this.clock = clock;
        this.listeners = listeners;
        this.webhooks = webhooks;
        this.metrics = metrics;
        this.afterCommit = afterCommit;
    }

    @Transactional
    public void onAssessment(String eventId, PriorityAssessed assessment) {
        if (!processed.firstDelivery(CONSUMER, eventId)
                || !AssessmentCursorEntity.advance(assessment.serverId(), assessment.sequence())) {
            return;
        }
        Instant now = clock.instant();
        NotificationEntity open = NotificationEntity.findOpen(assessment.serverId()).orElse(null);
        if (assessment.pending()) {
            if (open == null) {
                NotificationEntity opened = new NotificationEntity();
                opened.id = UUID.randomUUID();
                opened.serverId = assessment.serverId();
                opened.status = NotificationStatus.OPEN;
                opened.openedAt = now;
                apply(opened, assessment, now);
                opened.persist();
                HistoryEntryEntity.record(opened, Kind.OPENED, now, null, null);
                publish(opened, EventTypes.NOTIFICATION_OPENED, now);
            } else if (assessment.level() != null && assessment.level().compareTo(open.level) > 0) {
                apply(open, assessment, now);
                if (open.snoozedUntil != null && open.snoozedAtLevel != null && open.level.compareTo(open.snoozedAtLevel) > 0) {
                    open.snoozedUntil = null; // an escalation ends a snooze
                }
                HistoryEntryEntity.record(open, Kind.ESCALATED, now, null, null);
                publish(open, EventTypes.NOTIFICATION_ESCALATED, now);
            } else {
                apply(open, assessment, now);
                HistoryEntryEntity.record(open, Kind.UPDATED, now, null, "score " + open.score);
            }
        } else if (open != null) {
            open.status = NotificationStatus.CLEARED;
            open.clearedAt = now;
            open.updatedAt = now;
            open.message = NotificationMessages.cleared(open);
            HistoryEntryEntity.record(open, Kind.CLEARED, now, null, null);
            publish(open, EventTypes.NOTIFICATION_CLEARED, now);
        }
    }

    @Transactional
    public NotificationEntity acknowledge(UUID id, String who, String note) {
        NotificationEntity notification = requireOpen(id);
        Instant now = clock.instant();
        notification.acknowledgedAt = now;
        notification.acknowledgedBy = who;
        notification.acknowledgeNote = note;
        notification.updatedAt = now;
        HistoryEntryEntity.record(notification, Kind.ACKNOWLEDGED, now, who, note);
        listeners.fire(notification, "acknowledged");
        return notification;
    }

    @Transactional
    public NotificationEntity snooze(UUID id, Instant until, String who, String note) {
        NotificationEntity notification = requireOpen(id);
        Instant now = clock.instant();
        if (!until.isAfter(now)) {
            throw ProblemException.badRequest("until", "must be in the future");
        }
        if (until.isAfter(now.plus(MAX_SNOOZE))) {
            throw ProblemException.badRequest("until", "must be at most 30 days ahead");
        }
        notification.snoozedUntil = until;
        notification.snoozedAtLevel = notification.level;
        notification.updatedAt = now;
        HistoryEntryEntity.record(notification, Kind.SNOOZED, now, who, "until " + until + (note == null ? "" : ": " + note));
        listeners.fire(notification, "snoozed");
        return notification;
    }

    private NotificationEntity requireOpen(UUID id) {
        NotificationEntity notification = NotificationEntity.findById(id);
        if (notification == null) {
            throw ProblemException.notFound("No notification " + id);
        }
        if (notification.status != NotificationStatus.OPEN) {
            throw ProblemException.conflict("Notification " + id + " is already cleared");
        }
        return notification;
    }

    private static void apply(NotificationEntity n, PriorityAssessed a, Instant now) {
        n.hostname = a.hostname();
        n.applicationId = a.applicationId();
        n.environment = a.environment();
        n.level = a.level();
        n.score = a.score();
        n.exposure = a.exposure();
        n.onDashboard = a.surfaces().contains(Surface.DASHBOARD);
        n.onApplication = a.surfaces().contains(Surface.APPLICATION);
        n.packages = new ArrayList<>(a.packages());
        n.factors = new ArrayList<>(a.factors());
        n.pendingSince = a.requiredSince();
        n.updatedAt = now;
        n.message = NotificationMessages.pending(n);
    }

    private void publish(NotificationEntity n, String type, Instant now) {
        var event = new NotificationEvent(NotificationEvent.SCHEMA_VERSION, n.id.toString(), n.serverId, n.hostname,
                n.applicationId, n.environment, n.status, n.level, n.score, n.exposure, NotificationViews.surfaces(n),
                n.pendingSince, n.packages, n.message, now, NotificationKind.REBOOT, null, null);
        outbox.enqueue(Topics.NOTIFICATIONS, n.serverId, type, n.serverId, event);
        // Same transaction as the transition: a delivery exists exactly when the transition does.
        webhooks.enqueue(type, event, now);
        String kind = type.substring(type.lastIndexOf('.') + 1);
        // Counted once committed: a batch that rolls back and is applied again must not count twice.
        afterCommit.once("transition-count-" + n.id + "-" + kind,
                () -> metrics.counter("restartwatch.notification.transitions", "kind", kind).increment());
        listeners.fire(n, kind);
    }
}
