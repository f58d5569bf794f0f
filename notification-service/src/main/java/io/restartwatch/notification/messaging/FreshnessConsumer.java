package io.restartwatch.notification.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.ServerFreshness;
import io.restartwatch.notification.domain.Notifications;
import io.restartwatch.support.messaging.BatchApplier;
import io.restartwatch.support.messaging.IncomingCloudEvent;
import io.restartwatch.support.messaging.PoisonEventException;
import io.smallrye.common.annotation.Blocking;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Opens and clears UNVERIFIED notifications with each {@code server.unverified} / {@code server.verified}, a polled
 * batch per transaction: a fleet-wide outage (a rotated key, a check-service down for hours) arrives all at once.
 */
@ApplicationScoped
public class FreshnessConsumer {

    public static final String CHANNEL = "freshness";

    private final Notifications notifications;
    private final BatchApplier batches;

    public FreshnessConsumer(Notifications notifications, BatchApplier batches) {
        this.notifications = notifications;
        this.batches = batches;
    }

    @Incoming(CHANNEL)
    @Blocking
    public void onFreshness(ConsumerRecords<String, String> records) {
        batches.apply(records, FreshnessConsumer::parse, received -> received.freshness().serverId(),
                received -> notifications.onFreshness(received.eventId(), received.freshness()));
    }

    static Received parse(ConsumerRecord<String, String> record) {
        var event = IncomingCloudEvent.parse(record, ServerFreshness.class);
        boolean verifiedType = EventTypes.SERVER_VERIFIED.equals(event.type());
        if (!verifiedType && !EventTypes.SERVER_UNVERIFIED.equals(event.type())) {
            throw new PoisonEventException("Unexpected event type " + event.type() + " on the freshness topic");
        }
        ServerFreshness freshness = event.data();
        if (freshness.serverId() == null || freshness.serverId().isBlank()) {
            throw new PoisonEventException(event.type() + " " + event.id() + " lacks serverId");
        }
        // The type and the data must agree: guessing which one is right could hide a blind spot or invent one.
        if (freshness.verified() != verifiedType) {
            throw new PoisonEventException(event.type() + " " + event.id() + " says verified=" + freshness.verified());
        }
        return new Received(event.id(), freshness);
    }

    record Received(String eventId, ServerFreshness freshness) {
    }
}
