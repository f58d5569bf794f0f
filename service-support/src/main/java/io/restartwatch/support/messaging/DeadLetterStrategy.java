package io.restartwatch.support.messaging;

import java.util.function.BiConsumer;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.fault.KafkaFailureHandler;
import io.vertx.mutiny.core.Vertx;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Metadata;

/**
 * The channels' failure strategy ({@code failure-strategy=restartwatch-dead-letters}): a record its method rejects goes
 * to {@code <topic>.dlq} through {@link DeadLetters}, as a batch's poison record does, and is then acknowledged.
 * SmallRye's own {@code dead-letter-queue} strategy does the same with a producer per channel, each created and
 * awaited while the service starts (notification-service's eight: ~0.3 s of its start and 24 threads, measured);
 * this one shares one producer per service, made on the first dead letter.
 */
@ApplicationScoped
@Identifier(DeadLetterStrategy.NAME)
public class DeadLetterStrategy implements KafkaFailureHandler.Factory {

    public static final String NAME = "restartwatch-dead-letters";

    private final DeadLetters deadLetters;

    public DeadLetterStrategy(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    @Override
    public KafkaFailureHandler create(KafkaConnectorIncomingConfiguration config, Vertx vertx, KafkaConsumer<?, ?> consumer,
                                      BiConsumer<Throwable, Boolean> reportFailure) {
        return new KafkaFailureHandler() {
            @Override
            public <K, V> Uni<Void> handle(IncomingKafkaRecord<K, V> record, Throwable reason, Metadata metadata) {
                ConsumerRecord<String, String> consumed = consumedRecord(record);
                // The send is awaited (and retried while Kafka is away): off the consumer's event loop.
                return Uni.createFrom().item(() -> {
                            deadLetters.send(consumed, reason);
                            return true;
                        })
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                        .chain(() -> Uni.createFrom().completionStage(record::ack))
                        .emitOn(record::runOnMessageContext);
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static ConsumerRecord<String, String> consumedRecord(IncomingKafkaRecord<?, ?> record) {
        // Every channel of these services reads strings (key and value), as DeadLetters writes them.
        return (ConsumerRecord<String, String>) record.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElseThrow(() -> new IllegalStateException("A Kafka record without its consumer record"))
                .getRecord();
    }
}
