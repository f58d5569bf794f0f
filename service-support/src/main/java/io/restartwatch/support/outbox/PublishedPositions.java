package io.restartwatch.support.outbox;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Makes the relay's publishing effectively exactly-once on the topic itself, not only for idempotent
 * consumers. With every send the relay stores, in the same database transaction that deletes the sent rows,
 * where its records end in each partition. Records found past that position were sent by a pass that died
 * (or failed) before its commit: their outbox ids (a header) are recognised and those rows are dropped
 * instead of being sent twice.
 */
final class PublishedPositions implements AutoCloseable {

    static final String OUTBOX_ID_HEADER = "restartwatch-outbox-id";
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(10);

    private final KafkaConsumer<byte[], byte[]> consumer;

    PublishedPositions(Properties common) {
        Properties config = new Properties();
        config.putAll(common);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // Only committed records count: a send that was never acknowledged is not "already published".
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(config);
    }

    /**
     * Outbox ids already on Kafka beyond the stored positions; the stored positions move to the current end.
     */
    Set<Long> alreadyPublished(Connection connection) throws SQLException {
        Map<TopicPartition, Long> stored = stored(connection);
        if (stored.isEmpty()) {
            return Set.of();
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(stored.keySet(), KAFKA_TIMEOUT);
        Map<TopicPartition, Long> behind = new HashMap<>();
        stored.forEach((partition, offset) -> {
            if (ends.getOrDefault(partition, offset) > offset) {
                behind.put(partition, offset);
            }
        });
        if (behind.isEmpty()) {
            return Set.of();
        }
        Set<Long> ids = new HashSet<>();
        consumer.assign(behind.keySet());
        behind.forEach(consumer::seek);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (behind.keySet().stream().anyMatch(p -> consumer.position(p, KAFKA_TIMEOUT) < ends.get(p))) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("Could not read back unconfirmed outbox sends from Kafka in time");
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                Header id = record.headers().lastHeader(OUTBOX_ID_HEADER);
                if (id != null && record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))) {
                    ids.add(Long.parseLong(new String(id.value(), StandardCharsets.UTF_8)));
                }
            }
        }
        consumer.assign(List.of());
        Map<TopicPartition, Long> advanced = new HashMap<>();
        behind.keySet().forEach(p -> advanced.put(p, ends.get(p)));
        advance(connection, advanced);
        return ids;
    }

    /**
     * Stores the current end of every partition of {@code topics} that has no position yet.
     *
     * @return true when it stored any: the caller must commit before sending to those topics
     */
    boolean ensureTracked(Connection connection, Collection<String> topics) throws SQLException {
        Set<String> known = new HashSet<>();
        for (TopicPartition partition : stored(connection).keySet()) {
            known.add(partition.topic());
        }
        Map<TopicPartition, Long> fresh = new HashMap<>();
        for (String topic : topics) {
            if (known.contains(topic)) {
                continue;
            }
            List<TopicPartition> partitions = consumer.partitionsFor(topic, KAFKA_TIMEOUT).stream()
                    .map((PartitionInfo info) -> new TopicPartition(topic, info.partition())).toList();
            fresh.putAll(consumer.endOffsets(partitions, KAFKA_TIMEOUT));
        }
        if (fresh.isEmpty()) {
            return false;
        }
        advance(connection, fresh);
        return true;
    }

    /** Moves stored positions forward (never back). */
    void advance(Connection connection, Map<TopicPartition, Long> nextOffsets) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("""
                insert into outbox_position (topic, partition_no, next_offset) values (?, ?, ?)
                on conflict (topic, partition_no) do update
                set next_offset = greatest(outbox_position.next_offset, excluded.next_offset)""")) {
            for (var entry : nextOffsets.entrySet()) {
                upsert.setString(1, entry.getKey().topic());
                upsert.setInt(2, entry.getKey().partition());
                upsert.setLong(3, entry.getValue());
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
    }

    private static Map<TopicPartition, Long> stored(Connection connection) throws SQLException {
        Map<TopicPartition, Long> positions = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement("select topic, partition_no, next_offset from outbox_position");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                positions.put(new TopicPartition(rows.getString(1), rows.getInt(2)), rows.getLong(3));
            }
        }
        return positions;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
