package io.restartwatch.plan.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import io.restartwatch.contracts.CheckCompleted;
import io.restartwatch.plan.persistence.ServerReadModel;
import io.restartwatch.support.messaging.BatchApplier;
import io.restartwatch.support.messaging.IncomingCloudEvent;
import io.smallrye.common.annotation.Blocking;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Keeps each server's newest successful check (boot id, whether a reboot is still required) from
 * {@code restartwatch.checks}: the proof that a released restart happened, verified as soon as the check arrives.
 */
@ApplicationScoped
public class CheckConsumer {

    public static final String CHANNEL = "checks";

    private final ServerReadModel readModel;
    private final BatchApplier batches;

    public CheckConsumer(ServerReadModel readModel, BatchApplier batches) {
        this.readModel = readModel;
        this.batches = batches;
    }

    @Incoming(CHANNEL)
    @Blocking
    public void onChecks(ConsumerRecords<String, String> records) {
        batches.applyAll(records, CheckConsumer::parse, CheckCompleted::serverId, readModel::onChecks);
    }

    static CheckCompleted parse(ConsumerRecord<String, String> record) {
        return IncomingCloudEvent.parseCheckCompleted(record).data();
    }
}
