package io.restartwatch.support.outbox;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.restartwatch.contracts.CloudEventHeaders;
import io.restartwatch.support.worker.BackgroundWorker;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Publishes outbox rows to Kafka in id order and deletes them only after Kafka acknowledged them, so a crash
 * never loses an event; {@link PublishedPositions} keeps a crash between the two from sending it twice. One relay per database at a time (a
 * PostgreSQL advisory lock), so several instances of a service never reorder one key's events.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** Advisory lock id: any constant works, each service has its own database. */
    private static final long RELAY_LOCK = 0x5245_4C41_59L;
    /** A pass that only prepared (committed positions) and wants another pass at once. */
    private static final int AGAIN = -1;

    private final AgroalDataSource dataSource;
    private final MeterRegistry metrics;
    private final String bootstrapServers;
    private final int batchSize;
    private final Duration pollInterval;
    private final AtomicLong published = new AtomicLong();
    private KafkaProducer<String, String> producer;
    private PublishedPositions positions;
    private BackgroundWorker worker;

    public OutboxRelay(AgroalDataSource dataSource, MeterRegistry metrics,
                       @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
                       @ConfigProperty(name = "restartwatch.outbox.batch-size", defaultValue = "500") int batchSize,
                       @ConfigProperty(name = "restartwatch.outbox.poll-interval", defaultValue = "PT1S") Duration pollInterval) {
        this.dataSource = dataSource;
        this.metrics = metrics;
        this.bootstrapServers = bootstrapServers;
        this.batchSize = batchSize;
        this.pollInterval = pollInterval;
    }

    void start(@Observes StartupEvent event) {
        open();
        worker = new BackgroundWorker("outbox-relay", pollInterval, this::relayPass).drainOnStop().start();
    }

    /** Graceful shutdown: publish what is committed before the producer closes. */
    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        if (worker != null) {
            worker.stop(Duration.ofSeconds(15));
        }
        close();
    }

    /** The Kafka clients a pass uses. */
    void open() {
        producer = new KafkaProducer<>(producerConfig());
        positions = new PublishedPositions(KafkaClientConfig.common(bootstrapServers));
    }

    void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (positions != null) {
            positions.close();
        }
    }

    /** Asks for a relay pass now instead of at the next poll. */
    public void wakeUp() {
        if (worker != null) {
            worker.wakeUp();
        }
    }

    /** Events published since start (for tests and metrics). */
    public long publishedCount() {
        return published.get();
    }

    /** True when the last pass could not publish (Kafka or the database unreachable). */
    public boolean isFailing() {
        return worker != null && worker.isFailing();
    }

    /** One batch; true when more may be waiting (a full batch, or positions just stored). */
    boolean relayPass() throws SQLException, InterruptedException {
        int relayed = relayBatch();
        return relayed == batchSize || relayed == AGAIN;
    }

    private int relayBatch() throws SQLException, InterruptedException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                if (!tryLock(connection)) {
                    connection.commit();
                    return 0;
                }
                Set<Long> sentBefore = positions.alreadyPublished(connection);
                if (!sentBefore.isEmpty()) {
                    delete(connection, sentBefore);
                    LOG.infof("Outbox relay: %d events were already on Kafka from an unfinished pass; not sending them again", sentBefore.size());
                }
                List<OutboxRow> rows = readBatch(connection);
                if (positions.ensureTracked(connection, rows.stream().map(OutboxRow::topic).distinct().toList())) {
                    connection.commit(); // positions must be durable before the first send past them
                    return AGAIN;
                }
                if (!rows.isEmpty()) {
                    positions.advance(connection, send(rows));
                    delete(connection, rows.stream().map(OutboxRow::id).collect(Collectors.toSet()));
                }
                connection.commit();
                rows.stream().collect(Collectors.groupingBy(OutboxRow::topic, Collectors.counting()))
                        .forEach((topic, count) -> Counter.builder("restartwatch.outbox.published")
                                .description("Outbox events the relay published, by topic").tag("topic", topic)
                                .register(metrics).increment(count));
                published.addAndGet(rows.size());
                return rows.size();
            } catch (SQLException | RuntimeException | InterruptedException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private boolean tryLock(Connection connection) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("select pg_try_advisory_xact_lock(?)")) {
            lock.setLong(1, RELAY_LOCK);
            try (ResultSet result = lock.executeQuery()) {
                return result.next() && result.getBoolean(1);
            }
        }
    }

    private List<OutboxRow> readBatch(Connection connection) throws SQLException {
        List<OutboxRow> rows = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("""
                select id, event_id, topic, event_key, event_type, event_source, subject, occurred_at, payload
                from outbox_event order by id limit ?""")) {
            select.setInt(1, batchSize);
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    rows.add(new OutboxRow(result.getLong(1), result.getString(2), result.getString(3),
                            result.getString(4), result.getString(5), result.getString(6), result.getString(7),
                            result.getTimestamp(8).toInstant().toString(), result.getString(9)));
                }
            }
        }
        return rows;
    }

    /** Sends in id order and waits for every acknowledgement; returns the next offset per partition written. */
    private Map<TopicPartition, Long> send(List<OutboxRow> rows) throws InterruptedException {
        List<Future<RecordMetadata>> acks = new ArrayList<>(rows.size());
        for (OutboxRow row : rows) {
            acks.add(producer.send(toRecord(row)));
        }
        Map<TopicPartition, Long> next = new HashMap<>();
        for (Future<RecordMetadata> ack : acks) {
            try {
                RecordMetadata metadata = ack.get(60, TimeUnit.SECONDS);
                next.merge(new TopicPartition(metadata.topic(), metadata.partition()), metadata.offset() + 1, Math::max);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("Kafka did not acknowledge an outbox event", e);
            }
        }
        return next;
    }

    private static ProducerRecord<String, String> toRecord(OutboxRow row) {
        var record = new ProducerRecord<>(row.topic(), row.key(), row.payload());
        header(record, CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_VALUE);
        header(record, CloudEventHeaders.ID, row.eventId());
        header(record, CloudEventHeaders.TYPE, row.type());
        header(record, CloudEventHeaders.SOURCE, row.source());
        header(record, CloudEventHeaders.TIME, row.occurredAt());
        if (row.subject() != null) {
            header(record, CloudEventHeaders.SUBJECT, row.subject());
        }
        header(record, CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.JSON);
        header(record, PublishedPositions.OUTBOX_ID_HEADER, String.valueOf(row.id()));
        return record;
    }

    private static void header(ProducerRecord<String, String> record, String name, String value) {
        record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static void delete(Connection connection, Set<Long> ids) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("delete from outbox_event where id = any(?)")) {
            delete.setArray(1, connection.createArrayOf("bigint", ids.toArray(Long[]::new)));
            delete.executeUpdate();
        }
    }

    private Properties producerConfig() {
        Properties config = KafkaClientConfig.common(bootstrapServers);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        // Idempotence keeps per-partition order across internal retries.
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        config.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, "131072");
        // Fail a pass in seconds when Kafka is down; the rows stay and the next pass retries.
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        return config;
    }

    private record OutboxRow(long id, String eventId, String topic, String key, String type, String source,
                             String subject, String occurredAt, String payload) {
    }
}
