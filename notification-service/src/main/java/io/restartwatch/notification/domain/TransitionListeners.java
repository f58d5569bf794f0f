package io.restartwatch.notification.domain;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import io.restartwatch.notification.persistence.NotificationEntity;
import io.restartwatch.support.tx.AfterCommit;

/**
 * In-process listeners told of each transition once it is committed (the live stream uses it). Delivery to
 * other systems goes through the outbox and Kafka, never through here.
 */
@ApplicationScoped
public class TransitionListeners {

    private final List<Consumer<Transition>> listeners = new CopyOnWriteArrayList<>();
    private final AfterCommit afterCommit;

    public TransitionListeners(AfterCommit afterCommit) {
        this.afterCommit = afterCommit;
    }

    public Runnable subscribe(Consumer<Transition> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    void fire(NotificationEntity notification, String kind) {
        Transition transition = Transition.of(notification, kind);
        afterCommit.once("transition-" + notification.id + "-" + kind, () -> tell(List.of(transition)));
    }

    /** Tells the listeners of each transition, in order; called once they are committed. */
    void tell(List<Transition> transitions) {
        for (Transition transition : transitions) {
            listeners.forEach(l -> l.accept(transition));
        }
    }

    /**
     * What the live stream sends.
     *
     * @param kind             the transition: opened, escalated, cleared, acknowledged, snoozed
     * @param notificationKind what the notification is about: REBOOT, SERVICE_RESTART, UNVERIFIED
     */
    public record Transition(String kind, String notificationId, String serverId, String status, String level, int score,
                             String notificationKind) {

        /** The notification as it is now: a later change in the same transaction does not alter what is told. */
        static Transition of(NotificationEntity notification, String kind) {
            return new Transition(kind, notification.id.toString(), notification.serverId, notification.status.name(),
                    notification.level == null ? null : notification.level.name(), notification.score, notification.kind.name());
        }
    }
}
