package io.restartwatch.notification.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.NotificationEvent;
import io.restartwatch.contracts.NotificationKind;
import io.restartwatch.contracts.NotificationStatus;
import io.restartwatch.contracts.PlanEvent;
import io.restartwatch.contracts.PriorityAssessed;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.RestartEvent;
import io.restartwatch.contracts.RestartKind;
import io.restartwatch.contracts.ServerFreshness;
import io.restartwatch.contracts.Surface;
import io.restartwatch.contracts.Topics;
import io.restartwatch.notification.persistence.AssessmentCursorEntity;
import io.restartwatch.notification.persistence.FreshnessCursorEntity;
import io.restartwatch.notification.persistence.HistoryEntryEntity;
import io.restartwatch.notification.persistence.HistoryEntryEntity.Kind;
import io.restartwatch.notification.persistence.NotificationEntity;
import io.restartwatch.notification.webhook.WebhookDeliveries;
import io.restartwatch.support.messaging.ProcessedEvents;
import io.restartwatch.support.outbox.Outbox;
import io.restartwatch.support.rest.ProblemException;
import io.restartwatch.support.tx.AfterCommit;

/**
 * The notification lifecycle. Each assessment moves a server's restart notification (a reboot, or services to
 * restart): opened when a restart becomes pending, escalated when its level rises, cleared when the restart is
 * done. Each freshness transition opens or clears its UNVERIFIED notification; a halted restart plan opens a
 * PLAN_HALTED one for the server it halted on, cleared when the plan goes on (resumed, cancelled, completed) or the
 * server's restart is verified. At most one open notification per
 * server and kind; exactly one {@code restartwatch.notifications} event per real transition, whatever is replayed.
 */
@ApplicationScoped
public class Notifications {

    public static final Duration MAX_SNOOZE = Duration.ofDays(30);
    private static final String CONSUMER = "priorities";
    private static final String FRESHNESS_CONSUMER = "freshness";
    private static final String RESTARTS_CONSUMER = "restarts";
    private static final PriorityLevel PLAN_HALTED_LEVEL = PriorityLevel.HIGH;
    /** Shown when a {@code server.unverified} names no reason: the server is a blind spot all the same. */
    static final String UNKNOWN_REASON = "UNKNOWN";

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

    /**
     * An assessment is the server's whole restart state: a pending reboot, only services to restart, or nothing.
     * So a reboot replaces an open services notification (rebooting restarts every service) and a services-only
     * assessment ends an open reboot notification; the new one is opened first, so something stays open throughout.
     */
    @Transactional
    public void onAssessment(String eventId, PriorityAssessed assessment) {
        String serverId = assessment.serverId();
        if (!processed.firstDelivery(CONSUMER, eventId)
                || !AssessmentCursorEntity.advance(serverId, assessment.sequence(), assessment.exposure())) {
            return;
        }
        Instant now = clock.instant();
        // One query for the server's open notifications (one per kind at most): this runs for every assessment.
        Map<NotificationKind, NotificationEntity> open = new EnumMap<>(NotificationKind.class);
        NotificationEntity.listOpen(serverId).forEach(n -> open.put(n.kind, n));
        NotificationEntity reboot = open.get(NotificationKind.REBOOT);
        NotificationEntity services = open.get(NotificationKind.SERVICE_RESTART);
        if (!assessment.pending()) {
            clear(reboot, NotificationMessages::cleared, now);
            clear(services, NotificationMessages::cleared, now);
        } else if (assessment.kind() == RestartKind.SERVICES) {
            upsert(services, NotificationKind.SERVICE_RESTART, assessment, now);
            clear(reboot, NotificationMessages::rebootNoLongerRequired, now);
        } else {
            upsert(reboot, NotificationKind.REBOOT, assessment, now);
            clear(services, NotificationMessages::servicesCoveredByReboot, now);
        }
        NotificationEntity unverified = open.get(NotificationKind.UNVERIFIED);
        if (assessment.pending() && unverified != null) {
            reweighUnverified(unverified, now);
        }
    }

    /**
     * A {@code server.unverified} opens the server's UNVERIFIED notification, a {@code server.verified} clears it.
     * Replays, duplicates and transitions older than the newest applied change nothing.
     */
    @Transactional
    public void onFreshness(String eventId, ServerFreshness freshness) {
        if (!processed.firstDelivery(FRESHNESS_CONSUMER, eventId)
                || !FreshnessCursorEntity.advance(freshness.serverId(), freshness.sequence())) {
            return;
        }
        Instant now = clock.instant();
        NotificationEntity open = NotificationEntity.findOpen(freshness.serverId(), NotificationKind.UNVERIFIED).orElse(null);
        if (freshness.verified()) {
            if (open != null) {
                open.lastVerifiedAt = freshness.lastVerifiedAt();
                open.lastAttemptAt = freshness.lastAttemptAt();
                clear(open, NotificationMessages::cleared, now);
            }
            return;
        }
        if (open == null) {
            NotificationEntity opened = new NotificationEntity();
            opened.id = UUID.randomUUID();
            opened.kind = NotificationKind.UNVERIFIED;
            opened.serverId = freshness.serverId();
            opened.status = NotificationStatus.OPEN;
            opened.openedAt = now;
            // Every blind spot is on the dashboard and on its application's page: nobody should have to look for it.
            opened.onDashboard = true;
            opened.onApplication = true;
            opened.pendingSince = freshness.occurredAt() != null ? freshness.occurredAt() : now;
            applyFreshness(opened, freshness, now);
            opened.persist();
            HistoryEntryEntity.record(opened, Kind.OPENED, now, null, opened.reason);
            publish(opened, EventTypes.NOTIFICATION_OPENED, now);
        } else {
            // Still unverified, for a newer reason: not a transition, unless its level rises.
            PriorityLevel before = open.level;
            applyFreshness(open, freshness, now);
            if (open.level.compareTo(before) > 0) {
                escalated(open, now);
            } else {
                HistoryEntryEntity.record(open, Kind.UPDATED, now, null, open.reason);
            }
        }
    }

    /**
     * A {@code plan.halted} opens a PLAN_HALTED notification for the server it names (level HIGH: a plan is stuck and a
     * server may be down); a second halt on the same server while one is open takes its place in the open one.
     */
    @Transactional
    public void onPlanHalted(String eventId, PlanEvent halted) {
        if (!processed.firstDelivery(RESTARTS_CONSUMER, eventId)) {
            return;
        }
        Instant now = clock.instant();
        NotificationEntity open = NotificationEntity.findOpen(halted.serverId(), NotificationKind.PLAN_HALTED).orElse(null);
        NotificationEntity n = open != null ? open : new NotificationEntity();
        n.hostname = halted.hostname() != null ? halted.hostname() : n.hostname;
        n.applicationId = halted.applicationId() != null ? halted.applicationId() : n.applicationId;
        n.planId = halted.planId();
        n.restartId = halted.restartId();
        n.reason = halted.reason() == null || halted.reason().isBlank() ? UNKNOWN_REASON : truncate(halted.reason(), 100);
        n.reasonDetail = "plan " + halted.planId() + ", wave " + halted.wave() + " of " + halted.waves() + ": "
                + halted.verified() + " of " + halted.restarts() + " restarts verified, " + halted.failed() + " failed";
        n.level = PLAN_HALTED_LEVEL;
        n.pendingSince = halted.occurredAt() != null ? halted.occurredAt() : now;
        n.updatedAt = now;
        if (open == null) {
            n.id = UUID.randomUUID();
            n.kind = NotificationKind.PLAN_HALTED;
            n.serverId = halted.serverId();
            n.status = NotificationStatus.OPEN;
            n.openedAt = now;
            // A halted plan waits for someone: on the dashboard and on its application's page.
            n.onDashboard = true;
            n.onApplication = true;
            n.message = NotificationMessages.planHalted(n);
            n.persist();
            HistoryEntryEntity.record(n, Kind.OPENED, now, null, n.reason);
            publish(n, EventTypes.NOTIFICATION_OPENED, now);
        } else {
            n.message = NotificationMessages.planHalted(n);
            HistoryEntryEntity.record(n, Kind.UPDATED, now, null, n.reason);
        }
    }

    /** A {@code plan.resumed}, {@code plan.cancelled} or {@code plan.completed} clears the plan's PLAN_HALTED notifications. */
    @Transactional
    public void onPlanGoesOn(String eventId, PlanEvent plan, String how) {
        if (!processed.firstDelivery(RESTARTS_CONSUMER, eventId)) {
            return;
        }
        Instant now = clock.instant();
        for (NotificationEntity open : NotificationEntity.listOpenOfPlan(plan.planId())) {
            clear(open, n -> NotificationMessages.planHaltCleared(n, how), now);
        }
    }

    /** A {@code restart.verified}: the server came back after all, so it holds no plan up any more. */
    @Transactional
    public void onRestartVerified(String eventId, RestartEvent verified) {
        if (!processed.firstDelivery(RESTARTS_CONSUMER, eventId)) {
            return;
        }
        NotificationEntity open = NotificationEntity.findOpen(verified.serverId(), NotificationKind.PLAN_HALTED).orElse(null);
        clear(open, n -> NotificationMessages.planHaltCleared(n, "restart verified after all"), clock.instant());
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

    private void upsert(NotificationEntity open, NotificationKind kind, PriorityAssessed assessment, Instant now) {
        if (open == null) {
            NotificationEntity opened = new NotificationEntity();
            opened.id = UUID.randomUUID();
            opened.kind = kind;
            opened.serverId = assessment.serverId();
            opened.status = NotificationStatus.OPEN;
            opened.openedAt = now;
            apply(opened, assessment, now);
            opened.persist();
            HistoryEntryEntity.record(opened, Kind.OPENED, now, null, null);
            publish(opened, EventTypes.NOTIFICATION_OPENED, now);
        } else if (assessment.level() != null && assessment.level().compareTo(open.level) > 0) {
            apply(open, assessment, now);
            escalated(open, now);
        } else {
            apply(open, assessment, now);
            HistoryEntryEntity.record(open, Kind.UPDATED, now, null, "score " + open.score);
        }
    }

    private void escalated(NotificationEntity open, Instant now) {
        if (open.snoozedUntil != null && open.snoozedAtLevel != null && open.level.compareTo(open.snoozedAtLevel) > 0) {
            open.snoozedUntil = null; // an escalation ends a snooze
        }
        HistoryEntryEntity.record(open, Kind.ESCALATED, now, null, null);
        publish(open, EventTypes.NOTIFICATION_ESCALATED, now);
    }

    private void clear(NotificationEntity open, Function<NotificationEntity, String> message, Instant now) {
        if (open == null) {
            return;
        }
        open.status = NotificationStatus.CLEARED;
        open.clearedAt = now;
        open.updatedAt = now;
        open.message = message.apply(open);
        HistoryEntryEntity.record(open, Kind.CLEARED, now, null, null);
        publish(open, EventTypes.NOTIFICATION_CLEARED, now);
    }

    /** A restart became pending while the server is unverified: what cannot be seen now matters more. */
    private void reweighUnverified(NotificationEntity unverified, Instant now) {
        UnverifiedLevel weighed = UnverifiedLevel.of(unverified.serverId);
        if (weighed.level().compareTo(unverified.level) > 0) {
            unverified.level = weighed.level();
            unverified.exposure = weighed.exposure();
            unverified.updatedAt = now;
            unverified.message = NotificationMessages.unverified(unverified, weighed.why());
            escalated(unverified, now);
        }
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
        n.services = new ArrayList<>(a.services());
        n.factors = new ArrayList<>(a.factors());
        n.pendingSince = a.requiredSince();
        n.updatedAt = now;
        n.message = n.kind == NotificationKind.SERVICE_RESTART ? NotificationMessages.servicesPending(n) : NotificationMessages.pending(n);
    }

    private static void applyFreshness(NotificationEntity n, ServerFreshness f, Instant now) {
        n.hostname = f.hostname();
        n.applicationId = f.applicationId();
        n.environment = f.environment();
        n.reason = f.reason() == null || f.reason().isBlank() ? UNKNOWN_REASON : truncate(f.reason(), 100);
        n.reasonDetail = f.detail() == null ? null : truncate(f.detail(), 1000);
        n.lastVerifiedAt = f.lastVerifiedAt();
        n.lastAttemptAt = f.lastAttemptAt();
        UnverifiedLevel weighed = UnverifiedLevel.of(n.serverId);
        n.level = weighed.level();
        n.exposure = weighed.exposure();
        n.score = 0;
        n.updatedAt = now;
        n.message = NotificationMessages.unverified(n, weighed.why());
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    private void publish(NotificationEntity n, String type, Instant now) {
        var event = new NotificationEvent(NotificationEvent.SCHEMA_VERSION, n.id.toString(), n.serverId, n.hostname,
                n.applicationId, n.environment, n.status, n.level, n.score, n.exposure, NotificationViews.surfaces(n),
                n.pendingSince, n.packages, n.message, now, n.kind, n.reason, n.services);
        outbox.enqueue(Topics.NOTIFICATIONS, n.serverId, type, n.serverId, event);
        // Same transaction as the transition: a delivery exists exactly when the transition does.
        webhooks.enqueue(type, event, now);
        String kind = type.substring(type.lastIndexOf('.') + 1);
        // Counted once committed: a batch that rolls back and is applied again must not count twice.
        afterCommit.once("transition-count-" + n.id + "-" + kind,
                () -> Counter.builder("restartwatch.notification.transitions")
                        .description("Notification transitions committed, by kind (opened, escalated, cleared...)")
                        .tag("kind", kind).register(metrics).increment());
        listeners.fire(n, kind);
    }
}
