package io.restartwatch.testsupport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import io.restartwatch.contracts.CloudEventHeaders;
import io.restartwatch.contracts.EventJson;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;

/** Test helpers that publish CloudEvents and read a topic's records, over a real broker. */
public final class KafkaEvents {

    private static final Duration READ_ALL_WITHIN = Duration.ofSeconds(60);

    private final String bootstrapServers;

    public KafkaEvents(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** For {@code @QuarkusTest}s: the broker of {@link LocalInfra}. */
    public static KafkaEvents local() {
        return new KafkaEvents(LocalInfra.get().kafkaBootstrapServers());
    }

    /** Publishes {@code data} as a binary-mode CloudEvent and waits for the broker's ack. Returns the id. */
    public String publish(String topic, String key, String type, Object data) {
        String id = UUID.randomUUID().toString();
        publishRaw(topic, key, EventJson.write(data), cloudEventHeaders(id, type, key));
        return id;
    }

    /** The {@code ce_*} headers of a binary-mode CloudEvent sent by a test. */
    static Map<String, String> cloudEventHeaders(String id, String type, String subject) {
        return Map.of(
                CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_VALUE,
                CloudEventHeaders.ID, id,
                CloudEventHeaders.TYPE, type,
                CloudEventHeaders.SOURCE, "/restartwatch/tests",
                CloudEventHeaders.TIME, Instant.now().toString(),
                CloudEventHeaders.SUBJECT, subject,
                CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.JSON);
    }

    /** Publishes any value with any headers: for duplicates (same ce_id) and poison records. */
    public void publishRaw(String topic, String key, String value, Map<String, String> headers) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (var producer = new KafkaProducer<String, String>(config)) {
            var record = new ProducerRecord<>(topic, key, value);
            headers.forEach((name, headerValue) -> record.headers().add(name, headerValue.getBytes(StandardCharsets.UTF_8)));
            producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not publish to " + topic, e);
        }
    }

    /**
     * A long-lived producer for streams of events: acks=all, idempotent, and patient enough (5 minutes) to ride
     * out a broker restart. Close it to flush.
     */
    public Publisher publisher() {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        config.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "300000");
        return new Publisher(new KafkaProducer<>(config));
    }

    /**
     * See {@link #publisher()}. Counts the records Kafka acknowledged (not the ones only handed to the producer's
     * buffer), so a test can tell how far a stream really got; a failed send fails the next {@link #send} and
     * {@link #close()}.
     */
    public static final class Publisher implements AutoCloseable {

        private final KafkaProducer<String, String> producer;
        private final AtomicLong acknowledged = new AtomicLong();
        private final AtomicReference<Exception> failure = new AtomicReference<>();

        private Publisher(KafkaProducer<String, String> producer) {
            this.producer = producer;
        }

        /** Sends a binary-mode CloudEvent (asynchronously); returns its id. */
        public String send(String topic, String key, String type, Object data) {
            String id = UUID.randomUUID().toString();
            sendRaw(topic, key, EventJson.write(data), cloudEventHeaders(id, type, key));
            return id;
        }

        /** Sends asynchronously; the returned future completes when Kafka acknowledged the record. */
        public Future<RecordMetadata> sendRaw(String topic, String key, String value, Map<String, String> headers) {
            throwIfFailed();
            var record = new ProducerRecord<>(topic, key, value);
            headers.forEach((name, headerValue) -> record.headers().add(name, headerValue.getBytes(StandardCharsets.UTF_8)));
            return producer.send(record, (metadata, error) -> {
                if (error == null) {
                    acknowledged.incrementAndGet();
                } else {
                    failure.compareAndSet(null, new IllegalStateException("Send to " + topic + " failed", error));
                }
            });
        }

        /** Records Kafka has acknowledged so far (their send futures completed successfully). */
        public long acknowledged() {
            return acknowledged.get();
        }

        /** Waits until every record sent so far is acknowledged; fails if one was not. */
        public void flush() {
            producer.flush();
            throwIfFailed();
        }

        private void throwIfFailed() {
            Exception failed = failure.get();
            if (failed != null) {
                throw new IllegalStateException(failed.getMessage(), failed.getCause());
            }
        }

        @Override
        public void close() {
            producer.close(Duration.ofMinutes(5));
            throwIfFailed();
        }
    }

    /**
     * Every record now on {@code topic}, from the beginning of each partition up to the end offsets found when
     * called. Fails if those ends are not reached within 60 s: a partial list would hide missing or repeated records.
     */
    public List<ReceivedEvent> readAll(String topic) {
        List<ReceivedEvent> events = new ArrayList<>();
        try (var consumer = new KafkaConsumer<String, String>(readerConfig())) {
            List<TopicPartition> partitions = partitionsOf(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            Instant deadline = Instant.now().plus(READ_ALL_WITHIN);
            while (!reached(consumer, end)) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("Could not read " + topic + " to its end offsets " + end + " within "
                            + READ_ALL_WITHIN.toSeconds() + " s; read " + events.size() + " records");
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    // Records appended after the end offsets were taken belong to the next read.
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                        events.add(ReceivedEvent.of(record));
                    }
                }
            }
        }
        return events;
    }

    /**
     * Waits (polling, with a deadline) until consumer group {@code groupId} has committed, on every partition of
     * {@code topic}, an offset at or past the partition's end as of this call: every record published before the call
     * has been consumed. The connectors commit only what was processed, so this also sees an event that was applied
     * by changing nothing (a late, older one), which no read of the state can tell from one not yet consumed.
     */
    public void awaitCommitted(String groupId, String topic, Duration timeout) {
        Map<TopicPartition, Long> end;
        try (var consumer = new KafkaConsumer<String, String>(readerConfig())) {
            end = consumer.endOffsets(partitionsOf(consumer, topic), Duration.ofSeconds(30));
        }
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(config)) {
            Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                return end.entrySet().stream().allMatch(partition -> partition.getValue() == 0
                        || committed.get(partition.getKey()) != null && committed.get(partition.getKey()).offset() >= partition.getValue());
            });
        }
    }

    private Properties readerConfig() {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return config;
    }

    private static List<TopicPartition> partitionsOf(KafkaConsumer<String, String> consumer, String topic) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
            partitions.add(new TopicPartition(topic, info.partition()));
        }
        return partitions;
    }

    /** Waits (polling, with a deadline) until {@code topic} holds records matching {@code match}; returns them. */
    public List<ReceivedEvent> awaitEvents(String topic, Duration timeout, Predicate<ReceivedEvent> match, int atLeast) {
        List<List<ReceivedEvent>> found = new ArrayList<>(List.of(List.of()));
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
            found.set(0, readAll(topic).stream().filter(match).toList());
            return found.get(0).size() >= atLeast;
        });
        return found.get(0);
    }

    private static boolean reached(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    /** One record as a test sees it. */
    public record ReceivedEvent(String key, String value, Map<String, String> headers) {

        static ReceivedEvent of(ConsumerRecord<String, String> record) {
            Map<String, String> headers = new java.util.LinkedHashMap<>();
            record.headers().forEach(h -> headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8)));
            return new ReceivedEvent(record.key(), record.value(), headers);
        }

        public String type() {
            return headers.get(CloudEventHeaders.TYPE);
        }

        public String id() {
            return headers.get(CloudEventHeaders.ID);
        }

        public <T> T data(Class<T> type) {
            return EventJson.read(value, type);
        }
    }
}
