package io.restartwatch.notification.messaging;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.PriorityAssessed;
import io.restartwatch.notification.domain.Notifications;
import io.restartwatch.notification.domain.ReceivedAssessment;
import io.restartwatch.notification.fleet.FleetReadModel;
import io.restartwatch.support.messaging.BatchApplier;
import io.restartwatch.support.messaging.IncomingCloudEvent;
import io.restartwatch.support.messaging.PoisonEventException;
import io.smallrye.common.annotation.Blocking;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Moves notifications along with each {@code priority.assessed} and keeps the fleet view's priorities: a polled batch
 * (up to {@code max.poll.records}) is applied as a set in one transaction, with a constant number of database round
 * trips ({@link Notifications#onAssessments}, {@link FleetReadModel#onAssessments}). One channel for both, so the topic
 * is read and each assessment parsed once (a second consumer group for the fleet view did both again: 8 % of this
 * service's CPU in the burst), and a poison assessment reaches the dead-letter topic once, not once per group.
 */
@ApplicationScoped
public class AssessmentsConsumer {

    public static final String CHANNEL = "priorities";

    private final Notifications notifications;
    private final FleetReadModel fleet;
    private final BatchApplier batches;

    public AssessmentsConsumer(Notifications notifications, FleetReadModel fleet, BatchApplier batches) {
        this.notifications = notifications;
        this.fleet = fleet;
        this.batches = batches;
    }

    @Incoming(CHANNEL)
    @Blocking
    public void onAssessments(ConsumerRecords<String, String> records) {
        batches.applyAll(records, AssessmentsConsumer::parse, received -> received.data().serverId(), this::apply);
    }

    /** Joins the batch's transaction: the notifications and the fleet view move together or not at all. */
    private void apply(List<IncomingCloudEvent<PriorityAssessed>> batch) {
        notifications.onAssessments(batch.stream().map(event -> new ReceivedAssessment(event.id(), event.data())).toList());
        fleet.onAssessments(batch);
    }

    static IncomingCloudEvent<PriorityAssessed> parse(ConsumerRecord<String, String> record) {
        var event = IncomingCloudEvent.parse(record, PriorityAssessed.class);
        if (!EventTypes.PRIORITY_ASSESSED.equals(event.type())) {
            throw new PoisonEventException("Unexpected event type " + event.type() + " on the priorities topic");
        }
        PriorityAssessed assessment = event.data();
        if (assessment.serverId() == null || assessment.serverId().isBlank()
                || (assessment.pending() && assessment.level() == null)) {
            throw new PoisonEventException("priority.assessed " + event.id() + " lacks serverId or level");
        }
        return event;
    }
}
