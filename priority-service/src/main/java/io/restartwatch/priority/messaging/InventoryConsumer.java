package io.restartwatch.priority.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import io.restartwatch.contracts.ServerSnapshot;
import io.restartwatch.priority.domain.Assessor;
import io.restartwatch.support.messaging.IncomingCloudEvent;
import io.restartwatch.support.messaging.PoisonEventException;
import io.restartwatch.support.messaging.RetryingProcessor;
import io.smallrye.common.annotation.Blocking;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Keeps this service's copy of the inventory from {@code restartwatch.servers}. */
@ApplicationScoped
public class InventoryConsumer {

    public static final String CHANNEL = "servers";

    private final Assessor assessor;
    private final RetryingProcessor processor;

    public InventoryConsumer(Assessor assessor, RetryingProcessor processor) {
        this.assessor = assessor;
        this.processor = processor;
    }

    @Incoming(CHANNEL)
    @Blocking
    public void onServer(ConsumerRecord<String, String> record) {
        var event = IncomingCloudEvent.parse(record, ServerSnapshot.class);
        ServerSnapshot snapshot = event.data();
        if (snapshot.serverId() == null || snapshot.serverId().isBlank()) {
            throw new PoisonEventException("Server snapshot " + event.id() + " has no serverId");
        }
        processor.run("server " + snapshot.serverId(), () -> assessor.onServer(event.id(), snapshot));
    }
}
