package io.restartwatch.plan.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.ServerSnapshot;
import io.restartwatch.plan.persistence.ServerReadModel;
import io.restartwatch.support.messaging.BatchApplier;
import io.restartwatch.support.messaging.IncomingCloudEvent;
import io.restartwatch.support.messaging.PoisonEventException;
import io.smallrye.common.annotation.Blocking;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Keeps what each server is (hostname, application, environment, labels) from {@code restartwatch.servers}. */
@ApplicationScoped
public class InventoryConsumer {

    public static final String CHANNEL = "servers";

    private final ServerReadModel readModel;
    private final BatchApplier batches;

    public InventoryConsumer(ServerReadModel readModel, BatchApplier batches) {
        this.readModel = readModel;
        this.batches = batches;
    }

    @Incoming(CHANNEL)
    @Blocking
    public void onServers(ConsumerRecords<String, String> records) {
        batches.applyAll(records, InventoryConsumer::parse, received -> received.data().serverId(), readModel::onServers);
    }

    static Received<ServerSnapshot> parse(ConsumerRecord<String, String> record) {
        var event = IncomingCloudEvent.parse(record, ServerSnapshot.class);
        if (!event.type().equals(EventTypes.SERVER_REGISTERED) && !event.type().equals(EventTypes.SERVER_UPDATED)
                && !event.type().equals(EventTypes.SERVER_REMOVED)) {
            throw new PoisonEventException("Unexpected event type " + event.type() + " on the servers topic");
        }
        ServerSnapshot snapshot = event.data();
        if (snapshot.serverId() == null || snapshot.serverId().isBlank()) {
            throw new PoisonEventException("Server snapshot " + event.id() + " has no serverId");
        }
        return new Received<>(event.id(), event.source(), snapshot);
    }
}
