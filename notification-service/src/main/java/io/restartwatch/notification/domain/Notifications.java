package io.restartwatch.notification.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.Exposure;
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
import io.restartwatch.notification.domain.TransitionListeners.Transition;
import io.restartwatch.notification.persistence.AssessmentCursorEntity;
import io.restartwatch.notification.persistence.FreshnessCursorEntity;
import io.restartwatch.notification.persistence.HistoryEntryEntity;
import io.restartwatch.notification.persistence.HistoryEntryEntity.Kind;
import io.restartwatch.notification.persistence.NotificationEntity;
import io.restartwatch.notification.persistence.NotificationRows;
import io.restartwatch.notification.webhook.WebhookDeliveries;
import io.restartwatch.support.messaging.BatchApplier;
import io.restartwatch.support.messaging.ProcessedEvents;
import io.restartwatch.support.outbox.Outbox;
import io.restartwatch.support.outbox.OutboxMessage;
import io.restartwatch.support.rest.ProblemException;
import io.restartwatch.support.tx.AfterCommit;
import io.restartwatch.support.tx.KeyLocks;

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
    private static final String FRESHNESS_CONSUMER = "freshness";
    private static final String RESTARTS_CONSUMER = "restarts";
    private static final PriorityLevel PLAN_HALTED_LEVEL = PriorityLevel.HIGH;
    /** Plans' lock keys share the advisory-lock space with server ids; the prefix keeps a plan id from naming a server. */
    private static final String PLAN_LOCK_PREFIX = "plan:";
    /** Shown when a {@code server.unverified} names no reason: the server is a blind spot all the same. */
    static final String UNKNOWN_REASON = "UNKNOWN";

    private final Outbox outbox;
    private final ProcessedEvents processed;
    private final Clock clock;
    private final TransitionListeners listeners;
    private final WebhookDeliveries webhooks;
    private final MeterRegistry metrics;
    private final AfterCommit afterCommit;
    private final EntityManager entityManager;

    public Notifications(Outbox outbox, ProcessedEvents processed, Clock clock, TransitionListeners listeners,
                         WebhookDeliveries webhooks, MeterRegistry metrics, AfterCommit afterCommit, EntityManager entityManager) {
        this.outbox = outbox;
        this.processed = processed;
        this.clock = clock;
        this.listeners = listeners;
        this.webhooks = webhooks;
        this.metrics = metrics;
        this.afterCommit = afterCommit;
        this.entityManager = entityManager;
    }

    /**
     * Applies a polled batch of assessments with a constant number of database round trips, whatever its size: the
     * batch's servers' locks, one read of their cursors and one of their open notifications, the
     * transitions computed in memory, one upsert of the cursors moved, then the writes of {@link #write} (one upsert
     * each for the notifications changed and opened, one insert each for the timeline and the outbox). The result is
     * that of applying the assessments one by one in the order given (a server's in its sequence order, as its
     * partition delivered them); a single assessment is a batch of one.
     *
     * <p>An assessment is the server's whole restart state: a pending reboot, only services to restart, or nothing.
     * So a reboot replaces an open services notification (rebooting restarts every service) and a services-only
     * assessment ends an open reboot notification; the new one is opened first, so something stays open throughout.
     */
    @Transactional
    public void onAssessments(List<ReceivedAssessment> batch) {
        // No consumed-id log here: each server's cursor (its newest sequence applied, written with the effect, read under
        // the server's lock) already turns a redelivered assessment, in this batch or a later one, into "not newer".
        List<PriorityAssessed> fresh = BatchApplier.firstOccurrences(batch, ReceivedAssessment::eventId).stream()
                .map(ReceivedAssessment::assessment)
                .toList();
        if (fresh.isEmpty()) {
            return;
        }
        Set<String> serverIds = fresh.stream().map(PriorityAssessed::serverId).collect(Collectors.toSet());
        // Two instances may hold the same records while a partition moves between them: the second waits here, then
        // reads the cursor the first committed and skips what it applied.
        lockServers(serverIds);
        Map<String, AssessmentCursorEntity> cursors = new HashMap<>();
        NotificationRows.cursorsOf(entityManager, serverIds).forEach(cursor -> cursors.put(cursor.serverId, cursor));
        // Each server's open notifications, one per kind at most, kept current as the batch moves them.
        Map<String, Map<NotificationKind, NotificationEntity>> open = new HashMap<>();
        NotificationRows.openOf(entityManager, serverIds).forEach(n ->
                open.computeIfAbsent(n.serverId, server -> new EnumMap<>(NotificationKind.class)).put(n.kind, n));
        Changes changes = new Changes();
        Map<String, AssessmentCursorEntity> moved = new TreeMap<>();
        for (PriorityAssessed assessment : fresh) {
            String serverId = assessment.serverId();
            AssessmentCursorEntity cursor = cursors.get(serverId);
            if (cursor == null) {
                cursors.put(serverId, cursor = AssessmentCursorEntity.start(serverId, assessment.sequence(), assessment.exposure()));
            } else if (!cursor.advance(assessment.sequence(), assessment.exposure())) {
                continue; // a replay or a late, older assessment
            }
            moved.put(serverId, cursor);
            assess(assessment, cursor.exposure, open.computeIfAbsent(serverId, server -> new EnumMap<>(NotificationKind.class)),
                    changes, clock.instant());
        }
        AssessmentCursorEntity.upsertAll(entityManager, moved.values());
        write(changes);
    }

    /** One assessment's transitions; {@code open} is the server's open notifications, updated as they move. */
    private void assess(PriorityAssessed assessment, Exposure lastExposure, Map<NotificationKind, NotificationEntity> open,
                        Changes changes, Instant now) {
        if (!assessment.pending()) {
            clear(open.remove(NotificationKind.REBOOT), NotificationMessages::cleared, now, changes);
            clear(open.remove(NotificationKind.SERVICE_RESTART), NotificationMessages::cleared, now, changes);
        } else if (assessment.kind() == RestartKind.SERVICES) {
            open.put(NotificationKind.SERVICE_RESTART,
                    upsert(open.get(NotificationKind.SERVICE_RESTART), NotificationKind.SERVICE_RESTART, assessment, now, changes));
            clear(open.remove(NotificationKind.REBOOT), NotificationMessages::rebootNoLongerRequired, now, changes);
        } else {
            open.put(NotificationKind.REBOOT, upsert(open.get(NotificationKind.REBOOT), NotificationKind.REBOOT, assessment, now, changes));
            clear(open.remove(NotificationKind.SERVICE_RESTART), NotificationMessages::servicesCoveredByReboot, now, changes);
        }
        NotificationEntity unverified = open.get(NotificationKind.UNVERIFIED);
        if (assessment.pending() && unverified != null) {
            reweighUnverified(unverified, UnverifiedLevel.of(lastExposure, open.get(NotificationKind.REBOOT),
                    open.get(NotificationKind.SERVICE_RESTART)), now, changes);
        }
    }

    /**
     * A {@code server.unverified} opens the server's UNVERIFIED notification, a {@code server.verified} clears it.
     * Replays, duplicates and transitions older than the newest applied change nothing.
     */
    @Transactional
    public void onFreshness(String eventId, ServerFreshness freshness) {
        lockServers(List.of(freshness.serverId()));
        if (!processed.firstDelivery(FRESHNESS_CONSUMER, eventId)
                || !FreshnessCursorEntity.advance(freshness.serverId(), freshness.sequence())) {
            return;
        }
        Instant now = clock.instant();
        Changes changes = new Changes();
        NotificationEntity open = NotificationEntity.findOpenToWrite(freshness.serverId(), NotificationKind.UNVERIFIED).orElse(null);
        if (freshness.verified()) {
            if (open != null) {
                open.lastVerifiedAt = freshness.lastVerifiedAt();
                open.lastAttemptAt = freshness.lastAttemptAt();
                clear(open, NotificationMessages::cleared, now, changes);
            }
            write(changes);
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
            changes.open(opened);
            changes.record(opened, Kind.OPENED, now, opened.reason);
            changes.publish(opened, EventTypes.NOTIFICATION_OPENED, now);
        } else {
            // Still unverified, for a newer reason: not a transition, unless its level rises.
            PriorityLevel before = open.level;
            applyFreshness(open, freshness, now);
            if (open.level.compareTo(before) > 0) {
                escalated(open, now, changes);
            } else {
                changes.record(open, Kind.UPDATED, now, open.reason);
            }
        }
        write(changes);
    }

    /**
     * A {@code plan.halted} opens a PLAN_HALTED notification for the server it names (level HIGH: a plan is stuck and a
     * server may be down); a second halt on the same server while one is open takes its place in the open one.
     */
    @Transactional
    public void onPlanHalted(String eventId, PlanEvent halted) {
        lockPlan(halted.planId());
        lockServers(List.of(halted.serverId()));
        if (!processed.firstDelivery(RESTARTS_CONSUMER, eventId)) {
            return;
        }
        Instant now = clock.instant();
        Changes changes = new Changes();
        NotificationEntity open = NotificationEntity.findOpenToWrite(halted.serverId(), NotificationKind.PLAN_HALTED).orElse(null);
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
            changes.open(n);
            changes.record(n, Kind.OPENED, now, n.reason);
            changes.publish(n, EventTypes.NOTIFICATION_OPENED, now);
        } else {
            n.message = NotificationMessages.planHalted(n);
            changes.record(n, Kind.UPDATED, now, n.reason);
        }
        write(changes);
    }

    /** A {@code plan.resumed}, {@code plan.cancelled} or {@code plan.completed} clears the plan's PLAN_HALTED notifications. */
    @Transactional
    public void onPlanGoesOn(String eventId, PlanEvent plan, String how) {
        // With the plan's lock held no halt of it can open until this commits, so the servers read here are all of them.
        lockPlan(plan.planId());
        lockServers(NotificationEntity.serversHaltedBy(plan.planId()));
        if (!processed.firstDelivery(RESTARTS_CONSUMER, eventId)) {
            return;
        }
        Instant now = clock.instant();
        Changes changes = new Changes();
        for (NotificationEntity open : NotificationEntity.listOpenOfPlanToWrite(plan.planId())) {
            clear(open, n -> NotificationMessages.planHaltCleared(n, how), now, changes);
        }
        write(changes);
    }

    /** A {@code restart.verified}: the server came back after all, so it holds no plan up any more. */
    @Transactional
    public void onRestartVerified(String eventId, RestartEvent verified) {
        lockServers(List.of(verified.serverId()));
        if (!processed.firstDelivery(RESTARTS_CONSUMER, eventId)) {
            return;
        }
        NotificationEntity open = NotificationEntity.findOpenToWrite(verified.serverId(), NotificationKind.PLAN_HALTED).orElse(null);
        Changes changes = new Changes();
        clear(open, n -> NotificationMessages.planHaltCleared(n, "restart verified after all"), clock.instant(), changes);
        write(changes);
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
        // A transition may have read this notification and not written it yet: it would write back the snooze it read.
        // Wait for it, then read what it committed.
        lockServers(List.of(notification.serverId));
        entityManager.refresh(notification);
        if (notification.status != NotificationStatus.OPEN) {
            throw ProblemException.conflict("Notification " + id + " is already cleared");
        }
        return notification;
    }

    /**
     * Every change to a server's notifications holds the server's lock from before it reads them until it commits:
     * transitions write back whole rows they read (by statement), so an operator's snooze or a second instance's
     * transition in between would otherwise be overwritten. Taken first, before any row lock, so nothing waits in a cycle.
     */
    private void lockServers(Collection<String> serverIds) {
        KeyLocks.lockAll(entityManager, serverIds);
    }

    /**
     * A plan's halts open and clear one after the other: a plan that goes on while a halt of it has not committed would
     * otherwise not see that halt and leave it open. Always taken before the servers' locks (the order that keeps
     * waits free of cycles).
     */
    private void lockPlan(String planId) {
        KeyLocks.lockAll(entityManager, List.of(PLAN_LOCK_PREFIX + planId));
    }

    /** @return the server's open notification of this kind: {@code open}, or the one it opens */
    private NotificationEntity upsert(NotificationEntity open, NotificationKind kind, PriorityAssessed assessment, Instant now,
                                      Changes changes) {
        if (open == null) {
            NotificationEntity opened = new NotificationEntity();
            opened.id = UUID.randomUUID();
            opened.kind = kind;
            opened.serverId = assessment.serverId();
            opened.status = NotificationStatus.OPEN;
            opened.openedAt = now;
            apply(opened, assessment, now);
            changes.open(opened);
            changes.record(opened, Kind.OPENED, now, null);
            changes.publish(opened, EventTypes.NOTIFICATION_OPENED, now);
            return opened;
        }
        if (assessment.level() != null && assessment.level().compareTo(open.level) > 0) {
            apply(open, assessment, now);
            escalated(open, now, changes);
        } else {
            apply(open, assessment, now);
            changes.record(open, Kind.UPDATED, now, "score " + open.score);
        }
        return open;
    }

    private void escalated(NotificationEntity open, Instant now, Changes changes) {
        if (open.snoozedUntil != null && open.snoozedAtLevel != null && open.level.compareTo(open.snoozedAtLevel) > 0) {
            open.snoozedUntil = null; // an escalation ends a snooze
        }
        changes.record(open, Kind.ESCALATED, now, null);
        changes.publish(open, EventTypes.NOTIFICATION_ESCALATED, now);
    }

    private void clear(NotificationEntity open, Function<NotificationEntity, String> message, Instant now, Changes changes) {
        if (open == null) {
            return;
        }
        open.status = NotificationStatus.CLEARED;
        open.clearedAt = now;
        open.updatedAt = now;
        open.message = message.apply(open);
        changes.record(open, Kind.CLEARED, now, null);
        changes.publish(open, EventTypes.NOTIFICATION_CLEARED, now);
    }

    /** A restart became pending while the server is unverified: what cannot be seen now matters more. */
    private void reweighUnverified(NotificationEntity unverified, UnverifiedLevel weighed, Instant now, Changes changes) {
        if (weighed.level().compareTo(unverified.level) > 0) {
            unverified.level = weighed.level();
            unverified.exposure = weighed.exposure();
            unverified.updatedAt = now;
            unverified.message = NotificationMessages.unverified(unverified, weighed.why());
            escalated(unverified, now, changes);
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

    /**
     * Writes a call's changes, each with one statement: the notifications it read (unmanaged or read-only) and changed
     * first (one it cleared frees its server and kind for one opened in the same batch: a unique index allows one open
     * per server and kind), then the ones it opened, their webhook deliveries (a JDBC batch), the timeline entries and
     * the outbox events. Transitions are counted and told to the listeners once committed: a batch that rolls back and is
     * applied again must not count twice.
     */
    private void write(Changes changes) {
        NotificationEntity.upsertAll(entityManager, changes.changedBeforeThisCall());
        NotificationEntity.upsertAll(entityManager, changes.opened);
        // Same transaction as the transitions: a delivery exists exactly when its transition does.
        webhooks.enqueueAll(changes.deliveries);
        entityManager.flush();
        HistoryEntryEntity.insertAll(changes.history);
        outbox.enqueueAll(changes.events);
        if (changes.told.isEmpty()) {
            return;
        }
        List<Transition> told = List.copyOf(changes.told);
        afterCommit.once("notification-transitions-" + UUID.randomUUID(), () -> {
            told.stream().collect(Collectors.groupingBy(Transition::kind, Collectors.counting())).forEach((kind, count) ->
                    Counter.builder("restartwatch.notification.transitions")
                            .description("Notification transitions committed, by kind (opened, escalated, cleared...)")
                            .tag("kind", kind).register(metrics).increment(count));
            listeners.tell(told);
        });
    }

    /**
     * What a call changes, collected in order and written by {@link #write}. The notifications it changes were read
     * unmanaged ({@link NotificationRows#openOf}) or read-only ({@link NotificationEntity#findOpenToWrite} and its
     * siblings): nothing is written by Hibernate's flush.
     */
    private static final class Changes {

        private final List<NotificationEntity> opened = new ArrayList<>();
        /** Every notification a transition or update touched, in order (identity: the entities do not define equals). */
        private final Set<NotificationEntity> touched = new LinkedHashSet<>();
        private final List<HistoryEntryEntity> history = new ArrayList<>();
        private final List<OutboxMessage> events = new ArrayList<>();
        private final List<WebhookDeliveries.Transition> deliveries = new ArrayList<>();
        private final List<Transition> told = new ArrayList<>();

        void open(NotificationEntity notification) {
            opened.add(notification);
        }

        /** Every change to a notification is recorded on its timeline, so this sees every notification changed. */
        void record(NotificationEntity notification, Kind kind, Instant at, String note) {
            touched.add(notification);
            history.add(HistoryEntryEntity.entry(notification, kind, at, null, note));
        }

        /** The notifications changed that existed before this call (the others are {@link #opened}). */
        List<NotificationEntity> changedBeforeThisCall() {
            Set<NotificationEntity> created = Collections.newSetFromMap(new IdentityHashMap<>());
            created.addAll(opened);
            return touched.stream().filter(n -> !created.contains(n)).toList();
        }

        /** The transition as the notification is now (later changes in the same batch are transitions of their own). */
        void publish(NotificationEntity n, String type, Instant now) {
            var event = new NotificationEvent(NotificationEvent.SCHEMA_VERSION, n.id.toString(), n.serverId, n.hostname,
                    n.applicationId, n.environment, n.status, n.level, n.score, n.exposure, NotificationViews.surfaces(n),
                    n.pendingSince, n.packages, n.message, now, n.kind, n.reason, n.services);
            events.add(new OutboxMessage(Topics.NOTIFICATIONS, n.serverId, type, n.serverId, event));
            deliveries.add(new WebhookDeliveries.Transition(type, event, now));
            told.add(Transition.of(n, type.substring(type.lastIndexOf('.') + 1)));
        }
    }
}
