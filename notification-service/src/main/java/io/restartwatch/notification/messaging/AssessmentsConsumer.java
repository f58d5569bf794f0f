package io.restartwatch.notification.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.PriorityAssessed;
import io.restartwatch.notification.domain.Notifications;
import io.restartwatch.support.messaging.BatchApplier;
import io.restartwatch.support.messaging.IncomingCloudEvent;
import io.restartwatch.support.messaging.PoisonEventException;
import io.smallrye.common.annotation.Blocking;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Moves notifications along with each {@code priority.assessed}, a polled batch per transaction. */
@ApplicationScoped
public class AssessmentsConsumer {

    public static final String CHANNEL = "priorities";

    private final Notifications notifications;
    private final BatchApplier batches;

    public AssessmentsConsumer(Notifications notifications, BatchApplier batches) {
        this.notifications = notifications;
        this.batches = batches;
    }

    @Incoming(CHANNEL)
    @Blocking
    public void onAssessments(ConsumerRecords<String, String> records) {
        batches.apply(records, AssessmentsConsumer::parse, received -> received.assessment().serverId(),
                received -> notifications.onAssessment(received.eventId(), received.assessment()));
    }

    static Received parse(ConsumerRecord<String, String> record) {
        var event = IncomingCloudEvent.parse(record, PriorityAssessed.class);
        if (!EventTypes.PRIORITY_ASSESSED.equals(event.type())) {
            throw new PoisonEventException("Unexpected event type " + event.type() + " on the priorities topic");
        }
        PriorityAssessed assessment = event.data();
        if (assessment.serverId() == null || assessment.serverId().isBlank()
                || (assessment.pending() && assessment.level() == null)) {
            throw new PoisonEventException("priority.assessed " + event.id() + " lacks serverId or level");
        }
        return new Received(event.id(), assessment);
    }

    record Received(String eventId, PriorityAssessed assessment) {
    }
}
