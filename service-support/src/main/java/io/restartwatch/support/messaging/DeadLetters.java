package io.restartwatch.support.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.restartwatch.contracts.CloudEventHeaders;
import io.restartwatch.contracts.Topics;
import io.restartwatch.support.outbox.KafkaClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Sends a poison record to {@code <topic>.dlq}: for consumers that take records in batches (a channel's failure
 * strategy would dead-letter the whole batch), and for every channel through {@link DeadLetterStrategy}. The headers
 * of SmallRye's {@code dead-letter-queue} strategy (reason, cause, where the record came from); the send is awaited
 * (and retried while Kafka is away), so the record is acknowledged only once it is safe there.
 */
@ApplicationScoped
public class DeadLetters {

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    private final String bootstrapServers;
    private KafkaProducer<String, String> producer;

    public DeadLetters(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    public void send(ConsumerRecord<String, String> record, Throwable reason) {
        var dead = new ProducerRecord<>(Topics.deadLetter(record.topic()), null, record.key(), record.value(),
                new RecordHeaders(record.headers().toArray()));
        header(dead, CloudEventHeaders.DEAD_LETTER_REASON, messageOf(reason));
        if (reason.getCause() != null) {
            header(dead, "dead-letter-cause", messageOf(reason.getCause()));
            header(dead, "dead-letter-cause-class-name", reason.getCause().getClass().getName());
        }
        header(dead, "dead-letter-exception-class-name", reason.getClass().getName());
        header(dead, "dead-letter-topic", record.topic());
        header(dead, "dead-letter-partition", String.valueOf(record.partition()));
        header(dead, "dead-letter-offset", String.valueOf(record.offset()));
        long backoffMillis = 200;
        while (true) {
            try {
                producer().send(dead).get(60, TimeUnit.SECONDS);
                break;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while dead-lettering", e);
            } catch (ExecutionException | TimeoutException e) {
                // Kafka away: the record must reach the dead-letter topic before its batch is acknowledged.
                LOG.warnf("Could not dead-letter a record of %s (%s), retrying in %d ms", record.topic(), e.toString(), backoffMillis);
                sleep(backoffMillis);
                backoffMillis = Math.min(backoffMillis * 2, 5_000);
            }
        }
        LOG.warnf("Dead-lettered %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), messageOf(reason));
    }

    /** As SmallRye's strategy says it: the message, or the exception itself when it has none. */
    private static String messageOf(Throwable throwable) {
        return throwable.getMessage() != null ? throwable.getMessage() : throwable.toString();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while dead-lettering", e);
        }
    }

    private synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            Properties config = KafkaClientConfig.common(bootstrapServers);
            config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            producer = new KafkaProducer<>(config);
        }
        return producer;
    }

    private static void header(ProducerRecord<String, String> record, String name, String value) {
        record.headers().remove(name);
        record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    @PreDestroy
    synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
