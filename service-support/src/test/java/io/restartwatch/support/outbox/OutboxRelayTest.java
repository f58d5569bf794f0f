package io.restartwatch.support.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restartwatch.contracts.CloudEventHeaders;
import io.restartwatch.support.testapp.TestTopics;
import io.restartwatch.testsupport.KafkaEvents;
import io.restartwatch.testsupport.KafkaEvents.ReceivedEvent;
import io.restartwatch.testsupport.LocalInfraResource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The outbox relay on real Kafka and PostgreSQL, including a relay that dies at each point of its pass: the
 * next relay (a restarted instance) must publish every committed event, and none twice.
 */
@QuarkusTest
@WithTestResource(LocalInfraResource.class)
class OutboxRelayTest {

    private static final String TYPE = "io.restartwatch.test.happened";

    @Inject
    Outbox outbox;
    @Inject
    OutboxRelay relay;
    @Inject
    AgroalDataSource dataSource;
    @Inject
    MeterRegistry metrics;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private final KafkaEvents kafka = KafkaEvents.local();

    @Test
    void publishesCommittedEventsInOrderWithTheirCloudEventAttributesAndRecordsWhereTheyEnd() throws SQLException {
        String topic = TestTopics.create("relay-order", 1);
        long before = relay.publishedCount();

        List<String> ids = QuarkusTransaction.requiringNew().call(() -> IntStream.range(0, 20)
                .mapToObj(n -> outbox.enqueue(topic, "server-1", TYPE, "server-1", Map.of("n", n))).toList());

        // Woken by the commit: the relay polls only every hour in these tests.
        List<ReceivedEvent> events = kafka.awaitEvents(topic, Duration.ofSeconds(60), event -> true, 20);
        assertThat(events).extracting(ReceivedEvent::id).containsExactlyElementsOf(ids);
        ReceivedEvent first = events.get(0);
        assertThat(first.key()).isEqualTo("server-1");
        assertThat(first.type()).isEqualTo(TYPE);
        assertThat(first.headers()).containsEntry(CloudEventHeaders.SOURCE, "/restartwatch/support-test")
                .containsEntry(CloudEventHeaders.SUBJECT, "server-1")
                .containsKey(CloudEventHeaders.TIME)
                .containsKey(PublishedPositions.OUTBOX_ID_HEADER);
        assertThat(first.value()).isEqualTo("{\"n\":0}");
        await().atMost(Duration.ofSeconds(30)).until(() -> outboxRows(topic) == 0);
        assertThat(positions(topic)).isEqualTo(Map.of(0, 20L)).isEqualTo(TestTopics.endOffsets(topic, 1));
        assertThat(relay.publishedCount() - before).isGreaterThanOrEqualTo(20);
        assertThat(relay.isFailing()).isFalse();
    }

    @Test
    void aBatchEnqueuedInOneInsertIsPublishedInItsOrderWithEachEventsAttributes() throws SQLException {
        String topic = TestTopics.create("relay-batch-order", 1);
        List<OutboxMessage> messages = IntStream.range(0, 50)
                .mapToObj(n -> new OutboxMessage(topic, "server-" + (n % 3), TYPE, "subject-" + n, Map.of("n", n))).toList();

        List<String> ids = QuarkusTransaction.requiringNew().call(() -> outbox.enqueueAll(messages));

        List<ReceivedEvent> events = kafka.awaitEvents(topic, Duration.ofSeconds(60), event -> true, 50);
        assertThat(events).extracting(ReceivedEvent::id).containsExactlyElementsOf(ids);
        assertThat(events).extracting(ReceivedEvent::key).containsExactlyElementsOf(messages.stream().map(OutboxMessage::key).toList());
        assertThat(events).extracting(event -> event.headers().get(CloudEventHeaders.SUBJECT))
                .containsExactlyElementsOf(IntStream.range(0, 50).mapToObj(n -> "subject-" + n).toList());
        assertThat(events.get(7).value()).isEqualTo("{\"n\":7}");
        assertThat(events).allSatisfy(event -> assertThat(event.headers())
                .containsEntry(CloudEventHeaders.SOURCE, "/restartwatch/support-test").containsKey(CloudEventHeaders.TIME));
        await().atMost(Duration.ofSeconds(30)).until(() -> outboxRows(topic) == 0);
    }

    @Test
    void anEventCommittedBeforeTheRelayDiedIsPublishedByTheNextRelay() throws Exception {
        String topic = TestTopics.create("relay-died-before-send", 3);
        List<String> ids = insertRows(topic, 12);

        passThatDies(sql -> sql.contains("from outbox_event order by id"), CrashingDataSource.At.STATEMENT);
        assertThat(kafka.readAll(topic)).isEmpty();
        assertThat(outboxRows(topic)).isEqualTo(12);

        passOfARestartedRelay();

        assertEachPublishedOnceAndNothingLeft(topic, 3, ids);
    }

    @Test
    void eventsOnKafkaFromARelayThatDiedBeforeItsCommitAreNotPublishedAgain() throws Exception {
        String topic = TestTopics.create("relay-died-before-commit", 3);
        List<String> ids = insertRows(topic, 30);

        // Sent and acknowledged, then the process dies before the transaction that records the positions and
        // deletes the rows commits.
        passThatDies(sql -> sql.startsWith("delete from outbox_event"), CrashingDataSource.At.COMMIT);
        assertThat(kafka.readAll(topic)).extracting(ReceivedEvent::id).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(outboxRows(topic)).isEqualTo(30);
        assertThat(positions(topic)).isNotEqualTo(TestTopics.endOffsets(topic, 3));

        List<String> later = insertRows(topic, 5);
        passOfARestartedRelay();

        List<String> expected = new ArrayList<>(ids);
        expected.addAll(later);
        assertEachPublishedOnceAndNothingLeft(topic, 3, expected);
    }

    @Test
    void aRecordAnotherProducerWrotePastThePositionsIsNotTakenForAnUnconfirmedSend() throws Exception {
        String topic = TestTopics.create("relay-foreign-record", 1);
        OutboxRelay own = relayOver(dataSource);
        List<String> ids = insertRows(topic, 3);
        drain(own);
        assertThat(positions(topic)).isEqualTo(Map.of(0, 3L));

        // No outbox id header: not one of the relay's sends, whatever lies past the position.
        kafka.publishRaw(topic, "server-9", "{}", Map.of(CloudEventHeaders.ID, "foreign", CloudEventHeaders.TYPE, TYPE));
        List<String> more = insertRows(topic, 4);
        drain(own);
        own.close();

        assertThat(kafka.readAll(topic)).extracting(ReceivedEvent::id)
                .containsExactly(ids.get(0), ids.get(1), ids.get(2), "foreign", more.get(0), more.get(1), more.get(2), more.get(3));
        assertThat(positions(topic)).isEqualTo(Map.of(0, 8L));
        assertThat(outboxRows(topic)).isZero();
    }

    /** Every id once on the topic, no row left in the outbox, and the stored positions at the topic's end. */
    private void assertEachPublishedOnceAndNothingLeft(String topic, int partitions, List<String> ids) throws SQLException {
        assertThat(kafka.readAll(topic)).extracting(ReceivedEvent::id).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(outboxRows(topic)).isZero();
        assertThat(positions(topic)).isEqualTo(TestTopics.endOffsets(topic, partitions));
    }

    /** A relay instance that dies during its pass, as its process would when killed there. */
    private void passThatDies(Predicate<String> statement, CrashingDataSource.At at) {
        OutboxRelay dying = relayOver(CrashingDataSource.over(dataSource, statement, at));
        assertThatThrownBy(() -> drain(dying)).hasMessageContaining("simulated crash");
        dying.close();
    }

    /** A new relay instance (the service restarted) that relays everything. */
    private void passOfARestartedRelay() throws Exception {
        OutboxRelay restarted = relayOver(dataSource);
        drain(restarted);
        restarted.close();
    }

    private OutboxRelay relayOver(AgroalDataSource source) {
        OutboxRelay another = new OutboxRelay(source, metrics, bootstrapServers, 500, Duration.ofHours(1));
        another.open();
        return another;
    }

    private static void drain(OutboxRelay relay) throws Exception {
        while (relay.relayPass()) {
            // more waiting
        }
    }

    /** Rows as Outbox.enqueue writes them, without waking the application's relay. */
    private List<String> insertRows(String topic, int count) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); PreparedStatement insert = connection.prepareStatement("""
                insert into outbox_event (event_id, topic, event_key, event_type, event_source, subject, occurred_at, payload)
                values (?, ?, ?, ?, '/restartwatch/support-test', ?, ?, '{}')""")) {
            for (int n = 0; n < count; n++) {
                String id = UUID.randomUUID().toString();
                String key = "server-" + (n % 5);
                insert.setString(1, id);
                insert.setString(2, topic);
                insert.setString(3, key);
                insert.setString(4, TYPE);
                insert.setString(5, key);
                insert.setTimestamp(6, Timestamp.from(Instant.now()));
                insert.addBatch();
                ids.add(id);
            }
            insert.executeBatch();
        }
        return ids;
    }

    private int outboxRows(String topic) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement count = connection.prepareStatement("select count(*) from outbox_event where topic = ?")) {
            count.setString(1, topic);
            try (ResultSet result = count.executeQuery()) {
                result.next();
                return result.getInt(1);
            }
        }
    }

    private Map<Integer, Long> positions(String topic) throws SQLException {
        Map<Integer, Long> positions = new TreeMap<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("select partition_no, next_offset from outbox_position where topic = ?")) {
            select.setString(1, topic);
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    positions.put(result.getInt(1), result.getLong(2));
                }
            }
        }
        return positions;
    }
}
