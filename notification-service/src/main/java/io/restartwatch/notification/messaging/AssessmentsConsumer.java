package io.restartwatch.notification.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.PriorityAssessed;
import io.restartwatch.notification.domain.Notifications;
import io.restartwatch.support.messaging.IncomingCloudEvent;
import io.restartwatch.support.messaging.PoisonEventException;
import io.restartwatch.support.messaging.RetryingProcessor;
import io.smallrye.common.annotation.Blocking;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Moves notifications along with each {@code priority.assessed}. */
@ApplicationScoped
public class AssessmentsConsumer {

    public static final String CHANNEL = "priorities";

    private final Notifications notifications;
    private final RetryingProcessor processor;

    public AssessmentsConsumer(Notifications notifications, RetryingProcessor processor) {
        this.notifications = notifications;
        this.processor = processor;
    }

    @Incoming(CHANNEL)
    @Blocking
    public void onAssessment(ConsumerRecord<String, String> record) {
        var event = IncomingCloudEvent.parse(record, PriorityAssessed.class);
        if (!EventTypes.PRIORITY_ASSESSED.equals(event.type())) {
            throw new PoisonEventException("Unexpected event type " + event.type() + " on the priorities topic");
        }
        PriorityAssessed assessment = event.data();
        if (assessment.serverId() == null || assessment.serverId().isBlank()
                || (assessment.pending() && assessment.level() == null)) {
            throw new PoisonEventException("priority.assessed " + event.id() + " lacks serverId or level");
        }
        processor.run("assessment of " + assessment.serverId(), () -> notifications.onAssessment(event.id(), assessment));
    }
}
