package io.restartwatch.notification.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.PriorityAssessed;
import io.restartwatch.notification.domain.Notifications;
import io.restartwatch.notification.domain.ReceivedAssessment;
import io.restartwatch.support.messaging.BatchApplier;
import io.restartwatch.support.messaging.IncomingCloudEvent;
import io.restartwatch.support.messaging.PoisonEventException;
import io.smallrye.common.annotation.Blocking;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Moves notifications along with each {@code priority.assessed}: a polled batch (up to {@code max.poll.records}) is
 * applied as a set in one transaction, with a constant number of database round trips ({@link Notifications#onAssessments}).
 */
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
        batches.applyAll(records, AssessmentsConsumer::parse, received -> received.assessment().serverId(),
                notifications::onAssessments);
    }

    static ReceivedAssessment parse(ConsumerRecord<String, String> record) {
        var event = IncomingCloudEvent.parse(record, PriorityAssessed.class);
        if (!EventTypes.PRIORITY_ASSESSED.equals(event.type())) {
            throw new PoisonEventException("Unexpected event type " + event.type() + " on the priorities topic");
        }
        PriorityAssessed assessment = event.data();
        if (assessment.serverId() == null || assessment.serverId().isBlank()
                || (assessment.pending() && assessment.level() == null)) {
            throw new PoisonEventException("priority.assessed " + event.id() + " lacks serverId or level");
        }
        return new ReceivedAssessment(event.id(), assessment);
    }
}
