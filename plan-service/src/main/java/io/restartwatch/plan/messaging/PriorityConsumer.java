package io.restartwatch.plan.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.PriorityAssessed;
import io.restartwatch.plan.persistence.ServerReadModel;
import io.restartwatch.support.messaging.BatchApplier;
import io.restartwatch.support.messaging.IncomingCloudEvent;
import io.restartwatch.support.messaging.PoisonEventException;
import io.smallrye.common.annotation.Blocking;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Keeps which servers have a reboot pending and how urgent it is, from {@code restartwatch.priorities}. */
@ApplicationScoped
public class PriorityConsumer {

    public static final String CHANNEL = "priorities";

    private final ServerReadModel readModel;
    private final BatchApplier batches;

    public PriorityConsumer(ServerReadModel readModel, BatchApplier batches) {
        this.readModel = readModel;
        this.batches = batches;
    }

    @Incoming(CHANNEL)
    @Blocking
    public void onPriorities(ConsumerRecords<String, String> records) {
        batches.applyAll(records, PriorityConsumer::parse, received -> received.data().serverId(), readModel::onPriorities);
    }

    static Received<PriorityAssessed> parse(ConsumerRecord<String, String> record) {
        var event = IncomingCloudEvent.parse(record, PriorityAssessed.class);
        if (!EventTypes.PRIORITY_ASSESSED.equals(event.type())) {
            throw new PoisonEventException("Unexpected event type " + event.type() + " on the priorities topic");
        }
        PriorityAssessed assessed = event.data();
        if (assessed.serverId() == null || assessed.serverId().isBlank()) {
            throw new PoisonEventException("priority.assessed " + event.id() + " has no serverId");
        }
        if (assessed.pending() && assessed.level() == null) {
            throw new PoisonEventException("priority.assessed " + event.id() + " is pending without a level");
        }
        return new Received<>(event.id(), event.source(), assessed);
    }
}
