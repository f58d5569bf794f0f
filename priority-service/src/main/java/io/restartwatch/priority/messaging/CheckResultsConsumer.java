package io.restartwatch.priority.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import io.restartwatch.contracts.CheckCompleted;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.priority.domain.Assessor;
import io.restartwatch.support.messaging.BatchApplier;
import io.restartwatch.support.messaging.IncomingCloudEvent;
import io.restartwatch.support.messaging.PoisonEventException;
import io.smallrye.common.annotation.Blocking;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Applies every {@code check.completed} to the server's restart state, a polled batch per transaction (a
 * patch-day burst arrives as thousands of checks within minutes).
 */
@ApplicationScoped
public class CheckResultsConsumer {

    public static final String CHANNEL = "checks";

    private final Assessor assessor;
    private final BatchApplier batches;

    public CheckResultsConsumer(Assessor assessor, BatchApplier batches) {
        this.assessor = assessor;
        this.batches = batches;
    }

    @Incoming(CHANNEL)
    @Blocking
    public void onChecks(ConsumerRecords<String, String> records) {
        batches.apply(records, CheckResultsConsumer::parse, CheckCompleted::serverId, assessor::onCheck);
    }

    static CheckCompleted parse(ConsumerRecord<String, String> record) {
        var event = IncomingCloudEvent.parse(record, CheckCompleted.class);
        if (!EventTypes.CHECK_COMPLETED.equals(event.type())) {
            throw new PoisonEventException("Unexpected event type " + event.type() + " on the checks topic");
        }
        CheckCompleted check = event.data();
        if (check.checkId() == null || check.serverId() == null || check.checkedAt() == null || check.outcome() == null) {
            throw new PoisonEventException("check.completed " + event.id() + " lacks checkId, serverId, checkedAt or outcome");
        }
        return check;
    }
}
